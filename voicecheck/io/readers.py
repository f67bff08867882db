"""Readers for canned-response libraries: every reply of a file, with its id, title, language
and suppression comments, and a map from each character of its checked text back to the file.

Formats: plain text (one reply per file), Markdown (one per heading section), YAML, JSON and
CSV (one per record; which fields hold what is configurable), and the API exports of Zendesk
macros, Freshdesk canned responses, Help Scout saved replies and Front message templates
(HTML bodies read as text). See docs/library-formats.md.

>>> lib = read_library("examples/library/replies.md")
>>> reply = lib.replies[0]
>>> lib.position(reply.source_offset(0))[0] > 1
True
"""

from __future__ import annotations

import codecs
import gc
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecheck.io.formats import csvpos, helpdesk
from voicecheck.io.formats.jsonpos import JObject, offset_of, parse_json, string_map
from voicecheck.io.formats.markdown import split_markdown
from voicecheck.io.formats.offsets import Chain, Lazy, LineIndex, Shift, TextMap
from voicecheck.io.formats.suppress import ignore_codes, parse_directive
from voicecheck.io.formats.yamlpos import YamlDoc, YObject
from voicecheck.io.html_text import MappedText, html_to_text, strip_comments
from voicecheck.io.inputs import decode
from voicecheck.model import VoicecheckError

FORMATS: tuple[str, ...] = ("txt", "md", "yaml", "json", "csv",
                            "zendesk", "freshdesk", "helpscout", "front")
HELPDESKS = ("zendesk", "freshdesk", "helpscout", "front")
MAX_FILE_BYTES = 1_000_000_000
IGNORE_FIELD = "voicecheck_ignore"
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".yaml": "yaml",
               ".yml": "yaml", ".json": "json", ".csv": "csv", ".tsv": "csv"}
_DEFAULTS = {"id": ("id", "key", "name", "slug"), "title": ("title", "name", "subject"),
             "body": ("body", "text", "reply", "content", "message"),
             "lang": ("lang", "language", "locale"), "channel": ("channel",)}
_LANG_NAMES = {"english": "en", "indonesian": "id", "bahasa indonesia": "id", "malay": "ms",
               "bahasa melayu": "ms", "bahasa malaysia": "ms", "persian": "fa", "farsi": "fa",
               "in": "id", "zsm": "ms", "pes": "fa"}


@dataclass(slots=True)
class Fields:
    """Which fields (JSON/YAML keys, dotted paths allowed, or CSV columns) hold what."""

    id: str | None = None
    title: str | None = None
    body: str | None = None
    lang: str | None = None
    channel: str | None = None


@dataclass(slots=True)
class Suppression:
    """A `voicecheck: disable…` comment or a `voicecheck_ignore` field."""

    codes: tuple[str, ...]          # () means every rule; codes or slugs exactly as written
    line: int                       # 1-based source line of the comment / field
    target_line: int | None = None  # disable-next-line: the source line it covers
    text: str = ""                  # the comment as written
    # disable-next-line inside a reply's text: [start, end) of the covered line in Reply.text
    # (exact even where many text lines share one source line, as in a JSON string)
    target: tuple[int, int] | None = None


@dataclass(slots=True)
class Reply:
    """One canned reply: `text` is what gets checked."""

    path: str
    reply_id: str
    title: str | None
    text: str
    lang: str | None = None
    channel: str | None = None
    suppressions: list[Suppression] = field(default_factory=list)
    start: int = 0                  # source offset where the reply's record or section begins
    _map: TextMap = field(default_factory=lambda: Shift(0), repr=False, compare=False)

    def source_offset(self, i: int) -> int:
        """Character offset in SourceFile.text of text[i] (i may equal len(text))."""
        return self._map.source(i)


