"""Kind `phrase`: the words must not appear (existence), inflection-aware.

    kind: phrase
    phrases: ["we {apologize|apologise} for any inconvenience", "as per our policy"]
    inflect: true            # also match inflected forms via lemma lookup (default: the
                             # language's `inflect:` in rules/<lang>/language.yaml)
    except: ["no problem at all"]   # a match inside one of these is not a finding
    suggest: ["I'm sorry about this"]   # optional replacements for the matched words
"""

from __future__ import annotations

from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.checks.matcher import Entry, PhraseMatcher
from voicecheck.model import Finding
from voicecheck.text.draft import Draft

PARAMS = {"phrases": "list", "inflect": "bool", "except": "list", "suggest": "list"}


class PhraseRule:
    uses_matcher = True

    def __init__(self, rule: Rule, matcher: PhraseMatcher, exceptions: PhraseMatcher) -> None:
        self.rule = rule
        inflect = rule.params.get("inflect")  # None: the language's default
        for phrase in rule.params.get("phrases", ()):
            matcher.add(phrase, (self, None), inflect)
        for phrase in rule.params.get("except", ()):
            exceptions.add(phrase, (self, "except"), inflect)
        self.suggest = tuple(rule.params.get("suggest", ()))

    def replacements(self, entry: Entry) -> tuple[str, ...]:
        return self.suggest

    def run(self, draft: Draft, ctx: Context, severity: str,
            matches: list[tuple[Entry, int, int]],
            excepted: list[tuple[int, int]]) -> list[Finding]:
        out = []
        for entry, first, last in matches:
            if any(a <= first and last <= b for a, b in excepted):
                continue
            start, end = draft.token_span(first, last)
            replacements = self.replacements(entry)
            message = fill(self.rule.message, match=draft.original[start:end],
                           replacement=replacements[0] if replacements else "",
                           brand=ctx.guide.brand)
            out.append(make_finding(self.rule, severity, draft, start, end, message,
                                    replacements))
        return out


def compile_rule(rule: Rule, lang: str, matcher: PhraseMatcher,
                 exceptions: PhraseMatcher) -> Any:
    return PhraseRule(rule, matcher, exceptions)
