"""The customer's side of a conversation: what the reply answers.

From the customer's message this finds its language, the form of "you" it uses (kamu/Anda,
awak/anda, تو/شما; English has none), its situations (complaint, question, praise, anger,
urgency, `effort` when the customer did work for us: attached, tried, gave an order number,
`thanks`, `request` for a routine thing asked for, `distress` for a loss, an illness, an
accident or fear, `chase` for a customer chasing an earlier contact or promise), the thing
it is about as a short noun ("order", "pesanan") and the name it is signed with ("— Sarah",
"Thanks, Budi"). The 4xx checks (structure.py) judge the reply against it.

What a language knows lives in the `context:` section of rules/<lang>/structure.yaml:

    context:
      situations: {complaint: [...], question: [...], praise: [...], anger: [...],
                   urgency: [...], effort: [...], thanks: [...], request: [...],
                   distress: [...], chase: [...]}
      # `contrast` ("even though", "padahal"): a complaint unless the message praises or thanks
      not_situations: {complaint: ["nobody {is|was} hurt"]}  # a situation's hit inside one
                                               # of these is not that situation
      issues: {order: [order, package, parcel], refund: [refund, "money back"]}
      sign_offs: [thanks, regards, cheers]     # words a signature name follows
      name_intros: ["my name is"]              # "my name is Sarah"
      not_names: [team, guys]                  # words after a sign-off that are not names
      generic: [help, please, service]         # words too common to show a reply is personal
      inflect: false                           # match by lemma too (default: the language's)

The address words are the language pack's own (the `address` rule with `mode: mixed`).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from voicecheck.checks.matcher import PhraseMatcher, outside
from voicecheck.checks.registry import LANGS, pack_rules, pack_sections
from voicecheck.guide import schema as s
from voicecheck.model import VoicecheckError
from voicecheck.text.draft import Draft, make_draft
from voicecheck.text.normalize import fold_phrase

SITUATIONS = ("complaint", "question", "praise", "anger", "urgency", "effort", "thanks",
              "request", "distress", "chase")
CUSTOMER_MAX_CHARS = 20_000  # a customer message longer than this is cut (only its start counts)

_QUESTION = re.compile(r"[?؟]")
_SHOUT = re.compile(r"(?<![\w])[A-Z]{3,}(?![\w])")
_LATIN_WORD = re.compile(r"(?<![\w])[A-Za-z]{3,}(?![\w])")
_BANGS = re.compile(r"[!！]{2,}|[?؟][!！]|[!！][?؟]")
_LONG_NUMBER = re.compile(r"(?<![\d])[A-Z]{0,4}[-#]?\d{6,}(?![\d])")
# a booking reference (PNR) of six capitals and digits (KJ7TQP, 4XK9ZD): details sent as asked;
# not a promo code (SPRING10) or an amount (RM200), which are longer or shorter
_CODE = re.compile(r"(?<![\w-])(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6}(?![\w-])")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")  # a letter three times or more in a row
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_ONLY = re.compile(r"[پچژگی]")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_NAME = r"[A-Z][a-z'\u2019-]+(?: [A-Z][a-z'\u2019-]+){0,2}"
_ARABIC_NAME = r"[\u0600-\u06ff\u200c]{2,}(?: [\u0600-\u06ff\u200c]{2,})?"
_DASH = "-\u2013\u2014~"

_FULL_LANGID_LOCK = threading.Lock()
_SISTERS = ("id", "ms")
_SUPPORTED = ("en", "id", "ms", "fa")
# What py3langid's full model calls short colloquial Indonesian or Malay: "Min, m-banking lagi
# maintenance ya?" is Javanese to it (p > 0.99). Customers of Indonesian brands mix in Javanese
# and Sundanese words, and are answered in Indonesian, so neither is a foreign language here.
_NEIGHBOURS = ("jv", "su")
FOREIGN_SURE = 0.95


@dataclass(frozen=True, slots=True)
class CustomerContext:
    """What the customer's message tells the reply checks.

    `language` is None when the message is empty or in a language we do not support; `note`
    then says which. `address` is formal, informal, mixed or none. `keywords` are the folded
    lemmas of the message's content words (what a personal reply may echo); `problem_words`
    those of the words that showed a complaint ("arrived", "broken", "charged").
    """

    text: str
    language: str | None
    address: str | None = None
    situations: tuple[str, ...] = ()
    name: str | None = None
    issue: str | None = None
    note: str | None = None
    keywords: frozenset[str] = field(default=frozenset(), repr=False)
    problem_words: frozenset[str] = field(default=frozenset(), repr=False)

    def has(self, *situations: str) -> bool:
        return any(x in self.situations for x in situations)

    def to_dict(self) -> dict[str, Any]:
        """The `context.customer` object of the JSON report (docs/json.md)."""
        out: dict[str, Any] = {"language": self.language, "address": self.address,
                               "situations": list(self.situations), "name": self.name,
                               "issue": self.issue}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class LanguageContext:
    """A language's customer-side data, compiled: one phrase matcher for situations, issue
    words and address forms, and the signature patterns."""

    lang: str
    matcher: PhraseMatcher
    sign_off: re.Pattern[str] | None
    name_intro: re.Pattern[str] | None
    dash_name: re.Pattern[str]
    not_names: frozenset[str]
    stopwords: frozenset[str]
    issue_words: dict[str, tuple[str, ...]]


# read from the packs but never reported: "even though", "padahal", «با اینکه» set two facts
# against each other, a complaint unless the message praises or thanks ("they decorated the
# room even though we arrived late")
CONTRAST = "contrast"

_SECTION = s.mapping({
    "situations": s.mapping({name: s.list_of(s.text) for name in (*SITUATIONS, CONTRAST)}),
    "not_situations": s.mapping({name: s.list_of(s.text) for name in SITUATIONS}),
    "issues": s.keyed(s.text, s.list_of(s.text)),
    "sign_offs": s.list_of(s.text),
    "name_intros": s.list_of(s.text),
    "not_names": s.list_of(s.text),
    "generic": s.list_of(s.text),
    "inflect": s.boolean,
})


def _read_section(lang: str) -> dict[str, Any]:
    merged: dict[str, Any] = {"situations": {}, "not_situations": {}, "issues": {},
                              "sign_offs": [], "name_intros": [], "not_names": [],
                              "generic": [], "inflect": None}
    for doc, value in pack_sections(lang, "context"):
        try:
            data = _SECTION(doc, ("context",), value)
        except VoicecheckError as error:
            error.code = "E260"
            raise
        for key, item in data.items():
            if isinstance(item, dict):
                for name, words in item.items():
                    merged[key].setdefault(name, []).extend(words)
            elif not isinstance(item, list):
                merged[key] = item
            else:
                merged[key].extend(item)
    return merged


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def language_context(lang: str) -> LanguageContext:
    """The compiled customer-side data of `lang` (built once per process)."""
    data = _read_section(lang)
    matcher = PhraseMatcher(lang)
    inflect = data["inflect"]
    for situation, phrases in data["situations"].items():
        for phrase in phrases:
            matcher.add(phrase, ("situation", situation), inflect)
    for situation, phrases in data["not_situations"].items():
        for phrase in phrases:
            matcher.add(phrase, ("not_situation", situation), inflect)
    for noun, phrases in data["issues"].items():
        for phrase in phrases:
            matcher.add(phrase, ("issue", noun), inflect)
    for rule in pack_rules(lang):
        if rule.kind == "address" and rule.params.get("mode") == "mixed":
            for register in ("formal", "informal"):
                for phrase in rule.params.get(register, ()):
                    matcher.add(phrase, ("address", register), False)
            for phrase in rule.params.get("except", ()):
                matcher.add(phrase, ("address", "except"), False)
    matcher.freeze()
    name = _ARABIC_NAME if lang == "fa" else _LATIN_NAME
    sign_off = name_intro = None
    if data["sign_offs"]:
        sign_off = re.compile(rf"(?:^|[\s,.!])(?i:{_alternation(data['sign_offs'])})"
                              rf"\s*[,،!.]?\s*\n?\s*[{_DASH}]?\s*({name})\s*[.!]?\s*$")
    if data["name_intros"]:
        name_intro = re.compile(rf"(?:^|\s)(?i:{_alternation(data['name_intros'])})\s+({name})"
                                r"(?=[\s,.!،]|$)")
    dash_name = re.compile(rf"(?:^|\n|[.!?؟]\s*)\s*[{_DASH}]\s*({name})\s*$")
    from voicecheck.text.langid import (
        _markers,  # the pack's function words: not content
    )

    markers = _markers().get(lang, (frozenset(), frozenset()))[0]
    generic = frozenset(t for w in data["generic"] for t in fold_phrase(w).split())
    return LanguageContext(lang, matcher, sign_off, name_intro, dash_name,
                           frozenset(w.lower() for w in data["not_names"]), markers | generic,
                           {k: tuple(v) for k, v in data["issues"].items()})


def analyze_customer(text: str | None, lang: str | None = None,
                     reply_lang: str | None = None) -> CustomerContext | None:
    """The context of a customer's message, or None when no message was given.

    `lang` forces the language; `reply_lang`, the reply's language, settles Indonesian
    against Malay: a short message rarely tells them apart, and the reply's language reads
    the other one nearly as well.

    >>> ctx = analyze_customer("My order still hasn't arrived!! Thanks, Sarah")
    >>> ctx.language, ctx.situations, ctx.name, ctx.issue
    ('en', ('complaint', 'anger', 'thanks'), 'Sarah', 'order')
    """
    if text is None:
        return None
    if len(text) <= CACHED_CHARS:
        return _analyze_cached(text, lang, reply_lang if reply_lang in _SISTERS else None)
    return _analyze(text, lang, reply_lang)


# A pre-send hook checks the draft again at every edit against the same customer's message;
# the message's context (a frozen value) is kept for the last messages of up to this length.
CACHED_CHARS = 4_000


@lru_cache(maxsize=512)
def _analyze_cached(text: str, lang: str | None, reply_lang: str | None) -> CustomerContext:
    return _analyze(text, lang, reply_lang)


def forget_customers() -> None:
    """Empty the cache of customers' messages, so the next check reads each one afresh (a
    benchmark of first checks; a service never needs this)."""
    _analyze_cached.cache_clear()


def _analyze(text: str, lang: str | None, reply_lang: str | None) -> CustomerContext:
    # letters stretched for feeling ("thanksss", "makasihhh", "مرسییییی") read as the word
    text = _STRETCHED.sub(r"\1", text[:CUSTOMER_MAX_CHARS])
    if not text.strip():
        return CustomerContext(text, None, note="empty customer message")
    language = lang if lang in LANGS else _identify(text)
    if language in _SISTERS and reply_lang in _SISTERS:
        language = reply_lang
    if language is None:
        return CustomerContext(text, None, note="unsupported customer language")
    data = language_context(language)
    draft = make_draft(text, language)
    return _describe(text, draft, data)


def _describe(text: str, draft: Draft, data: LanguageContext) -> CustomerContext:
    # No tone model here: its hostility head learnt agents' replies, and on the labelled
    # customers' complaints it scored those angry in words 0.15 on average and the others
    # 0.13 (docs/quality.md): it would add noise, not anger.
    issue: str | None = None
    formal = informal = 0
    excepted: list[tuple[int, int]] = []
    address_hits: list[tuple[str, int, int]] = []
    hits: dict[str, list[tuple[int, int]]] = {}
    not_hits: dict[str, list[tuple[int, int]]] = {}
    for entry, first, last in data.matcher.find(draft.tokens):
        kind, value = entry.payload
        if kind == "situation":
            hits.setdefault(value, []).append((first, last))
        elif kind == "not_situation":
            not_hits.setdefault(value, []).append((first, last))
        elif kind == "issue":
            issue = issue or value
        elif value == "except":
            excepted.append((first, last))
        else:
            address_hits.append((value, first, last))
    situations: set[str] = set()
    problem: set[str] = set()
    for value, spans in hits.items():
        # "Nobody's hurt" is no complaint, "I lost my phone" not the brand's doing
        spans = outside(spans, not_hits.get(value, []))
        if spans:
            situations.add(value)
        if value in ("complaint", "anger"):
            problem.update(t.lemma for first, last in spans for t in draft.tokens[first:last]
                           if _content(t, data))
    if CONTRAST in situations:
        situations.discard(CONTRAST)
        if not situations & {"praise", "thanks"}:
            situations.add("complaint")
    kept = set(outside([(a, b) for _, a, b in address_hits], excepted))
    for register, first, last in address_hits:
        if (first, last) not in kept:
            continue
        if register == "formal":
            formal += 1
        else:
            informal += 1
    if _QUESTION.search(text):
        situations.add("question")
    # "!!" and capitals are loud, not necessarily angry: with praise or thanks and no complaint
    # they are delight ("they're perfect!!", "ok it works now, thanks!!"); and two acronyms in
    # a long question are not shouting
    if (_BANGS.search(text) or _shouting(text)) and (
            not situations & {"praise", "thanks"} or "complaint" in situations):
        situations.add("anger")
    if _LONG_NUMBER.search(text) or _CODE.search(text):
        situations.add("effort")
    if "anger" in situations:
        situations.add("complaint")  # anger is at something that went wrong
    address = "none"
    if data.lang != "en":
        address = ("mixed" if formal and informal else "formal" if formal else
                   "informal" if informal else "none")
    keywords = frozenset(t.lemma for t in draft.tokens if _content(t, data))
    return CustomerContext(text, data.lang, address,
                           tuple(x for x in SITUATIONS if x in situations),
                           _signed_name(text, data), issue, None, keywords, frozenset(problem))


def _shouting(text: str) -> bool:
    """Two or more words in capitals that make up at least 40 % of the words of three letters
    or more: "WHERE is my ORDER" shouts, "my EFIN for the SPT" names two acronyms, and a
    message of two words is an SMS keyword ("INFO TAGIHAN", "REG SPASI"), not a shout.

    >>> _shouting("WHERE is my ORDER"), _shouting("I have no EFIN yet, how do I file the SPT?")
    (True, False)
    >>> _shouting("INFO TAGIHAN")
    False
    """
    caps = len(_SHOUT.findall(text))
    return (caps >= 2 and caps >= 0.4 * len(_LATIN_WORD.findall(text))
            and len(text.split()) > 2)


def _content(token: Any, data: LanguageContext) -> bool:
    """A word that carries content: not a function word, a generic support word or a number."""
    return (token.is_word and len(token.text) >= 4 and token.text not in data.stopwords
            and token.lemma not in data.stopwords and not token.text.isdigit())


def _signed_name(text: str, data: LanguageContext) -> str | None:
    """The name a message is signed with: "— Sarah", "Thanks, Budi", "my name is Ali"."""
    tail = text.strip()[-120:]
    for pattern in (data.sign_off, data.dash_name):
        if pattern is None:
            continue
        match = pattern.search(tail)
        if match and _is_name(match.group(1), data):
            return match.group(1)
    if data.name_intro is not None:
        match = data.name_intro.search(text)
        if match and _is_name(match.group(1), data):
            return match.group(1)
    return None


def _is_name(candidate: str, data: LanguageContext) -> bool:
    words = candidate.lower().split()
    return bool(words) and not any(w in data.not_names or w in data.stopwords for w in words)


def _identify(text: str) -> str | None:
    """The customer's language among en/id/ms/fa, or None for another language. Our own
    identifier only knows our four, so a message that none of our marker words recognise is
    checked against py3langid's full model (loaded on first need, about a second)."""
    from voicecheck.text.langid import _WORD, _marker_counts, identify

    letters = len(_LETTER.findall(text))
    latin = len(_LATIN.findall(text))
    arabic = len(_ARABIC.findall(text))
    if letters and (latin + arabic) < letters / 2:
        return None  # another script: Chinese, Thai, Cyrillic, Devanagari …
    guess = identify(text)
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        return guess.lang  # too short for any model to say "not ours"
    if guess.lang == "fa":
        if _PERSIAN_ONLY.search(text):
            return "fa"
        return None if _foreign(text) else "fa"
    counts = _marker_counts(words)
    if max(known for known, _ in counts.values()) >= 2:
        return guess.lang
    return None if _foreign(text) else guess.lang


def load_full_identifier() -> Any:
    """py3langid's full model (97 languages), loaded on first need: about a second, once. A
    server loads it while warming up, so no request waits for it (Checker.warm)."""
    try:
        from py3langid import langid
    except ImportError:  # pragma: no cover - py3langid is a dependency
        return None
    with _FULL_LANGID_LOCK:
        if langid.IDENTIFIER is None:
            langid.classify("")  # loads the model
        return langid.IDENTIFIER


def _foreign(text: str) -> bool:
    """Whether py3langid's full model is sure (p >= 0.95 among its 97 languages) that the
    text is in none of ours. Short code-mixed messages ("hoodie biru saiz M bila nak
    restock?") get unsure guesses (Croatian 0.8, Javanese 0.8) and stay ours."""
    identifier = load_full_identifier()
    if identifier is None:  # pragma: no cover - py3langid is a dependency
        return False
    with _FULL_LANGID_LOCK:
        ranked = identifier.rank(text[:2000])
    best = ranked[0][1]
    total = sum(math.exp(score - best) for _, score in ranked)
    lang = ranked[0][0]
    return lang not in _SUPPORTED + _NEIGHBOURS and 1 / total >= FOREIGN_SURE
