"""Markdown libraries: one reply per heading section (ATX `#`…`######` and setext underlines),
YAML front matter allowed (it may say `lang:`), headings inside code fences ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from voicecheck.model import VoicecheckError

# An ATX heading's opening: the title and closing #s after it are taken apart by _atx_title.
# (One pattern for the whole line, with a lazy title before optional closing #s, backtracked
# over every blank of a long run: a heading line of 40,000 spaces took 20 s.)
_ATX = re.compile(r" {0,3}#{1,6}(?=[ \t]|\r?$)")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*\r?$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_FRONT_END = re.compile(r"(?:---|\.\.\.)[ \t]*\r?$")


@dataclass(slots=True)
class Section:
    title: str | None
    heading: int    # source offset of the heading line (or of the text, without one)
    start: int      # source offset where the section's text starts
    end: int        # source offset where it ends


@dataclass(slots=True)
class MarkdownDoc:
    front: dict[str, object]
    sections: list[Section]
    front_lines: dict[str, int] = field(default_factory=dict)  # key -> its line in the file


def split_markdown(src: str, path: str) -> MarkdownDoc:
    """Front matter and heading sections of a Markdown file.

    >>> doc = split_markdown("---\\nlang: id\\n---\\n# Terlambat\\nMaaf.\\n\\nLate\\n----\\nSorry.\\n", "r.md")
    >>> doc.front, [(s.title, src[s.start:s.end]) for s in doc.sections for src in [
    ...     "---\\nlang: id\\n---\\n# Terlambat\\nMaaf.\\n\\nLate\\n----\\nSorry.\\n"]]
    ({'lang': 'id'}, [('Terlambat', 'Maaf.\\n\\n'), ('Late', 'Sorry.\\n')])
    """
    lines = _lines(src)
    front: dict[str, object] = {}
    front_lines: dict[str, int] = {}
    first = 0
    if lines and src.startswith("---") and src[3:lines[0][1]].strip() == "":
        for k in range(1, len(lines)):
            a, b = lines[k]
            if _FRONT_END.match(src, a, b):
                front, front_lines = _front_matter(src[lines[0][1]:a], path)
                first = k + 1
                break
    headings: list[tuple[str, int, int]] = []  # title, heading line start, text start
    fence = ""
    prev_text = -1  # index of the previous line if it is plain paragraph text
    for k in range(first, len(lines)):
        a, b = lines[k]
        line = src[a:b]
        f = _FENCE.match(line)
        if fence:
            if f and f.group(1)[0] == fence[0] and len(f.group(1)) >= len(fence):
                fence = ""
            prev_text = -1
            continue
        if f:
            fence, prev_text = f.group(1), -1
            continue
        atx = _ATX.match(line)
        if atx:
            headings.append((_atx_title(line[atx.end():]), a, _next(lines, k, src)))
            prev_text = -1
            continue
        if prev_text >= 0 and _SETEXT.match(line):
            pa, pb = lines[prev_text]
            headings.append((src[pa:pb].strip(), pa, _next(lines, k, src)))
            prev_text = -1
            continue
        prev_text = k if line.strip() else -1
    body_start = lines[first][0] if first < len(lines) else len(src)
    if not headings:
        return MarkdownDoc(front, [Section(None, body_start, body_start, len(src))],
                           front_lines)
    sections = []
    for n, (title, at, start) in enumerate(headings):
        end = headings[n + 1][1] if n + 1 < len(headings) else len(src)
        sections.append(Section(title, at, start, end))
    return MarkdownDoc(front, sections, front_lines)


def _lines(src: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its "\\n"."""
    out = []
    a = 0
    for m in re.finditer("\n", src):
        out.append((a, m.start()))
        a = m.end()
    if a < len(src):
        out.append((a, len(src)))
    return out


def _atx_title(rest: str) -> str:
    """The title of an ATX heading from what follows its opening #s: without the blanks
    around it, a closing run of #s after a blank, or a final "\\r".

    >>> _atx_title(" Late order ## "), _atx_title(" C# #"), _atx_title(" #5"), _atx_title("")
    ('Late order', 'C#', '#5', '')
    """
    title = rest.lstrip(" \t").removesuffix("\r").rstrip(" \t")
    bare = title.rstrip("#")
    if len(bare) < len(title) and bare[-1:] in (" ", "\t"):
        title = bare
    return title.strip()


def _next(lines: list[tuple[int, int]], k: int, src: str) -> int:
    return lines[k + 1][0] if k + 1 < len(lines) else len(src)


def _front_matter(text: str, path: str) -> tuple[dict[str, object], dict[str, int]]:
    """The front matter's mapping and the file line of each of its keys."""
    from voicecheck.guide.yamlio import parse_yaml

    try:
        # `text` starts with the break ending the "---" line: its lines are the file's
        doc = parse_yaml(text, path)
        data = doc.data
    except VoicecheckError as exc:
        raise VoicecheckError(f"front matter: {exc.message}", path=path, line=exc.line,
                              code="E232") from None
    if not isinstance(data, dict):
        raise VoicecheckError("front matter must be a mapping (e.g. 'lang: en')", path=path,
                              line=2, code="E232")
    return data, {key: doc.lines[(key,)] for key in data if (key,) in doc.lines}
