"""The `^` (sentence start) and `[...]` (reported words) marks of rule-pack phrases
(voicecheck/checks/phrase.py), and that a guide's own terms are still taken literally."""

from __future__ import annotations

from dataclasses import replace

import pytest

from voicecheck.checks.base import Context, Rule
from voicecheck.checks.matcher import PhraseMatcher
from voicecheck.checks.phrase import PhraseRule
from voicecheck.checks.substitution import SubstitutionRule
from voicecheck.engine import Checker
from voicecheck.guide import guide_from_mapping, load_guide
from voicecheck.model import VoicecheckError
from voicecheck.text.draft import make_draft

RULE = Rule(code="VC999", slug="test-rule", kind="phrase", lang="en", severity="warning",
            message="'{match}'", why="test", dimension="vocabulary", params={},
            source="test.yaml", line=7)


def _findings(rule: Rule, text: str, kind=PhraseRule) -> list[tuple[str, tuple[str, ...]]]:
    matcher, exceptions = PhraseMatcher("en"), PhraseMatcher("en")
    compiled = kind(rule, matcher, exceptions)
    draft = make_draft(text, "en")
    found = list(matcher.find(draft.tokens))
    excepted = [(a, b) for _entry, a, b in exceptions.find(draft.tokens)]
    ctx = Context(guide=load_guide())
    return [(f.text, tuple(s.text for s in f.suggestions))
            for f in compiled.run(draft, ctx, "warning", found, excepted)]


ANCHORED = replace(RULE, params={"phrases": ["^ [obviously] , the"]})


@pytest.mark.parametrize(("text", "reported"), [
    ("Obviously, the link is in the email.", ["Obviously"]),
    ("Thanks! Obviously, the link is in the email.", ["Obviously"]),
    ("Hi Sam,\nObviously, the link is in the email.", ["Obviously"]),
    ("- Obviously, the link is in the email.", ["Obviously"]),
    ('"Obviously, the link is in the email."', ["Obviously"]),
    ("Hi Sam, obviously, the link is in the email.", []),
    ("We obviously, the link …", []),
])
def test_anchor_means_first_word_of_a_sentence_or_line(text, reported):
    assert [t for t, _ in _findings(ANCHORED, text)] == reported


def test_brackets_report_and_replace_only_those_words():
    rule = replace(RULE, kind="substitution",
                   params={"swap": {"{each|every} {customer|user} {* |* * |}[his]": "their"}})
    found = _findings(rule, "Every user can change his password.", SubstitutionRule)
    assert found == [("his", ("their",))]


def test_except_on_the_reported_words_or_the_last_word():
    rule = replace(RULE, params={"phrases": ["^ [clearly] , it's written"],
                                 "except": ["written badly"]})
    assert _findings(rule, "Clearly, it's written on the box.") == [("Clearly", ())]
    assert _findings(rule, "Clearly, it's written badly on the box.") == []
    unmarked = replace(RULE, params={"phrases": ["it's written"], "except": ["written badly"]})
    assert _findings(unmarked, "It's written badly.") == [("It's written", ())]


@pytest.mark.parametrize("phrase", ["a [b", "a ] b", "[a] [b]", "{a|[b]} c", "a [] b"])
def test_bad_marks_are_a_one_line_error_naming_the_rule(phrase):
    rule = replace(RULE, params={"phrases": [phrase]})
    with pytest.raises(VoicecheckError) as info:
        _findings(rule, "a b c")
    assert info.value.code == "E103" and info.value.path == "test.yaml"
    assert info.value.line == 7


def test_guide_terms_are_literal():
    """A brand that bans "[NAME]" bans the bracketed placeholder, not the word "name"."""
    checker = Checker(guide_from_mapping({"banned": [{"phrase": "[NAME]", "reason": "fill"}]}),
                      model=False)
    assert not [f for f in checker.check("What name is on the card?", lang="en").findings
                if f.code == "VC101"]
    found = [f.text for f in checker.check("Dear [NAME], thanks.", lang="en").findings
             if f.code == "VC101"]
    assert found == ["[NAME]"]
