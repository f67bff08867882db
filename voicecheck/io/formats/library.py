"""What a library reader returns: the replies of one file, their suppressions, and the way
back from each character of a reply's checked text to the file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from voicecheck.io.formats.offsets import LineIndex, Shift, TextMap

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
    # "lang" / "channel" -> finds the file line of that field's value (found only when an
    # error needs it: in a JSON export that parses the record again)
    _where: dict[str, Callable[[], int]] | None = field(default=None, repr=False,
                                                         compare=False)

    def source_offset(self, i: int) -> int:
        """Character offset in SourceFile.text of text[i] (i may equal len(text))."""
        return self._map.source(i)

    def field_line(self, name: str) -> int | None:
        """The file line of the reply's `lang` or `channel` value, None when the reply's
        file gave it none.

        >>> Reply("r.md", "a", None, "Hi", "xx", _where={"lang": lambda: 2}).field_line("lang")
        2
        """
        find = (self._where or {}).get(name)
        return find() if find is not None else None


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
