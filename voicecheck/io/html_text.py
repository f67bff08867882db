"""HTML bodies of helpdesk replies as the text a customer reads, with a map back to the source.

Tags are dropped (block tags and `<br>` become line breaks), entities decoded, `<script>` and
`<style>` dropped with their content, runs of white space read as one space, and HTML comments
removed but kept aside, since `<!-- voicecheck: disable=… -->` suppresses findings. Every
character of the text maps to the source character it came from (a decoded entity to its `&`,
a line break put in for a tag to the tag's `<`, a space to the first character of the run).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from voicecheck.io.formats.offsets import Segments, TextBuilder

# A tag or declaration is only its start here: where it ends (its ">", or none, when the "<"
# is text) comes from _Ends. Matched as one pattern, a "<" that nothing closed was scanned to
# the end of the body, for every such "<" ("<a" * 40,000: 76 s).
_HTML_TOKEN = re.compile(
    r"(?P<text>[^<&\t\r\n\f ]+(?: [^<&\t\r\n\f ]+)*)"  # words with single spaces
    r"|(?P<comment><!--(?P<inner>.*?)(?:-->|\Z))"
    r"|(?P<tag><(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9:-]*))"
    r"|(?P<decl><!)"
    r"|(?P<entity>&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?))"
    r"|(?P<space>[ \t\r\n\f]+)"
    r"|(?P<other>[<&])",  # a "<" or "&" that starts nothing: text
    re.S)
_TAG_END = re.compile(r"[\"'>]")  # what decides where a tag's attributes end
_COMMENT = re.compile(r"<!--(?P<inner>.*?)(?:-->|\Z)", re.S)
_BLOCK = frozenset("""p div li ul ol h1 h2 h3 h4 h5 h6 tr table blockquote pre hr section
                      article header footer dl dt dd address figure figcaption""".split())
_DROP = frozenset(("script", "style", "head", "title", "template"))


@dataclass(slots=True)
class Comment:
    start: int   # source offset of "<!--"
    end: int     # source offset after "-->"
    inner: str   # the text between the markers


@dataclass(slots=True)
class MappedText:
    text: str
    map: Segments
    comments: list[Comment] = field(default_factory=list)

    def source(self, i: int) -> int:
        return self.map.source(i)


def html_to_text(src: str, a: int = 0, b: int | None = None) -> MappedText:
    """The readable text of the HTML in src[a:b].

    >>> r = html_to_text("<p>Hi&nbsp;Dana,</p><p>Sorry <b>about</b> this.</p><!-- voicecheck: disable -->")
    >>> r.text, r.comments[0].inner
    ('Hi\\xa0Dana,\\nSorry about this.', ' voicecheck: disable ')
    """
    b = len(src) if b is None else b
    out = TextBuilder(src)
    comments: list[Comment] = []
    gap = _Gap()  # white space and line breaks are written only before the next text
    ends = _Ends(src, a, b)
    match = _HTML_TOKEN.match
    i = a
    while i < b:
        m = match(src, i, b)
        kind, start, i = m.lastgroup, i, m.end()
        if kind == "tag" or kind == "decl":
            end = ends.tag(i) if kind == "tag" else ends.gt(i)
            if end < 0:
                kind, i = "other", start + 1  # nothing closes it: a "<" of the text
            else:
                i = end
        if kind == "text" or kind == "other":
            gap.flush(out)
            out.copy(start, i)
        elif kind == "space":
            gap.space(start)
        elif kind == "tag":
            name = m.group("name").lower()
            if name == "br":
                gap.newline(start, extra=True)
            elif name in _BLOCK:
                gap.newline(start)
            elif name in _DROP and not m.group("close"):
                close = re.compile(rf"</{name}\s*>", re.I).search(src, i, b)
                i = close.end() if close else b
            elif name in ("td", "th"):
                gap.space(start)  # cells of a row read as words apart
        elif kind == "entity":
            decoded = html.unescape(m.group())
            gap.flush(out)
            if decoded == m.group():
                out.copy(start, i)
            else:
                out.put(decoded, start)
        elif kind == "comment":
            comments.append(Comment(start, i, m.group("inner")))
    text, segments = out.build(b)
    return MappedText(text, segments, comments)


class _Ends:
    """Where tags and declarations end. A tag ends after the first ">" outside quoted
    attribute values, and is text (-1) when a quote is never closed or no such ">" comes.
    The quotes and ">"s of src[a:b] are read once, and each tag looks its end up."""

    __slots__ = ("_at", "_end", "_gt", "a", "b", "src")

    def __init__(self, src: str, a: int, b: int) -> None:
        self.src, self.a, self.b = src, a, b
        self._at: list[int] | None = None   # offsets of the quotes and ">"s in src[a:b]
        self._end: list[int] = []           # where a tag reading on from _at[k] ends
        self._gt = -2                       # the last ">" found by gt(), -1: none left

    def tag(self, i: int) -> int:
        """The end of a tag whose attributes start at `i`, or -1 when nothing closes it."""
        at = self._at if self._at is not None else self._scan()
        k = bisect_left(at, i)
        return self._end[k] if k < len(at) else -1

    def gt(self, i: int) -> int:
        """The end of a declaration whose text starts at `i` (after the next ">"), or -1."""
        if self._gt != -1 and self._gt < i:
            self._gt = self.src.find(">", i, self.b)
        return self._gt + 1 if self._gt >= 0 else -1

    def _scan(self) -> list[int]:
        src = self.src
        at = [m.start() for m in _TAG_END.finditer(src, self.a, self.b)]
        end = [-1] * len(at)
        after = {'"': -1, "'": -1}  # the index in `at` of the next quote of each kind
        for k in range(len(at) - 1, -1, -1):
            c = src[at[k]]
            if c == ">":
                end[k] = at[k] + 1
                continue
            close = after[c]  # the quote that ends the value; the tag reads on after it
            if close >= 0 and close + 1 < len(at):
                end[k] = end[close + 1]
            after[c] = k
        self._at, self._end = at, end
        return at


class _Gap:
    """Pending separator between two runs of text: nothing, a space, or line breaks."""

    __slots__ = ("at", "text")

    def __init__(self) -> None:
        self.at, self.text = -1, ""

    def space(self, at: int) -> None:
        if not self.text:
            self.at, self.text = at, " "

    def newline(self, at: int, extra: bool = False) -> None:
        if self.text.startswith("\n"):
            if extra:
                self.text += "\n"
        else:
            self.at, self.text = at, "\n"

    def flush(self, out: TextBuilder) -> None:
        if self.text and out.n:
            if out.ends_with("\n"):
                self.text = self.text.lstrip(" ")
            out.put(self.text, self.at)
        self.at, self.text = -1, ""


def strip_comments(src: str, a: int = 0, b: int | None = None) -> MappedText:
    """src[a:b] without its HTML comments (plain text and Markdown keep everything else).

    >>> r = strip_comments("Hi <!-- voicecheck: disable=VC110 -->there")
    >>> r.text, r.source(3), r.comments[0].start
    ('Hi there', 37, 3)
    """
    b = len(src) if b is None else b
    if src.find("<!--", a, b) < 0:
        out = TextBuilder(src)
        out.copy(a, b)
        text, segments = out.build(b)
        return MappedText(text, segments)
    out = TextBuilder(src)
    comments: list[Comment] = []
    i = a
    for m in _COMMENT.finditer(src, a, b):
        out.copy(i, m.start())
        comments.append(Comment(m.start(), m.end(), m.group("inner")))
        i = m.end()
    out.copy(i, b)
    text, segments = out.build(b)
    return MappedText(text, segments, comments)
