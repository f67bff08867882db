"""Kind `placeholder`: template slots left unfilled in a reply about to be sent.

    kind: placeholder
    patterns: ["\\{\\{[^{}]{1,80}\\}\\}", "\\[[A-Z][A-Z0-9 _-]{1,40}\\]"]

In a canned-response library (`voicecheck lint`) slots are expected, so the check is off there.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from voicecheck.checks.base import Context, Rule
from voicecheck.checks.pattern import PatternRule
from voicecheck.model import Finding
from voicecheck.text.draft import Draft

PARAMS = {"patterns": "list", "case_sensitive": "bool"}


class PlaceholderRule(PatternRule):
    def __init__(self, rule: Rule) -> None:
        params = dict(rule.params)
        params.setdefault("case_sensitive", True)
        super().__init__(replace(rule, params=params))

    def run(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        if ctx.placeholders_ok:
            return []
        return super().run(draft, ctx, severity)


def compile_rule(rule: Rule, lang: str) -> Any:
    return PlaceholderRule(rule)
