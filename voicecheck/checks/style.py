"""Kind `style`: the guide's `style` policy on exclamation marks, shouting and emoji.

    kind: style
    style: exclamation | repeated_punctuation | caps | emoji
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.model import Finding
from voicecheck.text.draft import Draft
from voicecheck.text.lengths import EMOJI as _EMOJI
from voicecheck.text.lengths import NOT_EMOJI as _NOT_EMOJI

PARAMS = {"style": "str"}
STYLES = ("exclamation", "repeated_punctuation", "caps", "emoji")

_EXCLAMATION = re.compile(r"!+")
_REPEATED = re.compile(r"[!?]{2,}|\.{4,}")
_WORD = re.compile(r"[^\W\d_]{2,}")
_UPPER_PAIR = re.compile(r"[A-Z]{2}")
# In ASCII text, the _WORD matches that are all capitals: whole letter runs of [A-Z]{2,}
_ASCII_CAPS = re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])")
_SIGN_MARKS = "^-\u2013\u2014~/"  # "… ^DS", "– JH", "-DA": an agent's initials signing a reply


_VOWELS = frozenset("AEIOUY")
_SLOT_EDGES = {"#": "#", "[": "]", "{": "}", "%": "%", "<": ">", "$": "$"}
# around a run of capitals (spaces allowed inside): a template slot or a quoted label
_ENCLOSING = {"[": "]", "{": "}", "<": ">", '"': '"', "\u201c": "\u201d", "'": "'",
              "\u2018": "\u2019"}
# a word that is part of an address, a file name or a tag: CONTRIBUTING.md, .github/ISSUE_…,
# #NUMBER, @HANDLE
_IDENTIFIER_MARKS = ("/", "_", "\\", "://", "www.")
_KEYWORD_VERBS = frozenset((  # "reply STOP", "ketik BATAL": a keyword to type, not a shout
    "type", "reply", "text", "send", "enter", "press", "tap", "click", "sms", "key",
    "taip", "ketik", "balas", "hantar", "kirim", "tekan", "klik", "masukkan",
))
# a line with a personal pronoun speaks to someone: a shout, not a heading
_PRONOUNS = frozenset(("I", "ME", "MY", "WE", "US", "OUR", "YOU", "YOUR", "YOU'RE", "ANDA",
                       "KAMU", "AWAK", "KAU", "ENGKAU", "SAYA", "KAMI", "KITA", "AKU"))
_ENTITY = re.compile(r"&[a-z]{2,8};")  # &nbsp; left in a pasted template


def _acronym(word: str) -> bool:
    """Few vowels for its length: KPDNHEP, HTTPS, not URGENT or FINAL."""
    return sum(c in _VOWELS for c in word) / len(word) < 0.3


def _placeholder(text: str, start: int, end: int) -> bool:
    """A capitalised template slot such as #NOADUAN#, [NAME] or {ORDER}."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return before in _SLOT_EDGES and _SLOT_EDGES[before] == after


_NEAR = 200  # how far a label's context is looked for (a 2 MB reply must stay linear)
_SPACE = re.compile(r"\s")


def _identifier(text: str, start: int, end: int) -> bool:
    """Part of a web address, path, file name or tag (CONTRIBUTING.md, #NUMBER, @HANDLE)."""
    window = max(0, start - _NEAR)
    left = max(text.rfind(" ", window, start), text.rfind("\n", window, start), window - 1) + 1
    space = _SPACE.search(text, end, end + _NEAR)
    token = text[left:space.start() if space else min(len(text), end + _NEAR)]
    if token[:1] in ("#", "@") and left == start - 1:
        return True
    after = text[end:end + 2]
    core = token.strip("_*~")  # _ISU SENARAI HARGA_ is italics (WhatsApp, Markdown), not a name
    return (any(mark in core for mark in _IDENTIFIER_MARKS)
            or (after[:1] == "." and after[1:].isalpha() and after[1:].islower()))


def _enclosed(text: str, start: int, end: int) -> bool:
    """Inside brackets or quotes that hold nothing else: [PASTE RECEIPT LINK], tap "SEND"."""
    before = text[max(0, start - 20):start].rstrip(" ")[-1:]
    closer = _ENCLOSING.get(before)
    return closer is not None and text[end:end + 20].lstrip(" ")[:1] == closer


def _code(text: str, start: int, end: int) -> bool:
    """Glued to digits: a promo or reference code (WINTER20, SALE50, 2FA), not a word."""
    return (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())


