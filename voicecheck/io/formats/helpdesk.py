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


def records(data: Any, fmt: str, path: str, lines: LineIndex) -> list[Record]:
    """The replies of a helpdesk export, in file order."""
    items = _items(data, fmt, path)
    out: list[Record] = []
    for k, item in enumerate(items):
        if not isinstance(item, dict):
            raise VoicecheckError(f"{fmt} export: item {k + 1} is not an object", path=path,
                                  line=lines.line(items.starts[k]), code="E234")
        out.extend(_READERS[fmt](item))
    return out


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


def _string(obj: Any, key: str) -> tuple[str, tuple[str | int, ...]] | None:
    value = obj.get(key)
    if isinstance(value, str) and value.strip():
        return value, (key,)
    return None


def _zendesk(macro: Any) -> list[Record]:
    actions = macro.get("actions")
    if not isinstance(actions, list):
        return []
    found: dict[str, tuple[str, tuple[str | int, ...]]] = {}
    for n, action in enumerate(actions):
        if not isinstance(action, dict) or action.get("field") not in (
                "comment_value_html", "comment_value"):
            continue
        value = action.get("value")
        if isinstance(value, str):
            found.setdefault(action["field"], (value, ("actions", n, "value")))
        elif isinstance(value, list):
            # ["channel:all", "text"]: the comment is the last string
            texts = [(v, ("actions", n, "value", k)) for k, v in enumerate(value)
                     if isinstance(v, str) and not v.startswith("channel:")]
            if texts:
                found.setdefault(action["field"], texts[-1])
    html = "comment_value_html" in found
    body = found.get("comment_value_html") or found.get("comment_value")
    if body is None or not body[0].strip():
        return []
    return [Record(body[0], body[1], html, macro.get("id"), macro.get("title"), macro.start)]


def _freshdesk(response: Any) -> list[Record]:
    html = _string(response, "content_html")
    body = html or _string(response, "content")
    if body is None:
        return []
    return [Record(body[0], body[1], html is not None, response.get("id"),
                   response.get("title"), response.start)]


def _helpscout(reply: Any) -> list[Record]:
    out = []
    text = _string(reply, "text") or _string(reply, "preview")
    rid = reply.get("id")
    if text is not None:
        out.append(Record(text[0], text[1], True, rid, reply.get("name"), reply.start))
    chat = _string(reply, "chatText")
    if chat is not None:
        out.append(Record(chat[0], chat[1], False, f"{rid}/chat" if rid is not None else None,
                          reply.get("name"), reply.start))
    return out


def _front(template: Any) -> list[Record]:
    body = _string(template, "body")
    if body is None:
        return []
    return [Record(body[0], body[1], True, template.get("id"), template.get("name"),
                   template.start)]


_READERS = {"zendesk": _zendesk, "freshdesk": _freshdesk, "helpscout": _helpscout,
            "front": _front}
