"""Blank spaCy pipelines (tokenizer + sentencizer), one per language, built once per process.

No model download: `spacy.blank(lang)` data only. For Indonesian and Malay the stock tokenizer
registers ~16,000 / ~9,400 special cases for hyphenated words (reduplication such as
"anak-anak"), which costs 1-1.6 s at every start. We keep those words whole by dropping the
hyphen infix from spaCy's base punctuation rules instead: the same tokens for reduplicated
words, at a start-up cost of a few ms.
"""

from __future__ import annotations

import sys
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
_IMPORT_LOCK = threading.Lock()
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


def import_spacy() -> Any:
    """`import spacy`, without loading spaCy's command-line interface.

    spaCy's package `__init__` imports `spacy.cli.info` only to offer `spacy.info()`, and that
    loads the whole CLI (typer, weasel, httpx, requests): ~150 ms, a quarter of the import,
    which a tokenizer-only user never needs. During the import a stand-in `spacy.cli.info`
    offers an `info` that calls the real one; then the stand-in is removed, so `spacy.info()`
    and a later `import spacy.cli` work as always. Should a spaCy release import anything else
    from its CLI at start-up, the stand-in is dropped and spaCy imported the plain way.
    """
    spacy = sys.modules.get("spacy")
    if spacy is not None:
        return spacy
    with _IMPORT_LOCK:
        return _import_spacy(_stand_in_info)


def _stand_in_info(*args: Any, **kwargs: Any) -> Any:
    from spacy.cli.info import info  # the real one (the stand-in module is gone by then)

    return info(*args, **kwargs)


def _import_spacy(info: Any) -> Any:
    import types

    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # a package with no submodules: anything else from it fails to import
    stand_in = types.ModuleType("spacy.cli.info")
    if info is not None:
        stand_in.info = info
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, stand_in
    try:
        import spacy
    except ImportError:
        spacy = None
    finally:
        for name, module in (("spacy.cli", cli), ("spacy.cli.info", stand_in)):
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if spacy is None:  # forget the half-imported package and import it as it comes
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]
        import spacy
    elif getattr(spacy, "cli", None) is cli:
        del spacy.cli
    return spacy


def _build(lang: str) -> Any:
    spacy = import_spacy()
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
