"""JSON with the source offset of every value, for exact positions inside string values.

Objects and arrays are walked here; strings, numbers and literals are read by the standard
library's C scanner (`json.decoder.scanstring`, `json.scanner`), so a 200 MB export is read in
one linear pass. Objects come back as `JObject` (a dict that also knows where each value
starts), arrays as `JArray`.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any

from voicecheck.io.formats.offsets import Lazy, LineIndex, Segments, Shift, TextMap
from voicecheck.model import VoicecheckError

MAX_DEPTH = 100
_WS = re.compile(r"[ \t\n\r]*")
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
# one decoded character each: a surrogate pair, one \uXXXX, or a one-letter escape
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
                     r"|\\u[0-9a-fA-F]{4}|\\.", re.S)
_SCAN_ONCE = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[attr-defined]


class JObject(dict):  # type: ignore[type-arg]
    """A JSON object; `starts[key]` is the source offset where the key's value begins.

    An object read whole by the C scanner (`parse_json(..., fast=True)`) finds its offsets
    the first time they are asked for, and its nested objects and arrays become JObject and
    JArray then."""

    __slots__ = ("_starts", "start", "_src")

    @property
    def starts(self) -> dict[str, int]:
        if self._starts is None:
            full, _ = _Parser(self._src, "").object(self.start, 1)
            for key, value in full.items():
                if isinstance(value, (dict, list)):
                    self[key] = value
            self._starts = full._starts
        return self._starts


class JArray(list):  # type: ignore[type-arg]
    __slots__ = ("starts", "start")


def parse_json(src: str, path: str, fast: bool = False) -> object:
    """Parse a JSON document, keeping value offsets; `fast`: objects that are items of an
    array are read by the C scanner and find their offsets only when asked.

    >>> doc = parse_json('[{"id": 7, "body": "Hi\\\\nthere"}]', "x.json")
    >>> doc[0]["body"], doc[0].starts["body"]
    ('Hi\\nthere', 19)
    """
    parser = _Parser(src, path, fast)
    i = _WS.match(src, 0).end()
    value, i = parser.value(i, 0)
    i = _WS.match(src, i).end()
    if i != len(src):
        raise parser.error("extra data after the JSON value", i)
    return value


class _Parser:
    __slots__ = ("src", "path", "fast")

    def __init__(self, src: str, path: str, fast: bool = False) -> None:
        self.src = src
        self.path = path
        self.fast = fast

    def error(self, message: str, at: int) -> VoicecheckError:
        line, col = LineIndex(self.src).position(at)
        return VoicecheckError(f"invalid JSON: {message} (column {col})", path=self.path,
                               line=line, code="E231")

    def value(self, i: int, depth: int) -> tuple[object, int]:
        src = self.src
        c = src[i:i + 1]
        if c == '"':
            try:
                return scanstring(src, i + 1, True)
            except json.JSONDecodeError as exc:
                raise self.error(exc.msg.lower(), exc.pos) from None
        if c == "{":
            return self.object(i, depth + 1)
        if c == "[":
            return self.array(i, depth + 1)
        try:
            return _SCAN_ONCE(src, i)
        except StopIteration:
            raise self.error("expecting a value", i) from None
        except json.JSONDecodeError as exc:
            raise self.error(exc.msg.lower(), exc.pos) from None
        except ValueError:  # an integer of more digits than Python converts (4,300)
            raise self.error("a number with too many digits", i) from None

    def object(self, i: int, depth: int) -> tuple[JObject, int]:
        if depth > MAX_DEPTH:
            raise self.error(f"nested deeper than {MAX_DEPTH} levels", i)
        src = self.src
        out = JObject()
        out.start = i
        starts: dict[str, int] = {}
        out._starts = starts
        i = _WS.match(src, i + 1).end()
        if src[i:i + 1] == "}":
            return out, i + 1
        while True:
            if src[i:i + 1] != '"':
                raise self.error("expecting a property name in double quotes", i)
            try:
                key, i = scanstring(src, i + 1, True)
            except json.JSONDecodeError as exc:
                raise self.error(exc.msg.lower(), exc.pos) from None
            colon = _COLON.match(src, i)
            if colon is None:
                raise self.error("expecting ':'", _WS.match(src, i).end())
            i = colon.end()
            starts[key] = i
            out[key], i = self.value(i, depth)
            i = _WS.match(src, i).end()
            c = src[i:i + 1]
            if c == "}":
                return out, i + 1
            if c != ",":
                raise self.error("expecting ',' or '}'", i)
            i = _WS.match(src, i + 1).end()

    def whole_object(self, i: int) -> tuple[JObject, int]:
        """An object read by the C scanner; its offsets are found when first asked for."""
        try:
            value, end = _SCAN_ONCE(self.src, i)
        except StopIteration as exc:
            raise self.error("expecting a value", exc.value) from None
        except json.JSONDecodeError as exc:
            raise self.error(exc.msg.lower(), exc.pos) from None
        except RecursionError:
            raise self.error("nested too deeply", i) from None
        except ValueError:  # an integer of more digits than Python converts (4,300)
            raise self.error("a number with too many digits", i) from None
        out = JObject(value)
        out.start, out._starts, out._src = i, None, self.src
        return out, end

    def array(self, i: int, depth: int) -> tuple[JArray, int]:
        if depth > MAX_DEPTH:
            raise self.error(f"nested deeper than {MAX_DEPTH} levels", i)
        src = self.src
        out = JArray()
        out.start = i
        starts: list[int] = []
        out.starts = starts
        i = _WS.match(src, i + 1).end()
        if src[i:i + 1] == "]":
            return out, i + 1
        while True:
            starts.append(i)
            if self.fast and src.startswith("{", i):
                item, i = self.whole_object(i)
            else:
                item, i = self.value(i, depth)
            out.append(item)
            i = _WS.match(src, i).end()
            c = src[i:i + 1]
            if c == "]":
                return out, i + 1
            if c != ",":
                raise self.error("expecting ',' or ']'", i)
            i = _WS.match(src, i + 1).end()


def offset_of(src: str, start: int, path: tuple[str | int, ...]) -> int:
    """Source offset of the value at `path` (keys and indexes) inside the object or array
    starting at `start`: parses just that one record again, so a reader can keep no offsets
    for the values no finding ever points at.

    >>> offset_of('[{"a": [1, "x"]}]', 1, ("a", 1))
    11
    """
    parser = _Parser(src, "")
    node: Any = parser.object(start, 1)[0] if src.startswith("{", start) else \
        parser.array(start, 1)[0]
    for step in path[:-1]:
        node = node[step]
    return node.starts[path[-1]]


def string_map(src: str, quote: int, length: int) -> TextMap:
    """Map from a decoded string of `length` characters to the file, given the offset of its
    opening quote.

    >>> m = string_map('"caf\\\\u00e9 \\\\n ok"', 0, len("café \\n ok"))
    >>> [m.source(i) for i in (3, 4, 5, 6, 7)]
    [4, 10, 11, 13, 14]
    """
    first = quote + 1
    end = first + length
    if src.find("\\", first, end) < 0 and src[end:end + 1] == '"':
        return Shift(first)
    return Lazy(lambda: _escaped_map(src, first))


def _escaped_map(src: str, first: int) -> Segments:
    t: list[int] = []
    s: list[int] = []
    copy: list[bool] = []
    n = 0
    i = first
    close = _string_end(src, first)
    for m in _ESCAPE.finditer(src, first, close):
        if m.start() > i:
            t.append(n), s.append(i), copy.append(True)
            n += m.start() - i
        t.append(n), s.append(m.start()), copy.append(False)
        n += 1
        i = m.end()
    if close > i:
        t.append(n), s.append(i), copy.append(True)
        n += close - i
    return Segments(t, s, copy, n, close)


def _string_end(src: str, first: int) -> int:
    """Offset of the closing quote of the string whose content starts at `first`."""
    return scanstring(src, first, True)[1] - 1
