"""The commented starter guide written by `voicecheck guide init`."""

from __future__ import annotations

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


def starter_guide(preset: str, brand: str) -> str:
    """Text of a starter guide extending `preset`.

    >>> "extends: formal" in starter_guide("formal", "Acme")
    True
    """
    formality = {"formal": "formal", "friendly": "casual"}.get(preset, "neutral")
    address = {"formal": "formal", "friendly": "any"}.get(preset, "any")
    safe_brand = brand.replace('"', "'").replace("\n", " ")
    brand_value = f'"{safe_brand}"'
    return TEMPLATE.format(preset=preset, brand=brand_value, formality=formality,
                           address=address)
