"""Building replies from records, whatever the format: field lookup, HTML and comments,
suppressions, ids, and the map from each reply's text back to the file."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicecheck.guide.schema import type_name
from voicecheck.io.formats import csvpos, helpdesk
from voicecheck.io.formats.jsonpos import JObject, offset_of, string_map
from voicecheck.io.formats.library import (
    Fields,
    Reply,
    Suppression,
    normalise_lang,
    slug,
)
from voicecheck.io.formats.markdown import split_markdown
from voicecheck.io.formats.offsets import Chain, Lazy, LineIndex, Shift, TextMap
from voicecheck.io.formats.suppress import ignore_codes, parse_directive
from voicecheck.io.formats.yamlpos import YamlDoc, YObject, scalar_map
from voicecheck.io.html_text import MappedText, html_to_text, strip_comments
from voicecheck.model import VoicecheckError
from voicecheck.text.blank import is_blank

HELPDESKS = ("zendesk", "freshdesk", "helpscout", "front")
IGNORE_FIELD = "voicecheck_ignore"
_DEFAULTS = {"id": ("id", "key", "name", "slug"), "title": ("title", "name", "subject"),
             "body": ("body", "text", "reply", "content", "message"),
             "lang": ("lang", "language", "locale"), "channel": ("channel",)}


@dataclass(slots=True)
class Value:
    """A field's value with its map to the file and the offset where it starts."""

    value: Any
    map: TextMap | None
    _offset: int | None
    make_map: Any = None  # builds `map` from the offset on demand (only a body needs one)
    locate: Any = None    # finds the offset on demand

    @property
    def offset(self) -> int:
        if self._offset is None:
            self._offset = self.locate()
        return self._offset

    def lazy_map(self) -> TextMap:
        """The map, built on first use; holds what builds it, not the value itself."""
        if self.map is not None:
            return self.map
        make, locate, offset = self.make_map, self.locate, self._offset

        def build() -> TextMap:
            at = offset if offset is not None else locate()
            return make(at) if make else Shift(at)
        return Lazy(build)

    def text_map(self) -> TextMap:
        if self.map is None:
            self.map = self.make_map(self.offset) if self.make_map else Shift(self.offset)
        return self.map


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _label(value: str) -> str:
    """An id, title or channel as it will be printed: a lone surrogate (JSON's "\\ud800", or
    YAML's) cannot be written as UTF-8, and crashed every output format and the cache, so it
    is shown as U+FFFD. (A reply's text with one is refused, with its place, by the engine.)"""
    return _LONE_SURROGATE.sub("\ufffd", value)


