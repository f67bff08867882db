"""What shows nothing: the one test of an empty reply, shared by the API, the CLI, `lint` and
the server (a reply of only zero-width characters is as empty as "")."""

from __future__ import annotations

import unicodedata

# whitespace, control and format characters (zero-width space and joiners, byte-order mark,
# word joiner, bidi marks) and the letters and marks that render as blanks (Hangul fillers,
# Braille blank, variation selectors)
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_BLANK_CHARS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800"
                         "\u3164\uffa0" + "".join(map(chr, range(0xFE00, 0xFE10)))
                         + "".join(map(chr, range(0xE0100, 0xE01F0))))


def is_blank(text: str) -> bool:
    """True when `text` shows nothing: only whitespace and invisible characters, the empty
    reply that `check` refuses (E204) and the server refuses (E251).

    >>> is_blank(" \\u200b\\ufeff\\n"), is_blank("\\u200bhi"), is_blank("\\u0301")
    (True, False, False)
    """
    for char in text:  # a reply's first visible character ends the loop
        if not (char.isspace() or char in _BLANK_CHARS
                or unicodedata.category(char) in _BLANK_CATEGORIES):
            return False
    return True
