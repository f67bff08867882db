#!/usr/bin/env python3
"""Build rules/ms/colloquial.yaml (VC120 colloquial-spelling, VC121 text-speak) for Malay.

Source: Malaya's colloquial -> standard Malay normaliser dictionary (`rules_normalizer` in
mesolitica/malaya, MIT licence), as converted in shared/data/malaya-colloquial-normalizer.
The table is a normaliser, not a register lexicon, so it is curated here:

* only alphabetic informal forms whose standard form differs are kept;
* English words (`seriously`, `check`, `flight`), names and places (`klate`, `ph`, `jnt`),
  words that are themselves standard Malay (`justeru`, `dulu`, `minta`), particles mapped to
  particles, profanity, religious formulas and entries with an Indonesian or wrong standard
  form (`gak` -> `juga`, `fikiran` -> `pikiran`) are dropped;
* Jakarta-style `-in`/`ng-` slang and letter-stretched spellings (`bgtttt`) are dropped;
* a hand-written core (tak, nak, dah, je, ni, tu, camne, dgn, utk, sbb, x ...) is added.

Forms written without vowels (dgn, yg, bgt) and x- negations go to VC121 text-speak; the rest
to VC120 colloquial-spelling. Output is sorted, so the same input gives the same file.

    python training/build_colloquial_ms.py [DATA_JSONL] [OUT_YAML]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "malaya-colloquial-normalizer" / "data.jsonl"
OUT = ROOT / "rules" / "ms" / "colloquial.yaml"


def words(text: str) -> set[str]:
    return set(text.split())


# English words (checked against an English word list) whose entries are translations or
# collide with English, minus the Malay shorthands kept below.
DROP_ENGLISH = words("""
add airline airlines airport ak all amen ana area ask at attitude august back bag bales bang
banged bard basically be behave benet bet bets bff big bike bird body boss bowling brand
breakfast briefing btw but by cali camera cane cant cape care cargo cheap check cite class cm
cobain committed company complain confirm confirmed corn couldnt cpa cr crew cube customer da
damaged day de dec december deep deliberately diem dinner direct diving done dont dung dunk
educate eighth ensure everything ex expect experience family fans february fifth fired first
flight for fourth free fri friday friend fyi gag gentlemen go good ground handle handling happy
hate have hay hg him his hr hrs hub humble if improve january japan job jobscope july june
kale kate kg khan kilo kiss ko la last le leader leave less letter low lu luggage lunch mai
make males mamas mantes mao march mart maw may mayan mba mg min mn modes mon monday mood most mr
mu much mum nanny oct october one online or paid pale pans passengers pd pg ph pilot pinter
please priority properties pub quality quit report resigned respect rm sacked sakai salute sam
samara same sat saturday second see seen selfie seriously service seventh shared shat shirt shut
sixth skit slam sling so sop sorry spy staff standing start steady stress stu student study sun
sunday sure tang team tempt tenth than that then thinking third those thurs thursday time to
transfer trims ts tues tuesday unfortunately unhappy up ur usa very viral vote warning warranty
wed wednesday well wife win with wt yak yam yank yap yep you your yuk yuks yup
""")

# Standard (or accepted) Malay words the table maps to something else, address words that
# VC210-VC212 handle, and keys whose mapping is wrong or unrelated.
DROP_STANDARD = words("""
babi berdisiplin berfikir cogan dik dulu elo fikiran hampa haru justeru ka kam kana kasi kau
ketara konsul laki liat mang manta minta muna pala pasai rana sado saja segan sendeng
tanggungjawab tapi tulah uda
aerodarat alak amer bape baper bapeerr bf bn cctv cino cubanget cwo debay dede dedek duk eyke
gf gaharus gabakal gapunya gojes gojess ginting grm guarno hotak hu ibon ichi imoet jadulnya kang
kaga kgak kebangetak kel kl ckp dessa enk emeshh ewahh eey gemen bro awk amu kamo kemuh
korang korg uolls nyatakan pasal kot sempoi smpoi sohor wat ush sie thu samp sampis pede omdo
nobar oplas promil propa salfok sotoy studycase kompek krenn lekong lakik tebir taraa tenny
tibeh uwee eakyu aee banx bante binggo bronis cewer cucok diksi dimao engk geh hotx ijap ja kaa
kaj kha kobul loksyut maho nineth ntmy sib taz warkop tayik taek taekk tai taik pyudara awek
makwe pakwe pcar kuy mkyong nyet lalok lipak sexi sexxi kt kn mmz nmbk tmbm brjdh pcrn hrsny pk
ntr ysh lobai silahkan silahkn gais jln tmn
""")

# Words that make a standard form unusable: Indonesian or slang targets, particles,
# profanity, religious formulas, names and places.
BAD_TARGET = words("""
bahwa bilang bikin cewek cowok kayak kayaknya gede capek doang kok dong deh gampang berantem
bocah kalian jelek entar bentar benaran beneran pikiran berpikir justru lah nya sih tuh nih yuk
ayo hayo anjay greget kece kepo unyu teteh pacar pacarnya pacarannya kerudung kerudungan
indak embuh gih woy yoi wow hello hi haha okay ok bye story chubby backup admin instagram
facebook whatsapp barbie anjing bangsat bajingan celaka jahanam kelentit mampus sempak teteknya
berak bodoh khinzir munafik bangkai binatang geblek allah alhamdulillah astagfirullah
subhanallah masyaallah insyallah amin amien yaallah tuhanku astaga terengganu kelantan johor
jakarta dijakarta jogjakarta indonesia diindonesia seindonesia malaysia selangor kedah semarang
bangladesh kuala lumpur umno nasional barisan tony sri tan mbak ponakan almarhum almarhumah
ustazah jilbab jilbabnya berjilbabnya hijab berhijab sayang sayangku say cinta cuman mantab
mikir memikir pingin ketemu kamar mending jaman ridho bunda keren kocak repot pribadi sinetron
pacaran bercanda butuh terserah bakalan gedek gegara adem sono engkoh encek lenjeh setrong
mantan perabis lumayan beres bangkrut berhasil jawaban harusny neraka tahi homo
""")

# Standard forms rewritten to the Malaysian standard spelling.
TARGET_FIX = {"saja": "sahaja", "coba": "cuba", "besok": "esok", "film": "filem",
              "sikit": "sedikit", "mencoba": "mencuba", "apapun": "apa pun", "kemana": "ke mana", "kesini": "ke sini",
              "kesitu": "ke situ", "kedepan": "ke depan", "darimana": "dari mana",
              "dimana": "di mana", "disini": "di sini", "disana": "di sana", "disitu": "di situ",
              "diluar": "di luar", "dirumah": "di rumah", "dibawah": "di bawah",
              "dibelakang": "di belakang", "jadwal": "jadual", "hapal": "hafal",
              "dah": "sudah", "tak": "tidak", "nak": "hendak", "tapi": "tetapi"}

# Entries whose standard form in the table is wrong.
OVERRIDE = {"gak": "tidak", "gakk": "tidak", "gk": "tidak", "gkk": "tidak", "gabisa": "tidak boleh",
            "camne": "bagaimana", "camna": "bagaimana", "cmne": "bagaimana", "camnoi": "bagaimana",
            "camni": "begini", "camnie": "begini", "cmni": "begini", "camtu": "begitu",
            "kitorang": "kami", "kekgini": "begini", "lepasni": "selepas ini",
            "lpsni": "selepas ini", "pasni": "selepas ini", "lepastu": "selepas itu",
            "kompom": "pasti"}

# Hand-written core: the forms Malaysian agents actually type.
CORE_COLLOQUIAL = {
    "tak": "tidak", "takde": "tiada", "takda": "tiada", "takpe": "tidak mengapa",
    "takpa": "tidak mengapa", "tak apa": "tidak mengapa", "nak": ["hendak", "mahu"],
    "dah": "sudah", "je": "sahaja", "jer": "sahaja", "aje": "sahaja", "saje": "sahaja",
    "ni": "ini", "tu": "itu", "camne": "bagaimana", "macam mana": "bagaimana",
    "macam ni": "begini", "macam tu": "begitu", "pastu": "selepas itu",
    "lepas tu": "selepas itu", "sikit": "sedikit", "sume": "semua", "ape": "apa",
    "mane": "mana", "sape": "siapa", "kenape": "kenapa", "ye": "ya", "tau": "tahu",
    "kat": "di", "dorang": "mereka", "diorang": "mereka", "kitorang": "kami",
    "camtu": "begitu", "camni": "begini", "cam ni": "begini", "cam tu": "begitu",
    "mcm ni": "begini", "boleh je": "boleh sahaja", "jap": "sebentar", "kejap": "sebentar",
    "sekejap je": "sebentar sahaja", "jugak": "juga", "lagik": "lagi", "besok": "esok",
}
CORE_TEXT_SPEAK = {
    "dgn": "dengan", "utk": "untuk", "sbb": "sebab", "yg": "yang", "dlm": "dalam",
    "kpd": "kepada", "drpd": "daripada", "krn": "kerana", "tlg": "tolong", "blh": "boleh",
    "brp": "berapa", "skrg": "sekarang", "jgn": "jangan", "mcm": "macam", "org": "orang",
    "sbg": "sebagai", "sblm": "sebelum", "lps": "lepas", "tgk": "tengok", "sy": "saya",
    "pls": "sila", "plz": "sila", "plis": "sila", "tq": "terima kasih", "tqvm": "terima kasih",
    "tqsm": "terima kasih", "thx": "terima kasih", "thnx": "terima kasih",
    "mksh": "terima kasih", "tkasih": "terima kasih", "u": "anda",
    "xde": "tiada", "xda": "tiada", "xleh": "tidak boleh", "xboleh": "tidak boleh",
    "xnak": "tidak mahu", "xtau": "tidak tahu", "xpe": "tidak mengapa", "xpayah": "tidak perlu",
}
# "x" alone is "tidak" only before a verb; "3 x sehari" must not match.
X_VERBS = ("boleh dapat ada tahu faham sempat perlu payah jadi berjaya sampai terima mahu pasti "
           "jumpa masuk keluar berfungsi cukup pernah aktif sah valid dibenarkan diterima").split()
X_COLLOQUIAL = {"nak": "mahu", "tau": "tahu", "leh": "boleh", "de": "ada"}

HEADER = """\
# GENERATED by training/build_colloquial_ms.py - edit the script, not this file.
#
# Colloquial Malay spellings (VC120) and text-speak (VC121) with their standard forms.
# Dictionary entries are derived from Malaya's `rules_normalizer` (mesolitica/malaya,
# malaya/text/rules.py, commit ddbfe3ba6e2e7e57fc845cb69226a4395b44f7d0):
#   MIT License, Copyright (c) 2018 huseinzol05.
#   Husein Zolkepli, "Malaya: Natural-Language-Toolkit library for Bahasa Malaysia", 2018.
# Curated (English words, names, standard Malay words, Indonesian and wrong targets dropped)
# and extended with a hand-written core; see the script's docstring.
"""

VC120_HEAD = {
    "code": "VC120", "slug": "colloquial-spelling", "kind": "substitution",
    "severity": "warning", "dimension": "formality",
    # Formal voices only: the project's own neutral-voice Malay replies that are labelled
    # "send" use tak/dah/nak/ni/tu freely (Malaysian neutral CS register), so flagging them on
    # neutral guides would be a false positive on most acceptable replies.
    "when": ["formal"],
    "message": "'{match}' is colloquial spelling; write '{replacement}' in this voice",
    "why": ("Spoken forms such as tak, nak, dah, je and camne read as chat between friends. "
            "In a formal brand voice write the standard form. Malaysian neutral and casual "
            "replies use them freely, so the rule is on for formal guides only."),
}
VC120_EXAMPLES = {
    "bad": [{"text": "Maaf, pesanan tuan tak dapat dihantar hari ni.", "guide": "formal"},
            {"text": "Bayaran balik dah diproses, sila semak akaun bank ye.", "guide": "formal"},
            {"text": "Camne kami boleh bantu?", "guide": "formal"}],
    "good": [{"text": "Maaf, pesanan tuan tidak dapat dihantar hari ini.", "guide": "formal"},
             {"text": "Bayaran balik sudah diproses, sila semak akaun bank anda.",
              "guide": "formal"},
             {"text": "Maaf, kami dah semak dan bungkusan tu tak sampai lagi ke hab.",
              "guide": "neutral"}],
}
VC121_HEAD = {
    "code": "VC121", "slug": "text-speak", "kind": "substitution",
    "severity": "warning", "dimension": "formality",
    "when": ["formal", "neutral"],
    # "U Mobile" is a Malaysian telco; "u-turn" is one token already.
    "except": ["u mobile", "u-mobile"],
    "message": "'{match}' is text-speak; write '{replacement}' in full",
    "why": ("Abbreviations such as dgn, utk, yg, sbb, x or tq save the agent a second and cost "
            "the reader one; in a formal or neutral voice they look careless. Write the word "
            "in full."),
}
VC121_EXAMPLES = {
    "bad": ["Tq sbb sabar, kami akan hubungi encik esok.",
            "Sila hantar resit dgn nombor pesanan utk semakan.",
            "Maaf, kupon ni x boleh digunakan lagi."],
    "good": ["Terima kasih kerana bersabar, kami akan hubungi encik esok.",
             "Sila ambil ubat ini 3 x sehari selepas makan.",
             {"text": "Tq sbb sabar ya, nanti kami update!", "guide": "casual"},
             "Pelan pascabayar U Mobile anda aktif mulai hari ini."],
}


def load(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            table[row["informal_text"].strip().lower()] = row["formal_text"].strip()
    return table


def fix_target(target: str) -> str | None:
    target = re.sub(r"\s*-\s*", "-", target)
    if not re.fullmatch(r"[a-z]+(?:[ -][a-z]+)*", target):
        return None  # capitals (names such as 'Yang Bahagia'), digits, '&'
    parts = [TARGET_FIX.get(w, w) for w in target.split()]
    if any(w in BAD_TARGET for p in parts for w in p.split()):
        return None
    return " ".join(parts)


def curate(table: dict[str, str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for key, target in table.items():
        if not re.fullmatch(r"[a-z]{2,}", key) or re.search(r"(.)\1\1", key):
            continue
        if key in DROP_ENGLISH or key in DROP_STANDARD:
            continue
        if key.endswith("in") and not target.endswith("in"):
            continue  # Jakarta -in verbs (bayangin, ajarin)
        if key.startswith("ng") and not target.lower().startswith("ng"):
            continue  # Jakarta ng- verbs (ngomongin, ngasih)
        fixed = OVERRIDE.get(key) or fix_target(target)
        if fixed is None or fixed == key:
            continue
        kept[key] = fixed
    return kept


def is_text_speak(key: str) -> bool:
    if " " in key:
        return False
    return not re.search(r"[aeiou]", key) or bool(re.fullmatch(r"x[^aeiou].*", key))


def split(entries: dict[str, str]) -> tuple[dict, dict]:
    colloquial: dict = {}
    text_speak: dict = {}
    for key, target in entries.items():
        (text_speak if is_text_speak(key) else colloquial)[key] = target
    for key, target in CORE_COLLOQUIAL.items():
        if target is None:
            colloquial.pop(key, None)
        else:
            colloquial[key] = target
            text_speak.pop(key, None)
    for key, target in CORE_TEXT_SPEAK.items():
        text_speak[key] = target
        colloquial.pop(key, None)
    for verb in X_VERBS:
        text_speak[f"x {verb}"] = f"tidak {verb}"
    for verb, standard in X_COLLOQUIAL.items():
        text_speak[f"x {verb}"] = f"tidak {standard}"
    return colloquial, text_speak


def q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def emit_example(item) -> str:
    if isinstance(item, str):
        return f"        - {q(item)}\n"
    return (f"        - text: {q(item['text'])}\n"
            f"          guide: {{voice: {{formality: {item['guide']}}}}}\n")


def emit_rule(head: dict, swap: dict, examples: dict) -> str:
    out = [f"  - code: {head['code']}\n", f"    slug: {head['slug']}\n",
           f"    kind: {head['kind']}\n", f"    severity: {head['severity']}\n",
           f"    dimension: {head['dimension']}\n",
           f"    when: {{formality: [{', '.join(head['when'])}]}}\n",
           f"    message: {q(head['message'])}\n", f"    why: {q(head['why'])}\n",
           ]
    if head.get("except"):
        out.append(f"    except: [{', '.join(q(e) for e in head['except'])}]\n")
    out.append("    swap:\n")
    for key in sorted(swap):
        target = swap[key]
        if isinstance(target, list):
            out.append(f"      {q(key)}: [{', '.join(q(t) for t in target)}]\n")
        else:
            out.append(f"      {q(key)}: {q(target)}\n")
    out.append("    examples:\n")
    for kind in ("bad", "good"):
        out.append(f"      {kind}:\n")
        out.extend(emit_example(item) for item in examples[kind])
    return "".join(out)


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else DATA
    out = Path(argv[2]) if len(argv) > 2 else OUT
    colloquial, text_speak = split(curate(load(data)))
    text = (HEADER + "rules:\n" + emit_rule(VC120_HEAD, colloquial, VC120_EXAMPLES)
            + emit_rule(VC121_HEAD, text_speak, VC121_EXAMPLES))
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: VC120 {len(colloquial)} forms, VC121 {len(text_speak)} forms",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
