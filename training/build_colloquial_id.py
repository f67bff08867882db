"""Build rules/id/colloquial.yaml: the VC120 colloquial → baku dictionary for Indonesian.

Sources (both MIT, both by Haryo Akbarianto Wibowo et al.; see shared/data/*/MANIFEST.md):

* IndoCollex (shared/data/indocollex-dictionary): informal → formal word dictionary built from
  Indonesian Twitter, each entry tagged with how the colloquial form was made (affixation
  "nyetir", sound-alter "pesen", shorten "resto", disemvoweling "dgn", acronym, space-dash).
* STIF (shared/data/stif-indonesia): customer tweets to Indonesian brands with a human formal
  rewrite. Aligning the two word by word gives pairs seen in customer-service text (udah →
  sudah, kalo → kalau, dapet → dapat), and tells which informal words the annotators left
  unchanged in the formal rewrite (such a word is not informal enough to flag).

Curation (false positives are bugs, so only clear cases survive):
  * single-word, alphabetic colloquial forms of at least three letters, formal form different;
  * IndoCollex categories `acronym` and `space-dash` are dropped (abbreviations such as "kec",
    "rm" and spacing such as "disini" are not register), and `disemvoweling` ("dgn", "tdk")
    belongs to VC121 text-speak, which is written by hand in rules/id/formality.yaml;
  * the colloquial form must not be a standard Indonesian word (spaCy's Indonesian lemma
    table: "bisa", "buat", "tapi", "mau" are standard even where STIF rewrites them) nor an
    English word (spaCy's English lemma table: "pas", "min", "tau", "dong", "kan");
  * the formal form must be lower-case standard Indonesian words (no names, no slang targets);
  * no letter repeated three times ("ajaaa", "haloo" are elongations, not spellings);
  * a form that maps to different formal words (IndoCollex disagreeing with itself, or with
    STIF) is ambiguous and dropped, and so is one the STIF annotators kept unchanged in the
    formal rewrite KEEP_RATE of the time or more;
  * STIF-only pairs need MIN_STIF sightings and a dominant target;
  * the DENY list (regional words, names, interjections, wrong pairs) is dropped by hand;
  * the hand-written CORE list is added and wins over the data;
  * forms that another substitution rule of the Indonesian pack already swaps (VC121 text-speak,
    VC122 slang, VC126 greetings...) are left out, so one word never gets two findings.

The output is deterministic (sorted keys, no timestamps):

    python training/build_colloquial_id.py            # writes rules/id/colloquial.yaml
"""

from __future__ import annotations

import collections
import difflib
import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voicecheck.text.normalize import fold_phrase  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
INDOCOLLEX = DATA / "indocollex-dictionary" / "data.jsonl"
STIF = DATA / "stif-indonesia" / "data.jsonl"
OUT = ROOT / "rules" / "id" / "colloquial.yaml"

MIN_LEN = 3         # shorter forms collide with abbreviations and codes
MIN_STIF = 3        # a STIF-only pair must be seen this often
TARGET_SHARE = 0.6  # ... and its target must be this share of the form's rewrites
KEEP_RATE = 0.3     # kept unchanged in the formal rewrite this often: not informal enough
EN_PROB = -14.5     # log probability above which a word counts as English (spaCy lexeme table)
DROP_CATEGORIES = {"acronym", "space-dash", "disemvoweling"}

