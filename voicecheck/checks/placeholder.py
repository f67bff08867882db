"""Kind `placeholder`: template slots left unfilled in a reply about to be sent.

    kind: placeholder
    patterns: ["\\[[A-Z][A-Z0-9 _-]{1,40}\\]"]        # markers a person must fill: always wrong
    slot_patterns: ["\\{\\{[^{}]{1,80}\\}\\}"]         # helpdesk/template slots

A draft about to be sent must have neither. In a canned-response library (`voicecheck lint`)
helpdesk slots such as `{{ticket.requester.first_name}}` or `%customer.firstName%` are what
the helpdesk fills in, so they are valid there; markers left for a person ("[NAME]", "XXX",
"TODO") are still reported, since an agent in a hurry sends them as they are. A bracketed
match right before "(" is the text of a Markdown link ("[CLA](https://…)"), not a slot.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from voicecheck.checks.base import Context, Rule
from voicecheck.checks.pattern import PatternRule
from voicecheck.model import Finding
from voicecheck.text.draft import Draft

PARAMS = {"patterns": "list", "slot_patterns": "list", "case_sensitive": "bool"}


class PlaceholderRule:
    uses_matcher = False

    def __init__(self, rule: Rule) -> None:
        params = dict(rule.params)
        params.setdefault("case_sensitive", True)
        markers = list(params.get("patterns", ()))
        slots = list(params.pop("slot_patterns", ()))
        self.markers = PatternRule(replace(rule, params={**params, "patterns": markers}))
        self.everything = PatternRule(replace(rule, params={**params,
                                                           "patterns": markers + slots}))

    def run(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        chosen = self.markers if ctx.placeholders_ok else self.everything
        text = draft.original
        # "[CLA](https://…)": a bracket right before "(" is a Markdown link's text, filled in
        return [f for f in chosen.run(draft, ctx, severity)
                if not (text.startswith("[", f.start) and text.startswith("](", f.end - 1))]


def compile_rule(rule: Rule, lang: str) -> Any:
    return PlaceholderRule(rule)
