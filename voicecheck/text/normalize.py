"""Normalisation that keeps a map back to the original text.

Two levels, each a `MappedText` whose every character knows the original span it came from:

* `clean()` — what a reader sees: NFKC (full-width, ligatures, maths letters), zero-width and bidi
  controls dropped, look-alike letters (Cyrillic/Greek homoglyphs, Arabic ي/ك) mapped to the
  letters of our four languages, Arabic-Indic digits to ASCII. Case and diacritics are kept.
* `fold()` — what the matchers compare: `clean()` plus lower case, combining marks stripped
  (diacritics, Arabic harakat), masking characters inside words dropped ("re*fund") and
  letter-spaced words joined ("r e f u n d", "r.e.f.u.n.d").

Rule phrases go through the same `fold()`, so any folding is consistent on both sides.
"""

from __future__ import annotations

import collections
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Invisible characters that are used to split words without changing how they look.
_DROP = frozenset(
    "\u00ad\u034f\u061c\u0640\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\u3164\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c"
    "\ufe0d\ufe0e\ufe0f\ufeff\uffa0"
)

# Letters that look like Latin or Persian letters. Cyrillic and Greek are not used by any of
# our languages, so mapping them can only undo a disguise.
_CONFUSABLE = {
    # Cyrillic lower / upper
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ɡ": "g", "ɑ": "a", "һ": "h", "ӏ": "l", "ց": "g", "օ": "o",
    "А": "A", "В": "B", "Е": "E", "Ѕ": "S", "І": "I", "Ј": "J", "К": "K", "М": "M", "Н": "H",
    "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Ԁ": "D", "Ԛ": "Q",
    "Ԝ": "W", "Ӏ": "I",
    # Greek lower / upper
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin look-alikes outside ASCII
    "ı": "i", "ȷ": "j", "ℓ": "l", "ǀ": "l",
    # quotes and dashes to one form
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    # Arabic letter variants used in Persian text
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه",
}
for _i, _d in enumerate("٠١٢٣٤٥٦٧٨٩"):
    _CONFUSABLE[_d] = str(_i)
for _i, _d in enumerate("۰۱۲۳۴۵۶۷۸۹"):
    _CONFUSABLE[_d] = str(_i)

# Characters dropped inside a word when folding: masking tricks such as "re*fund", "ref_und".
_MASKS = "*_·•"
_MASK_IN_WORD = re.compile(rf"(?<=[^\W\d_])[{_MASKS}]+(?=[^\W\d_])")
# What separates the letters of a letter-spaced word.
_SEP = r"[ .\-_*·]"
# Four or more single letters separated by spaces or dots: "r e f u n d", "r.e.f.u.n.d"
# (an apostrophe counts as a letter inside: "c.a.n.'.t").
_SPACED_LETTERS = re.compile(
    rf"(?<![^\W_])(?:[^\W\d_](?:{_SEP}{{1,3}}))(?:(?:[^\W\d_]|')(?:{_SEP}{{1,3}})){{2,}}"
    r"[^\W\d_](?![^\W_])"
)
# What every letter-spaced run contains: two single letters (or apostrophes) between
# separators — the first two of its middle letters.
_SPACED_HINT = re.compile(rf"{_SEP}(?:[^\W\d_]|'){_SEP}{{1,3}}(?:[^\W\d_]|'){_SEP}")
_SEPARATOR_RUN = re.compile(rf"{_SEP}+")
# Markup left in a reply (HTML from helpdesk exports: "<br />", "<p>") separates words.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>]{0,300})?/?>")
# Template slots of helpdesk tools and template languages, matched on folded (lower-case) text:
# Zendesk/Freshdesk/Front/Intercom `{{ticket.requester.first_name}}`, Help Scout
# `{%customer.firstName%}` and `%customer.firstName%`, `${name}`, `{first_name}`. Each becomes
# one opaque word (SLOT) that no rule phrase contains, so "Hi {{first_name}}," reads as
# "Hi <name>," to every other rule; Liquid control tags (`{% if … %}`) become a space.
SLOT = "\ue000"
_SLOT_RE = re.compile(
    r"\{\{\{?[^{}\n]{1,160}\}\}\}?"
    r"|\{%-?[^%\n]{1,160}?-?%\}"
    r"|%[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)+(?:,[^%\n]{0,60})?%"
    r"|\$\{[^{}\n]{1,80}\}"
    r"|\{[a-z_][a-z0-9_.]{0,40}\}"
)
_LIQUID_CONTROL = re.compile(
    r"\{%-?\s*(?:if|elsif|else|endif|unless|endunless|for|endfor|case|when|endcase|capture|"
    r"endcapture|assign|comment|endcomment|raw|endraw|break|continue|cycle|increment|"
    r"decrement|tablerow|endtablerow)\b"
)


