"""Kind `metric`: measured limits from the guide's `readability` and `channels` sections.

    kind: metric
    metric: sentence_length | reading_ease | reply_length
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.model import Finding
from voicecheck.text.draft import Draft
from voicecheck.text.metrics import flesch, lix

_LETTER = re.compile(r"[^\W\d_]")  # a word with at least one letter


@lru_cache(maxsize=65536)
def _has_letter(word: str) -> bool:
    """Whether a word has a letter (numbers and codes are not words to a reader); cached,
    since words repeat far more often than they are new."""
    return _LETTER.search(word) is not None


PARAMS = {"metric": "str"}
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
        out = []
        for first, last in draft.sentences:
            if last - first <= limit:
                continue  # fewer tokens than the limit, so fewer words
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
        if self.lang == "en":
            floor = ctx.guide.readability.get("min_reading_ease")
            value = flesch(words, len(draft.sentences))
            bad = floor is not None and value < floor
            limit = floor
        else:
            ceiling = ctx.guide.readability.get("max_lix")
            value = lix(words, len(draft.sentences))
            bad = ceiling is not None and value > ceiling
            limit = ceiling
        if not bad:
            return []
        # point at the hardest sentence: the longest one
        first, last = max(draft.sentences, key=lambda s: s[1] - s[0])
        start, end = draft.token_span(first, last)
        measure = "Flesch reading ease" if self.lang == "en" else "LIX"
        message = fill(self.rule.message, value=round(value), limit=limit, measure=measure)
        return [make_finding(self.rule, severity, draft, start, end, message)]

    def _reply_length(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        channel = ctx.guide.channel(ctx.channel)
        if channel is None or not channel.max_chars:
            return []
        text = draft.original.rstrip()
        if len(text) <= channel.max_chars:
            return []
        message = fill(self.rule.message, count=len(text), limit=channel.max_chars,
                       channel=channel.name)
        return [make_finding(self.rule, severity, draft, channel.max_chars, len(text), message)]


def compile_rule(rule: Rule, lang: str) -> Any:
    return MetricRule(rule, lang)