@dataclass(slots=True)
class SourceFile:
    path: str
    format: str
    text: str
    replies: list[Reply]
    _lines: LineIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._lines = LineIndex(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a source offset; CRLF counts as one line break."""
        return self._lines.position(offset)


def detect_format(path: str | Path, head: str | None = None) -> str:
    """The format of a library file: by extension, and for .json by the shape of its start.

    >>> detect_format("macros.json", '{"macros": [{"id": 1, "title": "x", "actions": []}]}')
    'zendesk'
    >>> detect_format("replies.yml")
    'yaml'
    """
    p = Path(path)
    fmt = _EXTENSIONS.get(p.suffix.lower())
    if fmt is None:
        raise VoicecheckError(f"unknown library format '{p.suffix or p.name}' (use "
                              f"--input-format: {', '.join(FORMATS)})", path=str(path),
                              code="E238")
    if fmt != "json":
        return fmt
    if head is None:
        try:
            with open(p, "rb") as fh:
                head = _decode(fh.read(65536), str(path), partial=True)
        except OSError:
            return "json"
    return helpdesk.guess_from_head(head)


def read_library(path: str | Path, fmt: str | None = None,
                 fields: Fields | None = None) -> SourceFile:
    """Read every reply of one library file.

    >>> lib = read_library("examples/library/helpdesk/zendesk-macros.json")
    >>> lib.format, lib.replies[0].title is not None
    ('zendesk', True)
    """
    source = str(path)
    if fmt is not None and fmt not in FORMATS:
        raise VoicecheckError(f"unknown input format '{fmt}' (known: {', '.join(FORMATS)})",
                              path=source, code="E238")
    src = _read(Path(path), source)
    detected = fmt or detect_format(path, src[:65536])
    reader = _Reader(source, src, fields or Fields())
    collecting = gc.isenabled()
    gc.disable()  # many small objects, no cycles: the collector would only rescan them
    try:
        _read_into(reader, path, fmt, detected, src)
    finally:
        if collecting:
            gc.enable()
    return SourceFile(source, reader.format, src, reader.replies)


def _read_into(reader: _Reader, path: str | Path, fmt: str | None, detected: str,
               src: str) -> None:
    if detected in ("txt", "md"):
        reader.read_text(detected)
    elif detected == "csv":
        reader.read_csv(Path(path).suffix.lower() == ".tsv")
    elif detected == "yaml":
        reader.read_yaml()
    else:
        data = parse_json(src, reader.path, fast=True)
        if fmt is None:
            detected = helpdesk.shape_of(data)
        reader.read_json(data, detected)
    reader.format = detected


def normalise_lang(value: object) -> str | None:
    """"en-US" -> "en", "id_ID" -> "id", "Persian" -> "fa"; None for nothing.

    >>> normalise_lang("en-US"), normalise_lang("fa_IR"), normalise_lang("Bahasa Melayu")
    ('en', 'fa', 'ms')
    """
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    if text in _LANG_NAMES:
        return _LANG_NAMES[text]
    code = re.split(r"[-_]", text, maxsplit=1)[0]
    return _LANG_NAMES.get(code, code)


def slug(title: str) -> str:
    """A reply id from a title: lower case, words joined by "-" (any script).

    >>> slug("Late order: refund?"), slug("سفارش دیرکرد")
    ('late-order-refund', 'سفارش-دیرکرد')
    """
    text = re.sub(r"[\u200c\u200d]", "", title.lower())
    return re.sub(r"[^\w]+", "-", text).strip("-_")


# --- reading and decoding -------------------------------------------------------------------

def _read(p: Path, source: str) -> str:
    try:
        if p.is_dir():
            raise VoicecheckError("is a directory", path=source, code="E230")
        if p.stat().st_size > MAX_FILE_BYTES:
            raise VoicecheckError(f"larger than {MAX_FILE_BYTES:,} bytes", path=source,
                                  code="E236")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise VoicecheckError("no such file", path=source, code="E230") from None
    except PermissionError:
        raise VoicecheckError("permission denied", path=source, code="E230") from None
    except OSError as exc:
        raise VoicecheckError(f"cannot read: {exc.strerror}", path=source, code="E230") from None
    return _decode(raw, source)


def _decode(raw: bytes, source: str, partial: bool = False) -> str:
    """UTF-8 (a BOM is dropped) or UTF-16/32 with a BOM; anything else is a clear error."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(codec, errors="ignore" if partial else "strict")
            except UnicodeDecodeError as exc:
                raise VoicecheckError(f"not valid {codec.upper()} (byte {exc.start}); save the "
                                      "file as UTF-8", path=source, code="E235") from None
    if partial:
        return raw.decode("utf-8-sig", errors="ignore")
    return decode(raw, source)


# --- building replies ------------------------------------------------------------------------

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

    def text_map(self) -> TextMap:
        if self.map is None:
            self.map = self.make_map(self.offset) if self.make_map else Shift(self.offset)
        return self.map


class _Reader:
    def __init__(self, path: str, src: str, fields: Fields) -> None:
        self.path = path
        self.src = src
        self.fields = fields
        self.lines = LineIndex(src)
        self.replies: list[Reply] = []
        self.format = ""
        self._ids: set[str] = set()

    # one reply, whatever the format

    def add(self, body: Value, *, html: bool, reply_id: object = None, title: object = None,
            lang: object = None, channel: object = None, start: int = 0,
            extra: list[Suppression] | None = None) -> Reply | None:
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
                to_file, suppressions = Chain(mapped.map, Lazy(body.text_map)), []
        else:  # the common case: the value is the text; its map is built if ever asked
            text, to_file, suppressions = value, Lazy(body.text_map), []
        trimmed = text.strip()
        if not trimmed:
            return None
        if extra:
            suppressions = extra + suppressions
        lead = len(text) - len(text.lstrip())
        if lead or len(trimmed) != len(text) - lead:
            text, to_file, suppressions = _trim(text, to_file, suppressions, lead,
                                                lead + len(trimmed))
        title_text = None if title is None or title == "" else str(title)
        rid = self._unique(str(reply_id) if reply_id not in (None, "") else
                           (slug(title_text) if title_text and slug(title_text) else
                            f"#{len(self.replies) + 1}"))
        reply = Reply(self.path, rid, title_text, text, normalise_lang(lang),
                      None if channel in (None, "") else str(channel), suppressions, start,
                      to_file)
        self.replies.append(reply)
        return reply

    def _unique(self, rid: str) -> str:
        out, n = rid, 1
        while out in self._ids:
            n += 1
            out = f"{rid}-{n}"
        self._ids.add(out)
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
        lang = doc.front.get("lang") or doc.front.get("language") or doc.front.get("locale")
        channel = doc.front.get("channel")
        for section in doc.sections:
            body = Value(self.src[section.start:section.end], None, section.start)
            rid = stem if section.title is None else (slug(section.title) or None)
            self.add(body, html=False, reply_id=rid, title=section.title, lang=lang,
                     channel=channel, start=section.heading)

    def read_csv(self, tsv: bool) -> None:
        delimiter = "\t" if tsv else csvpos.sniff_delimiter(self.src)
        rows = csvpos.read_rows(self.src, self.path, delimiter)
        if not rows:
            return
        src = self.src
        header = [c.value.strip() for c in rows[0]]
        names = {name: k for k, name in reversed(list(enumerate(header)))}
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
        doc = YamlDoc(self.src, self.path)
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
                             lambda _at: doc.scalar_map(node, value))
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
        return self.add(body, html=False, start=start, extra=extra,
                 **{("reply_id" if k == "id" else k): (v.value if v else None)
                    for k, v in values.items()})

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


def _json_value(src: str, value: Any, start: int, path: tuple[str | int, ...]) -> Value:
    """A JSON value whose offset is found only when asked (the record is parsed again)."""
    return Value(value, None, None, lambda at: string_map(src, at, value),
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
