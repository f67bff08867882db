"""A phrase rule's `request_*` lists: a request for something, however it is worded.

Fixed phrases miss requests that put words between the verb and what it asks for: "please
provide your full 16-digit card number, expiry date and the 3-digit CVV", "silakan DM nomor HP
terdaftar, PIN, dan kode OTP". A phrase rule (VC510 asks-for-secret) may add

    request_verbs: ["{send|provide|share|dm}", "reply with"]    # what a request does
    request_leads: ["{please|kindly}", "{can|could} you"]       # words that make it a request
    request_objects: ["{us|me}"]                                # or: "send US your …"
    request_secrets: ["{@login|@code}", "cvv"]                  # what must not be asked for
    request_blockers: ["{never|not|n't|no}"]                    # negation, near the verb too
    request_breaks: ["{last|if|when}"]                          # "the last 4 digits", "if the OTP …"
    request_safe: ["{in|on|via} the {app|card reader}"]         # where a secret belongs

and a sentence is reported when a verb is asked for — a lead ends at most two words before
it, an object follows it, or it opens the sentence or a clause ("To unfreeze it, reply with
…") — and a secret begins within WINDOW words after the verb, with no blocker from a few words
before the verb to the secret and no `safe` phrase just after the secret. The finding
spans verb to secret; the rule's `except` phrases rule it out when they cover that span
("provide your card number via our secure payment page") or the secret ("the PIN location",
"a screenshot of the password reset page"). "We'll text you a one-time code" asks for
nothing; "never share your PIN" and "send the last 4 digits of your card number" are blocked.

The lists ride in the language's one matcher pass, marked so that a verb or a secret alone
never becomes a tone-model feature (`r:` signals come from the rule's phrases only); the rule's
`except` phrases are walked only for a reply that has a request.
"""

from __future__ import annotations

import bisect
from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.checks.matcher import PhraseMatcher
from voicecheck.model import Finding
from voicecheck.text.draft import Draft

ROLES = ("verbs", "leads", "objects", "secrets", "blockers", "breaks", "safe")
PARAMS = {f"request_{role}": "list" for role in ROLES}
WINDOW = 10  # words from the end of the verb to the start of the secret
LEAD_GAP = 2  # words between a lead and its verb ("please kindly send", "can you just dm")
BLOCK_BEFORE = 4  # a blocker this many words before the verb still governs it ("never ask you to send")
SAFE_AFTER = 3  # words between the secret and a `safe` phrase ("your PIN on the card reader")
_CLAUSE = frozenset(",;")  # "To unfreeze it, reply with your PIN": an imperative after a clause
# (not after a colon: "Email: … Password: …" is a form, not a request)


class RequestCheck:
    """The request part of a phrase rule (see the module docstring). Its lists ride in the
    language's one matcher pass; `signal = False` keeps their matches out of the tone model's
    `r:` features, and the `except` phrases are walked only for a reply with a request."""

    uses_matcher = True
    signal = False

    def __init__(self, rule: Rule, matcher: PhraseMatcher, exceptions: PhraseMatcher,
                 phrases: Any) -> None:
        self.rule = rule
        inflect = rule.params.get("inflect")
        for role in ROLES:
            for phrase in rule.params.get(f"request_{role}", ()):
                matcher.add(phrase, (self, role), inflect)
        # the rule's `except` phrases are in the language's exceptions matcher already, under
        # its phrase part (`phrases`, a PhraseRule): walked here only for a reply with a request
        self.exceptions = exceptions
        self.phrases = phrases
        self.suggest = tuple(rule.params.get("suggest", ()))

    def run(self, draft: Draft, ctx: Context, severity: str,
            matches: list[tuple[Any, int, int]], excepted: list[tuple[int, int]]
            ) -> list[Finding]:
        found: dict[str, list[tuple[int, int]]] = {role: [] for role in ROLES}
        for entry, first, last in matches:
            found[entry.payload[1]].append((first, last))
        if not found["verbs"] or not found["secrets"]:
            return []
        requests = _requests(draft, found)
        if not requests:
            return []
        # for each token, the furthest end of an `except` span starting at or before it, and
        # whether an `except` span covers it: a request is ruled out in O(1)
        n = len(draft.tokens)
        reach = [0] * (n + 1)
        covered = bytearray(n + 1)
        for entry, first, last in self.exceptions.find(draft.tokens):
            if entry.payload[0] is self.phrases:
                reach[first] = max(reach[first], last)
                covered[first:last] = b"\x01" * (last - first)
        for i in range(1, n + 1):
            reach[i] = max(reach[i], reach[i - 1])
        out = []
        reported_end = -1
        for first, secret, last in requests:
            # an `except` phrase rules out the request or the secret's sense ("pin location",
            # "password reset page"); requests never overlap in the report
            if reach[first] >= last or covered[secret] or first < reported_end:
                continue
            reported_end = last
            start, end = draft.token_span(first, last)
            message = fill(self.rule.message, match=draft.original[start:end],
                           replacement=self.suggest[0] if self.suggest else "",
                           brand=ctx.guide.brand)
            out.append(make_finding(self.rule, severity, draft, start, end, message,
                                    self.suggest))
        return out


