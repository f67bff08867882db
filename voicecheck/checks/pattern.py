"""Kind `pattern`: a regular expression (RE2, linear time) over the cleaned text.

    kind: pattern
    patterns: ["\\b(?:asap|a\\.s\\.a\\.p)\\b"]
    case_sensitive: false      # default false
    suggest: ["as soon as we can"]

The cleaned text has zero-width characters, homoglyphs and full-width forms undone, so a
pattern sees what a reader sees.
"""

from __future__ import annotations

from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.guide.patterns import compile_pattern
from voicecheck.model import Finding
from voicecheck.text.draft import Draft

PARAMS = {"patterns": "list", "case_sensitive": "bool", "suggest": "list"}


class PatternRule:
    uses_matcher = False

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        case = rule.params.get("case_sensitive", False)
        patterns = list(rule.params.get("patterns", ()))
        for p in patterns:
            compile_pattern(p, case)  # each must compile on its own (clear errors)
        # one alternation: a single RE2 pass per rule instead of one per pattern
        combined = "|".join(f"(?:{p})" for p in patterns)
        self.regexes = [compile_pattern(combined, case, max_length=len(combined))] \
            if patterns else []
        self.suggest = tuple(rule.params.get("suggest", ()))

    def run(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        out = []
        text = draft.clean.text
        for regex in self.regexes:
            for match in regex.finditer(text):
                if match.end() <= match.start():
                    continue
                start, end = draft.clean.to_original(match.start(), match.end())
                message = fill(self.rule.message, match=draft.original[start:end],
                               brand=ctx.guide.brand)
                out.append(make_finding(self.rule, severity, draft, start, end, message,
                                        self.suggest))
        return out


def compile_rule(rule: Rule, lang: str) -> Any:
    return PatternRule(rule)
