"""The API export shapes of four helpdesks, as their API documentation gives them.

- Zendesk macros, `GET /api/v2/macros.json`: `{"macros": [{"id", "title", "actions":
  [{"field": "comment_value_html" | "comment_value", "value": …}]}]}`; also one macro
  (`{"macro": {…}}`) or a bare list of macros.
- Freshdesk canned responses, `GET /api/v2/canned_response_folders/{id}/responses`: a list of
  `{"id", "title", "content", "content_html", "folder_id"}`; also a folder object holding them
  under `canned_responses`.
- Help Scout saved replies, `GET /v2/mailboxes/{id}/saved-replies/{id}`: `{"id", "name",
  "text", "chatText"}` (a list of them; the list endpoint's `preview` when `text` is absent);
  also under `_embedded`.
- Front message templates, `GET /message_templates`: `{"_results": [{"id": "rsp_…", "name",
  "subject", "body"}]}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from voicecheck.guide.schema import type_name
from voicecheck.io.formats.offsets import LineIndex
from voicecheck.model import VoicecheckError


@dataclass(slots=True)
class Record:
    body: str
    body_path: tuple[str | int, ...]  # where the body is inside the record (jsonpos.offset_of)
    html: bool
    reply_id: object
    title: object
    start: int         # source offset of the record


def guess_from_head(head: str) -> str:
    """A helpdesk format from the first bytes of a .json file, else "json"."""
    if re.search(r'"macros?"\s*:', head) or re.search(r'"comment_value(?:_html)?"', head):
        return "zendesk"
    if re.search(r'"canned_responses"\s*:|"content_html"\s*:', head):
        return "freshdesk"
    if re.search(r'"_results"\s*:|"id"\s*:\s*"rsp_', head):
        return "front"
    if re.search(r'"chatText"\s*:|"chatPreview"\s*:|"_embedded"\s*:', head):
        return "helpscout"
    if re.search(r'"name"\s*:', head) and re.search(r'"preview"\s*:', head) \
            and not re.search(r'"(?:title|body)"\s*:', head):
        return "helpscout"
    return "json"


def shape_of(data: Any) -> str:
    """The helpdesk whose export `data` is, by its structure, else "json"."""
    if isinstance(data, dict):
        if isinstance(data.get("macros"), list) or isinstance(data.get("macro"), dict):
            return "zendesk"
        if isinstance(data.get("canned_responses"), list):
            return "freshdesk"
        if isinstance(data.get("_results"), list):
            return "front"
        if isinstance(data.get("_embedded"), dict):
            return "helpscout"
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else None
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return "json"
    first = data[0]
    if isinstance(first.get("actions"), list) and "title" in first:
        return "zendesk"
    if "title" in first and ("content_html" in first or "folder_id" in first):
        return "freshdesk"
    if str(first.get("id", "")).startswith("rsp_") and "body" in first:
        return "front"
    if "name" in first and ({"text", "chatText", "preview"} & first.keys()) \
            and not ({"title", "body"} & first.keys()):
        return "helpscout"
    return "json"


class _WrongType(Exception):
    """A field of a record that has the wrong type: its path in the record, and what is
    wrong (turned into an E234 with its line by `records`)."""

    def __init__(self, where: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


def records(data: Any, fmt: str, path: str, lines: LineIndex) -> list[Record]:
    """The replies of a helpdesk export, in file order. A field that is there with the wrong
    type (a body that is a number, a title that is a list) is an error at its line, never a
    reply silently skipped."""
    items = _items(data, fmt, path)
    out: list[Record] = []
    for k, item in enumerate(items):
        if not isinstance(item, dict):
            raise VoicecheckError(f"{fmt} export: item {k + 1} is not an object", path=path,
                                  line=lines.line(items.starts[k]), code="E234")
        try:
            out.extend(_READERS[fmt](item))
        except _WrongType as wrong:
            at = _offset_in(item, wrong.where)
            raise VoicecheckError(f"{fmt} export: {wrong.message}", path=path,
                                  line=lines.line(at), code="E234") from None
    return out


def _offset_in(item: Any, where: tuple[str | int, ...]) -> int:
    """Source offset of the value at `where` inside a record (its nested objects and arrays
    know their offsets once the record's own are asked for)."""
    node, at = item, item.start
    for step in where:
        at = node.starts[step]
        node = node[step]
    return at


def _items(data: Any, fmt: str, path: str) -> Any:
    if isinstance(data, dict):
        keys = {"zendesk": ("macros", "macro"), "freshdesk": ("canned_responses",),
                "front": ("_results",), "helpscout": ("_embedded",)}[fmt]
        for key in keys:
            value = data.get(key)
            if key == "macro" and isinstance(value, dict):
                return _single(data, key)
            if key == "_embedded" and isinstance(value, dict):
                lists = [k for k, v in value.items() if isinstance(v, list)]
                if len(lists) == 1:
                    return value[lists[0]]
            elif isinstance(value, list):
                return value
    if isinstance(data, list):
        return data
    expected = {"zendesk": '{"macros": [...]}', "freshdesk": "a list of canned responses",
                "front": '{"_results": [...]}', "helpscout": "a list of saved replies"}[fmt]
    raise VoicecheckError(f"not a {fmt} export: expected {expected}", path=path, line=1,
                          code="E234")


def _single(data: Any, key: str) -> Any:
    from voicecheck.io.formats.jsonpos import JArray

    arr = JArray([data[key]])
    arr.starts = [data.starts[key]]
    arr.start = data.starts[key]
    return arr


def _body(value: Any, name: str, where: tuple[str | int, ...]) -> str:
    """`value` of the reply body field `name`, at `where` in its record, which must be text."""
    if not isinstance(value, str):
        raise _WrongType(where, f"the reply body ('{name}') must be text, not "
                                f"{type_name(value)}")
    return value


def _string(obj: Any, key: str) -> tuple[str, tuple[str | int, ...]] | None:
    """A reply body: None when absent, null or blank; an error when not text."""
    value = obj.get(key)
    if value is None:
        return None
    return (value, (key,)) if _body(value, key, (key,)).strip() else None


def _label(obj: Any, key: str) -> Any:
    """An id or title: text or a number (or absent); anything else is an error."""
    value = obj.get(key)
    if value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool)):
        return value
    raise _WrongType((key,), f"'{key}' must be text or a number, not {type_name(value)}")


