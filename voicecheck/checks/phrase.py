"""Kind `phrase`: the words must not appear (existence), inflection-aware.

    kind: phrase
    phrases: ["we {apologize|apologise} for any inconvenience", "as per our policy"]
    inflect: true            # also match inflected forms via lemma lookup (default: the
                             # language's `inflect:` in rules/<lang>/language.yaml)
    except: ["no problem at all"]   # a match inside one of these is not a finding
    except_last_word: true   # nor one whose last word one of them covers ("… your [pin] location")
    suggest: ["I'm sorry about this"]   # optional replacements for the matched words
    request_verbs: [...]     # and requests however worded: see checks/request.py

Two marks narrow a phrase of a rule pack (phrase and substitution rules; never the guide's own
terms, whose text is taken literally):

    "^ {obviously|clearly} , the"      # `^` first: the phrase must begin a sentence or a line
    "{each|every} customer * [his]"    # `[...]`: report (and replace) only these words

A marked phrase is excepted by an `except` phrase that covers its reported words or its last
word: "written confusingly" rules out "^ [clearly] , it's written" without spelling out
"clearly , it's" again (an unmarked phrase must lie inside the `except` phrase).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cache
from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.checks.matcher import Entry, PhraseMatcher, tokenize_phrase
from voicecheck.checks.request import PARAMS as REQUEST_PARAMS
from voicecheck.checks.request import compile_requests
from voicecheck.guide.phrases import PhraseError, expand
from voicecheck.model import Finding, VoicecheckError
from voicecheck.text.draft import Draft

# `tone_signal: false`: the rule's matches are not `r:` features of the tone model, so its
# phrases can change without rebuilding models/tone (a rule newer than the model)
PARAMS = {"phrases": "list", "inflect": "bool", "except": "list", "suggest": "list",
          "except_last_word": "bool", "tone_signal": "bool", **REQUEST_PARAMS}
ANCHOR = "^"
# a comma or colon before the phrase means it continues a sentence ("Hi Sam, obviously …")
_CONTINUES = frozenset(",;:،؛")


@dataclass(frozen=True, slots=True)
class Shape:
    """How a marked phrase is reported: at a sentence start only, and which of its words."""

    anchored: bool = False
    focus: tuple[str, ...] = ()  # the bracketed words' variants, as written
    from_end: bool = False  # the bracketed words sit nearer the end: look for them from there
    lang: str = ""

    def focus_tokens(self) -> tuple[tuple[str, ...], ...]:
        """The bracketed words as draft tokens, tokenised on first use."""
        return _focus_tokens(self.focus, self.lang)


@cache
def _focus_tokens(variants: tuple[str, ...], lang: str) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({tokenize_phrase(v, lang) for v in variants} - {()}))


def parse_marks(phrase: str, lang: str, rule: Rule) -> tuple[str, Shape | None]:
    """The phrase without its marks, and their Shape (None for a plain phrase).

    >>> parse_marks("as per our policy", "en", None)
    ('as per our policy', None)
    """
    text = phrase.strip()
    anchored = text.startswith(ANCHOR + " ")
    if anchored:
        text = text[len(ANCHOR):].strip()
    if "[" not in text and "]" not in text:
        return text, Shape(anchored=True) if anchored else None
    try:
        before, rest = text.split("[", 1)
        inside, after = rest.split("]", 1)
        if "[" in after or "]" in after or "]" in before or before.count("{") != \
                before.count("}"):
            raise ValueError
        focus = tuple(v for v in expand(inside) if v.strip())
    except (ValueError, PhraseError):
        raise VoicecheckError(f"phrase {phrase!r}: mark the reported words with one pair of "
                              "[ ] outside any {…} group", path=rule.source, line=rule.line,
                              code="E103") from None
    if not focus:
        raise VoicecheckError(f"phrase {phrase!r}: nothing inside [ ]", path=rule.source,
                              line=rule.line, code="E103")
    bare = f"{before} {inside} {after}"
    return " ".join(bare.split()), Shape(anchored, focus,
                                         len(after.split()) <= len(before.split()), lang)


def begins_sentence(draft: Draft, index: int) -> bool:
    """Whether tokens[index] opens a sentence or a line (opening quotes, brackets and bullets
    before it are skipped)."""
    tokens, text = draft.tokens, draft.folded.text
    starts = [first for first, _last in draft.sentences]
    sentence_first = starts[bisect.bisect_right(starts, index) - 1] if starts else 0
    for j in range(index, 0, -1):
        before = tokens[j - 1]
        if "\n" in text[before.end:tokens[j].start]:
            return True
        if j <= sentence_first:
            return True
        if before.is_word or before.text in _CONTINUES:
            return False
    return True


def _focus(draft: Draft, first: int, last: int, shape: Shape) -> tuple[int, int]:
    """The token range of the bracketed words inside a match (the whole match if not found)."""
    tokens = draft.tokens
    starts = range(last - 1, first - 1, -1) if shape.from_end else range(first, last)
    for i in starts:
        for words in shape.focus_tokens():
            end = i + len(words)
            if end <= last and all(tokens[i + k].text == w or tokens[i + k].lemma == w
                                   for k, w in enumerate(words)):
                return i, end
    return first, last


class PhraseRule:
    uses_matcher = True
    last_word = False  # `except_last_word`

    def __init__(self, rule: Rule, matcher: PhraseMatcher, exceptions: PhraseMatcher) -> None:
        self.rule = rule
        inflect = rule.params.get("inflect")  # None: the language's default
        for phrase in rule.params.get("phrases", ()):
            text, shape = self.marks(phrase, matcher.lang)
            matcher.add(text, (self, shape), inflect)
        for phrase in rule.params.get("except", ()):
            exceptions.add(phrase, (self, "except"), inflect)
        self.suggest = tuple(rule.params.get("suggest", ()))
        self.last_word = rule.params.get("except_last_word", False)
        self.signal = rule.params.get("tone_signal", True)  # read by RuleSet.signals

    def marks(self, phrase: str, lang: str) -> tuple[str, Shape | None]:
        """`parse_marks` for pack rules; a guide's terms are matched as written."""
        if self.rule.kind == "terms":
            return phrase, None
        return parse_marks(phrase, lang, self.rule)

    def shape(self, entry: Entry) -> Shape | None:
        return entry.payload[1]

    def replacements(self, entry: Entry) -> tuple[str, ...]:
        return self.suggest

    def run(self, draft: Draft, ctx: Context, severity: str,
            matches: list[tuple[Entry, int, int]],
            excepted: list[tuple[int, int]]) -> list[Finding]:
        # of the matches that start at one token only the longest can survive the engine's
        # leftmost-longest de-duplication, so only it becomes a finding: a phrase with
        # wildcards ("refund {*|* *} {*|* *} …") ends at many tokens after each start
        longest: dict[int, tuple[int, Entry]] = {}
        for entry, first, last in matches:
            shape = self.shape(entry)
            if shape is None:
                if any(a <= first and last <= b or self.last_word and a < last <= b
                       for a, b in excepted):
                    continue
            else:
                if shape.anchored and not begins_sentence(draft, first):
                    continue
                end_word = last - 1
                if shape.focus:
                    first, last = _focus(draft, first, last, shape)
                if any(a <= first and last <= b or a <= end_word < b for a, b in excepted):
                    continue
            kept = longest.get(first)
            if kept is None or last > kept[0]:
                longest[first] = (last, entry)
        out = []
        for first, (last, entry) in longest.items():
            start, end = draft.token_span(first, last)
            replacements = self.replacements(entry)
            message = fill(self.rule.message, match=draft.original[start:end],
                           replacement=replacements[0] if replacements else "",
                           brand=ctx.guide.brand)
            out.append(make_finding(self.rule, severity, draft, start, end, message,
                                    replacements))
        return out


def compile_rule(rule: Rule, lang: str, matcher: PhraseMatcher,
                 exceptions: PhraseMatcher) -> list[Any]:
    """The rule's phrases, and its requests (`request_*`, checks/request.py) if it has any."""
    phrases = PhraseRule(rule, matcher, exceptions)
    return [phrases, *compile_requests(rule, matcher, exceptions, phrases)]