class LibraryReader:
    def __init__(self, path: str, src: str, fields: Fields) -> None:
        self.path = path
        self.src = src
        self.fields = fields
        self.lines = LineIndex(src)
        self.replies: list[Reply] = []
        self.format = ""
        self._ids: set[str] = set()
        self._suffix: dict[str, int] = {}  # id -> the suffix its last search ended on

    # one reply, whatever the format

    def add(self, body: Value, *, html: bool, reply_id: object = None, title: object = None,
            lang: object = None, channel: object = None, start: int = 0,
            extra: list[Suppression] | None = None,
            where: dict[str, Any] | None = None) -> Reply | None:
        value = body.value
        if not isinstance(value, str):
            raise VoicecheckError("the reply body must be text", path=self.path,
                                  line=self.lines.line(body.offset), code="E234")
        if html or "<!--" in value:
            mapped = html_to_text(value) if html else strip_comments(value)
            text = mapped.text
            if mapped.comments:
                base = body.text_map()
                to_file: TextMap = Chain(mapped.map, base)
                suppressions = self._comment_suppressions(mapped, base, to_file)
            else:
                to_file, suppressions = Chain(mapped.map, body.lazy_map()), []
        else:  # the common case: the value is the text; its map is built if ever asked
            text, to_file, suppressions = value, body.lazy_map(), []
        trimmed = text.strip()
        if not trimmed or is_blank(trimmed):
            return None  # nothing to check: an empty or invisible-only reply is skipped
        if extra:
            suppressions = extra + suppressions
        lead = len(text) - len(text.lstrip())
        if lead or len(trimmed) != len(text) - lead:
            text, to_file, suppressions = _trim(text, to_file, suppressions, lead,
                                                lead + len(trimmed))
        title_text = None if title is None or title == "" else _label(str(title))
        rid = self._unique(_label(str(reply_id)) if reply_id not in (None, "") else
                           (slug(title_text) if title_text and slug(title_text) else
                            f"#{len(self.replies) + 1}"))
        reply = Reply(self.path, rid, title_text, text, normalise_lang(lang),
                      None if channel in (None, "") else _label(str(channel)), suppressions,
                      start, to_file, where)
        self.replies.append(reply)
        return reply

    def _unique(self, rid: str) -> str:
        """`rid`, else the first of rid-2, rid-3, … not taken. The search goes on from where
        the last one for `rid` stopped (ids are never freed): counting up from 2 each time,
        20,000 sections of one title took 31 s."""
        n = self._suffix.get(rid, 1)
        out = rid if n == 1 else f"{rid}-{n}"
        while out in self._ids:
            n += 1
            out = f"{rid}-{n}"
        self._ids.add(out)
        self._suffix[rid] = n
        return out

    def _comment_suppressions(self, mapped: MappedText, base: TextMap,
                              to_file: TextMap) -> list[Suppression]:
        out = []
        for c in mapped.comments:
            at = base.source(c.start)
            line = self.lines.line(at)
            directive = parse_directive(c.inner, self.path, line)
            if directive is None:
                continue
            written = self.src[at:base.source(c.end - 1) + 1] if c.end > c.start else ""
            if not directive.next_line:
                out.append(Suppression(directive.codes, line, None, written))
                continue
            k = bisect_left(range(len(mapped.text) + 1), c.end, key=mapped.source)
            a, b = _covered_line(mapped.text, k)
            target_line = self.lines.line(to_file.source(a)) if a < len(mapped.text) else line + 1
            out.append(Suppression(directive.codes, line, target_line, written, (a, b)))
        return out

    # formats

    def read_text(self, fmt: str) -> None:
        stem = Path(self.path).stem
        if fmt == "txt":
            self.add(Value(self.src, None, 0), html=False, reply_id=stem)
            return
        doc = split_markdown(self.src, self.path)
        front, where = doc.front, {}
        lang_key = next((k for k in ("lang", "language", "locale") if front.get(k)), "lang")
        for what, key in (("lang", lang_key), ("channel", "channel")):
            value = front.get(key)
            if value is not None and not isinstance(value, str):
                raise VoicecheckError(f"front matter: '{key}' must be text, not "
                                      f"{type_name(value)}", path=self.path,
                                      line=doc.front_lines.get(key), code="E232")
            if value:
                where[what] = _constant(doc.front_lines.get(key))
        for section in doc.sections:
            body = Value(self.src[section.start:section.end], None, section.start)
            rid = stem if section.title is None else (slug(section.title) or None)
            self.add(body, html=False, reply_id=rid, title=section.title,
                     lang=front.get(lang_key), channel=front.get("channel"),
                     start=section.heading, where=where or None)

    def read_csv(self, tsv: bool) -> None:
        delimiter = "\t" if tsv else csvpos.sniff_delimiter(self.src)
        rows = csvpos.read_rows(self.src, self.path, delimiter)
        if not rows:
            return
        src = self.src
        header = [c.value.strip() for c in rows[0]]
        names: dict[str, int] = {}
        for k, name in enumerate(header):
            if name in names and name:  # the second would be silently ignored
                raise VoicecheckError(f"invalid CSV: column {_shown(name)} appears twice in "
                                      f"the header (columns {names[name] + 1} and {k + 1})",
                                      path=self.path, line=self.lines.line(rows[0][k].start),
                                      code="E233")
            names.setdefault(name, k)
        for name, k in list(names.items()):
            names.setdefault(name.lower(), k)  # "Body", "Title" columns: the default fields
        for row in rows[1:]:
            if len(row) > len(header):
                raise VoicecheckError(f"a row has {len(row)} cells but the header has "
                                      f"{len(header)} (an unquoted '{delimiter}' in a cell?)",
                                      path=self.path, line=self.lines.line(row[0].start),
                                      code="E233")

            def get(name: str, row: list[csvpos.Cell] = row) -> Value | None:
                k = names.get(name)
                if k is None or k >= len(row):
                    return None
                cell = row[k]
                return Value(cell.value, None, cell.start, lambda _at: cell.map(src))
            self._record(get, names.keys(), row[0].start)

    def read_yaml(self) -> None:
        src = self.src
        doc = YamlDoc(src, self.path)
        if doc.data is None:
            return  # an empty file
        items = self._items(doc.data, lambda item: item.node.start_mark.index
                            if isinstance(item, YObject) else 0)
        spans = []
        replies: list[Reply | None] = []
        for item in items:
            node = item.node
            first = node.start_mark.line + 1
            end = node.end_mark
            last = end.line + 1 if end.column else end.line
            spans.append((first, max(first, last)))

            def get(name: str, item: YObject = item) -> Value | None:
                found = _dotted(item, name)
                if found is None:
                    return None
                obj, key = found
                node, value = obj.nodes[key], obj[key]
                return Value(value, None, node.start_mark.index,
                             lambda _at: scalar_map(src, node, value))
            replies.append(self._record(get, item.keys(), node.start_mark.index))
        self._attach_yaml_comments(doc, spans, replies)

    def read_json(self, data: Any, fmt: str) -> None:
        src = self.src  # (closures keep the text, not the reader: no reference cycle)
        if fmt in HELPDESKS:
            for record in helpdesk.records(data, fmt, self.path, self.lines):
                self.add(_json_value(src, record.body, record.start, record.body_path),
                         html=record.html, reply_id=record.reply_id, title=record.title,
                         start=record.start)
            return
        for item in self._items(data, lambda item: getattr(item, "start", 0)):
            def get(name: str, item: JObject = item) -> Value | None:
                found = _dotted(item, name)
                if found is None:
                    return None
                path = (name,) if found[1] == name else tuple(name.split("."))
                return _json_value(src, found[0][found[1]], item.start, path)
            self._record(get, item.keys(), item.start)

    # records of the generic formats

    def _items(self, data: Any, start_of: Any) -> list[Any]:
        if isinstance(data, dict):
            lists = [k for k, v in data.items() if isinstance(v, list)]
            if len(lists) != 1:
                raise VoicecheckError("expected a list of replies, or a mapping with one list "
                                      "of them (e.g. 'replies:')", path=self.path, line=1,
                                      code="E234")
            data = data[lists[0]]
        if not isinstance(data, list):
            raise VoicecheckError("expected a list of replies", path=self.path, line=1,
                                  code="E234")
        for n, item in enumerate(data, 1):
            if not isinstance(item, dict):
                raise VoicecheckError(f"reply {n} is not a mapping of fields", path=self.path,
                                      line=self.lines.line(_item_offset(data, n - 1)),
                                      code="E234")
        return data

    def _field(self, get: Any, keys: Any, what: str) -> Value | None:
        name = getattr(self.fields, what)
        if name is not None:
            return get(name)
        for candidate in _DEFAULTS[what]:
            if candidate in keys:
                return get(candidate)
        return None

    def _record(self, get: Any, keys: Any, start: int) -> Reply | None:
        body = self._field(get, keys, "body")
        if body is None:
            looked = self.fields.body or ", ".join(_DEFAULTS["body"])
            raise VoicecheckError(f"a reply has no body field (looked for: {looked}; set the "
                                  "body field in the reader's fields)", path=self.path,
                                  line=self.lines.line(start), code="E234")
        if body.value is None:
            return None
        extra = []
        ignore = get(IGNORE_FIELD)
        if ignore is not None:
            line = self.lines.line(ignore.offset)
            codes = ignore_codes(ignore.value, self.path, line)
            if codes is not None:
                extra.append(Suppression(codes, line, None,
                                         f"{IGNORE_FIELD}: {ignore.value}"))
        values = {what: self._field(get, keys, what) for what in ("id", "title", "lang",
                                                                   "channel")}
        where = {}
        for what, found in values.items():
            if found is not None and found.value is not None:
                self._check_type(what, found)
                if what in ("lang", "channel"):
                    where[what] = _line_of(self.lines, found)
        return self.add(body, html=False, start=start, extra=extra, where=where or None,
                        **{("reply_id" if k == "id" else k): (v.value if v else None)
                           for k, v in values.items()})

    def _check_type(self, what: str, found: Value) -> None:
        """An id or title is text or a number, a language or channel text: a list, a
        mapping or true/false is refused at its line instead of being printed as Python."""
        value = found.value
        if isinstance(value, str):
            return
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        if numeric and what in ("id", "title"):
            return
        name = getattr(self.fields, what) or what
        expected = "text or a number" if what in ("id", "title") else "text"
        hint = " (quote it: YAML reads a bare yes, no, on or off as true/false)" \
            if isinstance(value, bool) else ""
        raise VoicecheckError(f"the reply's {name!r} must be {expected}, not "
                              f"{type_name(value)}{hint}", path=self.path,
                              line=self.lines.line(found.offset), code="E234")

    def _attach_yaml_comments(self, doc: YamlDoc, spans: list[tuple[int, int]],
                              replies: list[Reply | None]) -> None:
        if not spans:
            return
        for at, written in doc.comments():
            line = self.lines.line(at)
            directive = parse_directive(written, self.path, line)
            if directive is None:
                continue
            reply = replies[_yaml_item_for(spans, line, directive.next_line)]
            if reply is None:
                continue
            target = line + 1 if directive.next_line else None
            reply.suppressions.append(Suppression(directive.codes, line, target,
                                                  "# " + written.strip()))