# Dropped by hand after reading the candidates that pass the automatic filters.
DENY = {
    # regional languages (Javanese, Sundanese, Betawi, Manado, Minang...): standard in their own
    # language, and a reply quoting or greeting in them is not a spelling mistake
    "adoh", "adus", "akeh", "arep", "batur", "cai", "deui", "dewe", "dewek", "durung", "duwe",
    "elek", "enjing", "entek", "gawe", "gedhe", "gelem", "heula", "iku", "ireng", "isok", "jebul",
    "kabeh", "kene", "kerjo", "keur", "kitu", "kowe", "kumaha", "luwih", "maneh", "mboh",
    "mboten", "mbuh", "melu", "mergo", "metu", "monggo", "mosok", "naon", "ndelok", "ngene",
    "ngono", "nggo", "ngombe", "numpak", "nuwun", "ojo", "omah", "ono", "opo", "piye", "punten",
    "rasah", "rasane", "roso", "saha", "sampun", "sareng", "sik", "songo", "sopo", "suwun",
    "tenan", "teuing", "turu", "tuo", "wani", "wedok", "wes", "wetan", "wilujeng", "hayam",
    "muaro", "rumoh", "siapo", "kito", "smo", "apo", "sape", "balek", "aya", "atu", "amo",
    "hatur", "curug", "ndeso", "sesok", "tresno", "basudara", "pegi", "masok", "muke",
    # names, brands, titles, religious spellings (a customer's name or a shop's name is not
    # a typo, and "aamiin", "sholat", "Alloh" are a matter of faith, not register)
    "bambank", "boemi", "kampoeng", "roemah", "waroeng", "waroenk", "warunk", "warong", "tjilik",
    "kedhai", "baiq", "abi", "putera", "sulthan", "alloh", "rabb", "robb", "sholeh", "soleh",
    "shalat", "taqwa", "istighfar", "bersholawat", "ukhti", "ummah", "silaturrahmi", "adha",
    "jagad", "pcx", "kppn", "rsi", "rsia", "gub", "idr", "indo", "usa", "abg", "alai", "mrs",
    # English, Spanish, French, Dutch words and misspellings of them
    "beautifull", "coffe", "koffie", "coment", "costum", "suport", "wellcome", "happines",
    "fams", "genks", "temans", "fastpay", "pricelist", "ringroad", "breaktime", "bestfriend",
    "homestay", "basecamp", "everythings", "familys", "indonesias", "feliz", "merci", "testi",
    # profanity, insults and sexual words: VC118's business, never "fixed" into another word
    "ajig", "anjay", "anjeng", "anying", "anjirr", "njirr", "jingan", "goblog", "ngentot",
    "ngewe", "sange", "boker", "eek", "ngebacot", "ngedate", "gilak", "gile", "gokil",
    # interjections, laughter, particles and fillers: register, not spelling
    "doh", "hadeh", "hadeuh", "haduh", "oalah", "walaa", "noh", "tuch", "tuh", "paan", "dech",
    "unch", "uwu", "unyu", "mamam", "maem", "saay", "mee", "bai", "beud",
    # slang and address words handled by VC122 slang / VC125 / VC210-VC212
    "ane", "loe", "bokap", "nyokap", "cuan", "santuy", "selow", "gaje", "lebay", "kepoin",
    "jujurly", "otewe", "cewe", "ciwi", "galo", "hitz", "mangat", "qaqa", "qta", "cantiq",
    "syantik", "manjah", "sukak", "kocheng", "mengcape", "mengkezel", "mengmarah", "mengpede",
    "mengsedih", "mengseneng", "melow", "tepar", "nyampah", "ghibah", "gowes", "hbd", "ngopi",
    "ngupi", "ngabuburit", "srimping", "pantengin", "samperin", "senyumin", "nontonin",
    # wrong or doubtful targets, or forms with another reading
    "naksir",        # "have a crush on", not menaksir "estimate"
    "nanggung",      # "half-done", not tanggung
    "nipu",          # menipu, not tipu
    "ngapain",       # "what for" or "what are you doing": no single fix
    "koq",           # the particle kok, not mengapa
    "nda", "lom", "tida", "tyda", "tul", "suru", "tumpa", "sedi", "rasah", "pamutusan",
    "pendikar", "maqna", "depe", "flek", "hoaks", "ongkir", "cust", "nego", "segini", "segitu",
    "ngotot", "ngidam", "nongkrong", "nyesek", "nyempil", "nyanding", "nyender", "ngakunya",
    "ngomongnya", "nontonnya", "captionnya", "endingnya", "samaan", "cobak", "bkin", "bget",
    "bgtt", "bwt", "ttep", "kmh", "kzl", "enk", "kya", "sintesa", "horison", "isteri", "mabok",
    "ngaji", "ngamen", "ngefans", "kinclong", "muncak", "nampol", "tampol", "teros", "tauu",
    "dahh", "gaa", "beranih", "gangguin", "aing", "akoh", "akuh", "akutu", "berflower",
    "begitulah", "cucok", "duhh", "tuhh", "tuu", "youu", "mahasiswai", "soulmate", "nite",
    "unfaedah", "ngadem", "ngambek", "ngepost", "ngoceh", "ngangenin", "msuk", "ktemu", "ktmu",
    # imperatives and bare verbs that are standard (kenali, pahami: not "mengenali" misspelt)
    "kenali", "kurangi", "pahami", "sadari", "temani",
}

