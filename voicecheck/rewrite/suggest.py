"""`voicecheck suggest`: a whole improved draft of a reply.

The draft is the reply with every fix applied, safe and unsafe (`fix.fix_text`): plain words
and standard spellings, stock apologies, corporate phrases and vague timelines rewritten, and,
when the customer's message is known, the missing parts the structure rules (4xx) ask for:
an opener that acknowledges, an apology for a complaint, ownership, a next step. Last, the
guide's sign-off (`rewrite.sign_off`, `agent_name`, `brand`) when the reply has no closing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from voicecheck.model import Report
from voicecheck.rewrite.fix import FixResult, apply, fix_text
from voicecheck.rewrite.rewriter import Rewriter, has_closing, insertion


@dataclass(frozen=True, slots=True)
class SuggestedDraft:
    """The improved draft, the check of it, and how many changes went into it."""

    text: str
    report: Report
    changes: int
    signed: bool


def suggest_draft(text: str, check: Callable[[str], Report], rewriter: Rewriter,
                  channel: str | None = None) -> SuggestedDraft:
    """Improve a reply as far as the rules and templates can.

    `check` checks a text with the same guide, language, channel and customer message;
    `rewriter` is the same Checker's, so the guide's own templates and sign-off are used.
    """
    result: FixResult = fix_text(text, check, unsafe=True)
    draft = result.text
    report = result.report
    signed = False
    if not has_closing(draft):
        customer = (report.extra.get("context") or {}).get("customer")
        values = rewriter.values(report.language, channel, customer)
        closing = rewriter.render(report.language, "sign_off", values)
        if closing and closing not in draft:
            draft = apply(draft, [insertion(draft, closing, "last")])
            report = check(draft)
            signed = True
    return SuggestedDraft(draft, report, result.applied + signed, signed)
