"""Kind `tone`: the tone model's scores against the guide's voice target.

    kind: tone
    head: formality | politeness | empathy | hostility
    below: {formal: 0.45, neutral: 0.2}    # fire when the score is under this (per guide formality;
    above: {casual: 0.85}                  #   `any` for every voice), or over this
    until: 0.85                            # and only while the score is under this (bands)
    needs_customer: true                   # only when the customer's message is given and
                                           #   readable (not VC400's)
    needs_words: true                      # not on a reply without a word ("😊", "👍🙏")
    unless: [question, praise]             # and not when the message shows only these (and no
                                           #   complaint or anger: checks/context.py) ...
    unless_hostility_below: 0.3            #   ... while the reply's hostility is under this
    and_below: {empathy: 0.3}              # and only while these other heads score under these
    min_words: 8                           # and only on a reply of at least this many words
    yields_to: [VC207]                     # silent where one of these rules speaks (a milder
                                           #   finding under a stronger one about the same thing)

The finding points at the words that pushed the score most (the model's top contributing
features) and names them in the message.
"""

from __future__ import annotations

from typing import Any

from voicecheck.checks.base import TONE_HEADS, Context, Rule, fill, make_finding
from voicecheck.checks.registry import pack_rules
from voicecheck.model import Finding
from voicecheck.text.draft import Draft

# what in the customer's message owes the reply some sympathy, whatever else it shows
UPSET = frozenset({"complaint", "anger", "distress"})

PARAMS = {"head": "str", "below": "limits", "above": "limits", "until": "num",
          "needs_customer": "bool", "needs_words": "bool", "unless": "list", "unless_hostility_below": "num",
          "and_below": "heads", "min_words": "count", "yields_to": "codes"}
HEADS = TONE_HEADS


def percent(score: float) -> int:
    """A tone score as the report shows it, a whole percent (`scores`, the rules' messages).

    >>> percent(0.8496), percent(0.8449)
    (85, 84)
    """
    return int(round(score * 100))


def as_shown(score: float) -> float:
    """A score as the report shows it (`percent`), which is what the thresholds are
    compared with: a reply shown at hostility 85 meets VC203's 0.85, whatever the digits
    after (0.8496 used to get VC207, "under 85", beside a score of 85).

    >>> as_shown(0.8496), as_shown(0.8449), as_shown(0.5)
    (0.85, 0.84, 0.5)
    """
    return percent(score) / 100