# Hand-written core pairs (always kept; they win over the data).
CORE = {
    "gak": "tidak", "ga": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak",
    "engga": "tidak", "kaga": "tidak", "kagak": "tidak",
    "gabisa": "tidak bisa", "gakbisa": "tidak bisa", "nggakbisa": "tidak bisa",
    "gaboleh": "tidak boleh", "gausah": "tidak usah", "gaperlu": "tidak perlu",
    "gatau": "tidak tahu", "gatahu": "tidak tahu", "gapapa": "tidak apa-apa",
    "nggapapa": "tidak apa-apa",
    "udah": "sudah", "udahan": "sudah selesai", "dah": "sudah",
    "aja": "saja", "doang": "saja",
    "gimana": "bagaimana", "gmana": "bagaimana",
    "banget": "sekali", "bener": "benar", "beneran": "benar-benar",
    "kalo": "kalau",
    "emang": "memang", "emangnya": "memangnya",
    "bikin": "membuat", "dibikin": "dibuat", "dibikinin": "dibuatkan", "bikinin": "buatkan",
    "belom": "belum", "blom": "belum", "kemaren": "kemarin", "cuman": "hanya",
    "tetep": "tetap", "cepet": "cepat", "malem": "malam", "dapet": "dapat", "dapetin": "dapatkan",
    "sampe": "sampai", "nyampe": "sampai", "pengen": "ingin", "pingin": "ingin",
    "kayak": "seperti", "kek": "seperti", "gitu": "begitu", "gini": "begini",
    "pake": "pakai", "dipake": "dipakai", "makai": "memakai",
    "inget": "ingat", "ngecek": "mengecek", "dicekin": "dicek", "dikirimin": "dikirimkan",
    "kirimin": "kirimkan", "ngirim": "mengirim", "nungguin": "menunggu", "ditungguin": "ditunggu",
    "nanya": "bertanya", "nanyain": "menanyakan", "ditanyain": "ditanyakan",
    "dibatalin": "dibatalkan", "batalin": "batalkan", "ngebatalin": "membatalkan",
    "dibalikin": "dikembalikan", "balikin": "kembalikan", "ngembaliin": "mengembalikan",
    "dikembaliin": "dikembalikan", "dibantuin": "dibantu", "bantuin": "bantu",
    "dijelasin": "dijelaskan", "jelasin": "jelaskan", "nyoba": "mencoba", "cobain": "coba",
    "dikasih": "diberi", "ngasih": "memberi", "kasihtau": "beri tahu", "dikasihtau": "diberi tahu",
    "tau": "tahu", "ntar": "nanti", "entar": "nanti", "barusan": "baru saja", "trus": "terus",
    "ama": "dengan", "nyari": "mencari", "nunggu": "menunggu", "ngurus": "mengurus",
    "ngerti": "mengerti", "liat": "lihat", "ngeliat": "melihat", "diliat": "dilihat",
    "ngomong": "berbicara", "ngobrol": "mengobrol", "kelar": "selesai", "telat": "terlambat",
    "kasian": "kasihan", "temen": "teman", "ilang": "hilang", "gede": "besar", "pinter": "pintar",
    "bales": "balas", "dibales": "dibalas", "nomer": "nomor", "ijin": "izin",
    "mesen": "memesan", "minjem": "meminjam",
}

HEADER = """\
# VC120 colloquial-spelling for Indonesian: bahasa gaul / cakapan word forms → baku forms.
#
# GENERATED by training/build_colloquial_id.py; edit the script (CORE, DENY), not this file.
#
# Word pairs from two MIT-licensed datasets by Haryo Akbarianto Wibowo and colleagues:
#   IndoCollex (dict/inforformal-formal-Indonesian-dictionary.tsv): Haryo Akbarianto Wibowo,
#   Made Nindyatama Nityasya, Afra Feyza Akyurek, Suci Fitriany, Alham Fikri Aji, Radityo Eko
#   Prasojo, Derry Tanti Wijaya. "IndoCollex: A Testbed for Morphological Transformation of
#   Indonesian Word Colloquialism." Findings of ACL-IJCNLP 2021. Repository haryoa/indo-collex,
#   commit df626e812cd5924794fabf40003368a69f4e953c. MIT License, Copyright (c) 2021 Haryo
#   Akbarianto Wibowo.
#   STIF (data/labelled/*.inf|*.for, aligned word by word): Haryo Akbarianto Wibowo, Tatag Aziz
#   Prawiro, Muhammad Ihsan, Alham Fikri Aji, Radityo Eko Prasojo, Rahmad Mahendra, Suci
#   Fitriany. "Semi-Supervised Low-Resource Style Transfer of Indonesian Informal to Formal
#   Language with Iterative Forward-Translation." IALP 2020. Repository haryoa/stif-indonesia,
#   commit 4bb2d90f7d03a35f24a366ba08f35a51cb305bd0. MIT License, Copyright (c) 2020 Haryo AW.
#   Permission is hereby granted, free of charge, to any person obtaining a copy of this software
#   and associated documentation files, to deal in them without restriction, subject to including
#   the above copyright notice and this permission notice in all copies or substantial portions.
#
# Curation: single alphabetic words of {min_len}+ letters that are neither standard Indonesian nor
# English words, unambiguous, not kept by the STIF annotators; regional words, names and
# interjections dropped by hand; hand-written core list added. {count} forms:
# {n_core} hand-written, {n_collex} from IndoCollex, {n_stif} from STIF alignments only.
"""

