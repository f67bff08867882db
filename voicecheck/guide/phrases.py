"""The phrase syntax shared by rule packs and style guides: `{a|b}` alternatives (an empty one
makes a word optional) and `*` for any one word.

It lives below the checks so that `guide validate` and loading a guide refuse a phrase for
the same reason, with the same words, as the matcher that would compile it — without
importing spaCy.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from voicecheck.text.normalize import fold_phrase

_ALTERNATIVES = re.compile(r"\{([^{}]*\|[^{}]*)\}")
_LONE_BRACES = re.compile(r"\{([^{}|]*)\}")
WILDCARD = "*"
MAX_EXPANSIONS = 2048
# A guide's phrases in all (banned, preferred, jargon): each variant costs compile time and
# memory in every process that loads the guide (CI on a pull request, every server worker),
# and the per-phrase cap alone let a 93 KB guide ask for a million variants (19 s, 1.7 GB).
MAX_GUIDE_VARIANTS = 50_000
_SHOWN = 60  # characters of a phrase quoted in an error


class PhraseError(ValueError):
    """A phrase that cannot be matched as written."""


def quote_phrase(phrase: str) -> str:
    """A phrase quoted for an error message, shortened when long.

    >>> quote_phrase("as per our policy")
    "'as per our policy'"
    """
    return repr(phrase if len(phrase) <= _SHOWN else phrase[:_SHOWN - 3] + "...")


def _choices(phrase: str) -> list[list[str]]:
    lone = _LONE_BRACES.search(phrase)
    if lone:
        raise PhraseError(f"phrase {quote_phrase(phrase)} has braces without '|' (did you mean "
                          f"'{{{lone[1]}|}}' for an optional word?)")
    parts = _ALTERNATIVES.split(phrase)
    return [p.split("|") if i % 2 else [p] for i, p in enumerate(parts)]


def count_variants(phrase: str) -> int:
    """How many phrases `{a|b}` alternatives make, without making them.

    >>> count_variants("{we|i} {apologize|apologise} {for|}")
    8
    """
    total = 1
    for options in _choices(phrase):
        total *= len(options)
    return total


def expand(phrase: str) -> list[str]:
    """Expand {a|b} alternatives (an empty alternative makes a word optional).

    >>> expand("{we |}{apologize|apologise} for")
    ['we apologize for', 'we apologise for', 'apologize for', 'apologise for']
    """
    choices = _choices(phrase)
    total = 1
    for options in choices:
        total *= len(options)
    if total > MAX_EXPANSIONS:
        raise PhraseError(f"phrase {quote_phrase(phrase)} expands to {total:,} variants (at most "
                          f"{MAX_EXPANSIONS:,}); split it into several phrases")
    return [re.sub(r"\s+", " ", "".join(combo)).strip()
            for combo in itertools.product(*choices)]


def budget_message(total: int) -> str:
    """The error for a guide whose phrases expand to `total` variants, over MAX_GUIDE_VARIANTS."""
    return (f"the guide's phrases expand to more than {MAX_GUIDE_VARIANTS:,} variants in all "
            f"({total:,} up to this one); use fewer {{a|b}} alternatives, or a `pattern`")


def check_phrase(phrase: str) -> None:
    """Raise PhraseError if `phrase` cannot be compiled: braces without `|`, more than
    MAX_EXPANSIONS variants, a variant that is empty or starts with `*`.

    >>> check_phrase("* apologise")
    Traceback (most recent call last):
    ...
    voicecheck.guide.phrases.PhraseError: phrase '* apologise' may not start with '*'
    """
    for variant in expand(phrase):
        if not variant.strip():  # "{please|}" alone: a variant with nothing to match
            raise PhraseError(f"phrase {quote_phrase(phrase)} can be empty (an empty "
                              "alternative may only make a word optional beside others)")
        if WILDCARD not in unicodedata.normalize("NFKC", variant):
            continue  # the common case, without folding
        words = fold_phrase(variant).split()
        if words and words[0] == WILDCARD:
            raise PhraseError(f"phrase {quote_phrase(phrase)} may not start with '*'")
