"""Kind `terms`: the guide's own banned phrases/patterns, preferred terms and jargon.

    kind: terms
    term: banned | preferred | jargon

The rule record (code, message, why, examples) lives in rules/common/guide.yaml; the words
come from the guide, so a brand adds a banned phrase without writing a rule.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from voicecheck.checks.base import Context, Rule
from voicecheck.checks.matcher import PhraseMatcher
from voicecheck.checks.pattern import PatternRule
from voicecheck.checks.phrase import PhraseRule
from voicecheck.checks.substitution import SubstitutionRule
from voicecheck.guide import Guide
from voicecheck.model import Finding
from voicecheck.text.draft import Draft

PARAMS = {"term": "str"}
TERMS = ("banned", "preferred", "jargon")


class _Patterns:
    """Banned patterns of the guide, as one rule."""

    uses_matcher = False

    def __init__(self, rules: list[PatternRule]) -> None:
        self.parts = rules

    def run(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        out = []
        for part in self.parts:
            out.extend(part.run(draft, ctx, getattr(part, "fixed_severity", None) or severity))
        return out


def compile_terms(rule: Rule, lang: str, guide: Guide, matcher: PhraseMatcher,
                  exceptions: PhraseMatcher) -> list[Any]:
    """Compiled rules for the guide's terms of kind `rule.params['term']` in `lang`."""
    kind = rule.params["term"]
    compiled: list[Any] = []
    patterns: list[PatternRule] = []
    for term in guide.terms:
        if term.kind != kind or (term.languages and lang not in term.languages):
            continue
        message = rule.message.replace("{reason}", term.reason or "").replace(" ()", "")
        message = message.replace("{explain}", term.reason or "")
        base = replace(rule, message=message.strip(), source=term.source or rule.source,
                       line=term.line)
        suggest = [term.replacement] if term.replacement else []
        obj: Any
        if term.pattern:
            obj = PatternRule(replace(base, params={"patterns": [term.pattern],
                                                    "suggest": suggest}))
            patterns.append(obj)
        elif kind == "preferred":
            params = {"swap": {p: term.replacement for p in term.phrases}}
            obj = SubstitutionRule(replace(base, params=params), matcher, exceptions)
            compiled.append(obj)
        else:
            params = {"phrases": list(term.phrases), "suggest": suggest}
            obj = PhraseRule(replace(base, params=params), matcher, exceptions)
            compiled.append(obj)
        obj.fixed_severity = term.severity
    if patterns:
        group = _Patterns(patterns)
        group.rule = rule
        compiled.append(group)
    return compiled