RULE = {
    "code": "VC120",
    "slug": "colloquial-spelling",
    "kind": "substitution",
    "severity": "warning",
    "dimension": "formality",
    "when": {"formality": ["formal", "neutral"]},
    "message": "'{match}' is a colloquial (cakapan) form; in a written reply use '{replacement}'",
    "why": (
        "Colloquial forms such as gak, udah, aja and gimana read as chat between friends. For a "
        "formal or neutral brand, write the standard (baku) form: tidak, sudah, saja, bagaimana. "
        "Casual brands may keep the spoken voice."
    ),
    "examples": {
        "bad": [
            "Mohon maaf Kak, pesanannya gak bisa dibatalin karena udah dikirim.",
            "Kalo dananya belum masuk, kabari kami aja ya.",
            {"text": "Bapak/Ibu, kartunya emang udah kami blokir sementara.",
             "guide": {"extends": "formal"}},
            "Gimana Kak, paketnya sudah nyampe?",
        ],
        "good": [
            "Mohon maaf Kak, pesanannya tidak bisa dibatalkan karena sudah dikirim.",
            "Kalau dananya belum masuk, kabari kami saja ya.",
            {"text": "Kak, paketnya udah nyampe belum? Kabarin aja ya kalau ada kendala 😊",
             "guide": {"extends": "friendly"}},
            "Terima kasih, pembayaran untuk tiket pesawat Anda sudah kami terima.",
        ],
    },
}

_ALPHA = re.compile(r"^[a-z]+$")
_TRIPLE = re.compile(r"(.)\1\1")


def key(word: str) -> str:
    return fold_phrase(word)


def lexicons() -> tuple[set[str], set[str]]:
    """(standard Indonesian words, English words) from spacy-lookups-data.

    Indonesian: every form and lemma of the Indonesian lemma table. English: every form and
    lemma of the English lemma table, plus every word of the English lexeme probability table
    more frequent than EN_PROB (that one also catches "gonna", "kinda", "que", "thru").
    """
    import spacy_lookups_data

    folder = Path(spacy_lookups_data.__file__).parent / "data"

    def load(name: str) -> dict:
        return json.loads(gzip.decompress((folder / f"{name}.json.gz").read_bytes()))

    def words(data: dict) -> set[str]:
        return {w.lower() for pair in data.items() for w in pair}

    english = words(load("en_lemma_lookup"))
    english |= {w.lower() for w, p in load("en_lexeme_prob").items() if p > EN_PROB}
    return words(load("id_lemma_lookup")), english