def _initials(text: str, start: int, end: int) -> bool:
    """Initials signing the reply at its very end, after a mark: "^DS", "– JH", "-DA"."""
    return (end - start <= 3 and not text[end:].strip(" .!\n\t")
            and text[:start].rstrip(" ")[-1:] in _SIGN_MARKS)


def _keyword(text: str, start: int) -> bool:
    """A word to type or send, after a verb that says so: "reply STOP", "sila taip TAMAT"."""
    before = text[max(0, start - 30):start].rstrip(" ").rsplit(None, 1)[-1:] or [""]
    return before[0].lower().strip("(\"'") in _KEYWORD_VERBS


class _Labels:
    """What the label tests need from the whole reply, computed once per reply and only if a
    loud run is found: line breaks, where the text ends, the lower-cased text."""

    __slots__ = ("_breaks", "_echo_budget", "_last", "_lowered", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._breaks: list[int] | None = None
        self._last = -1
        self._lowered: str | None = None
        self._echo_budget = 16  # name look-ups per reply: a reply of many shouts stays linear

    def labelled(self, start: int, end: int, words: int) -> bool:
        """Capitals that label something rather than raise the voice: a slot or quoted label,
        a keyword to type, a heading line, or a name the reply also writes in title case."""
        text = self.text
        return (_enclosed(text, start, end) or (words == 1 and _keyword(text, start))
                or self._heading(start) or (words >= 2 and self._echoed(start, end)))

    def _heading(self, start: int) -> bool:
        """A short line all in capitals, with no sentence punctuation, naming no one, and set
        apart as a heading is: a blank line after it, or a colon at its end (PENGESAHAN
        PENERIMAAN ADUAN, STEPS TO TAKE:). "REFUND DENIED" run into the next line is a shout."""
        if self._breaks is None:
            self._breaks = [m.start() for m in re.finditer("\n", self.text)]
            self._last = len(self.text.rstrip())
        at = bisect.bisect_left(self._breaks, start)
        if at == len(self._breaks) or self._breaks[at] >= self._last:
            return False  # the reply's last line: nothing follows it
        first = self._breaks[at - 1] + 1 if at else 0
        last = self._breaks[at]
        if last - first > _NEAR:
            return False  # far longer than a heading
        line = _ENTITY.sub(" ", self.text[first:last])
        following = self.text[last + 1:min(self._breaks[at + 1] if at + 1 < len(self._breaks)
                                           else len(self.text), last + 1 + _NEAR)]
        apart = line.rstrip().endswith(":") or not _ENTITY.sub(" ", following).strip()
        words = line.split()
        return (apart and line.upper() == line and len(words) <= 8
                and not any(c in line for c in ".!?")
                and not any(w.strip(",:;()") in _PRONOUNS for w in words))

    def _echoed(self, start: int, end: int) -> bool:
        """A name the reply also writes in title case (JABATAN KASTAM … and Jabatan Kastam …);
        a shout repeated in lower case ("WE ARE NOT RESPONSIBLE … we are not responsible") is
        no name."""
        if self._echo_budget <= 0:
            return False
        self._echo_budget -= 1
        if self._lowered is None:
            self._lowered = self.text.lower()
            if len(self._lowered) != len(self.text):  # "İ" lowers to two characters
                self._echo_budget = 0
                return False
        text, lowered, run = self.text, self._lowered, self._lowered[start:end]
        found = lowered.find(run)
        while found != -1:
            if found != start and text[found:found + len(run)].istitle():
                return True
            found = lowered.find(run, found + 1)
        return False


class StyleRule:
    uses_matcher = False

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.style = rule.params["style"]
        self._allowed_for: tuple[Any, set[str]] | None = None
        self.run = getattr(self, "_" + self.style)  # (draft, ctx, severity) -> findings

    def _finding(self, draft: Draft, severity: str, start: int, end: int,
                 replacements: tuple[str, ...] = (), **values: Any) -> Finding:
        message = fill(self.rule.message, match=draft.original[start:end], **values)
        return make_finding(self.rule, severity, draft, start, end, message, replacements)

    def _exclamation(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        limit = ctx.guide.style.get("max_exclamations")
        if limit is None:
            return []
        if "!" not in draft.clean.text:
            return []
        runs = list(_EXCLAMATION.finditer(draft.clean.text))
        out = []
        for match in runs[limit:]:
            start, end = draft.clean.to_original(match.start(), match.end())
            out.append(self._finding(draft, severity, start, end, (".",), limit=limit,
                                     count=len(runs)))
        return out

    def _repeated_punctuation(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        text = draft.clean.text
        if not ("!!" in text or "??" in text or "!?" in text or "?!" in text or "...." in text):
            return []  # what every match of _REPEATED contains
        out = []
        for match in _REPEATED.finditer(text):
            start, end = draft.clean.to_original(match.start(), match.end())
            group = match.group()
            fix = "..." if group.startswith(".") else ("?" if "?" in group else "!")
            out.append(self._finding(draft, severity, start, end, (fix,)))
        return out

    def _caps(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        if ctx.guide.style.get("all_caps", "never") == "allow":
            return []
        text = draft.clean.text
        if text.isascii() and not _UPPER_PAIR.search(text):
            return []  # no word of two capitals at all (exact for ASCII text)
        if text.lower() == text:
            return []  # no capital letter at all (Persian, lower-case chat)
        allowed = self._allowed(ctx.guide)
        # str.isupper() is False for caseless scripts (Persian), so only cased words count;
        # in ASCII text the all-capital letter runs are found directly
        found = _ASCII_CAPS.finditer(text) if text.isascii() else (
            m for m in _WORD.finditer(text) if m.group().isupper())
        quoted = _customer_caps(ctx)
        words = [m for m in found
                 if m.group() not in allowed and not _placeholder(text, m.start(), m.end())
                 and not _identifier(text, m.start(), m.end())
                 and not _code(text, m.start(), m.end())
                 and not _initials(text, m.start(), m.end())
                 and m.group() not in quoted  # the customer's own code or name ("BAHAR")
                 and len(set(m.group())) > 1]  # XXXXXXX masks a number
        out = []
        labels: _Labels | None = None
        i = 0
        while i < len(words):
            j = i
            # extend over neighbours separated only by spaces/punctuation
            while j + 1 < len(words) and not text[words[j].end():words[j + 1].start()].strip(" ,.!?-:"):
                j += 1
            run = words[i:j + 1]
            # a name the writer set in bold or italics (*BANK NEGARA MALAYSIA*) is a label
            marked = text[max(0, run[0].start() - 4):run[0].start()].rstrip()[-1:] in ("*", "_")
            start, end = run[0].start(), run[-1].end()
            # short codes joined without a space are one code, not words: a route (HKG-KUL,
            # KUL/KCH), a pair of acronyms (ID-EN)
            joined = len(run) >= 2 and all(len(m.group()) <= 4 for m in run) and not any(
                c.isspace() for c in text[start:end])
            loud = not joined and (len(run) >= 2 or (len(run[0].group()) >= 5
                                                     and not _acronym(run[0].group())))
            if loud and not marked:
                if labels is None:
                    labels = _Labels(text)
                if labels.labelled(start, end, len(run)):
                    i = j + 1
                    continue
                s, e = draft.clean.to_original(start, end)
                shown = draft.original[s:e]
                out.append(self._finding(draft, severity, s, e, (shown.capitalize(),)))
            i = j + 1
        return out

    def _allowed(self, guide: Any) -> set[str]:
        """The guide's acronyms and brand words in capitals (kept for the last guide seen)."""
        cached = self._allowed_for
        if cached is None or cached[0] is not guide:
            allowed = {a.upper() for a in guide.style.get("acronyms", ())}
            if guide.brand:
                allowed.update(w.upper() for w in guide.brand.split())
            cached = self._allowed_for = (guide, allowed)
        return cached[1]

    def _emoji(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        limit = ctx.guide.style.get("max_emoji")
        if limit is None:
            return []
        if draft.original.isascii() or max(draft.original) < "\u203c":
            return []  # every emoji that counts has a character from U+203C up
        found = [m for m in _EMOJI.finditer(draft.original) if m.group() not in _NOT_EMOJI]
        return [self._finding(draft, severity, m.start(), m.end(), ("",), limit=limit,
                              count=len(found)) for m in found[limit:]]


def _customer_caps(ctx: Context) -> frozenset[str]:
    """Words the customer set in capitals on their own, among lower-case words (a code, a
    name: "kode BAHAR kar nemikone"): quoting them back is not shouting. Words of a customer's
    shout ("WHERE IS MY ORDER") are not excused."""
    customer = ctx.customer
    if not customer or customer.lower() == customer:
        return frozenset()
    words = [m.group() for m in _WORD.finditer(customer[:4000])]
    caps = [w.isupper() for w in words]
    return frozenset(w for k, w in enumerate(words)
                     if caps[k] and not (k and caps[k - 1])
                     and not (k + 1 < len(words) and caps[k + 1]))


def compile_rule(rule: Rule, lang: str) -> Any:
    return StyleRule(rule)
