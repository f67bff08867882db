"""Build rules/fa/colloquial.yaml: the VC120 spoken → written dictionary for Persian.

Source: the Shekasteh parallel sentences (shared/data/shekasteh, MIT, Rasooli et al. 2020).
Each row has the colloquial sentence (`informal_text`) and the same sentence with only the
"broken" spoken word forms fixed (`standard_words_text`), so aligning the two word by word
gives pairs such as میشه → می‌شود, اگه → اگر, خونه → خانه.

Curation (false positives are bugs, so we keep only clear cases):
  * a colloquial form must be seen at least MIN_SEEN times, a replacement at least twice;
  * pairs that differ only in spelling details the matcher folds away anyway (ZWNJ, hamza,
    ۀ/ه, Arabic ي/ك) are not colloquial and are skipped;
  * a colloquial form that is also a standard written word is dropped: one the annotators
    often left unchanged in the standard column (a keep rate of KEEP_RATE or more), and the
    homographs listed in HOMOGRAPHS (رو "face", تو "in/you", بره "lamb", بدین "thus" ...);
  * single letters (ب for به, ک for که) are dropped: they are list labels too;
  * the hand-written CORE list below is added and wins over the data.

The output is deterministic (sorted keys, no timestamps):

    python training/build_colloquial_fa.py [DATA.jsonl] [OUT.yaml]
"""

from __future__ import annotations

import collections
import difflib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voicecheck.text.normalize import fold_phrase  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "shekasteh" / "data.jsonl"
OUT = ROOT / "rules" / "fa" / "colloquial.yaml"

MIN_SEEN = 2        # a colloquial form must occur at least this often in the pairs
MIN_TARGET = 2      # a replacement must be seen at least this often for that form
TARGET_SHARE = 0.2  # ... and make up at least this share of the form's replacements
KEEP_RATE = 0.2     # kept unchanged this often (relative to all uses): a standard word

# Spoken forms that are also ordinary written words, or too short to be safe.
HOMOGRAPHS = {
    "رو",       # "face", "on top of" (روبه‌رو، رو به دریا)
    "تو",       # "you" (informal address is VC210-VC212's business) and "in"
    "توی",      # "inside"
    "بره",      # "lamb"
    "بدین",     # "thus" (بدین ترتیب، بدین منظور)
    "بری",      # "free of" (بری از)
    "کنه",      # "tick" (the insect)
    "بدم",      # "I am bad"
    "بده",      # the written imperative "give"
    "هست",      # written "there is"
    "همه",      # ۀ/ی variants only
    "خب",       # accepted written spelling of the interjection
    "فک",       # "jaw"
    "اند",      # written "they are" (suffix)
    "ترا",      # literary "تو را"
    "تره",      # "leek"
    "دوش",      # "shower", "shoulder"
    "حقه",      # "trick"
    "بازه",     # "range"
    "خوشه",     # "cluster"
    "خبره",     # "expert"
    "لازمه",    # "prerequisite"
    "یکم",      # "first" (بند یکم)
    "بت",       # "idol"
    "بم",       # "bass", the city of Bam
    "چیست",     # the written form itself
    "کارتون",   # "cartoon", "carton"
    "نون",      # the letter نون
    "اینه",     # folds like آینه "mirror" (آ→ا)
    "اینک",     # literary "now"
    "ایمانه",   # a given name
    "منو",      # "menu" (از منو گزینه ... را بزنید)
    "راس",      # رأس ساعت ۱۰ "at 10 sharp" (أ folds away)
}

# Alignment artefacts, misspellings (not spoken forms) and pairs whose replacement is wrong.
DENY = {
    "شونو", "هارو", "مون", "زمانیم", "زیبان", "بش", "بات", "بسه", "یهو", "همچی", "همیچین",
    "بابام", "قضایه", "شعم", "جعم", "مسولیت", "خاستم", "نخلسون", "هندسون", "محضه",
    # endearments: VC125 over-familiar's business, not spelling
    "قربون", "قربونت", "جونم", "جونت", "جیگر",
    # spacing of به, not register: written both ways
    "بجای", "بخاطر", "بعنوان", "بنظرم", "یکسری",
}

# Hand-written core pairs (always kept; they win over the data).
CORE = {
    "میخوام": "می‌خواهم",
    "نمیشه": "نمی‌شود",
    "میشه": "می‌شود",
    "اینو": "این را",
    "بهتون": "به شما",
    "هستش": "است",
    "چیه": "چیست",
    "کجاس": "کجاست",
    "نمیدونم": "نمی‌دانم",
    "باهاتون": "با شما",
    "همچین": "چنین",
}

