"""The engine's rewrite hook: after a check has made its findings, give each fixable finding its
suggestions from the templates, and mark every suggestion safe or unsafe.

A rule gets a template suggestion when it names one (`template: apology` in its pack) or when
its language has a template named after the rule's slug (`rules/en/templates/filler.j2`).
Structure findings for a missing part (acknowledge, apology, next step …) become insertions
(start == end) at a sensible place: after a greeting line, or before a sign-off.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from voicecheck.guide import Guide
from voicecheck.model import Finding, Suggestion
from voicecheck.rewrite.templates import TemplateSet

# where a template for a missing part goes; templates not listed replace the finding's words
PLACEMENT = {"acknowledge": "start", "apology": "start", "sympathy": "start", "ownership": "end",
             "thanks": "start", "next_step": "end", "move_to_dm": "end", "sign_off": "last"}
RENDER_CACHE_SIZE = 4096
MAX_TEMPLATE_RENDERS = 500  # template suggestions per reply: each render may take up to its
# budget (5,000 steps), and a 1.9 MB reply with 10,000 findings took 23 s with a guide's
# template at that limit; past this, findings keep their rule's own suggestions
_SITUATION_ORDER = ("anger", "complaint", "urgency", "question", "praise")
_SENTENCE_END = re.compile(r"[.!?؟。…]\s*$")
_GREETING_LINE_MAX_WORDS = 6
# A greeting that opens the reply's first line ("Hi Sam, your order …", «سلام دوست عزیز، …»):
# what is inserted at the start goes after it, not before it.
_INLINE_GREETING = re.compile(
    r"[ \t]*(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening)|greetings|halo|hallo|"
    r"hai|helo|selamat (?:pagi|siang|sore|malam|petang)|salam|assalamualaikum|سلام|درود|"
    r"وقت بخیر|عرض ادب)\b[^\n,.!?،؟]{0,40}?([,،!])[ \t]+(?=\S)", re.IGNORECASE)
_SIGN_OFF_MAX_WORDS = 4
# a signature at the end of the last line, as on social channels: "… tomorrow. – Priya",
# "^HW", "-AM", "~ The Acme team" (a capital or a non-Latin letter after the mark, three
# words at most, nothing after it)
_INLINE_SIGNATURE = re.compile(r"(?:^|\s)(?:[-–—~]\s?|\^)(?![a-z\d])\w[\w.'’]*(?:\s\w[\w.'’]*){0,2}$")


@dataclass(frozen=True, slots=True)
class RulePlan:
    """What the rewriter does for one rule: its template (if any) and the safety of its fixes."""

    template: str | None
    safe: bool
    insert: str | None  # "start" | "end" | "last" for a missing part, else None


def is_safe(rule: Any) -> bool:
    """Ruff's convention: only meaning-preserving swaps are safe. A rule's `fix:` decides;
    otherwise substitutions (plain words, text-speak, colloquial spellings) and the guide's
    preferred terms are safe, and everything else (stock-phrase rewrites, deletions,
    insertions, banned-phrase replacements) is unsafe."""
    fix = rule.params.get("fix")
    if fix:
        return fix == "safe"
    return rule.kind == "substitution" or (rule.kind == "terms"
                                           and rule.params.get("term") == "preferred")


class Rewriter:
    """Fills suggestions for one guide. Build once per Checker (compiles the guide's templates,
    so template errors surface when the guide loads)."""

    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        self.templates = TemplateSet(guide)
        self._plans: dict[str, dict[str, RulePlan]] = {}
        self._rendered: dict[tuple[Any, ...], str] = {}

    def plans(self, lang: str, rules: Iterable[Any]) -> dict[str, RulePlan]:
        """Rule code -> RulePlan for the rules of `lang` (cached per language: the engine
        passes the language's pack rules, which never change)."""
        plans = self._plans.get(lang)
        if plans is None:
            names = self.templates.names(lang)
            plans = {}
            for rule in rules:
                name = rule.params.get("template") or (rule.slug if rule.slug in names else None)
                if name is not None and name not in names:
                    name = None  # a template this language does not have: no suggestion
                insert = PLACEMENT.get(name) if rule.kind == "structure" and name else None
                plans[rule.code] = RulePlan(name, is_safe(rule), insert)
            self._plans[lang] = plans
        return plans

    def values(self, lang: str, channel: str | None = None,
               customer: Any = None) -> dict[str, Any]:
        """The documented template variables (docs/rewrites.md); unknown ones are ""."""
        rewrite = self.guide.rewrite or {}
        situations = tuple(_field(customer, "situations") or ())
        situation = next((s for s in _SITUATION_ORDER if s in situations),
                         situations[0] if situations else "")
        return {"brand": self.guide.brand or "", "language": lang,
                "customer_name": _field(customer, "name") or "",
                "issue": _field(customer, "issue") or "",
                "situation": situation,
                "agent_name": rewrite.get("agent_name", ""),
                "sign_off": (rewrite.get("sign_off") or {}).get(lang, ""),
                "channel": channel or "", "address": self.guide.address_for(lang),
                "formality": self.guide.formality, "matched": "", "next_word": "",
                "replacement": ""}

    def render(self, lang: str, name: str, values: dict[str, Any]) -> str | None:
        """The template `name` of `lang` rendered with `values` (None: no such template).
        Renders are cached: a template is a pure function of its variables, and a library
        of canned replies repeats the same stock phrases many times."""
        key = (lang, name, tuple(values.items()))
        cached = self._rendered.get(key)
        if cached is not None:
            return cached
        template = self.templates.get(lang, name)
        if template is None:
            return None
        out = template.render(values)
        if len(self._rendered) >= RENDER_CACHE_SIZE:
            self._rendered.clear()
        self._rendered[key] = out
        return out

    def rewrite(self, findings: Iterable[Finding], text: str, lang: str, rules: Iterable[Any],
                channel: str | None = None, customer: Any = None) -> list[Finding]:
        """The findings with template suggestions added and every suggestion marked safe or
        unsafe (`rules`: the language's pack rules, from the engine). Costs nothing for
        findings of rules without suggestions or templates."""
        plans = self.plans(lang, rules)
        base: dict[str, Any] | None = None
        out = []
        renders = 0
        for finding in findings:
            plan = plans.get(finding.code)
            if plan is None or (plan.template is None and not finding.suggestions):
                out.append(finding)
                continue
            suggestions = [_tidied(s, text, plan.safe) for s in finding.suggestions]
            if plan.template is not None and renders < MAX_TEMPLATE_RENDERS:
                renders += 1
                if base is None:
                    base = self.values(lang, channel, customer)
                made = self._from_template(plan, finding, text, lang, base)
                if made is not None and all((s.text, s.start, s.end) != (made.text, made.start,
                                                                        made.end)
                                            for s in suggestions):
                    suggestions.insert(0, made)
            f = finding  # built directly: dataclasses.replace costs twice a constructor call
            out.append(Finding(f.code, f.rule, f.severity, f.message, f.start, f.end, f.line,
                               f.column, f.text, tuple(suggestions), f.dimension))
        return out

    def _from_template(self, plan: RulePlan, finding: Finding, text: str, lang: str,
                       base: dict[str, Any]) -> Suggestion | None:
        end = _word_end(text, finding.end)
        values = dict(base, matched="" if plan.insert else finding.text,
                      replacement=finding.suggestions[0].text if finding.suggestions else "",
                      next_word="" if plan.insert else next_word(text, end))
        rendered = self.render(lang, plan.template or "", values)
        if rendered is None:
            return None
        if plan.insert:
            return insertion(text, rendered, plan.insert, safe=plan.safe) if rendered else None
        if not rendered:
            return deletion(text, finding.start, end, safe=plan.safe)
        if rendered == finding.text:  # the template's way of saying "no rewording fits"
            return None
        at_start = _at_sentence_start(text, finding.start)
        return Suggestion(_fitted(rendered, text[finding.start:end], at_start), finding.start,
                          end, plan.safe)


def _field(customer: Any, name: str) -> Any:
    """A field of the customer context: a CustomerContext, or its JSON form (a dict)."""
    if isinstance(customer, dict):
        return customer.get(name)
    return getattr(customer, name, None)


def _fitted(rendered: str, matched: str, at_start: bool) -> str:
    """The rendered words shaped to their place: a capital when they begin a sentence, and
    the sentence-ending mark the matched words included ("soon." -> "within one working day.").

    >>> _fitted("within one working day", "Soon.", True)
    'Within one working day.'
    """
    if at_start and rendered[:1].islower():
        rendered = rendered[0].upper() + rendered[1:]
    if matched[-1:] in (".", "!", "?", "؟") and rendered[-1:] not in (".", "!", "?", "؟"):
        rendered += matched[-1]
    return rendered


def _tidied(suggestion: Suggestion, text: str, safe: bool) -> Suggestion:
    end = _word_end(text, suggestion.end) if suggestion.start < suggestion.end else suggestion.end
    if suggestion.text == "" and suggestion.start < end:
        return deletion(text, suggestion.start, end, safe)
    if end != suggestion.end:
        return Suggestion(suggestion.text, suggestion.start, end, safe)
    return Suggestion(suggestion.text, suggestion.start, suggestion.end, safe)


def _word_end(text: str, end: int) -> int:
    """`end` moved past combining marks that belong to the last matched letter (Persian
    tanwin in «اصولاً», a stray diacritic), so an edit never leaves one orphaned."""
    while end < len(text) and unicodedata.category(text[end]) == "Mn":
        end += 1
    return end


def next_word(text: str, end: int) -> str:
    """The word right after a match, lower-cased; "" when punctuation or a line break comes
    first, or the text ends (templates use it to keep the sentence grammatical).

    >>> next_word("We apologised for any inconvenience caused.", 35), next_word("Soon.", 4)
    ('caused', '')
    """
    pos = end
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if pos == end and end < len(text) and (text[end].isalnum() or text[end] == "\u200c"):
        pos = end  # a match inside a word: read on
    elif pos == end:
        return ""
    stop = pos
    while stop < len(text) and (text[stop].isalnum() or text[stop] in "'’\u200c-"
                                or unicodedata.category(text[stop]) == "Mn"):
        stop += 1
    return text[pos:stop].lower()


def _at_sentence_start(text: str, pos: int) -> bool:
    # scans back over blanks instead of copying text[:pos]: once per finding, a copy made
    # replies with tens of thousands of findings quadratic (a 1 MB reply took minutes)
    while pos > 0 and text[pos - 1] in " \t":
        pos -= 1
    return pos == 0 or text[pos - 1] in ".!?؟\n\r…"


def deletion(text: str, start: int, end: int, safe: bool = False) -> Suggestion:
    """Deleting text[start:end] as a clean edit: with the comma and the space after it, and
    the next word capitalised when the deleted words began a sentence.

    >>> deletion("To be honest, we shipped it.", 0, 12)
    Suggestion(text='We', start=0, end=16, safe=False)
    >>> deletion("It is basically done.", 6, 15)
    Suggestion(text='', start=6, end=16, safe=False)
    >>> deletion("No. Rules are rules.", 4, 19)
    Suggestion(text='', start=3, end=20, safe=False)
    """
    stop = end
    while stop < len(text) and text[stop] in " \t":
        stop += 1
    if stop < len(text) and text[stop] in ",،":
        stop += 1
    while stop < len(text) and text[stop] in " \t":
        stop += 1
    begin = start
    if _at_sentence_start(text, start) and stop < len(text) and text[stop] in ".!?؟":
        # the deleted words were the whole sentence: its full stop goes too
        stop += 1
        while stop < len(text) and text[stop] in " \t":
            stop += 1
        if stop == len(text):
            while begin > 0 and text[begin - 1] in " \t":
                begin -= 1
        return Suggestion("", begin, stop, safe)
    if stop == end or (stop < len(text) and text[stop] in ".!?؟"):
        # nothing after it on the line: take the space before it instead
        stop = end
        while begin > 0 and text[begin - 1] in " \t":
            begin -= 1
    if _at_sentence_start(text, start) and stop < len(text) and text[stop].islower():
        word, word_end = _capitalised_word(text, stop)
        return Suggestion(word, begin, word_end, safe)
    return Suggestion("", begin, stop, safe)


def _capitalised_word(text: str, pos: int) -> tuple[str, int]:
    """The word at `pos` with a capital first letter, and where it ends: what a sentence
    that now starts with it needs ("… you. Your order")."""
    end = pos
    while end < len(text) and (text[end].isalnum() or text[end] in "'’-"):
        end += 1
    return text[pos:pos + 1].upper() + text[pos + 1:end], end


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _greeting_end(text: str) -> int:
    """Where the reply's body starts: after a short first line ending in a comma, colon or
    exclamation mark ("Hi Sam," / "Halo Kak!"), else 0."""
    first = text.split("\n", 1)[0].rstrip("\r")
    if "\n" in text and first.strip() and len(first.split()) <= _GREETING_LINE_MAX_WORDS \
            and first.rstrip()[-1:] in (",", "،", ":", "!"):
        pos = len(first) + (2 if text[len(first):len(first) + 2] == "\r\n" else 1)
        while pos < len(text) and text[pos] in "\r\n":
            pos += 1
        return pos
    return 0


def _body_end(text: str) -> int:
    """Where the reply's body ends: before a short closing block ("Thanks,\\nSam") that
    follows a line break, else at the end of the text (trailing space excluded)."""
    lines = text.rstrip().split("\n")
    keep = len(lines)
    while keep > 1 and len(lines) - keep < 2:
        line = lines[keep - 1].strip()
        if not line or len(line.split()) > _SIGN_OFF_MAX_WORDS or _SENTENCE_END.search(line) \
                and not line.endswith("!"):
            break
        keep -= 1
    if keep == len(lines):
        return len(text.rstrip())
    return len("\n".join(lines[:keep]).rstrip())


def has_closing(text: str) -> bool:
    """Whether the reply ends with a short closing block after a line break ("Thanks,\nSam").

    >>> has_closing("Your refund is done.\\n\\nBest,\\nAlex"), has_closing("Your refund is done.")
    (True, False)
    >>> has_closing("Your order ships tomorrow. – Priya"), has_closing("Done! ^HW")
    (True, True)
    >>> has_closing("Refunds take 5 - 10 days."), has_closing("We ship - quickly.")
    (False, False)
    """
    return _body_end(text) < len(text.rstrip()) or bool(_INLINE_SIGNATURE.search(text.rstrip()))


def _after_inline_greeting(text: str, sentence: str, pos: int, mark: str,
                           safe: bool) -> Suggestion:
    """`sentence` after a greeting on the first line. After "!" it is a sentence of its own;
    after a comma it continues the greeting ("Hi Sam, thanks for …"), and the word that
    followed the comma starts a sentence again ("… your order. Your order ships …")."""
    if mark == "!" or not text[pos:pos + 1].islower():  # a new sentence, or no letter case
        return Suggestion(sentence + " ", pos, pos, safe)
    if sentence.split(" ", 1)[0][1:2].islower():  # "Thanks", not "I'm", "I" or "OK"
        sentence = sentence[0].lower() + sentence[1:]
    word, end = _capitalised_word(text, pos)
    return Suggestion(f"{sentence} {word}", pos, end, safe)


def inserted(s: Suggestion, text: str) -> str | None:
    """What a suggestion adds to `text`: all its text for an insertion, and for one after a
    greeting on the same line (`_after_inline_greeting`, which gives the next word its
    capital again: "Hi Sam, thanks for … Your order"), the words before that word; None for
    a replacement.

    >>> reply = "Hi Sam, your order ships."
    >>> inserted(insertion(reply, "Thanks!", "start"), reply)
    'thanks!'
    >>> inserted(Suggestion("use", 0, 7), "utilize it") is None
    True
    """
    if s.start == s.end:
        return s.text
    word = text[s.start:s.end]
    tail = " " + word[:1].upper() + word[1:]
    if word[:1] != word[:1].upper() and s.text.endswith(tail) and len(s.text) > len(tail):
        return s.text[:-len(tail)]
    return None


def insertion(text: str, sentence: str, where: str, safe: bool = False) -> Suggestion:
    """An insertion of `sentence` into the reply: at the start of the body ("start"), at the
    end of the body ("end"), or after everything ("last", for a sign-off).

    >>> insertion("Hi Sam,\\nYour refund is done.", "Sorry about the wait.", "start")
    Suggestion(text='Sorry about the wait. ', start=8, end=8, safe=False)
    >>> insertion("Your refund is done.\\n\\nBest,\\nAlex", "Reply here if not.", "end")
    Suggestion(text=' Reply here if not.', start=20, end=20, safe=False)
    >>> insertion("Hi Sam, your refund is done.", "Thanks for waiting.", "start")
    Suggestion(text='thanks for waiting. Your', start=8, end=12, safe=False)
    >>> insertion("Hi!\\n", "Thanks for writing.", "start")
    Suggestion(text=' Thanks for writing.', start=3, end=3, safe=False)
    """
    nl = _newline(text)
    if where == "last":  # in place of the trailing blanks, keeping a final line break
        pos = len(text.rstrip())
        tail = nl if text[pos:].endswith("\n") else ""
        return Suggestion(nl + nl + sentence.replace("\n", nl) + tail, pos, len(text), safe)
    if where == "start":
        pos = _greeting_end(text)
        if pos and pos >= len(text.rstrip()):  # the reply is a greeting and nothing else:
            pos = len(text.rstrip())           # go on after it, before the end's insertions
            return Suggestion(" " + sentence, pos, pos, safe)
        inline = None if pos else _INLINE_GREETING.match(text)
        if inline and len(inline.group(0).split()) <= _GREETING_LINE_MAX_WORDS:
            return _after_inline_greeting(text, sentence, inline.end(), inline.group(1), safe)
        return Suggestion(sentence + " ", pos, pos, safe)
    pos = _body_end(text)
    return Suggestion(" " + sentence, pos, pos, safe)