def _yaml_item_for(spans: list[tuple[int, int]], line: int, next_line: bool) -> int:
    """Index of the item a `# voicecheck:` comment on `line` belongs to."""
    if not next_line:
        for k, (first, _) in enumerate(spans):
            if first in (line, line + 1):
                return k
    want = line + 1 if next_line else line
    for k, (first, last) in enumerate(spans):
        if first <= want <= last:
            return k
    for k, (first, _) in enumerate(spans):
        if first > line:
            return k
    return len(spans) - 1


def _constant(line: int | None) -> Any:
    return lambda: line


def _line_of(lines: LineIndex, found: Value) -> Any:
    """Finds the line of a field's value when asked (holds the value, not the reader)."""
    return lambda: lines.line(found.offset)


def _shown(name: str) -> str:
    return repr(name if len(name) <= 60 else name[:57] + "...")


def _json_value(src: str, value: Any, start: int, path: tuple[str | int, ...]) -> Value:
    """A JSON value whose offset is found only when asked (the record is parsed again)."""
    n = len(value) if isinstance(value, str) else 0
    return Value(value, None, None, lambda at: string_map(src, at, n),
                 lambda: offset_of(src, start, path))


def _dotted(obj: dict[str, Any], name: str) -> tuple[Any, str] | None:
    """(the mapping holding it, its key) of a dotted field path, None when absent."""
    if name in obj:
        return obj, name
    parts = name.split(".")
    for part in parts[:-1]:
        obj = obj.get(part)  # type: ignore[assignment]
        if not isinstance(obj, dict):
            return None
    return (obj, parts[-1]) if parts[-1] in obj else None


def _item_offset(data: Any, k: int) -> int:
    if hasattr(data, "starts"):
        return data.starts[k]
    if hasattr(data, "nodes"):
        return data.nodes[k].start_mark.index
    return 0


def _covered_line(text: str, k: int) -> tuple[int, int]:
    """[start, end) of the text line a disable-next-line comment ending at text[k] covers."""
    j = k
    while j < len(text) and text[j] in " \t\r":
        j += 1
    if j < len(text) and text[j] == "\n":
        start = j + 1           # the comment ended its line: the next one
    elif k == 0 or text[k - 1] == "\n":
        start = k               # the comment stood before the line's text (HTML blocks)
    else:
        nl = text.find("\n", k)
        start = len(text) if nl < 0 else nl + 1
    end = text.find("\n", start)
    return start, len(text) if end < 0 else end


def _trim(text: str, to_file: TextMap, suppressions: list[Suppression], a: int,
          b: int) -> tuple[str, TextMap, list[Suppression]]:
    """The reply without leading and trailing white space, maps and spans kept right."""
    for s in suppressions:
        if s.target is not None:
            s.target = (max(0, min(s.target[0], b) - a), max(0, min(s.target[1], b) - a))
    return text[a:b], Chain(Shift(a), to_file), suppressions
