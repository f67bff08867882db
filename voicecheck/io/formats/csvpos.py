"""CSV (RFC 4180: double quotes, doubled to escape, cells may span lines) with the source span
of every cell. A byte-order mark, CRLF line ends and `,` `;` or tab as the delimiter are fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicecheck.io.formats.offsets import Lazy, LineIndex, Segments, Shift, TextMap
from voicecheck.model import VoicecheckError

_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)"')
_DELIMITERS = (",", ";", "\t")


@dataclass(slots=True)
class Cell:
    value: str
    start: int      # source offset of the cell (its opening quote, if quoted)
    end: int        # source offset after the cell
    quoted: bool

    def map(self, src: str) -> TextMap:
        if not self.quoted:
            return Shift(self.start)
        if '"' not in self.value:
            return Shift(self.start + 1)
        return Lazy(lambda: _unquote_map(src, self.start + 1, self.end - 1))


def _unquote_map(src: str, a: int, b: int) -> Segments:
    """Map of a quoted cell's value: each doubled quote is one character."""
    t: list[int] = []
    s: list[int] = []
    n, i = 0, a
    while True:
        t.append(n)
        s.append(i)
        k = src.find('""', i, b)
        if k < 0:
            break
        n += k + 1 - i
        i = k + 2
    return Segments(t, s, [True] * len(t), n + b - i, b)


def sniff_delimiter(src: str) -> str:
    """The delimiter the header line uses most: `,`, `;` or a tab.

    >>> sniff_delimiter("id;title;body\\n1;a;b\\n")
    ';'
    """
    header = src[:src.find("\n")] if "\n" in src else src
    header = _QUOTED.sub("", header)
    counts = [(header.count(d), -k) for k, d in enumerate(_DELIMITERS)]
    best = max(counts)
    return _DELIMITERS[-best[1]] if best[0] else ","


def read_rows(src: str, path: str, delimiter: str) -> list[list[Cell]]:
    """Every non-blank record as its cells.

    >>> rows = read_rows('a,b\\r\\n1,"x ""y""\\r\\nz"\\r\\n', "f.csv", ",")
    >>> [[c.value for c in r] for r in rows]
    [['a', 'b'], ['1', 'x "y"\\r\\nz']]
    """
    unquoted = re.compile(rf"[^{re.escape(delimiter)}\r\n]*")
    rows: list[list[Cell]] = []
    i, n = 0, len(src)
    while i < n:
        row: list[Cell] = []
        while True:
            if src.startswith('"', i):
                m = _QUOTED.match(src, i)
                if m is None:
                    raise _error(src, path, i, "a quoted cell is never closed")
                value = m.group(1)
                row.append(Cell(value.replace('""', '"') if '""' in value else value,
                                i, m.end(), True))
            else:
                m = unquoted.match(src, i)
                row.append(Cell(m.group(), i, m.end(), False))
            i = m.end()
            c = src[i:i + 1]
            if c == delimiter:
                i += 1
                continue
            if c == "\r":
                i += 2 if src.startswith("\n", i + 1) else 1
            elif c == "\n":
                i += 1
            elif c:
                raise _error(src, path, i, f"unexpected {c!r} after a quoted cell (a quote "
                                            "inside a quoted cell must be doubled: \"\")")
            break
        if len(row) > 1 or row[0].value.strip() or row[0].quoted:
            rows.append(row)
    return rows


def _error(src: str, path: str, at: int, message: str) -> VoicecheckError:
    line, col = LineIndex(src).position(at)
    return VoicecheckError(f"invalid CSV: {message} (column {col})", path=path, line=line,
                           code="E233")