_INVISIBLE = re.compile("[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ZWNJS = re.compile("\u200c+")
_EDGE = re.compile(r"^[^\w\u200c]+|[^\w\u200c]+$")
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})


def clean_word(word: str) -> str:
    """Persian letters, one ZWNJ where the source used any joiner-like mark, no punctuation."""
    word = _INVISIBLE.sub("\u200c", word.translate(_LETTERS))
    word = _ZWNJS.sub("\u200c", word)
    word = _EDGE.sub("", word)
    return word.strip("\u200c")


def words(text: str) -> list[str]:
    out = []
    for raw in text.split():
        word = clean_word(raw)
        if word and not word.isdigit():
            out.append(word)
    return out


def key(word: str) -> str:
    return fold_phrase(word)


def align(rows: list[dict]) -> tuple[dict, collections.Counter, collections.Counter]:
    """Pairs colloquial key → Counter(standard form), with surface forms and kept counts."""
    pairs: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    surface: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    kept: collections.Counter = collections.Counter()
    for row in rows:
        a = words(row["informal_text"])
        b = words(row["standard_words_text"])
        ka, kb = [key(w) for w in a], [key(w) for w in b]
        matcher = difflib.SequenceMatcher(a=ka, b=kb, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                kept.update(ka[i1:i2])
            elif op == "replace" and i2 - i1 == j2 - j1:
                for k in range(i2 - i1):
                    pairs[ka[i1 + k]][b[j1 + k]] += 1
                    surface[ka[i1 + k]][a[i1 + k]] += 1
            elif op == "replace" and i2 - i1 == 1 and j2 - j1 == 2:
                pairs[ka[i1]][" ".join(b[j1:j2])] += 1
                surface[ka[i1]][a[i1]] += 1
    return pairs, surface, kept


_SUFFIXES = ("هایی", "های", "ها", "ترین", "تر", "ام", "ات", "اش", "ای", "اید", "ایم", "اند",
             "تان", "شان", "مان", "ی")


def fix_zwnj(word: str) -> str:
    """Drop stray ZWNJs inside a stem (گر‌ان, می‌گذ‌ارید): one before an alef that does not
    start a suffix; keep those after می/نمی, before suffixes and between words (آن‌موقع)."""
    out = []
    for part in word.split(" "):
        pieces = part.split("\u200c")
        text = pieces[0]
        for piece in pieces[1:]:
            if text in ("می", "نمی") or piece in _SUFFIXES or not piece.startswith("ا"):
                text += "\u200c" + piece
            else:
                text += piece
        out.append(text)
    return " ".join(out)


def is_infinitive(colloquial: str, target: str) -> bool:
    """Spoken 3rd plural past (افتادن for افتادند) is spelled like the written infinitive."""
    if colloquial.startswith(("می", "نمی")):
        return False
    for end in ("دن", "تن", "دنش", "تنش"):
        if colloquial.endswith(end):
            stem = colloquial[: len(colloquial) - len(end) + 2]
            return target.startswith(stem + "د")
    return False


def best_spelling(forms: collections.Counter) -> str:
    """Of spellings that fold alike, the one with ZWNJ or space (standard orthography), then the commonest."""
    def rank(kv: tuple[str, int]) -> tuple[int, int, str]:
        return (-(kv[0].count("\u200c") + kv[0].count(" ")), -kv[1], kv[0])

    return sorted(forms.items(), key=rank)[0][0]


def curate(pairs: dict, surface: dict, kept: collections.Counter) -> dict[str, list[str]]:
    homographs = {key(w) for w in HOMOGRAPHS}
    deny = {key(w) for w in DENY}
    out: dict[str, list[str]] = {}
    for colloquial, targets in pairs.items():
        seen = sum(targets.values())
        if seen < MIN_SEEN or len(colloquial) < 2 or colloquial in homographs | deny:
            continue
        if kept[colloquial] / (kept[colloquial] + seen) >= KEEP_RATE:
            continue
        grouped: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for target, count in targets.items():
            if key(target) != colloquial:
                grouped[key(target).replace(" ", "")][target] += count
        chosen = []
        for forms in sorted(grouped.values(), key=lambda f: (-sum(f.values()), best_spelling(f))):
            count = sum(forms.values())
            if count >= MIN_TARGET and count / seen >= TARGET_SHARE:
                chosen.append(fix_zwnj(best_spelling(forms)))
        if chosen and is_infinitive(colloquial, key(chosen[0])):
            continue
        if chosen:
            out[best_spelling(surface[colloquial])] = chosen
    for colloquial, target in CORE.items():
        for existing in [k for k in out if key(k) == key(colloquial)]:
            del out[existing]
        out[colloquial] = [target]
    return out


def spaced_variants(table: dict[str, list[str]]) -> dict[str, list[str]]:
    """'می شه' written with a space is two tokens: list the spaced form too."""
    extra = {}
    for colloquial, targets in table.items():
        bare = colloquial.replace("\u200c", "")
        if not targets[0].startswith(("می\u200c", "نمی\u200c")):
            continue
        for prefix in ("نمی", "می"):
            if bare.startswith(prefix) and len(bare) > len(prefix) + 1:
                spaced = prefix + " " + bare[len(prefix):]
                extra[spaced] = targets
                break
    return extra


HEADER = """\
# VC120 colloquial-spelling for Persian: spoken (shekasteh) word forms → written standard forms.
#
# GENERATED by training/build_colloquial_fa.py — edit the script (CORE, HOMOGRAPHS), not this file.
#
# Word pairs aligned from the Shekasteh corpus (informal_text vs standard_words_text columns):
#   Mohammad Sadegh Rasooli, Farzaneh Bakhtyari, Fatemeh Shafiei, Mahsa Ravanbakhsh,
#   Chris Callison-Burch, "Automatic Standardization of Colloquial Persian", arXiv:2012.05879 (2020).
#   Source repository rasoolims/Shekasteh, commit 0fa063b37d47579d4ce69dc6f355efd8bff4451c.
#   MIT License, Copyright (c) 2020 Mohammad Sadegh Rasooli (and the contributors named in its README).
#   Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
#   associated documentation files, to deal in them without restriction, subject to including the
#   above copyright notice and this permission notice in all copies or substantial portions.
#
# Curation: forms seen at least {min_seen} times; forms that are also standard written words
# dropped; hand-written core list added. {count} forms ({spaced} of them spaced variants).
"""

RULE = {
    "code": "VC120",
    "slug": "colloquial-spelling",
    "kind": "substitution",
    "severity": "warning",
    "dimension": "formality",
    "when": {"formality": ["formal", "neutral"]},
    "message": "'{match}' is a spoken form; in a written reply use '{replacement}'",
    "why": (
        "Spoken (shekasteh) forms such as میشه، اگه and خونه read as chat between friends. "
        "For a formal or neutral brand, write the standard form (می‌شود، اگر، خانه); "
        "casual brands may keep the spoken voice."
    ),
    "examples": {
        "bad": [
            "سلام، سفارش‌تان فردا ارسال میشه و اگه سؤالی داشتید در خدمتیم.",
            "متأسفانه نمیدونم چرا پرداخت انجام نشده، بررسی می‌کنیم.",
            {"text": "درخواست‌تان ثبت شد و تا دو روز کاری نتیجه را بهتون اعلام می‌کنیم.",
             "guide": {"extends": "formal"}},
            "اینو همین الان براتون پیگیری می‌کنم.",
        ],
        "good": [
            "سلام، سفارش‌تان فردا ارسال می‌شود و اگر سؤالی داشتید در خدمتیم.",
            "متأسفانه هنوز نمی‌دانیم چرا پرداخت انجام نشده است؛ تا فردا خبر می‌دهیم.",
            {"text": "سلام! سفارشت فردا میرسه، اگه سؤالی بود بگو 😊",
             "guide": {"extends": "friendly"}},
            "اتاق رو به دریا برای شما رزرو شد.",
        ],
    },
}


def render(table: dict[str, list[str]], spaced: int) -> str:
    import yaml

    rule = dict(RULE)
    swap = {}
    for colloquial in sorted(table, key=lambda k: (key(k), k)):
        targets = table[colloquial]
        swap[colloquial] = targets[0] if len(targets) == 1 else targets
    rule["swap"] = swap
    body = yaml.safe_dump({"rules": [rule]}, allow_unicode=True, sort_keys=False, width=100)
    header = HEADER.format(min_seen=MIN_SEEN, count=len(table), spaced=spaced)
    return header + body


def main(data: Path = DATA, out: Path = OUT) -> None:
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line]
    pairs, surface, kept = align(rows)
    table = curate(pairs, surface, kept)
    extra = {k: v for k, v in spaced_variants(table).items() if k not in table}
    table.update(extra)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(table, len(extra)), encoding="utf-8")
    print(f"wrote {out} ({len(table)} forms, {len(extra)} spaced variants)")


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    main(*args)
