"""What every rule kind shares: the Rule record read from YAML, the per-check Context, and
the one way to turn a span of the draft into a Finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from voicecheck.guide import Guide
from voicecheck.model import Finding, Suggestion
from voicecheck.text.draft import Draft

DIMENSIONS = ("vocabulary", "politeness", "empathy", "hostility", "formality", "readability",
              "inclusivity", "safety", "structure")
TONE_HEADS = ("formality", "politeness", "empathy", "hostility")  # kind `tone` reads these


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    channel: str | None = None
    guide: dict[str, Any] | None = None
    customer: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule as written in a rule pack (or made from a guide's terms)."""

    code: str
    slug: str
    kind: str
    lang: str  # language of the pack, or "*" for rules of every language
    severity: str
    message: str
    why: str
    dimension: str
    params: dict[str, Any]
    when: dict[str, Any] = field(default_factory=dict)
    milder_when: dict[str, Any] = field(default_factory=dict)
    examples_bad: tuple[Example, ...] = ()
    examples_good: tuple[Example, ...] = ()
    source: str = ""
    line: int | None = None

    def applies(self, guide: Guide, channel: str | None) -> bool:
        """Whether the guide and channel switch this rule on at all."""
        if not _voice_and_channel(self.when, guide, channel):
            return False
        address = self.when.get("address")
        if address and guide.address_for(self.lang) not in address:
            return False
        if self.when.get("public"):
            chan = guide.channel(channel)
            if chan is None or not chan.public:
                return False
        return True

    def milder(self, guide: Guide, channel: str | None) -> bool:
        """Whether this guide and channel make the rule's findings a step milder (error to
        warning, warning to info): every condition of `milder_when` holds. Spoken forms are
        a warning for a neutral brand's e-mail, a suggestion in its chat."""
        return bool(self.milder_when) and _voice_and_channel(self.milder_when, guide, channel)


def _voice_and_channel(conditions: dict[str, Any], guide: Guide, channel: str | None) -> bool:
    """Whether the guide's formality and the channel are among those `conditions` lists (a
    condition it does not give holds): the part `when` and `milder_when` share."""
    formality = conditions.get("formality")
    if formality and guide.formality not in formality:
        return False
    channels = conditions.get("channels")
    return not channels or channel in channels


@dataclass(slots=True)
class Context:
    """Everything a check may look at besides the draft."""

    guide: Guide
    channel: str | None = None
    customer: str | None = None
    placeholders_ok: bool = False
    tone: Any = None  # ToneResult from the tone model, when one is loaded
    customer_context: Any = None  # CustomerContext (checks/context.py) when a customer wrote


class _KeepSlots(dict):
    """format_map mapping that leaves unknown {slots} as written (made once: building a class
    per finding cost 35 µs each)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(message: str, **values: Any) -> str:
    """Fill {name} slots of a rule message, leaving unknown slots as they are.

    >>> fill("'{match}' is {what}", match="as per")
    "'as per' is {what}"
    """
    try:
        return message.format_map(_KeepSlots(values))
    except (ValueError, IndexError, AttributeError):
        return message


def match_case(replacement: str, original: str) -> str:
    """Give `replacement` the capitalisation of `original` (first letter or all caps).

    >>> match_case("use", "Utilize")
    'Use'
    """
    if not original or not replacement:
        return replacement
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper() and replacement[0].islower():
        return replacement[0].upper() + replacement[1:]
    return replacement


def make_finding(rule: Rule, severity: str, draft: Draft, start: int, end: int, message: str,
                 replacements: Iterable[str] = ()) -> Finding:
    """A Finding for original[start:end] (offsets already in the original text)."""
    original = draft.original
    line, column = draft.line_col(start)
    matched = original[start:end]
    suggestions = tuple(Suggestion(match_case(r, matched), start, end) for r in replacements)
    return Finding(rule.code, rule.slug, severity, message, start, end, line, column, matched,
                   suggestions, rule.dimension)