def is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def collapse(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def other_swaps() -> set[str]:
    """Forms that the pack's other substitution rules already swap (never flag twice)."""
    import yaml

    forms: set[str] = set()
    for path in sorted(OUT.parent.glob("*.yaml")):
        if path.name in (OUT.name, "language.yaml"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in data.get("rules", []):
            for source in (rule.get("swap") or {}):
                forms.add(key(str(source)))
    return forms


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def stif_pairs(rows: list[dict]) -> tuple[dict[str, collections.Counter], collections.Counter,
                                          collections.Counter]:
    """informal word → Counter(formal rewrite), and per word: times kept, times seen."""
    pairs: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    kept: collections.Counter = collections.Counter()
    seen: collections.Counter = collections.Counter()
    for row in rows:
        a = row["informal_text"].split()
        b = row["formal_text"].split()
        seen.update(a)
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                kept.update(a[i1:i2])
            elif op == "replace" and i2 - i1 == 1 and 1 <= j2 - j1 <= 2:
                target = " ".join(b[j1:j2])
                if _ALPHA.match(target.replace(" ", "")):
                    pairs[a[i1]][target] += 1
    return pairs, kept, seen


def curate() -> tuple[dict[str, str], dict[str, str]]:
    standard, english = lexicons()
    deny = {key(w) for w in DENY}
    skip = other_swaps()
    pairs, kept, seen = stif_pairs(read(STIF))

    known = standard | {key(k) for k in CORE}

    def usable(informal: str, formal: str) -> bool:
        if not _ALPHA.match(informal) or len(informal) < MIN_LEN or _TRIPLE.search(informal):
            return False
        if informal == formal.replace(" ", "") or informal in deny or informal in skip:
            return False
        if informal in standard or informal in english:
            return False
        # English plurals and contractions written without the apostrophe (shes, couldnt)
        if informal.endswith("s") and informal[:-1] in english:
            return False
        if informal.endswith(("nt", "re", "ll")) and informal[:-2] in english:
            return False
        # elongations: "bangett", "semuaa", "aduhh" are a known word with a letter doubled
        if collapse(informal) != informal and (collapse(informal) in known
                                               or collapse(informal) == collapse(formal)):
            return False
        # imperatives and bare forms are standard: "temani" (menemani), "nyalakan" (menyalakan)
        if informal.endswith(("i", "kan")) and formal.endswith(informal):
            return False
        # vowel-dropped abbreviations ("udh", "gmn", "telp") are VC121 text-speak
        vowels = sum(ch in "aeiou" for ch in informal)
        if is_subsequence(informal, formal.replace(" ", "")) and vowels <= 1 \
                and len(formal.replace(" ", "")) - len(informal) >= 2:
            return False
        words = formal.split()
        if not words or any(w not in standard or not _ALPHA.match(w) for w in words):
            return False
        if seen[informal] and kept[informal] / seen[informal] >= KEEP_RATE:
            return False
        return True

    # IndoCollex: the form must map to one formal form only.
    collex: dict[str, set[str]] = collections.defaultdict(set)
    for row in read(INDOCOLLEX):
        if set(row.get("transformation") or ()) & DROP_CATEGORIES:
            continue
        informal, formal = row["informal_text"].strip(), row["formal_text"].strip()
        if formal != formal.lower():
            continue  # a name (Amerika, Jakarta)
        collex[key(informal)].add(key(formal))
    from_collex: dict[str, str] = {}
    for informal, formals in collex.items():
        if len(formals) != 1:
            continue
        formal = next(iter(formals))
        stif_targets = pairs.get(informal)
        if stif_targets and stif_targets.most_common(1)[0][0] != formal \
                and sum(stif_targets.values()) >= MIN_STIF:
            continue  # the customer-service data rewrites it as something else
        if usable(informal, formal):
            from_collex[informal] = formal

    from_stif: dict[str, str] = {}
    for informal, targets in pairs.items():
        informal = key(informal)
        if informal in from_collex:
            continue
        total = sum(targets.values())
        target, count = targets.most_common(1)[0]
        if count >= MIN_STIF and count / total >= TARGET_SHARE and usable(informal, target):
            from_stif[informal] = target
    return from_collex, from_stif


def render(table: dict[str, str], n_core: int, n_collex: int, n_stif: int) -> str:
    import yaml

    rule = dict(RULE)
    rule["swap"] = {k: table[k] for k in sorted(table)}
    body = yaml.safe_dump({"rules": [rule]}, allow_unicode=True, sort_keys=False, width=100)
    header = HEADER.format(min_len=MIN_LEN, count=len(table), n_core=n_core, n_collex=n_collex,
                           n_stif=n_stif)
    return header + body


def main(out: Path = OUT) -> None:
    from_collex, from_stif = curate()
    skip = other_swaps()
    core = {key(k): v for k, v in CORE.items() if key(k) not in skip}
    table: dict[str, str] = {}
    table.update(from_collex)
    table.update(from_stif)
    n_collex = sum(1 for k in from_collex if k not in core)
    n_stif = sum(1 for k in from_stif if k not in core)
    table.update(core)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(table, len(core), n_collex, n_stif), encoding="utf-8")
    print(f"wrote {out} ({len(table)} forms: {len(core)} core, {n_collex} IndoCollex, "
          f"{n_stif} STIF)")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:2]))
