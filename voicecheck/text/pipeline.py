"""Blank spaCy pipelines (tokenizer + sentencizer), one per language, built once per process.

No model download: `spacy.blank(lang)` data only. For Indonesian and Malay the stock tokenizer
registers ~16,000 / ~9,400 special cases for hyphenated words (reduplication such as
"anak-anak"), which costs 1-1.6 s at every start. We keep those words whole by dropping the
hyphen infix from spaCy's base punctuation rules instead: the same tokens for reduplicated
words, at a start-up cost of a few ms.
"""

from __future__ import annotations

import threading
from typing import Any

SUPPORTED = ("en", "id", "ms", "fa")
# spaCy keeps every new word it tokenizes in its vocabulary for good; a long-running checker
# (the server, a big lint) would grow without end. Past this many entries the pipeline is
# built afresh (about 0.15 s, once per ~100,000 new words).
VOCAB_LIMIT = 100_000
# spaCy refuses texts over 1,000,000 characters (a memory guard for parsers and NER, which a
# tokenizer-only pipeline does not have); folded text may be longer than the input, since NFKC
# expands some characters (up to 18 from one), so drafts are capped here instead.
MAX_TEXT = 4_000_000
_LOCK = threading.Lock()
_PIPES: dict[str, Any] = {}
_HYPHENATED = ("anak-anak", "x-y")


def _without_hyphen_infix(infixes: Any) -> list[str]:
    import re

    kept = []
    for pattern in infixes:
        regex = re.compile(pattern)
        if any(regex.search(word) for word in _HYPHENATED):
            continue
        kept.append(pattern)
    return kept


def _build(lang: str) -> Any:
    import spacy
    from spacy.language import BaseDefaults, Language
    from spacy.lang.punctuation import TOKENIZER_INFIXES

    if lang in ("id", "ms"):
        # spaCy's own Indonesian/Malay classes differ from the base rules only by their
        # hyphenated-word exception lists (and importing them alone costs ~90 ms); base
        # punctuation rules without the hyphen infix keep "anak-anak" whole just the same.
        defaults = type("Defaults", (BaseDefaults,), {
            "infixes": _without_hyphen_infix(TOKENIZER_INFIXES),
        })
        base = type(f"Quick{lang.upper()}", (Language,), {"Defaults": defaults, "lang": lang})
    else:
        base = spacy.util.get_lang_class(lang)
    nlp = base(create_tokenizer=_tokenizer)
    nlp.add_pipe("sentencizer")
    nlp.max_length = MAX_TEXT + 1
    return nlp


def _tokenizer(nlp: Any) -> Any:
    """spaCy's own tokenizer factory (`spacy.language.create_tokenizer`) with two savings:

    * Every word spaCy meets for the first time becomes a lexeme, and the stock vocabulary
      computes 23 attributes for it in Python (lower, norm, shape, like_url, is_stop …). The
      checks read only IS_PUNCT and IS_SPACE (draft.tokenize; the sentencizer reads is_punct),
      so only those are computed — for the ~5,000 special cases loaded here too.
    * A chunk made only of letters skips the prefix, suffix and infix searches (`_plain`).

    Set here, not afterwards: each tokenizer setter reloads every special case (60 ms each).
    """
    from spacy import util
    from spacy.attrs import IS_PUNCT, IS_SPACE
    from spacy.tokenizer import Tokenizer

    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {IS_PUNCT: getters[IS_PUNCT], IS_SPACE: getters[IS_SPACE]}
    defaults = nlp.Defaults
    prefix = util.compile_prefix_regex(defaults.prefixes).search if defaults.prefixes else None
    suffix = util.compile_suffix_regex(defaults.suffixes).search if defaults.suffixes else None
    infix = util.compile_infix_regex(defaults.infixes).finditer if defaults.infixes else None
    return Tokenizer(nlp.vocab, rules=defaults.tokenizer_exceptions,
                     prefix_search=_plain(prefix, None), suffix_search=_plain(suffix, None),
                     infix_finditer=_plain(infix, ()), token_match=defaults.token_match,
                     url_match=defaults.url_match)


def _plain(search: Any, nothing: Any) -> Any:
    """`search`, answering `nothing` at once for a chunk made only of letters.

    Every affix rule of the four languages needs a character that is not a letter
    (punctuation, a digit, a symbol, a hyphen or apostrophe), so a chunk of letters alone is
    never split (tests/test_draft.py holds this for every word of the rule packs and the
    authored replies, and compares whole texts with the unmodified rules). The searches are
    the slowest part of tokenizing a word spaCy has not seen before: three large regular
    expressions, the suffix one tried at every position.
    """
    if search is None:
        return None
    return lambda text: nothing if text.isalpha() else search(text)


def get_nlp(lang: str) -> Any:
    """The blank pipeline for `lang` (built on first use, then shared; thread-safe).

    >>> get_nlp("en").lang
    'en'
    """
    nlp = _PIPES.get(lang)
    if nlp is None or len(nlp.vocab) > VOCAB_LIMIT:
        with _LOCK:
            nlp = _PIPES.get(lang)
            if nlp is None or len(nlp.vocab) > VOCAB_LIMIT:
                from voicecheck.runtime import gc_paused

                with gc_paused():
                    nlp = _build(lang)
                _PIPES[lang] = nlp
    return nlp