@dataclass(frozen=True, slots=True)
class MappedText:
    """Text plus, for each of its characters, the span of the original it came from.

    `starts`/`ends` are None when the text is the original itself (identity map).
    """

    text: str
    starts: list[int] | None
    ends: list[int] | None
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of this text to a span of the original text.

        >>> clean("r\\u200befund").to_original(0, 6)
        (0, 7)
        """
        if self.starts is None or self.ends is None:
            return start, end
        n = len(self.starts)
        if start >= end:
            pos = self.starts[start] if start < n else self.original_length
            return pos, pos
        return self.starts[start], self.ends[min(end, n) - 1]


@lru_cache(maxsize=8192)
def _clean_char(char: str) -> str:
    if char in _DROP:
        return ""
    mapped = _CONFUSABLE.get(char)
    if mapped is not None:
        return mapped
    if unicodedata.category(char) == "Cf":  # other invisible format characters
        return ""
    normal = unicodedata.normalize("NFKC", char)
    if normal != char:
        normal = "".join(_CONFUSABLE.get(c, c) for c in normal if c not in _DROP)
    return normal


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    lowered = char.lower()
    decomposed = unicodedata.normalize("NFD", lowered)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFC", stripped) if stripped != lowered else lowered
    # a stripped or lowered letter may itself be a look-alike (Greek ἰ → ι → i): map it again,
    # so that folding folded text changes nothing
    return "".join(_CONFUSABLE.get(c, c) for c in folded).lower()


_TABLE_LIMIT = 65536


class _Table(dict):
    """A str.translate table filled on first sight of each character from `per_char`, which
    remembers the characters that do not map one-to-one (dropped or expanded)."""

    def __init__(self, per_char) -> None:
        super().__init__()
        self.per_char = per_char
        self.irregular: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def __missing__(self, code: int) -> str:
        piece = self.per_char(chr(code))
        if len(piece) != 1 and chr(code) not in self.irregular:
            self.irregular.add(chr(code))  # never forgotten: the offset map depends on it
            self._pattern = None
        if len(self) < _TABLE_LIMIT:  # bounded memory whatever text comes in
            self[code] = piece
        return piece

    def pattern(self) -> re.Pattern[str] | None:
        if self._pattern is None and self.irregular:
            self._pattern = re.compile("[" + "".join(re.escape(c) for c in
                                                     sorted(self.irregular)) + "]")
        return self._pattern


def _apply(source: MappedText, table: _Table) -> MappedText:
    """Map every character of `source` through `table`, keeping the offset map.

    Runs of one-to-one characters are translated in C (str.translate) and their offsets
    copied by slices; only dropped or expanded characters are handled one by one.
    """
    text = source.text
    translated = text.translate(table)  # also teaches the table every new character
    pattern = table.pattern()
    if pattern is None or not pattern.search(text):
        return MappedText(translated, source.starts, source.ends, source.original_length)
    # `translated` is already the text (the same table, character by character); only the
    # offset maps need the irregular characters one by one
    s_map = source.starts if source.starts is not None else range(len(text))
    e_map = source.ends if source.ends is not None else range(1, len(text) + 1)
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for match in pattern.finditer(text):
        i = match.start()
        if i > pos:
            starts.extend(s_map[pos:i])
            ends.extend(e_map[pos:i])
        size = len(table[ord(text[i])])
        if size:
            starts.extend([s_map[i]] * size)
            ends.extend([e_map[i]] * size)
        pos = i + 1
    if pos < len(text):
        starts.extend(s_map[pos:])
        ends.extend(e_map[pos:])
    return MappedText(translated, starts, ends, source.original_length)


_CLEAN_TABLE = _Table(lambda c: _clean_char(c))
_FOLD_TABLE = _Table(lambda c: _fold_char(c))


def _drop(source: MappedText, drop: set[int]) -> MappedText:
    if not drop:
        return source
    keep = [k for k in range(len(source.text)) if k not in drop]
    text = "".join(source.text[k] for k in keep)
    if source.starts is None or source.ends is None:
        return MappedText(text, keep, [k + 1 for k in keep], source.original_length)
    return MappedText(text, [source.starts[k] for k in keep], [source.ends[k] for k in keep],
                      source.original_length)


def _spaced_drops(match: re.Match[str]) -> list[int]:
    """Offsets of separators to drop in a letter-spaced run. The separator used most is the
    one between letters; another one is a word break and keeps what follows its leading
    separator ("W e  a r e" and "w.e a.r.e" fold to "we are", not "weare").

    >>> fold_phrase("W e  a p o l o g i z e"), fold_phrase("s-o-o-n-. T-h-a-n-k-s")
    ('we apologize', 'soon. thanks')
    """
    runs = list(_SEPARATOR_RUN.finditer(match.group()))
    common = collections.Counter(m.group() for m in runs).most_common(1)[0][0]
    cuts = [len(common) if m.group().startswith(common) else 0 for m in runs]
    # A word break is another separator with a space in it (a mask such as "._" is not).
    breaks = [m.group() != common and " " in m.group()[cut:] for m, cut in zip(runs, cuts)]
    # Four one-letter words in a row are one spaced word after all: folding twice must
    # give what folding once gave.
    alone = [(i == 0 or breaks[i - 1]) and (i == len(runs) or breaks[i])
             for i in range(len(runs) + 1)]
    i = 0
    while i < len(alone):
        j = i
        while j < len(alone) and alone[j]:
            j += 1
        if j - i >= 4:
            breaks[i:j - 1] = [False] * (j - 1 - i)
        i = j + 1
    drops = []
    for m, cut, is_break in zip(runs, cuts, breaks):
        if is_break:
            drops.extend(range(m.start(), m.start() + cut))
        else:  # a separator inside a word
            drops.extend(range(m.start(), m.end()))
    end, text = match.end() - match.start(), match.string
    after = match.end() + len(common)
    if not common.isspace() and text.startswith(common, match.end()) and (
            after == len(text) or not (text[after].isalnum() or text[after].isspace())):
        drops.extend(range(end, end + len(common)))  # "s-o-o-n-." ends without its separator
    return [match.start() + i for i in drops]


def clean(text: str) -> MappedText:
    """Level 1: what a reader sees, with disguises removed (case and accents kept).

    >>> clean("ｒｅｆｕｎｄ").text
    'refund'
    """
    if text.isascii() and "`" not in text:
        return MappedText(text, None, None, len(text))
    return _apply(MappedText(text, None, None, len(text)), _CLEAN_TABLE)


def fold(cleaned: MappedText, slots: bool = True) -> MappedText:
    """Level 2: lower case, no diacritics, masking and letter-spacing undone; with `slots`,
    each template slot becomes the one opaque word SLOT (mapped to the whole slot).

    >>> fold(clean("R e f u n d, café")).text
    'refund, cafe'
    >>> fold(clean("Hi {{ticket.requester.first_name}}!")).text == "hi " + SLOT + "!"
    True
    """
    text = cleaned.text
    if text.isascii():
        folded = MappedText(text.lower(), cleaned.starts, cleaned.ends, cleaned.original_length)
    else:
        folded = _apply(cleaned, _FOLD_TABLE)
    drop: set[int] = set()
    low = folded.text
    spaces: list[int] = []
    if "<" in low:
        for match in _TAG.finditer(low):
            spaces.append(match.start())  # the tag becomes one space, kept on its "<"
            drop.update(range(match.start() + 1, match.end()))
    # a mask needs one of _MASKS (four `in` tests: a fifth of the time of a regex search)
    if "*" in low or "_" in low or "\u00b7" in low or "\u2022" in low:
        for match in _MASK_IN_WORD.finditer(low):
            drop.update(range(match.start(), match.end()))
    if _SPACED_HINT.search(low):  # twice as fast as _SPACED_LETTERS, and most text has none
        for match in _SPACED_LETTERS.finditer(low):
            drop.update(_spaced_drops(match))
    found: list[tuple[int, int]] = []
    if slots and ("{" in low or "%" in low):
        for match in _SLOT_RE.finditer(low):
            found.append((match.start(), match.end()))
            drop.difference_update(range(match.start(), match.end()))
            drop.update(range(match.start() + 1, match.end()))
    if spaces or found:
        chars = list(folded.text)
        for i in spaces:
            chars[i] = " "
        ends = folded.ends
        if found:
            starts = list(folded.starts) if folded.starts is not None else list(range(len(low)))
            ends = list(folded.ends) if folded.ends is not None else list(range(1, len(low) + 1))
            for first, last in found:
                control = _LIQUID_CONTROL.match(low, first)
                chars[first] = " " if control else SLOT
                ends[first] = ends[last - 1]  # the slot word stands for the whole slot
            folded = MappedText("".join(chars), starts, ends, folded.original_length)
        else:
            folded = MappedText("".join(chars), folded.starts, folded.ends,
                                folded.original_length)
    return _drop(folded, drop)


def fold_phrase(phrase: str) -> str:
    """Fold a rule phrase exactly as a draft is folded.

    >>> fold_phrase("Café")
    'cafe'
    """
    return fold(clean(phrase), slots=False).text
