"""Random inputs for the fuzzer: reply-like text with the characters that break text tools.

Everything is drawn from one `random.Random`, so a seed reproduces an input exactly.
"""

from __future__ import annotations

import random

# Fragments of ordinary replies in the four languages, so that the rules and the tokeniser
# see real words around the hostile characters (a stream of random code points alone never
# reaches the phrase matcher).
WORDS = {
    "en": ["Thanks", "for", "waiting", "we", "apologize", "for any inconvenience", "refund",
           "as per our policy", "you should have", "order", "ships", "today", "Hi", "sorry",
           "calm down", "guys", "obviously", "please", "contact", "us", "ASAP", "{{name}}",
           "{{ticket.id}}", "john@example.com", "+1 415 555 0100", "4111 1111 1111 1111"],
    "id": ["Terima kasih", "kamu", "Anda", "mohon maaf atas ketidaknyamanannya", "sesuai",
           "kebijakan", "kami", "gak", "pesanan", "dikirim", "hari ini", "Bapak/Ibu", "nggak",
           "silakan", "hubungi", "udah"],
    "ms": ["Terima kasih", "awak", "anda", "kami mohon maaf", "pesanan", "akan", "dihantar",
           "tak", "sila", "hubungi", "kami", "nak", "dah"],
    "fa": ["سلام", "ممنون", "از", "صبر", "شما", "تو", "پوزش", "می\u200cطلبیم", "طبق قوانین شرکت",
           "سفارش", "ارسال", "شد", "لطفا", "۱۲۳", "كتاب", "ي"],
}

# Characters and sequences known to trip text handling: zero-width and invisible characters,
# bidi controls, combining marks, emoji ZWJ sequences, flags and skin tones, look-alikes,
# full-width and mathematical letters, characters whose case or NFKC form changes length,
# line separators of every kind, NUL and other C0/C1 controls, unpaired surrogates.
SPECIALS = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u034f",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200e", "\u200f", "\u061c",
    "\u0301", "\u0300", "\u0308", "\u0327", "\u064e", "\u0651", "\u0670", "\u0640", "\u20dd",
    "e" + "\u0301" * 40, "Z\u0351\u0360\u0334\u0337\u0315",
    "👍", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "🇮🇩", "🇲🇾", "🇮🇷", "#️⃣", "🫠",
    "а", "е", "о", "р", "с", "ο", "ι", "ｒｅｆｕｎｄ", "𝐫𝐞𝐟𝐮𝐧𝐝", "ﬁ", "ﬀ", "ǅ", "İ", "ı", "ß", "ẞ",
    "\ufdfa", "\u0390", "ŉ", "ﷺ", "㍿", "…", "‽",
    "\r\n", "\r", "\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\t",
    "\x00", "\x01", "\x1b[31m", "\x7f", "\x9b",
    "\ud800", "\udfff", "\udc00\ud800",
    "{{", "}}", "{%", "%}", "<b>", "</p>", "&amp;", "***", "r e f u n d", "r.e.f.u.n.d",
    "re*fund", "!!!!!!!!", "??", "WE ARE SORRY", "\\", "'", '"', "`",
]

# Whole planes worth sampling from: ASCII, Latin-1/Extended, Arabic, general punctuation,
# CJK, private use, emoji, astral letters, tags, noncharacters.
RANGES = [(0x20, 0x7F), (0xA0, 0x250), (0x300, 0x370), (0x600, 0x700), (0xFB50, 0xFE00),
          (0x2000, 0x2070), (0x3000, 0x3100), (0x4E00, 0x4F00), (0xE000, 0xE100),
          (0xFE00, 0xFFFF), (0x1D400, 0x1D800), (0x1F300, 0x1FAFF), (0xE0000, 0xE0080),
          (0x10FFF0, 0x110000)]


def random_chars(rng: random.Random, n: int) -> str:
    low, high = rng.choice(RANGES)
    return "".join(chr(rng.randrange(low, high)) for _ in range(n))


def reply_text(rng: random.Random, max_pieces: int = 40, phrases: list[str] | None = None) -> str:
    """A reply-like string: words of one or more languages, banned phrases, specials, noise."""
    langs = rng.sample(list(WORDS), rng.choice((1, 1, 1, 2)))
    pieces = []
    for _ in range(rng.randint(0, max_pieces)):
        roll = rng.random()
        if roll < 0.45:
            pieces.append(rng.choice(WORDS[rng.choice(langs)]))
        elif roll < 0.55 and phrases:
            pieces.append(disguise(rng, rng.choice(phrases)))
        elif roll < 0.8:
            pieces.append(rng.choice(SPECIALS))
        elif roll < 0.95:
            pieces.append(random_chars(rng, rng.randint(1, 12)))
        else:
            pieces.append(rng.choice(SPECIALS) * rng.randint(2, 300))
        pieces.append(rng.choice((" ", " ", " ", "", ". ", ", ", "\n", "!")))
    return "".join(pieces)


def disguise(rng: random.Random, phrase: str) -> str:
    """`phrase` with a random evasion trick applied (any trick, any strength)."""
    trick = rng.randrange(6)
    if trick == 0:
        sep = rng.choice(["\u200b", "\u200d", "\u00ad", "\u2060", " ", ".", "-", "*"])
        return sep.join(phrase)
    if trick == 1:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in phrase)
    if trick == 2:
        return phrase.translate(str.maketrans("aeopcx", "аеорсх"))
    if trick == 3:
        return "".join(c + "\u0301" if c in "aeiou" else c for c in phrase)
    if trick == 4:
        return phrase.upper()
    return "\u2067" + phrase + "\u2069"


def huge_line(rng: random.Random, size: int = 1_000_000) -> str:
    """One line of about `size` characters (no line break), of one of several shapes."""
    shape = rng.randrange(4)
    if shape == 0:
        unit = "Thanks for waiting, your order ships today. "
    elif shape == 1:
        unit = "a"
    elif shape == 2:
        unit = "r\u200be\u200bf\u200bu\u200bn\u200bd "
    else:
        unit = reply_text(rng, 8).replace("\n", " ").replace("\r", " ") or "x"
    return (unit * (size // len(unit) + 1))[:size]


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """Byte-level damage: invalid UTF-8, truncated sequences, NUL, BOMs, flipped bits."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        pos = rng.randint(0, len(buf))
        if op == 0:
            buf[pos:pos] = bytes([rng.choice([0x80, 0xBF, 0xC0, 0xC1, 0xE0, 0xED, 0xF4, 0xF5,
                                              0xFE, 0xFF])])
        elif op == 1:
            buf[pos:pos] = rng.choice([b"\xed\xa0\x80", b"\xf0\x9f", b"\xe2\x80", b"\xc3",
                                       b"\xf8\x88\x80\x80\x80", b"\xc0\xaf"])
        elif op == 2:
            buf[pos:pos] = b"\x00"
        elif op == 3:
            buf[pos:pos] = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
        elif op == 4 and buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 5:
            del buf[pos:pos + rng.randint(1, 8)]
        else:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(buf)


def yaml_scalar(rng: random.Random) -> str:
    """A YAML scalar of a random kind, possibly quoted, possibly hostile."""
    roll = rng.randrange(10)
    if roll == 0:
        return str(rng.randint(-10, 10**6))
    if roll == 1:
        return rng.choice(["true", "off", "null", "~", "1e999", ".nan", "0x1F", "2026-11-25",
                           "!!python/object:os.system", "*undefined", "&a x", "|", ">"])
    text = reply_text(rng, 4).replace("\n", " ").replace("\r", " ")
    if roll < 6:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "'" + text.replace("'", "''") + "'"
