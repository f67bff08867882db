"""Kind `metric`: measured limits from the guide's `readability` and `channels` sections.

    kind: metric
    metric: sentence_length | reading_ease | reply_length
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from itertools import pairwise
from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.model import Finding
from voicecheck.text.draft import Draft
from voicecheck.text.lengths import sms_cut, sms_length, x_cut, x_length
from voicecheck.text.metrics import flesch, lix

_LETTER = re.compile(r"[^\W\d_]")  # a word with at least one letter


@lru_cache(maxsize=65536)
def _has_letter(word: str) -> bool:
    """Whether a word has a letter (numbers and codes are not words to a reader); cached,
    since words repeat far more often than they are new."""
    return _LETTER.search(word) is not None


_BULLETS = frozenset("-*•–—·>#")
_NUMBERED = re.compile(r"(?:\d{1,3}|[a-z])[.)]?")  # "1.", "2)", "a)" as spaCy splits them


def _starts_item(tokens: list, i: int, last: int) -> bool:
    """Whether token i, first on its line, opens a list item or a heading: "- ", "• ",
    "1.", "2)", "a)", "#####"."""
    text = tokens[i].text
    if text in _BULLETS or text[:1] == "#":
        return True
    if not _NUMBERED.fullmatch(text):
        return False
    return text[-1] in ".)" or (i + 1 < last and tokens[i + 1].text in (".", ")"))


_SENTENCES_KEY = "metric-sentences"


def _start(token: Any) -> int:
    return token.start


def _line_cuts(draft: Draft) -> list[int]:
    """Indices of the tokens where the reply visibly starts a new line of thought without
    punctuation: after a blank line, after a line ending in ":", and before a list item or
    heading on a new line. Found from the line breaks, not by walking every token (most
    replies have a handful of breaks and dozens of tokens)."""
    text, tokens = draft.folded.text, draft.tokens
    cuts: list[int] = []
    n = len(tokens)
    pos = text.find("\n")
    while pos != -1:
        i = bisect.bisect_left(tokens, pos, key=_start)  # the first token after the break
        if i >= n:
            break
        if i and (text.count("\n", tokens[i - 1].end, tokens[i].start) > 1
                  or tokens[i - 1].text[-1:] == ":" or _starts_item(tokens, i, n)):
            cuts.append(i)
        pos = text.find("\n", tokens[i].end)
    return cuts


def visual_sentences(draft: Draft, first: int, last: int,
                     cuts: list[int] | None = None) -> list[tuple[int, int]]:
    """The sentence tokens[first:last] cut at `_line_cuts`. Chat and email replies often end a
    line or a list item with no full stop; a line break inside a sentence (text wrapped by
    hand) is not a cut."""
    if cuts is None:
        cuts = _line_cuts(draft)
    inside = cuts[bisect.bisect_right(cuts, first):bisect.bisect_left(cuts, last)]
    return list(pairwise([first, *inside, last]))


def _sentences(draft: Draft) -> list[tuple[int, int]]:
    """The reply's sentences, cut at line breaks that end a thought (`_line_cuts`); worked
    out once per reply (VC301 and VC302 both read them)."""
    if "\n" not in draft.folded.text:
        return draft.sentences
    found = draft.context.get(_SENTENCES_KEY)
    if found is None:
        cuts = _line_cuts(draft)
        found = draft.sentences if not cuts else [
            piece for first, last in draft.sentences
            for piece in visual_sentences(draft, first, last, cuts)]
        draft.context[_SENTENCES_KEY] = found
    return found


PARAMS = {"metric": "str", "parts_message": "str"}
METRICS = ("sentence_length", "reading_ease", "reply_length")


class MetricRule:
    uses_matcher = False

    def __init__(self, rule: Rule, lang: str) -> None:
        self.rule = rule
        self.lang = lang
        self.metric = rule.params["metric"]

    def run(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        return getattr(self, "_" + self.metric)(draft, ctx, severity)

    def _sentence_length(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        limit = ctx.guide.readability.get("max_sentence_words")
        if not limit:
            return []
        if all(last - first <= limit for first, last in draft.sentences):
            return []  # fewer tokens than the limit, so fewer words (and no cut adds any)
        out = []
        for first, last in _sentences(draft):
            if last - first <= limit:
                continue
            count = sum(1 for t in draft.tokens[first:last] if t.is_word)
            if count > limit:
                start, end = draft.token_span(first, last)
                message = fill(self.rule.message, count=count, limit=limit)
                out.append(make_finding(self.rule, severity, draft, start, end, message))
        return out

    def _reading_ease(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        least = ctx.guide.readability.get("min_words", 25)
        if len(draft.word_texts) < least:
            return []  # too short to measure, before counting only the words with letters
        words = [w for w in draft.word_texts if w.isalpha() or _has_letter(w)]
        if len(words) < least or not draft.sentences:
            return []
        sentences = _sentences(draft)
        if self.lang == "en":
            floor = ctx.guide.readability.get("min_reading_ease")
            value = flesch(words, len(sentences))
            bad = floor is not None and value < floor
            limit = floor
        else:
            ceiling = ctx.guide.readability.get("max_lix")
            value = lix(words, len(sentences))
            bad = ceiling is not None and value > ceiling
            limit = ceiling
        if not bad:
            return []
        # point at the hardest sentence: the longest one
        first, last = max(sentences, key=lambda s: s[1] - s[0])
        start, end = draft.token_span(first, last)
        measure = "Flesch reading ease" if self.lang == "en" else "LIX"
        message = fill(self.rule.message, value=round(value), limit=limit, measure=measure)
        return [make_finding(self.rule, severity, draft, start, end, message)]

    def _reply_length(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        channel = ctx.guide.channel(ctx.channel)
        if channel is None:
            return []
        text = draft.original.rstrip()
        if channel.name == "sms" and channel.max_parts:
            parts = self._sms_parts(draft, text, channel, severity)
            if parts:
                return parts  # a guide's own `max_chars` still counts when the parts are fine
        if not channel.max_chars:
            return []
        # X counts a link as 23 and an emoji as 2 (twitter-text); other channels count characters
        weighted = channel.name == "twitter_public"
        count = x_length(text) if weighted else len(text)
        if count <= channel.max_chars:
            return []
        message = fill(self.rule.message, count=count, limit=channel.max_chars,
                       channel=channel.name)
        if weighted and count != len(text):
            message += " (as X counts them: a link is 23, an emoji 2)"
        # (X counts the NFC form; a decomposed text can count past the limit only there)
        start = min(x_cut(text, channel.max_chars), len(text) - 1) if weighted else channel.max_chars
        if channel.soft_limit:
            severity = _soft(severity)
            message += " (it arrives in parts)"
        return [make_finding(self.rule, severity, draft, start, len(text), message)]

    def _sms_parts(self, draft: Draft, text: str, channel: Any, severity: str) -> list[Finding]:
        """An SMS over the guide's `max_parts`, counted as the network splits it (GSM-7 or,
        with one character outside that alphabet, UCS-2)."""
        length = sms_length(text)
        if length.parts <= channel.max_parts:
            return []
        encoding = (f"Unicode because of '{length.unicode}', {length.single} in one part and "
                    f"{length.per_part} per part" if length.unicode
                    else f"{length.single} in one part and {length.per_part} per part")
        message = fill(self.rule.params.get("parts_message", self.rule.message), count=len(text),
                       parts=length.parts, limit=channel.max_parts, channel=channel.name,
                       encoding=encoding)
        if channel.soft_limit:
            severity = _soft(severity)
        start = sms_cut(text, channel.max_parts, length)
        return [make_finding(self.rule, severity, draft, start, len(text), message)]


def _soft(severity: str) -> str:
    """A channel's soft limit is a cost, not a cut (split or dearer): never more than a
    warning."""
    return "warning" if severity == "error" else severity


def compile_rule(rule: Rule, lang: str) -> Any:
    return MetricRule(rule, lang)