class ToneRule:
    uses_matcher = False

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.head = rule.params["head"]
        self.below = {k: float(v) for k, v in rule.params.get("below", {}).items()}
        self.above = {k: float(v) for k, v in rule.params.get("above", {}).items()}
        self.until = float(rule.params.get("until", 2.0))
        self.needs_customer = rule.params.get("needs_customer", False)
        # a reply of emoji alone gives a bag-of-words model four features or fewer, each at
        # full weight: "😊" read as hostile (0.91) from the smileys that close sarcastic
        # replies. Dismissive emoji are VC224's, a rule that can say which one it saw.
        self.needs_words = rule.params.get("needs_words", False)
        self.unless = frozenset(rule.params.get("unless", ()))
        self.calm = float(rule.params.get("unless_hostility_below", 2.0))
        self.and_below = {head: float(v) for head, v in rule.params.get("and_below", {}).items()}
        self.min_words = int(rule.params.get("min_words", 0))
        # read by RuleSet.run, which drops this rule's finding where one of these codes fired
        self.yields_to = frozenset(rule.params.get("yields_to", ()))

    def _fires(self, score: float, ctx: Context) -> tuple[bool, str]:
        score = as_shown(score)
        if score >= self.until:
            return False, ""
        voice = ctx.guide.formality
        below = self.below.get(voice, self.below.get("any"))
        above = self.above.get(voice, self.above.get("any"))
        if below is not None and score < below:
            return True, "below"
        if above is not None and score >= above:
            return True, "above"
        return False, ""

    def run(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        tone = ctx.tone
        if tone is None or self.head not in tone.heads:
            return []
        if self.needs_customer:
            context = ctx.customer_context
            if not (ctx.customer and ctx.customer.strip()) or (context is not None
                                                                 and context.note):
                return []  # no message, or one we cannot read (VC400): nothing says what is owed
        if self.needs_words and not any(ch.isalnum() for w in draft.word_texts for ch in w):
            return []
        if self.min_words and len(draft.word_texts) < self.min_words:
            return []
        if any(head not in tone.heads or as_shown(tone.heads[head].score) >= limit
               for head, limit in self.and_below.items()):
            return []
        if self.unless and ctx.customer_context is not None:
            seen = set(ctx.customer_context.situations)
            hostility = (as_shown(tone.heads["hostility"].score) if "hostility" in tone.heads
                         else 0.0)
            if seen & self.unless and not seen & UPSET and hostility < self.calm:
                return []  # no sympathy is owed to "Do you take walk-ins on Saturday?"
        result = tone.heads[self.head]
        fires, direction = self._fires(result.score, ctx)
        if not fires:
            return []
        words = distinct([w for w, _ in tone.explain(self.head, upward=direction == "above",
                                                     k=10)])
        start, end = _locate(draft, words)
        shown = ", ".join(f"'{w}'" for w in words) if words else "the reply as a whole"
        message = fill(self.rule.message, score=percent(result.score), words=shown)
        return [make_finding(self.rule, severity, draft, start, end, message)]


def tone_limit(code: str, side: str, voice: str = "neutral") -> float:
    """Where a shipped tone rule speaks, as its pack sets it: `side` is "above" or "below",
    `voice` the guide's formality. Benchmarks and the model card measure rates at these, so
    they follow the rules when the limits move.

    >>> tone_limit("VC206", "above"), tone_limit("VC205", "below")
    (0.6, 0.22)
    """
    rule = next(r for r in pack_rules("en") if r.code == code)
    limits = rule.params[side]
    return float(limits[voice] if voice in limits else limits["any"])


def distinct(ranked: list[str], k: int = 3) -> list[str]:
    """The first `k` of `ranked` (what pushed a score most, strongest first) with no two
    sharing a word, so three names say three things: a phrase takes the place of the words
    of its own shown before it ("lain kali" for "kali"), and anything else that shares a word
    with one shown before is skipped ("next" after "next time", "😅 …" after "😅").

    >>> distinct(["next time", "you", "next", "driver"])
    ['next time', 'you', 'driver']
    >>> distinct(["kali", "lain kali", "lain", "😅"])
    ['lain kali', '😅']
    >>> distinct(["lain", "kali", "lain kali", "😅"])
    ['lain kali', '😅']
    """
    kept: list[tuple[str, set[str]]] = []
    for phrase in ranked:
        words = set(phrase.removesuffix(" …").split())
        clashes = [i for i, (_, seen) in enumerate(kept) if words & seen]
        if not clashes:
            kept.append((phrase, words))
        elif all(kept[i][1] < words for i in clashes):
            first = clashes[0]
            kept[first] = (phrase, words)
            kept = [entry for i, entry in enumerate(kept) if i == first or i not in clashes]
        if len(kept) == k:
            break
    return [phrase for phrase, _ in kept]


def _locate(draft: Draft, words: list[str]) -> tuple[int, int]:
    """Span of the first of `words` found in the draft's tokens, else the first sentence."""
    tokens = draft.tokens
    for phrase in words:
        parts = phrase.split()
        n = len(parts)
        head = parts[0] if parts else None
        for i in range(len(tokens) - n + 1):
            if (head is None or tokens[i].text == head) \
                    and [t.text for t in tokens[i:i + n]] == parts:
                return draft.token_span(i, i + n)
    if draft.sentences:
        first, last = draft.sentences[0]
        return draft.token_span(first, last)
    return 0, len(draft.original)


def compile_rule(rule: Rule, lang: str) -> Any:
    return ToneRule(rule)
