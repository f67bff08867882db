"""The style-guide schema (documented in docs/guide.md) and its validation.

Each error is a `VoicecheckError` naming file and line: unknown keys get a did-you-mean,
wrong types say what was expected, bad regexes say why RE2 refused them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, Callable

from voicecheck.guide.yamlio import PLAIN_KEY, Located, Path_
from voicecheck.model import SEVERITIES, VoicecheckError

LANGS = ("en", "id", "ms", "fa")
FORMALITY = ("formal", "neutral", "casual")
ADDRESS = ("formal", "informal", "any")
CHANNELS = ("twitter_public", "dm", "chat", "email", "sms", "whatsapp", "instagram_public",
            "facebook_public", "messenger")

Check = Callable[[Located, Path_, Any], Any]


def did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def rule_codes(names: Iterable[str], known: Mapping[str, str], where: str,
               source: str | None, lines: Iterable[int | None] = ()) -> list[str]:
    """The codes of rule `names` (codes or slugs, a slug in any case), by `known` (name ->
    code); E220 naming `where` (and the name's line, from `lines`, one per name) for a name
    it lacks. One check for `voicecheck lint` and `guide validate` (`lint.per_path_ignores`).

    >>> rule_codes(["VC110", "Robotic-Apology"], {"VC110": "VC110", "robotic-apology": "VC110"},
    ...            "lint.per_path_ignores", None)
    ['VC110', 'VC110']
    """
    out = []
    lines = list(lines)
    for i, name in enumerate(names):
        code = known.get(name.strip()) or known.get(name.strip().lower())
        if code is None:
            raise VoicecheckError(f"unknown rule '{name}' in '{where}'"
                                  f"{did_you_mean(name, sorted(known))}", path=source,
                                  line=lines[i] if i < len(lines) else None, code="E220")
        out.append(code)
    return out


def unknown_key(key: str, where: str, options: list[str]) -> str:
    """The error for an unknown key: quoted, with a did-you-mean, only when it is a short
    plain name.

    >>> unknown_key("formalty", " in 'voice'", ["formality"])
    "unknown key 'formalty' in 'voice' (did you mean 'formality'?)"
    >>> unknown_key("root:$6$salt$hash:19000:0:99999:7:::", "", ["brand"])
    'unknown key (not a guide key: keys are plain names of letters, digits, _ . and -)'
    """
    if PLAIN_KEY.fullmatch(key):
        return f"unknown key '{key}'{where}{did_you_mean(key, options)}"
    return f"unknown key{where} (not a guide key: keys are plain names of letters, digits, " \
           "_ . and -)"


def type_name(value: Any) -> str:
    """What a YAML or JSON value is, in words (library readers say it too).

    >>> type_name(5), type_name(True), type_name({"a": 1})
    ('a number', 'true/false', 'a mapping')
    """
    for kind, name in ((bool, "true/false"), (str, "text"), (int, "a number"),
                       (float, "a number"), (dict, "a mapping"), (list, "a list")):
        if isinstance(value, kind):
            return name
    return "nothing" if value is None else type(value).__name__


def text(doc: Located, path: Path_, value: Any) -> str:
    if not isinstance(value, str):
        raise doc.error(path, f"'{_key(path)}' must be text, not {type_name(value)}")
    return value


def filled_text(doc: Located, path: Path_, value: Any) -> str:
    """Text with something in it: an empty phrase or `use` could never match or help."""
    value = text(doc, path, value)
    if not value.strip():
        raise doc.error(path, f"'{_key(path)}' must not be empty", code="E103")
    return value


def filled_list(item: Check) -> Check:
    """`list_of(item, allow_single=True)` that must hold at least one item."""
    items = list_of(item, allow_single=True)

    def check(doc: Located, path: Path_, value: Any) -> list[Any]:
        out = items(doc, path, value)
        if not out:
            raise doc.error(path, f"'{_key(path)}' must name at least one phrase", code="E103")
        return out
    return check


def number(low: float, high: float, integer: bool = False) -> Check:
    def check(doc: Located, path: Path_, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise doc.error(path, f"'{_key(path)}' must be a number, not {type_name(value)}")
        if integer and not isinstance(value, int):
            raise doc.error(path, f"'{_key(path)}' must be a whole number")
        if not low <= value <= high:
            raise doc.error(path, f"'{_key(path)}' must be between {low:g} and {high:g}",
                            code="E103")
        return value
    return check


def boolean(doc: Located, path: Path_, value: Any) -> bool:
    if not isinstance(value, bool):
        raise doc.error(path, f"'{_key(path)}' must be true or false, not {type_name(value)}")
    return value


def choice(options: tuple[str, ...]) -> Check:
    def check(doc: Located, path: Path_, value: Any) -> str:
        if not isinstance(value, str) or value not in options:
            shown = value if isinstance(value, str) else type_name(value)
            hint = did_you_mean(value, list(options)) if isinstance(value, str) else ""
            raise doc.error(path, f"'{_key(path)}' must be one of {', '.join(options)}, "
                                  f"not '{shown}'{hint}", code="E103")
        return value
    return check


def list_of(item: Check, allow_single: bool = False) -> Check:
    def check(doc: Located, path: Path_, value: Any) -> list[Any]:
        if value is None:  # `key:` with nothing under it
            return []
        if allow_single and not isinstance(value, list):
            return [item(doc, path, value)]
        if not isinstance(value, list):
            raise doc.error(path, f"'{_key(path)}' must be a list, not {type_name(value)}")
        return [item(doc, path + (i,), v) for i, v in enumerate(value)]
    return check


def mapping(fields: dict[str, Check], required: tuple[str, ...] = (),
            one_of: tuple[str, ...] = ()) -> Check:
    def check(doc: Located, path: Path_, value: Any) -> dict[str, Any]:
        if value is None and path:  # `key:` with nothing under it
            value = {}
        if not isinstance(value, dict):
            raise doc.error(path, f"'{_key(path)}' must be a mapping, not {type_name(value)}")
        out = {}
        for key, sub in value.items():
            if key not in fields:
                where = f" in '{_key(path)}'" if path else ""
                raise doc.error(path + (key,), unknown_key(key, where, list(fields)),
                                code="E101")
            out[key] = fields[key](doc, path + (key,), sub)
        for key in required:
            if key not in value:
                raise doc.error(path, f"'{_key(path)}' needs '{key}'", code="E102")
        if one_of and sum(k in value for k in one_of) != 1:
            raise doc.error(path, f"'{_key(path)}' needs exactly one of "
                                  f"{', '.join(one_of)}", code="E102")
        return out
    return check


def keyed(key_check: Check, value_check: Check) -> Check:
    """A mapping with free keys (channel names, rule codes)."""
    def check(doc: Located, path: Path_, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise doc.error(path, f"'{_key(path)}' must be a mapping, not {type_name(value)}")
        return {key_check(doc, path + (k,), k): value_check(doc, path + (k,), v)
                for k, v in value.items()}
    return check


def regex(doc: Located, path: Path_, value: Any) -> str:
    from voicecheck.guide.patterns import (MAX_GUIDE_PATTERNS, PatternError, compile_pattern,
                                           too_many_patterns)

    pattern = text(doc, path, value)
    count = doc.tally["patterns"] = doc.tally.get("patterns", 0) + 1
    if count > MAX_GUIDE_PATTERNS:  # each is a pass over the reply
        raise doc.error(path, too_many_patterns(), code="E104")
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        raise doc.error(path, f"bad regex {pattern!r}: {exc}", code="E104") from None
    return pattern


def glob(doc: Located, path: Path_, value: Any) -> str:
    """A gitignore-style path pattern (`ignore`, `lint.exclude`, `lint.per_path_ignores`),
    compiled here as `voicecheck lint` compiles it, so a bad one is refused with its line."""
    from voicecheck.guide.patterns import GlobError, check_glob
    from voicecheck.guide.phrases import quote_phrase

    pattern = text(doc, path, value)
    try:
        check_glob(pattern)
    except GlobError as exc:
        raise doc.error(path, f"bad pattern {quote_phrase(pattern)}: {exc}", code="E104") \
            from None
    return pattern


def phrase(doc: Located, path: Path_, value: Any) -> str:
    """A phrase the matcher will compile ({a|b} alternatives, `*`): refused here for the same
    reason and in the same words as when a check compiles it."""
    from voicecheck.guide.phrases import (MAX_EXPANSIONS, MAX_GUIDE_VARIANTS, PhraseError,
                                          budget_message, check_phrase, count_variants)

    value = filled_text(doc, path, value)
    try:
        variants = count_variants(value)
        if variants <= MAX_EXPANSIONS:  # a phrase over its own limit is refused for that
            total = doc.tally["variants"] = doc.tally.get("variants", 0) + variants
            if total > MAX_GUIDE_VARIANTS:  # counted before any phrase is expanded
                raise doc.error(path, budget_message(total), code="E103")
        check_phrase(value)
    except PhraseError as exc:
        raise doc.error(path, str(exc), code="E103") from None
    return value


def _key(path: Path_) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in path]
    return ".".join(parts).replace(".[", "[") or "guide"


def rule_setting(doc: Located, path: Path_, value: Any) -> dict[str, Any]:
    if value is False or value == "off":
        return {"off": True}
    if value is True or value == "on":
        return {"off": False}
    if isinstance(value, str):
        return {"off": False, "severity": choice(SEVERITIES + ("off",))(doc, path, value)}
    return mapping({"severity": choice(SEVERITIES), "off": boolean})(doc, path, value)


LANGUAGE = choice(LANGS)
LANGUAGES = list_of(LANGUAGE, allow_single=True)


def text_or_per_language(doc: Located, path: Path_, value: Any) -> dict[str, str]:
    """One text for every language, or a mapping of language to text (`rewrite.sign_off`)."""
    if isinstance(value, str):
        return {lang: value for lang in LANGS}
    return keyed(LANGUAGE, text)(doc, path, value)

BANNED = mapping({
    "phrase": phrase, "pattern": regex, "reason": text, "replacement": text,
    "severity": choice(SEVERITIES), "languages": LANGUAGES,
}, one_of=("phrase", "pattern"))

PREFERRED = mapping({
    "use": filled_text, "instead_of": filled_list(phrase), "reason": text,
    "severity": choice(SEVERITIES), "languages": LANGUAGES,
}, required=("use", "instead_of"))


def jargon_item(doc: Located, path: Path_, value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"term": phrase(doc, path, value)}
    return mapping({"term": phrase, "explain": text, "languages": LANGUAGES},
                   required=("term",))(doc, path, value)


def address_setting(doc: Located, path: Path_, value: Any) -> dict[str, str]:
    if isinstance(value, str):
        setting = choice(ADDRESS)(doc, path, value)
        return {lang: setting for lang in LANGS}
    return keyed(LANGUAGE, choice(ADDRESS))(doc, path, value)


def channel_name(doc: Located, path: Path_, value: Any) -> str:
    name = text(doc, path, value)
    if not name.replace("_", "").isalnum():
        raise doc.error(path, f"channel name '{name}' must be letters, digits and _",
                        code="E103")
    return name


_GUIDE_FIELDS: dict[str, Check] = {
    "extends": list_of(text, allow_single=True),
    "brand": text,
    "languages": LANGUAGES,
    "voice": mapping({"formality": choice(FORMALITY), "address": address_setting}),
    "banned": list_of(BANNED),
    "preferred": list_of(PREFERRED),
    "jargon": list_of(jargon_item),
    "readability": mapping({
        "max_sentence_words": number(3, 500, integer=True),
        "min_reading_ease": number(-100, 120),
        "max_lix": number(10, 100),
        "min_words": number(1, 10_000, integer=True),
    }),
    "channels": keyed(channel_name, mapping({
        "max_chars": number(1, 100_000, integer=True), "public": boolean,
        "soft_limit": boolean, "max_parts": number(1, 255, integer=True),
    })),
    "style": mapping({
        "max_exclamations": number(0, 1000, integer=True),
        "max_emoji": number(0, 1000, integer=True),
        "all_caps": choice(("allow", "never")),
        "acronyms": list_of(text),
    }),
    "rules": keyed(text, rule_setting),
    "ignore": list_of(glob, allow_single=True),
    "thresholds": mapping({"warn_below": number(0, 100), "fail_below": number(0, 100)}),
    "templates": text,
    "model": text,
    "rewrite": mapping({"templates": text, "sign_off": text_or_per_language,
                        "agent_name": text}),
    "lint": mapping({
        "exclude": list_of(glob, allow_single=True),
        "per_path_ignores": keyed(glob, list_of(text, allow_single=True)),
        "fields": mapping({"id": text, "title": text, "body": text, "lang": text,
                           "channel": text}),
        "channel": channel_name,
    }),
}
GUIDE = mapping(_GUIDE_FIELDS)
GUIDE_KEYS = tuple(_GUIDE_FIELDS)


def validate(doc: Located) -> dict[str, Any]:
    """Validate a parsed guide document; return it with single values widened to lists."""
    if doc.data is None:
        return {}
    return GUIDE(doc, (), doc.data)
