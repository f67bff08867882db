"""Maps from a reply's checked text back to character offsets in the file it came from.

A reader rarely checks the file's characters as they are: JSON escapes are decoded, HTML tags
and comments are dropped, YAML block scalars lose their indentation. Each reader records how
its text was built, compactly (runs, not one entry per character), and a finding's offset is
mapped back only when it is reported. Maps compose: the text of an HTML body inside a JSON
string maps to the decoded string, which maps to the file.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Protocol


class TextMap(Protocol):
    def source(self, i: int) -> int: ...


class Shift:
    """text[i] is source[offset + i] (a slice of the file copied as it is)."""

    __slots__ = ("offset",)

    def __init__(self, offset: int) -> None:
        self.offset = offset

    def source(self, i: int) -> int:
        return self.offset + i


class Segments:
    """Runs of text: a copied run maps character by character, a replaced run maps every
    character to one source offset (an entity, an escape, a line break put in for a tag)."""

    __slots__ = ("_t", "_s", "_copy", "_len", "_end")

    def __init__(self, t: Sequence[int], s: Sequence[int], copy: Sequence[bool] | bytes,
                 length: int, end: int) -> None:
        self._t, self._s, self._copy, self._len, self._end = t, s, copy, length, end

    def source(self, i: int) -> int:
        if i >= self._len or not self._t:
            return self._end
        k = bisect_right(self._t, i) - 1
        if k < 0:
            return self._s[0]
        return self._s[k] + (i - self._t[k]) if self._copy[k] else self._s[k]


class Chain:
    """First map, then the next: text -> intermediate string -> file."""

    __slots__ = ("_maps",)

    def __init__(self, *maps: TextMap) -> None:
        self._maps = maps

    def source(self, i: int) -> int:
        for m in self._maps:
            i = m.source(i)
        return i


class Lazy:
    """A map built on first use (most replies never have a finding to locate)."""

    __slots__ = ("_factory", "_map")

    def __init__(self, factory: Callable[[], TextMap]) -> None:
        self._factory: Callable[[], TextMap] | None = factory
        self._map: TextMap | None = None

    def source(self, i: int) -> int:
        if self._map is None:
            assert self._factory is not None
            self._map, self._factory = self._factory(), None
        return self._map.source(i)


class TextBuilder:
    """Builds a text from pieces of a source, keeping the map back.

    >>> b = TextBuilder("a&amp;b")
    >>> b.copy(0, 1); b.put("&", 1); b.copy(6, 7)
    >>> text, m = b.build(7)
    >>> text, [m.source(i) for i in range(4)]
    ('a&b', [0, 1, 6, 7])
    """

    __slots__ = ("src", "parts", "n", "_t", "_s", "_copy")

    def __init__(self, src: str) -> None:
        self.src = src
        self.parts: list[str] = []
        self.n = 0
        self._t: list[int] = []
        self._s: list[int] = []
        self._copy: list[bool] = []

    def copy(self, a: int, b: int) -> None:
        """Append src[a:b] as it is."""
        if b <= a:
            return
        if self._copy and self._copy[-1] and self._s[-1] + (self.n - self._t[-1]) == a:
            pass  # continues the previous copied run
        else:
            self._t.append(self.n)
            self._s.append(a)
            self._copy.append(True)
        self.parts.append(self.src[a:b])
        self.n += b - a

    def put(self, text: str, at: int) -> None:
        """Append `text`, every character of it standing for source offset `at`."""
        if not text:
            return
        self._t.append(self.n)
        self._s.append(at)
        self._copy.append(False)
        self.parts.append(text)
        self.n += len(text)

    def ends_with(self, chars: str) -> bool:
        return bool(self.parts) and self.parts[-1][-1:] in chars

    def build(self, end: int) -> tuple[str, Segments]:
        """The text and its map; `end` is the source offset for the position after the text."""
        # compact arrays: a library keeps one map per reply
        return "".join(self.parts), Segments(array("q", self._t), array("q", self._s),
                                             bytes(self._copy), self.n, end)


_WS = frozenset(" \t\r\n\f\v")


def align(value: str, src: str, a: int, b: int, *, escapes: bool = False,
          quote: str = "") -> Segments:
    """Map `value` onto src[a:b] when the file spells it with extra indentation, folded
    lines, doubled quotes (`quote`: "'" in YAML single-quoted scalars, '"' in CSV cells) or
    backslash escapes (`escapes`: YAML double-quoted scalars).

    Greedy and linear: equal characters map to each other, source whitespace the value does
    not have is skipped, an escape or a doubled quote maps to its first character, and a
    character the source does not have maps to where the source stands.

    >>> m = align("one\\ntwo", "x: |\\n  one\\n  two\\n", 5, 17)
    >>> [m.source(i) for i in (0, 4)]
    [7, 13]
    """
    t: list[int] = []
    s: list[int] = []
    copy: list[bool] = []
    last = max(a, b - 1)
    j = a
    for i, ch in enumerate(value):
        while j < b and (src[j] != ch or (escapes and ch == "\\")):
            c = src[j]
            if c in _WS and ch not in _WS:
                j += 1  # indentation or a folded line break
            elif escapes and c == "\\" and src[j + 1:j + 2] in ("\n", "\r"):
                j += 3 if src[j + 1:j + 3] == "\r\n" else 2  # an escaped line break: nothing,
                while j < b and src[j] in " \t":              # nor the next line's indent
                    j += 1
            else:
                break
        pos = min(j, last)
        if not (t and copy[-1] and s[-1] + (i - t[-1]) == pos):
            t.append(i)
            s.append(pos)
            copy.append(True)
        if j >= b:
            continue
        c = src[j]
        if escapes and c == "\\":
            j += _escape_width(src, j, b)
        elif c == ch:
            j += 2 if c == quote and src[j + 1:j + 2] == c else 1
        elif c in _WS and ch in _WS:
            j += 1  # a line break folded into a space
        # else: a character the source does not spell here; stay
    return Segments(t, s, copy, len(value), b)


def _escape_width(src: str, j: int, b: int) -> int:
    nxt = src[j + 1] if j + 1 < b else ""
    if nxt == "\r" and src[j + 2:j + 3] == "\n":
        return 3
    return min(b - j, {"x": 4, "u": 6, "U": 10}.get(nxt, 2))


class LineIndex:
    """1-based (line, column) of offsets in a text; only "\\n" breaks a line, so CRLF is one
    break (columns count the "\\r" like any character, as `model.line_col` does)."""

    __slots__ = ("_text", "_starts")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        offset = max(0, min(offset, len(self._text)))
        k = bisect_right(self._starts, offset) - 1
        return k + 1, offset - self._starts[k] + 1

    def line(self, offset: int) -> int:
        return self.position(offset)[0]
