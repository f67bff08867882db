"""How long a reply is where it is going: X's weighted length and the parts of an SMS.

X counts a post as twitter-text's v3 configuration does: a character of Latin, Greek,
Cyrillic, Arabic/Persian, Hebrew and the general punctuation weighs 1, any other (CJK, most
symbols) 2, an emoji sequence 2 however many code points it has, and a link 23 whatever its
length. So a reply with a long help-centre link fits where its characters would not, and one
with emoji fits less.

An SMS is GSM-7 when every character is in the GSM 03.38 alphabet (its extension characters
^ { } [ ] ~ | \\ € count twice): 160 in one part, 153 per part beyond. Curly quotes, dashes and
the ellipsis count as the plain characters gateways send instead. One character outside all
that (an emoji, any Persian letter) makes the whole message UCS-2: 70 UTF-16 units in one
part, 67 per part beyond.

    >>> x_length("Hi 😊 see https://help.example.com/articles/360012345-where-is-my-parcel")
    33
    >>> sms_length("Your code is 4821.").parts, sms_length("Thanks 😊 " * 10).parts
    (1, 2)
    >>> sms_length("We’ve sent it – thanks…").unicode is None, sms_length("Sent 👍").unicode
    (True, '👍')

"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- emoji (shared with the style rules) -----------------------------------------------------
PICTOGRAPH = ("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u2190-\u21FF"
              "\u3030\u303D\u3297\u3299\u00A9\u00AE\u203C\u2049\u2122\u2139]")
EMOJI = re.compile(
    f"(?:[\U0001F1E6-\U0001F1FF]{{2}}|{PICTOGRAPH}[\uFE0F\U0001F3FB-\U0001F3FF]*"
    f"(?:\u200D{PICTOGRAPH}[\uFE0F\U0001F3FB-\U0001F3FF]*)*|[0-9#*]\uFE0F?\u20E3)"
)
NOT_EMOJI = frozenset("\u00A9\u00AE\u2122")  # ©, ®, ™ written as text

# --- X (twitter-text v3: config/v3.json) -----------------------------------------------------
X_URL_WEIGHT = 23
_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
# links as X finds them: with a scheme, "www.", or a bare domain of a common top-level domain
# (not an e-mail address's domain); trailing punctuation is not part of a link
_TLDS = ("com|org|net|edu|gov|int|info|biz|io|co|me|ly|gl|gg|app|dev|ai|tv|to|so|id|my|ir|sg|"
         "uk|us|au|nz|in|ph|za|ng|ke|de|fr|nl|es|it|eu|ca|jp|kr|cn|hk|tw|th|vn|br|mx|ae|sa|pk|bd")
_URL = re.compile(
    r"(?i)(?<![\w@.-])(?:https?://|www\.)[^\s<>\"]{1,2000}"
    rf"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.){{1,8}}(?:{_TLDS})"
    r"(?![\w@-])(?::\d{1,5})?(?:/[^\s<>\"]{0,2000})?")
_DOT_LETTER = re.compile(r"\.[^\W\d_]")
_STOP_AT = re.compile(r"[\s<>\"\u200b]")  # where a link's word ends
_URL_TAIL = ".,;:!?'\")]}\u2019\u201d"


_HEAVY = re.compile("[^" + "".join(f"\\U{lo:08X}-\\U{hi:08X}" for lo, hi in _X_LIGHT) + "]")
_EMOJI_START = re.compile(PICTOGRAPH[:-1] + "\U0001F1E6-\U0001F1FF\u20E3]")


def _light(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _X_LIGHT)


def _weight(text: str) -> int:
    """Characters weighing 1 count once, all others twice."""
    if text.isascii():
        return len(text)
    return len(text) + len(_HEAVY.findall(text))


def _marks(text: str) -> list[tuple[int, int, int]]:
    """(start, end, weight) of each link and emoji sequence, in order, none inside another."""
    marks: list[tuple[int, int, int]] = []
    done = 0
    for dot in _DOT_LETTER.finditer(text):  # every link has a dot right before a letter
        if dot.start() < done:
            continue  # inside a link already found
        # the link is searched for only inside the word around the dot
        start = dot.start()
        while (start > 0 and start > dot.start() - 2100
               and not _STOP_AT.match(text, start - 1)):
            start -= 1
        end = _STOP_AT.search(text, dot.end())
        done = end.start() if end else len(text)
        for found in _URL.finditer(text, start, done):
            marks.append((found.start(), found.start() + len(found.group().rstrip(_URL_TAIL)),
                          X_URL_WEIGHT))
    first = None if text.isascii() else _EMOJI_START.search(text)
    if first is not None:  # from the first character an emoji can start with (a keycap's
        # digit comes one or two characters before its mark)
        for found in EMOJI.finditer(text, max(0, first.start() - 2)):
            if found.group() not in NOT_EMOJI:
                marks.append((found.start(), found.end(), 2))
    marks.sort()
    kept: list[tuple[int, int, int]] = []
    for mark in marks:
        if not kept or mark[0] >= kept[-1][1]:
            kept.append(mark)  # an emoji inside a link is part of the link
    return kept


def x_length(text: str) -> int:
    """The length X counts for a post (NFC-normalised first, as X does)."""
    text = unicodedata.normalize("NFC", text)
    total = _weight(text)
    for start, end, weight in _marks(text):
        total += weight - _weight(text[start:end])
    return total


def x_cut(text: str, limit: int) -> int:
    """Index in `text` (not normalised) of the first character past `limit` as X counts.
    Plain stretches between links and emoji are measured whole, so a reply costs a few
    microseconds, not a loop over its characters."""
    total = at = 0
    for start, end, weight in [*_marks(text), (len(text), len(text), 0)]:
        plain = text[at:start]
        size = _weight(plain)
        if total + size > limit:
            if plain.isascii() or not _HEAVY.search(plain):
                return at + limit - total  # every character weighs 1
            for i, char in enumerate(plain):
                total += 1 if _light(char) else 2
                if total > limit:
                    return at + i
        total += size + weight
        if total > limit:
            return start  # the link or emoji that passes the limit
        at = end
    return len(text)


# --- SMS (GSM 03.38) -------------------------------------------------------------------------
GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
# typographic punctuation that gateways send as its plain GSM form ("smart encoding", as Twilio,
# Vonage and Infobip do): a curly apostrophe or an en dash does not make an SMS Unicode
SMART = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
         "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
         "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
         "\u2015": "-", "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
         "\u2007": " ", "\u200a": " "}


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # two UTF-16 units each (most emoji)


@dataclass(frozen=True, slots=True)
class SmsLength:
    parts: int
    units: int  # septets (GSM-7) or UTF-16 units (UCS-2)
    unicode: str | None  # the first character that makes the message UCS-2, if any

    @property
    def single(self) -> int:
        return 70 if self.unicode else 160

    @property
    def per_part(self) -> int:
        return 67 if self.unicode else 153


def _unit(char: str, unicode: bool) -> int:
    if unicode:
        return 2 if ord(char) > 0xFFFF else 1
    return 2 if char in GSM7_EXTENSION else len(SMART.get(char, char))


# in ASCII text, the characters outside GSM-7 (a backtick, control characters) and those of
# its extension table
_ASCII_NOT_GSM = re.compile("[\x00-\x09\x0b\x0e-\x1f\x7f`]")
_ASCII_EXTENSION = re.compile("[\\^{}\\\\\\[~\\]|\x0c]")


def sms_length(text: str) -> SmsLength:
    """Parts, units and encoding of `text` sent as one SMS."""
    if text.isascii():
        odd = _ASCII_NOT_GSM.search(text)
        unicode = odd.group() if odd else None
        units = len(text) + (0 if odd else len(_ASCII_EXTENSION.findall(text)))
        single, per_part = (70, 67) if unicode else (160, 153)
        parts = 0 if not units else (1 if units <= single else -(-units // per_part))
        return SmsLength(parts, units, unicode)
    chars = set(text)
    outside = chars - GSM7 - GSM7_EXTENSION - SMART.keys()
    unicode = next(c for c in text if c in outside) if outside else None
    if unicode is not None:
        units = len(text) + (0 if text.isascii() else len(_ASTRAL.findall(text)))
    else:
        units = len(text) + sum(text.count(c) for c in chars & GSM7_EXTENSION) + sum(
            text.count(c) * (len(SMART[c]) - 1) for c in chars & SMART.keys())
    single, per_part = (70, 67) if unicode else (160, 153)
    parts = 0 if not units else (1 if units <= single else -(-units // per_part))
    return SmsLength(parts, units, unicode)


def sms_cut(text: str, parts: int, length: SmsLength | None = None) -> int:
    """Index of the first character that does not fit in `parts` parts (`length`: the text's
    `sms_length`, when the caller has it)."""
    length = length or sms_length(text)
    capacity = length.single if parts == 1 else parts * length.per_part
    if length.units == len(text):  # every character is one unit
        return min(capacity, len(text))
    total = 0
    for i, char in enumerate(text):
        total += _unit(char, length.unicode is not None)
        if total > capacity:
            return i
    return len(text)
