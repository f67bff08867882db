"""Evasion measurement: every bad example of every word rule, disguised many ways, and how many
are still caught; then how many findings on ordinary replies exist only because of the
de-disguising (a letter-spaced, accented, masked or look-alike span: a *new* false positive).

    .venv/bin/python fuzz/evasion.py              # summary and the list of misses
    .venv/bin/python fuzz/evasion.py --show-fp    # also print the disguise-dependent findings

The disguises counted are the ones voicecheck claims to undo (README "Matching"): zero-width
and invisible characters, look-alike letters, full-width and mathematical letters, added or
stripped diacritics, letter spacing, separators and masking, case, whitespace and surrounding
punctuation, Persian letter variants, ZWNJ and kashida. Tricks outside that claim (digits for
letters, small capitals, a letter replaced by '*') are measured separately and not counted.
Ordinary replies: ../shared/eval/canned-real (evaluation only: counts are printed, texts only
with --show-fp, never stored) and the authored training replies.
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voicecheck.checks.registry import LANGS, pack_rules  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402
from voicecheck.guide import guide_from_mapping  # noqa: E402

WORD_KINDS = ("phrase", "substitution", "address")
Disguise = Callable[[str], str]


def _per_letter(sep: str) -> Disguise:
    return lambda t: "".join(c + sep if c.isalpha() else c for c in t)


def _words(fn: Callable[[str], str], joiner: str = " ") -> Disguise:
    return lambda t: joiner.join(fn(w) for w in t.split(" "))


CYRILLIC = str.maketrans("aceopxyiAEOPCXKMHTB", "асеорхуіАЕОРСХКМНТВ")
GREEK = str.maketrans("oivkaxAEIOKMNTXZ", "οινκαχΑΕΙΟΚΜΝΤΧΖ")
ACUTE = str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")
LEET = str.maketrans("aeiost", "4310$7")
SMALL_CAPS = str.maketrans("abcdefghijklmnoprstuvwyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ")


def full_width(t: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and c.isalnum() else c for c in t)


def math_bold(t: str) -> str:
    out = []
    for c in t:
        if "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - 97))
        elif "A" <= c <= "Z":
            out.append(chr(0x1D400 + ord(c) - 65))
        else:
            out.append(c)
    return "".join(out)


def strip_marks(t: str) -> str:
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", t) if unicodedata.category(c) != "Mn"))


def mask_inserted(w: str) -> str:
    return w[:len(w) // 2] + "*" + w[len(w) // 2:] if len(w) >= 4 and w.isalpha() else w


def mask_replaced(w: str) -> str:
    return w[:len(w) // 2] + "*" + w[len(w) // 2 + 1:] if len(w) >= 4 and w.isalpha() else w


def alternating(t: str) -> str:
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(t))


def letter_spaced(t: str) -> str:
    return "  ".join(" ".join(w) for w in t.split(" "))


def combined(t: str) -> str:
    return _per_letter("\u200b")(t.translate(CYRILLIC)).upper()


LATIN: dict[str, Disguise] = {
    "zero-width space": _per_letter("\u200b"),
    "zero-width joiner": _per_letter("\u200d"),
    "word joiner": _per_letter("\u2060"),
    "soft hyphen": _per_letter("\u00ad"),
    "bidi marks": lambda t: "\u2067" + t.replace(" ", " \u200e") + "\u2069",
    "full-width": full_width,
    "mathematical bold": math_bold,
    "Cyrillic look-alikes": lambda t: t.translate(CYRILLIC),
    "Greek look-alikes": lambda t: t.translate(GREEK),
    "combining accents": lambda t: "".join(c + "\u0301" if c in "aeiou" else c for c in t),
    "precomposed accents": lambda t: t.translate(ACUTE),
    "stripped diacritics": strip_marks,
    "letter spacing": letter_spaced,
    "dotted letters": _words(lambda w: ".".join(w)),
    "hyphenated letters": _words(lambda w: "-".join(w)),
    "masking (inserted *)": _words(mask_inserted),
    "upper case": str.upper,
    "alternating case": alternating,
    "extra whitespace": lambda t: t.replace(" ", "  \t "),
    "no-break spaces": lambda t: t.replace(" ", "\u00a0"),
    "line break between words": lambda t: t.replace(" ", "\n", 1),
    "surrounding punctuation": lambda t: "«" + t + "»!!!",
    "look-alikes + zero-width + upper": combined,
}
PERSIAN: dict[str, Disguise] = {
    "zero-width space": _per_letter("\u200b"),
    "soft hyphen": _per_letter("\u00ad"),
    "bidi marks": lambda t: "\u2067" + t.replace(" ", " \u200e") + "\u2069",
    "Arabic yeh/kaf": lambda t: t.replace("ی", "ي").replace("ک", "ك"),
    "ZWNJ removed": lambda t: t.replace("\u200c", ""),
    "ZWNJ as space": lambda t: t.replace("\u200c", " "),
    "kashida": lambda t: "".join(c + "\u0640" if "\u0628" <= c <= "\u0647" else c for c in t),
    "added harakat": lambda t: "".join(c + "\u064e" if "\u0628" <= c <= "\u0647" else c
                                       for c in t),
    "stripped diacritics": strip_marks,
    "Persian/Arabic digits": lambda t: t.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),
    "extra whitespace": lambda t: t.replace(" ", "  \t "),
    "no-break spaces": lambda t: t.replace(" ", "\u00a0"),
    "surrounding punctuation": lambda t: "«" + t + "»!!!",
}
BEYOND_CLAIM: dict[str, Disguise] = {
    "digits for letters": lambda t: t.translate(LEET),
    "small capitals": lambda t: t.translate(SMALL_CAPS),
    "masking (replaced letter)": _words(mask_replaced),
}


def disguises_for(lang: str) -> dict[str, Disguise]:
    return PERSIAN if lang == "fa" else LATIN


def cases(extra: bool = False):
    """(lang, rule, example, disguise name, disguised text) for every combination."""
    for lang in LANGS:
        table = BEYOND_CLAIM if extra else disguises_for(lang)
        if extra and lang == "fa":
            continue
        for rule in pack_rules(lang):
            if rule.lang != lang or rule.kind not in WORD_KINDS:
                continue
            for i, example in enumerate(rule.examples_bad):
                for name, disguise in table.items():
                    text = disguise(example.text)
                    if text != example.text:
                        yield lang, rule, i, example, name, text


class Checkers:
    def __init__(self) -> None:
        self._cache: dict[str, Checker] = {}

    def get(self, example) -> Checker:
        key = repr(example.guide)
        if key not in self._cache:
            self._cache[key] = Checker(guide_from_mapping(example.guide) if example.guide
                                       else None)
        return self._cache[key]


def measure_evasion(checkers: Checkers, extra: bool = False):
    total, caught = 0, 0
    per_disguise: Counter[str] = Counter()
    per_disguise_total: Counter[str] = Counter()
    misses = []
    for lang, rule, i, example, name, text in cases(extra):
        report = checkers.get(example).check(text, lang=lang, channel=example.channel)
        found = [f for f in report.findings if f.code == rule.code]
        ok = bool(found) and all(text[f.start:f.end] == f.text for f in found)
        total += 1
        per_disguise_total[name] += 1
        if ok:
            caught += 1
            per_disguise[name] += 1
        else:
            misses.append((lang, rule.code, i, name, text))
    return total, caught, per_disguise, per_disguise_total, misses


# A finding depends on de-disguising when its original span holds something a plain
# case-insensitive match would not see through.
_SPACED = re.compile(r"(?:^|\W)\w(?:[ .\-_*]\w){2,}(?:\W|$)")


def disguise_dependent(span: str, lang: str) -> bool:
    """True when `span` holds something a plain case-insensitive match would not see
    through: invisible characters, masking, spaced letters, look-alikes or (outside Persian,
    where vowel marks such as tanwin are ordinary spelling) combining marks."""
    if any(unicodedata.category(c) == "Cf" and c != "\u200c" for c in span):
        return True
    if "*" in span or _SPACED.search(span):
        return True
    if lang == "fa":
        return any(c in "يك\u0640" for c in span)
    plain = unicodedata.normalize("NFKC", span).replace("\u2019", "'")
    return plain != span.replace("\u2019", "'") or any(
        unicodedata.category(c) == "Mn" or (ord(c) > 0x24F and c.isalpha()) for c in plain)


def ordinary_replies(shared: Path) -> list[tuple[str, str, str]]:
    """(source id, lang, text) of real canned replies (markup stripped) and authored replies."""
    rows = []
    for path in sorted(glob.glob(str(shared / "eval/canned-real/*/replies.jsonl"))):
        for line in open(path, encoding="utf-8"):
            row = json.loads(line)
            text = re.sub(r"<[^>]{1,200}>", " ", row["text"])
            if text.strip():
                rows.append((row["id"], row["lang"], text))
    for path in sorted((ROOT / "training" / "authored").glob("*.jsonl")):
        for line in open(path, encoding="utf-8"):
            row = json.loads(line)
            rows.append((row["id"], row["lang"], row["reply"]))
    return rows


def measure_false_positives(show: bool, shared: Path):
    checker = Checker(placeholders_ok=True)
    rows = ordinary_replies(shared)
    word_codes = {r.code for lang in LANGS for r in pack_rules(lang) if r.kind in WORD_KINDS}
    word_codes |= {"VC101", "VC102", "VC103"}
    dependent = []
    findings = 0
    for source, lang, text in rows:
        report = checker.check(text, lang=lang)
        for f in report.findings:
            if f.code not in word_codes:
                continue
            findings += 1
            if disguise_dependent(f.text, lang):
                dependent.append((source, f.code, f.text))
    if show:
        for source, code, span in dependent:
            print(f"    {source} {code} {span!r}")
    return len(rows), findings, dependent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show-fp", action="store_true")
    parser.add_argument("--no-fp", action="store_true", help="skip the ordinary replies")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                        help="the shared data folder (default: ../shared)")
    args = parser.parse_args()
    checkers = Checkers()
    total, caught, per, per_total, misses = measure_evasion(checkers)
    print(f"evasion: {caught}/{total} disguised bad examples caught ({caught / total:.2%})")
    for name in per_total:
        if per[name] != per_total[name]:
            print(f"  {name}: {per[name]}/{per_total[name]}")
    for lang, code, i, name, text in misses:
        print(f"  MISS {lang} {code} bad[{i}] {name}: {text!r}")
    total, caught, per, per_total, _ = measure_evasion(checkers, extra=True)
    print(f"beyond the claim (not counted): {caught}/{total} caught; " + ", ".join(
        f"{n} {per[n]}/{per_total[n]}" for n in per_total))
    if not args.no_fp:
        n, findings, dependent = measure_false_positives(args.show_fp, args.shared)
        print(f"ordinary replies: {n}; word-rule findings {findings}; of them depending on "
              f"de-disguising (new false positives unless the reply really is disguised): "
              f"{len(dependent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
