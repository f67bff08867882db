"""Kind `pii`: personal data that must not be written into a reply.

    kind: pii
    pii: email | phone | card | mykad

Cards are Luhn-checked (so order numbers pass); phone numbers are parsed with Google's
libphonenumber (the `phonenumbers` package), with the region of the reply's language.
"""

from __future__ import annotations

import re
from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.model import Finding
from voicecheck.text.draft import Draft

PARAMS = {"pii": "str"}
KINDS = ("email", "phone", "card", "mykad")
REGION = {"en": "US", "id": "ID", "ms": "MY", "fa": "IR"}

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_DIGIT = re.compile(r"\d")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_MYKAD = re.compile(r"(?<!\d)\d{6}-\d{2}-\d{4}(?!\d)")


def luhn(digits: str) -> bool:
    """Luhn checksum.

    >>> luhn("4111111111111111"), luhn("4111111111111112")
    (True, False)
    """
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class PiiRule:
    uses_matcher = False

    def __init__(self, rule: Rule, lang: str) -> None:
        self.rule = rule
        self.kind = rule.params["pii"]
        self.region = REGION.get(lang, "US")

    def _spans(self, text: str) -> list[tuple[int, int]]:
        if self.kind == "email":
            return [m.span() for m in _EMAIL.finditer(text)]
        if self.kind in ("card", "mykad") and len(_DIGIT.findall(text)) < 12:
            return []  # a card number has 13-19 digits, a MyKad number 12
        if self.kind == "card":
            spans = []
            for m in _CARD.finditer(text):
                digits = re.sub(r"\D", "", m.group())
                if 13 <= len(digits) <= 19 and luhn(digits) and len(set(digits)) > 1:
                    spans.append(m.span())
            return spans
        if self.kind == "mykad":
            return [m.span() for m in _MYKAD.finditer(text)]
        import phonenumbers

        if not _DIGIT.search(text):
            return []
        matcher = phonenumbers.PhoneNumberMatcher(text, self.region,
                                                  leniency=phonenumbers.Leniency.VALID,
                                                  max_tries=200)
        return [(m.start, m.end) for m in matcher]

    def run(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        out = []
        for s, e in self._spans(draft.clean.text):
            start, end = draft.clean.to_original(s, e)
            channel = ctx.channel or "this channel"
            message = fill(self.rule.message, match=draft.original[start:end], channel=channel)
            out.append(make_finding(self.rule, severity, draft, start, end, message))
        return out


def compile_rule(rule: Rule, lang: str) -> Any:
    return PiiRule(rule, lang)
