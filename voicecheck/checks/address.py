"""Kind `address`: second-person address (T-V) consistency and the guide's address target.

    kind: address
    mode: mixed | informal | formal
    formal: [anda, bapak, ibu]        # words/phrases of the formal register
    informal: [kamu, kau, lo, gue]    # words/phrases of the informal register
    swap: {kamu: Anda}                # optional fixes for the flagged forms

mode `mixed` flags the minority register when a reply uses both; `informal` flags informal
forms (for guides whose address is formal); `formal` flags formal forms (informal guides).
"""

from __future__ import annotations

from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.checks.matcher import Entry, PhraseMatcher
from voicecheck.model import Finding
from voicecheck.text.draft import Draft
from voicecheck.text.normalize import fold_phrase

PARAMS = {"mode": "str", "formal": "list", "informal": "list", "swap": "map", "inflect": "bool",
          "except": "list"}


class AddressRule:
    uses_matcher = True

    def __init__(self, rule: Rule, matcher: PhraseMatcher, exceptions: PhraseMatcher) -> None:
        self.rule = rule
        self.mode = rule.params.get("mode", "mixed")
        inflect = rule.params.get("inflect", False)
        # keys are looked up in the folded text, so fold them the same way (ZWNJ, آ, case)
        self.swap = {fold_phrase(k): v for k, v in rule.params.get("swap", {}).items()}
        for register in ("formal", "informal"):
            for phrase in rule.params.get(register, ()):
                matcher.add(phrase, (self, register), inflect)
        for phrase in rule.params.get("except", ()):
            exceptions.add(phrase, (self, "except"), inflect)

    def run(self, draft: Draft, ctx: Context, severity: str,
            matches: list[tuple[Entry, int, int]],
            excepted: list[tuple[int, int]]) -> list[Finding]:
        hits = [(entry.payload[1], first, last) for entry, first, last in matches
                if not any(a <= first and last <= b for a, b in excepted)]
        formal = [h for h in hits if h[0] == "formal"]
        informal = [h for h in hits if h[0] == "informal"]
        if self.mode == "mixed":
            if not formal or not informal:
                return []
            flagged = informal if len(informal) <= len(formal) else formal
            other = "formal" if flagged is informal else "informal"
        elif self.mode == "informal":
            flagged, other = informal, "formal"
        else:
            flagged, other = formal, "informal"
        out = []
        for _register, first, last in flagged:
            start, end = draft.token_span(first, last)
            matched = draft.original[start:end]
            replacement = self.swap.get(draft.folded.text[
                draft.tokens[first].start:draft.tokens[last - 1].end])
            replacements = (replacement,) if replacement else ()
            message = fill(self.rule.message, match=matched, replacement=replacement or "",
                           other=other)
            out.append(make_finding(self.rule, severity, draft, start, end, message,
                                    replacements))
        return out


def compile_rule(rule: Rule, lang: str, matcher: PhraseMatcher,
                 exceptions: PhraseMatcher) -> Any:
    return AddressRule(rule, matcher, exceptions)