def _zendesk(macro: Any) -> list[Record]:
    actions = macro.get("actions")
    if actions is None:
        return []
    if not isinstance(actions, list):
        raise _WrongType(("actions",), f"'actions' must be a list, not {type_name(actions)}")
    found: dict[str, tuple[str, tuple[str | int, ...]]] = {}
    for n, action in enumerate(actions):
        if not isinstance(action, dict):
            raise _WrongType(("actions", n), f"each action must be an object, not "
                                             f"{type_name(action)}")
        name = action.get("field")
        if name not in ("comment_value_html", "comment_value"):
            continue
        value = action.get("value")
        where: tuple[str | int, ...] = ("actions", n, "value")
        if isinstance(value, str):
            found.setdefault(name, (value, where))
        elif isinstance(value, list):
            # ["channel:all", "text"]: the comment is the last string
            texts = [(v, where + (k,)) for k, v in enumerate(value)
                     if not _body(v, name, where + (k,)).startswith("channel:")]
            if texts:
                found.setdefault(name, texts[-1])
        elif value is not None:
            _body(value, name, where)  # a number or an object: an error at its line
    html = "comment_value_html" in found
    body = found.get("comment_value_html") or found.get("comment_value")
    if body is None or not body[0].strip():
        return []
    return [Record(body[0], body[1], html, _label(macro, "id"), _label(macro, "title"),
                   macro.start)]


def _freshdesk(response: Any) -> list[Record]:
    html = _string(response, "content_html")
    body = html or _string(response, "content")
    if body is None:
        return []
    return [Record(body[0], body[1], html is not None, _label(response, "id"),
                   _label(response, "title"), response.start)]


def _helpscout(reply: Any) -> list[Record]:
    out = []
    text = _string(reply, "text") or _string(reply, "preview")
    chat = _string(reply, "chatText")
    if text is None and chat is None:
        return out
    rid, name = _label(reply, "id"), _label(reply, "name")
    if text is not None:
        out.append(Record(text[0], text[1], True, rid, name, reply.start))
    if chat is not None:
        out.append(Record(chat[0], chat[1], False, f"{rid}/chat" if rid is not None else None,
                          name, reply.start))
    return out


def _front(template: Any) -> list[Record]:
    body = _string(template, "body")
    if body is None:
        return []
    return [Record(body[0], body[1], True, _label(template, "id"), _label(template, "name"),
                   template.start)]


_READERS = {"zendesk": _zendesk, "freshdesk": _freshdesk, "helpscout": _helpscout,
            "front": _front}