def _requests(draft: Draft, found: dict[str, list[tuple[int, int]]]
              ) -> list[tuple[int, int, int]]:
    """(verb start, secret start, secret end) token indexes of the requests in the reply, in
    the order of their verbs. Linear in the reply: every look-up is a bisection, and a verb
    looks only at the secrets within WINDOW words after it."""
    sentence_of = [0] * (len(draft.tokens) + 1)
    for number, (a, b) in enumerate(draft.sentences):
        sentence_of[a:b] = [number] * (b - a)
    starts = {a for a, _b in draft.sentences}
    tokens = draft.tokens
    words = [i for i, t in enumerate(tokens) if t.is_word]
    leads_end = sorted(last for _first, last in found["leads"])
    objects_start = {first for first, _last in found["objects"]}
    blockers = sorted(first for first, _last in found["blockers"])
    breaks = sorted(first for first, _last in found["breaks"])
    safe_start = sorted(first for first, _last in found["safe"])
    secrets = sorted(found["secrets"])
    secret_starts = [first for first, _last in secrets]
    out = []
    for v_first, v_last in sorted(found["verbs"]):
        sentence = sentence_of[v_first]
        lead = bisect.bisect_right(leads_end, v_first) - 1  # the nearest lead before the verb
        asked = (v_first in starts or v_last in objects_start
                 or (v_first and tokens[v_first - 1].text in _CLAUSE)
                 or (lead >= 0 and _words_in(words, leads_end[lead], v_first) <= LEAD_GAP))
        if not asked:
            continue
        floor = _words_back(words, v_first, BLOCK_BEFORE)
        k = bisect.bisect_left(secret_starts, v_last)
        while k < len(secrets):
            s_first, s_last = secrets[k]
            k += 1
            if sentence_of[s_first] != sentence or _words_in(words, v_last, s_first) > WINDOW:
                break  # secrets further on are further away
            if _any_in(blockers, floor, s_first) or _any_in(breaks, v_last, s_first):
                break  # a negation or a break stands before every later secret too
            after = bisect.bisect_left(safe_start, s_last)
            if (after < len(safe_start) and sentence_of[safe_start[after]] == sentence
                    and _words_in(words, s_last, safe_start[after]) <= SAFE_AFTER):
                continue
            out.append((v_first, s_first, s_last))
            break  # one finding per request: the nearest secret
    return out


def _any_in(sorted_positions: list[int], low: int, high: int) -> bool:
    """Whether a position lies in [low, high)."""
    k = bisect.bisect_left(sorted_positions, low)
    return k < len(sorted_positions) and sorted_positions[k] < high


def _words_in(words: list[int], a: int, b: int) -> int:
    """How many words lie in tokens [a, b) (`words`: the token indexes of words, sorted)."""
    return bisect.bisect_left(words, b) - bisect.bisect_left(words, a)


def _words_back(words: list[int], index: int, count: int) -> int:
    """The token index `count` words before token `index` (0 at the start)."""
    k = bisect.bisect_left(words, index) - count
    return words[k] if k > 0 else 0


def compile_requests(rule: Rule, matcher: PhraseMatcher, exceptions: PhraseMatcher,
                     phrases: Any) -> list[Any]:
    """The RequestCheck of a phrase rule that has `request_*` lists (else nothing);
    `phrases` is the rule's PhraseRule, whose `except` phrases it shares."""
    if not rule.params.get("request_verbs") or not rule.params.get("request_secrets"):
        return []
    return [RequestCheck(rule, matcher, exceptions, phrases)]
