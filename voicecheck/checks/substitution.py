"""Kind `substitution`: use X instead of Y, with X offered as the fix.

    kind: substitution
    swap:
      utilize: use
      "in order to": to
      gak: [tidak, nggak]      # several replacements: the first is the main suggestion
      "{each|every} customer * [his]": their   # marks as in kind `phrase`: only "his" is
                                               # reported and replaced
    inflect: false             # match the listed forms only (default false; the guide's
                               # `preferred` terms use the language's default)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voicecheck.checks.base import Rule
from voicecheck.checks.matcher import Entry, PhraseMatcher
from voicecheck.checks.phrase import PhraseRule, Shape

PARAMS = {"swap": "map", "inflect": "bool", "except": "list"}


@dataclass(frozen=True, slots=True)
class Swap:
    """What a matched source phrase is replaced with, and how it is reported."""

    targets: tuple[str, ...]
    shape: Shape | None = None


class SubstitutionRule(PhraseRule):
    def __init__(self, rule: Rule, matcher: PhraseMatcher, exceptions: PhraseMatcher) -> None:
        self.rule = rule
        self.suggest = ()
        inflect = rule.params.get("inflect", rule.kind == "substitution" and False)
        for source, target in rule.params.get("swap", {}).items():
            targets = tuple(target) if isinstance(target, list) else (target,)
            text, shape = self.marks(source, matcher.lang)
            matcher.add(text, (self, Swap(targets, shape)), inflect)
        for phrase in rule.params.get("except", ()):
            exceptions.add(phrase, (self, "except"), inflect)

    def shape(self, entry: Entry) -> Shape | None:
        return entry.payload[1].shape

    def replacements(self, entry: Entry) -> tuple[str, ...]:
        return entry.payload[1].targets


def compile_rule(rule: Rule, lang: str, matcher: PhraseMatcher,
                 exceptions: PhraseMatcher) -> Any:
    return SubstitutionRule(rule, matcher, exceptions)
