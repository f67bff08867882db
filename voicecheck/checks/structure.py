"""Kind `structure`: the reply as a whole, judged against what the customer wrote (4xx).

    kind: structure
    check: acknowledge | apology | ownership | next_step | thanks | questions | public_data
           | language | address | robotic | elsewhere | customer
    situations: [complaint, anger]   # the customer situations that make the element expected
    cues: ["sorry to hear", "I can see"]          # reply words that show the element is there
    cues_from: [VC402]               # …and the cues of these structure rules
    against: ["due to high volume"]  # reply words that count against (excuses, boilerplate,
    against_from: [VC112, VC113]     #   requests for data) and the phrases of these rules
    discount_from: [VC110]           # cues inside a match of these rules (their `phrases`, or
                                     #   a structure rule's `against`) do not count
    except: ["no problem"]           # cue or against words inside these do not count
    validates: ["must be frustrating"]  # apology only: words that name how the customer feels
                                     #   make a missing apology a step milder (warning -> info)
    inflect: false                   # match cue words by lemma too (default: the language's)
    template: apology                # the rewrite template that can supply the missing part

Each check is a small decision over the reply's cue matches and the customer context
(checks/context.py). Checks that need the customer's message do nothing without one, so a
check without `--customer` costs a few attribute look-ups per rule. The cue phrases of every
structure rule of a language share one phrase matcher, run at most once per reply.

A finding for something missing points at the reply's first sentence and says what is
missing; a finding for something present (a request for personal data) points at its words.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.checks.context import CustomerContext, language_context
from voicecheck.checks.matcher import PhraseMatcher, outside
from voicecheck.checks.registry import pack_rules
from voicecheck.model import MILDER, Finding
from voicecheck.text.draft import Draft
from voicecheck.text.langid import speaks

PARAMS = {"check": "str", "situations": "list", "cues": "list", "cues_from": "codes",
          "against": "list", "against_from": "codes", "discount_from": "codes",
          "except": "list", "validates": "list", "inflect": "bool"}
CHECKS = ("acknowledge", "apology", "ownership", "next_step", "thanks", "questions",
          "public_data", "language", "address", "robotic", "elsewhere", "customer")
# checks that judge the reply without the customer's message
NO_CUSTOMER_NEEDED = ("questions", "public_data")
MAX_QUESTIONS = 2  # three questions or more before any help is an interrogation
_QUESTION_MARKS = re.compile(r"[?؟]+")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more
_LINK = re.compile(r"https?://\S+|www\.\S+|\b[\w.+-]+@[\w-]+\.[\w.]+\b")
# the exact place to go: a menu path ("Billing > Change plan") or a quoted button or page name
_PLACE = re.compile(r"[>›→«»“”\"]|\s'[^'\s][^']{0,40}'")
MAX_ELSEWHERE_WORDS = 30  # a longer reply answers, then says where to read more (stock lines
                          # do not count towards it)
_DRAFT_KEY = "structure"
_REPLY_KEY = "structure-reply"


class _Owner:
    """Payload of a cue phrase: the structure rule it belongs to (so a phrase error names
    the rule's file and line)."""

    __slots__ = ("rule",)

    def __init__(self, rule: Rule) -> None:
        self.rule = rule


@cache
def _cue_index(lang: str) -> tuple[PhraseMatcher, dict[str, tuple[str, ...]]]:
    """One matcher for the cue, against, discount and except phrases of every structure rule
    of `lang`; payloads are (owner of the rule, role). Also each rule's `cues_from` codes."""
    matcher = PhraseMatcher(lang)
    rules = pack_rules(lang)
    by_code = {r.code: r for r in rules}
    borrowed: dict[str, tuple[str, ...]] = {}
    for rule in rules:
        if rule.kind != "structure":
            continue
        params = rule.params
        owner = _Owner(rule)
        for role in ("cues", "against", "except", "validates"):
            for phrase in params.get(role, ()):
                matcher.add(phrase, (owner, role), params.get("inflect"))
        for role, key in (("against", "against_from"), ("discount", "discount_from")):
            for code in params.get(key, ()):
                other = by_code.get(code)
                if other is None:
                    continue
                # a phrase rule's phrases, or a structure rule's `against` (its boilerplate)
                for phrase in other.params.get("phrases", other.params.get("against", ())):
                    matcher.add(phrase, (owner, role), other.params.get("inflect"))
        borrowed[rule.code] = tuple(params.get("cues_from", ()))
    matcher.freeze()
    return matcher, borrowed


def _cues(draft: Draft) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(rule code, role) -> token spans, for this reply; computed once per reply."""
    found = draft.context.get(_DRAFT_KEY)
    if found is None:
        matcher, _ = _cue_index(draft.lang)
        found = {}
        for entry, first, last in matcher.find(draft.tokens):
            owner, role = entry.payload
            found.setdefault((owner.rule.code, role), []).append((first, last))
        draft.context[_DRAFT_KEY] = found
    return found


def _reply_side(draft: Draft) -> tuple[set[str], int, int]:
    """The reply's issue nouns and its formal / informal address counts (the customer-side
    matcher of the reply's language, run once per reply)."""
    side = draft.context.get(_REPLY_KEY)
    if side is None:
        data = language_context(draft.lang)
        issues: set[str] = set()
        address: list[tuple[str, int, int]] = []
        excepted: list[tuple[int, int]] = []
        for entry, first, last in data.matcher.find(draft.tokens):
            kind, value = entry.payload
            if kind == "issue":
                issues.add(value)
            elif value == "except":
                excepted.append((first, last))
            else:
                address.append((value, first, last))
        kept = [r for r, a, b in address if not any(x <= a and b <= y for x, y in excepted)]
        side = (issues, kept.count("formal"), kept.count("informal"))
        draft.context[_REPLY_KEY] = side
    return side


class StructureRule:
    uses_matcher = False

    def __init__(self, rule: Rule, lang: str) -> None:
        self.rule = rule
        self.lang = lang
        self.check = rule.params["check"]
        self.situations = tuple(rule.params.get("situations", ()))
        self.needs_customer = self.check not in NO_CUSTOMER_NEEDED
        self._decide = getattr(self, "_" + self.check)

    # -- shared helpers ------------------------------------------------------------------

    def _spans(self, draft: Draft, role: str, code: str | None = None) -> list[tuple[int, int]]:
        found = _cues(draft)
        code = code or self.rule.code
        spans = found.get((code, role), [])
        if role in ("cues", "against") and spans:
            excepted = found.get((code, "except"), [])
            # a cue inside a counted-against phrase is part of it ("not our responsibility")
            discount = (found.get((code, "discount"), []) + found.get((code, "against"), [])
                        if role == "cues" else [])
            spans = outside(spans, excepted + discount)
        return spans

    def _has_cue(self, draft: Draft) -> bool:
        if self._spans(draft, "cues"):
            return True
        _, borrowed = _cue_index(draft.lang)
        return any(self._spans(draft, "cues", code) for code in borrowed.get(self.rule.code, ()))

    def _expected(self, customer: CustomerContext | None, draft: Draft) -> bool:
        """Whether the customer's message calls for this element. A reply in another
        language than the customer's is VC408's alone: its words cannot be compared."""
        return (customer is not None and customer.language == draft.lang
                and (not self.situations or customer.has(*self.situations)))

    @staticmethod
    def _personal(draft: Draft, customer: CustomerContext) -> bool:
        """Whether the reply echoes the customer: their name, what the message is about,
        or one of its content words."""
        if customer.name and customer.name.lower() in draft.original.lower():
            return True
        issues, _, _ = _reply_side(draft) if draft.lang == customer.language else (set(), 0, 0)
        if customer.issue and customer.issue in issues:
            return True
        return any(t.lemma in customer.keywords for t in draft.tokens if t.is_word)

    def _first_sentence(self, draft: Draft) -> tuple[int, int]:
        if draft.sentences:
            first, last = draft.sentences[0]
            return draft.token_span(first, last)
        return 0, len(draft.original)

    def _missing(self, draft: Draft, ctx: Context, severity: str, **values: Any) -> list[Finding]:
        start, end = self._first_sentence(draft)
        customer = ctx.customer_context
        issue = f"'{customer.issue}'" if customer is not None and customer.issue else "the problem"
        message = fill(self.rule.message, issue=issue, **values)
        return [make_finding(self.rule, severity, draft, start, end, message)]

    def _present(self, draft: Draft, severity: str, span: tuple[int, int]) -> list[Finding]:
        """A finding for something the reply has (a request for data, a pointer elsewhere),
        at its words, which the message quotes as `match`."""
        start, end = draft.token_span(*span)
        message = fill(self.rule.message, match=draft.original[start:end])
        return [make_finding(self.rule, severity, draft, start, end, message)]

    # -- the run -------------------------------------------------------------------------

    def run(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        customer = ctx.customer_context
        if self.needs_customer and customer is None:
            return []
        if not draft.tokens:
            return []
        return self._decide(draft, ctx, severity, customer)

    def _customer(self, draft: Draft, ctx: Context, severity: str,
                  customer: CustomerContext) -> list[Finding]:
        if customer.note is None:
            return []
        return self._missing(draft, ctx, severity, note=customer.note)

    def _acknowledge(self, draft: Draft, ctx: Context, severity: str,
                     customer: CustomerContext) -> list[Finding]:
        if not self._expected(customer, draft) or self._has_cue(draft):
            return []
        if any(t.lemma in customer.problem_words for t in draft.tokens if t.is_word):
            return []  # the reply names the problem in the customer's words
        _, borrowed = _cue_index(draft.lang)
        codes = borrowed.get(self.rule.code, ())
        if any(_cues(draft).get((code, "discount")) for code in codes):
            return []  # a stock apology is a weak acknowledgement; VC110/VC402 say it is weak
        if any(self._spans(draft, "validates", code) for code in codes):
            return []  # "getting 2 Mbps on 5G is really disappointing" names how they feel
        return self._missing(draft, ctx, severity)

    def _apology(self, draft: Draft, ctx: Context, severity: str,
                 customer: CustomerContext) -> list[Finding]:
        if not self._expected(customer, draft) or self._has_cue(draft):
            return []
        stock = bool(self._spans(draft, "discount"))
        what = ("the only apology is a stock phrase" if stock else "there is no apology")
        if self._spans(draft, "validates"):
            # "that's not on, four days without signal is a long time": the reply recognises
            # how the customer feels, which many support leads accept without a sorry; the
            # advice stays, a step milder, so a reply that would be sent is not held back
            what = "the reply only names how they must feel, without an apology"
            severity = MILDER.get(severity, severity)
        return self._missing(draft, ctx, severity, what=what)

    def _ownership(self, draft: Draft, ctx: Context, severity: str,
                   customer: CustomerContext) -> list[Finding]:
        if not self._expected(customer, draft) or not self._spans(draft, "against"):
            return []
        if self._has_cue(draft):
            return []
        return self._missing(draft, ctx, severity)

    def _next_step(self, draft: Draft, ctx: Context, severity: str,
                   customer: CustomerContext) -> list[Finding]:
        if not self._expected(customer, draft) or self._has_cue(draft) or _LINK.search(draft.original):
            return []
        if _QUESTION_MARKS.search(draft.clean.text):
            return []  # a question to the customer is where the conversation goes next
        return self._missing(draft, ctx, severity)

    def _thanks(self, draft: Draft, ctx: Context, severity: str,
                customer: CustomerContext) -> list[Finding]:
        if not self._expected(customer, draft) or self._has_cue(draft):
            return []
        return self._missing(draft, ctx, severity)

    def _questions(self, draft: Draft, ctx: Context, severity: str,
                   customer: CustomerContext | None) -> list[Finding]:
        folded = draft.folded.text
        count = sum(1 for t in draft.tokens if _QUESTION_MARKS.fullmatch(t.text)) \
            if "?" in folded or "؟" in folded else 0  # most replies ask nothing: no token walk
        if count > MAX_QUESTIONS:  # only then look for help before them (a matcher pass)
            count = self._questions_before_help(draft)
        if count > MAX_QUESTIONS:
            return self._missing(draft, ctx, severity, count=count,
                                 what=f"asks {count} questions")
        if not self._expected(customer, draft):
            return []
        demands = self._spans(draft, "against")
        if not demands or self._has_cue(draft):
            return []
        start, end = draft.token_span(*demands[0])
        message = fill(self.rule.message, count=count,
                       what=f"asks for '{draft.original[start:end]}'")
        return [make_finding(self.rule, severity, draft, start, end, message)]

    def _questions_before_help(self, draft: Draft) -> int:
        """Questions asked before the first acknowledgement or apology: a troubleshooting list
        of questions after "Sorry about the download, here are a few things to check" helps."""
        _, borrowed = _cue_index(draft.lang)
        firsts = [spans[0][0] for code in borrowed.get(self.rule.code, ())
                  if (spans := self._spans(draft, "cues", code))]
        limit = min(firsts, default=len(draft.tokens))
        return sum(1 for t in draft.tokens[:limit] if _QUESTION_MARKS.fullmatch(t.text))

    def _public_data(self, draft: Draft, ctx: Context, severity: str,
                     customer: CustomerContext | None) -> list[Finding]:
        requests = self._spans(draft, "against")
        if not requests or self._has_cue(draft):
            return []
        return self._present(draft, severity, requests[0])

    def _language(self, draft: Draft, ctx: Context, severity: str,
                  customer: CustomerContext) -> list[Finding]:
        theirs = customer.language
        if theirs is None or theirs == draft.lang or {theirs, draft.lang} == {"id", "ms"}:
            return []  # Indonesian and Malay are too close to tell apart on a short message
        if len(_LETTER_WORD.findall(customer.text)) < 3 or speaks(customer.text, draft.lang):
            # "ok", "thanks!", "hello??" are in no language in particular; a code-mixed
            # message ("how to add user ke workspace ya?") speaks the reply's language too
            return []
        names = {"en": "English", "id": "Indonesian", "ms": "Malay", "fa": "Persian"}
        return self._missing(draft, ctx, severity, customer_language=names[theirs],
                             reply_language=names[draft.lang])

    def _address(self, draft: Draft, ctx: Context, severity: str,
                 customer: CustomerContext) -> list[Finding]:
        if customer.language != draft.lang or customer.address != "formal":
            return []
        if ctx.guide.address_for(draft.lang) != "any":
            return []  # the guide decides (VC211/VC212 report against it)
        _, formal, informal = _reply_side(draft)
        if not informal or formal:
            return []  # mixed forms in the reply are VC210's
        return self._missing(draft, ctx, severity)

    def _robotic(self, draft: Draft, ctx: Context, severity: str,
                 customer: CustomerContext) -> list[Finding]:
        if not self._expected(customer, draft):
            return []
        if not customer.keywords:
            return []  # nothing in the message that a personal reply could echo
        boilerplate = self._spans(draft, "against")
        if len(boilerplate) < 2 or self._personal(draft, customer):
            return []
        return self._missing(draft, ctx, severity, count=len(boilerplate))

    def _elsewhere(self, draft: Draft, ctx: Context, severity: str,
                   customer: CustomerContext) -> list[Finding]:
        if not self._expected(customer, draft):
            return []
        pointers = self._spans(draft, "against")
        if not pointers or self._has_cue(draft):
            return []
        if _LINK.search(draft.original) or _PLACE.search(draft.original):
            return []  # it names the page or the menu: that is an answer
        # stock lines (VC410's, named by `discount_from`) pad a reply without answering
        padding = self._spans(draft, "discount")
        words = sum(1 for i, t in enumerate(draft.tokens)
                    if t.is_word and not any(a <= i < b for a, b in padding))
        if words > MAX_ELSEWHERE_WORDS:
            return []
        return self._present(draft, severity, pointers[0])


def compile_rule(rule: Rule, lang: str) -> Any:
    return StructureRule(rule, lang)
