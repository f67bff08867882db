"""The commented starter guide written by `voicecheck guide init`."""

from __future__ import annotations

import unicodedata

TEMPLATE = """\
# voicecheck style guide — see docs/guide.md for every key.
# Check it with: voicecheck guide validate
extends: {preset}            # built-in presets: default, formal, friendly (or a path)

brand: {brand}
languages: [en, id, ms, fa]  # languages your team replies in

voice:
  formality: {formality}       # formal | neutral | casual
  address:                   # second person: formal (Anda/anda/شما) | informal | any
    id: {address}
    ms: {address}
    fa: {address}

banned:                      # phrases that must never be sent (error)
  - phrase: "no worries"
    reason: "sounds dismissive to upset customers"
    replacement: "happy to help"
  # - pattern: "guarantee(d|s)?"   # RE2 regular expression, case-insensitive
  #   reason: "we cannot promise delivery dates"

preferred:                   # use X, not Y (warning, with X as the fix)
  - use: "sign in"
    instead_of: ["log in", "login"]
    reason: "the app says Sign in"

jargon:                      # internal words customers do not know (info)
  - term: "RMA"
    explain: "say 'return'"

readability:
  max_sentence_words: 30
  min_reading_ease: 50       # Flesch, English
  max_lix: 55                # LIX, Indonesian / Malay / Persian

channels:                    # length limits per channel; public channels forbid personal data
  twitter_public: {{max_chars: 280, public: true}}
  sms: {{max_parts: 3, soft_limit: true}}

style:
  max_exclamations: 1
  max_emoji: 2
  all_caps: never
  acronyms: [FAQ, OTP, PIN]

rules:                       # turn rules off or change severity, by code or slug
  # VC119: off
  # robotic-apology: error
"""


def brand_problem(brand: str) -> str | None:
    """Why `brand` cannot be a brand name, or None when it can: a name is one line of text,
    not blank, without control characters (a tab, a line break, U+0085, U+2028, ESC …) or
    lone surrogates (bytes that were not UTF-8). Anything else, quotes, backslashes, `:`, `#`,
    a leading `-`, `*`, `&`, `!`, `%` or `@`, Persian or emoji, is written exactly.

    >>> brand_problem('Kopi "Kita"') is None
    True
    >>> brand_problem("Toko\\nJaya")
    'must be one line, without control characters (U+000A at character 5)'
    """
    if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in brand):
        return "must not be empty or blank"
    for i, ch in enumerate(brand, 1):
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp"):
            return f"must be one line, without control characters (U+{ord(ch):04X} at " \
                   f"character {i})"
        if category == "Cs":
            return f"must be valid Unicode (a lone surrogate U+{ord(ch):04X} at character {i})"
    return None


# YAML's named escapes in a double-quoted scalar (YAML 1.1 and 1.2 alike)
_NAMED_ESCAPES = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v",
                  "\f": "f", "\r": "r", "\x1b": "e", '"': '"', "\\": "\\",
                  "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def _as_is(ch: str) -> bool:
    """Whether `ch` may stand as it is in a double-quoted scalar: YAML 1.1 printable (what
    PyYAML's reader accepts), less what would be folded or dropped (line breaks, U+FEFF)."""
    code = ord(ch)
    return (0x20 <= code <= 0x7E or 0xA0 < code <= 0xD7FF
            or (0xE000 <= code <= 0xFFFD and code != 0xFEFF) or code >= 0x10000)


def yaml_quoted(value: str) -> str:
    r"""`value` as a YAML double-quoted scalar that any YAML 1.1 or 1.2 reader (PyYAML's
    included) loads back as exactly `value`: quote and backslash escaped, control and
    non-printable characters as escapes, everything else (Persian, emoji) as it is.

    >>> print(yaml_quoted('Toko\\Jaya "Kita" ☕'))
    "Toko\\Jaya \"Kita\" ☕"
    >>> print(yaml_quoted("a\tb\x7f\u2028"))
    "a\tb\x7F\L"
    """
    out = []
    for ch in value:
        if ch in _NAMED_ESCAPES:
            out.append("\\" + _NAMED_ESCAPES[ch])
        elif _as_is(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02X}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(f"\\U{ord(ch):08X}")
    return '"' + "".join(out) + '"'


def starter_guide(preset: str, brand: str) -> str:
    """Text of a starter guide extending `preset`, whose `brand` loads back as exactly `brand`.
    A brand that `brand_problem` refuses is a ValueError.

    >>> "extends: formal" in starter_guide("formal", "Acme")
    True
    """
    problem = brand_problem(brand)
    if problem:
        raise ValueError(f"brand {problem}")
    formality = {"formal": "formal", "friendly": "casual"}.get(preset, "neutral")
    address = {"formal": "formal", "friendly": "any"}.get(preset, "any")
    return TEMPLATE.format(preset=preset, brand=yaml_quoted(brand), formality=formality,
                           address=address)
