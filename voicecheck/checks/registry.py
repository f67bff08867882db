"""Rule packs: reading and validating rules/<lang>/*.yaml and rules/common/*.yaml.

Reading a pack needs no spaCy: `voicecheck rules` and `explain` stay fast. Compiling the rules
for a language (tokenising phrases) happens in the engine, on first use of that language.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from voicecheck.checks.base import DIMENSIONS, TONE_HEADS, Example, Rule
from voicecheck.guide import schema as s
from voicecheck.guide.yamlio import Located, read_yaml
from voicecheck.model import SEVERITIES, VoicecheckError
from voicecheck.paths import data_dir

LANGS = ("en", "id", "ms", "fa")
KINDS = ("phrase", "substitution", "pattern", "address", "metric", "style", "placeholder", "pii",
         "terms", "tone", "structure", "suppression")
_CODE = re.compile(r"^VC\d{3}$")
_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def _kind_params(kind: str) -> dict[str, str]:
    from importlib import import_module

    return import_module(f"voicecheck.checks.{kind}").PARAMS


def _code(doc: Located, path: s.Path_, value: Any) -> str:
    if not isinstance(value, str) or not _CODE.match(value):
        raise doc.error(path, f"rule code must look like VC123, not {value!r}", code="E103")
    return value


def _slug(doc: Located, path: s.Path_, value: Any) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise doc.error(path, f"rule slug must be lower-case words with hyphens, not {value!r}",
                        code="E103")
    return value


def _example(doc: Located, path: s.Path_, value: Any) -> Example:
    if isinstance(value, str):
        return Example(value)
    data = s.mapping({"text": s.text, "channel": s.text, "guide": _any_mapping,
                      "customer": s.text, "lang": s.LANGUAGE}, required=("text",))(doc, path, value)
    return Example(**data)


def _any_mapping(doc: Located, path: s.Path_, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise doc.error(path, "must be a mapping")
    return value


def _param(kind: str) -> s.Check:
    return {"list": s.list_of(s.text), "bool": s.boolean, "str": s.text,
            "codes": s.list_of(_code),
            "map": _swap_map, "num": s.number(0, 1), "count": s.number(0, 1000, integer=True),
            "limits": s.keyed(s.choice(s.FORMALITY + ("any",)), s.number(0, 1)),
            "heads": s.keyed(s.choice(TONE_HEADS), s.number(0, 1))}[kind]


def _swap_map(doc: Located, path: s.Path_, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise doc.error(path, f"'{path[-1]}' must be a mapping")
    for key, target in value.items():
        if isinstance(target, list):
            s.list_of(s.text)(doc, path + (key,), target)
        else:
            s.text(doc, path + (key,), target)
    return value


_VOICE_AND_CHANNEL = {"formality": s.list_of(s.choice(s.FORMALITY), allow_single=True),
                      "channels": s.list_of(s.text, allow_single=True)}
_COMMON_FIELDS = {
    "code": _code, "slug": _slug, "kind": s.choice(KINDS), "severity": s.choice(SEVERITIES),
    "message": s.text, "why": s.text, "dimension": s.choice(DIMENSIONS),
    "when": s.mapping({**_VOICE_AND_CHANNEL,
                       "address": s.list_of(s.choice(s.ADDRESS), allow_single=True),
                       "public": s.boolean}),
    # findings a step milder (error -> warning -> info) when all of these hold
    "milder_when": s.mapping(_VOICE_AND_CHANNEL),
    "examples": s.mapping({"bad": s.list_of(_example), "good": s.list_of(_example)},
                          required=("bad", "good")),
    # rewrites (voicecheck/rewrite): the suggestion template rules/<lang>/templates/NAME.j2,
    # and whether the rule's suggestions are safe for `check --fix` (docs/rewrites.md)
    "template": s.text, "fix": s.choice(("safe", "unsafe")),
}
_REWRITE_FIELDS = ("template", "fix")
_REQUIRED = ("code", "slug", "kind", "severity", "message", "why", "examples")


def _rule(doc: Located, path: s.Path_, value: Any, lang: str,
          sets: dict[str, list[str]] | None = None) -> Rule:
    if not isinstance(value, dict):
        raise doc.error(path, "each rule must be a mapping")
    kind = s.choice(KINDS)(doc, path + ("kind",), value.get("kind"))
    params_spec = _kind_params(kind)
    fields = dict(_COMMON_FIELDS)
    fields.update({name: _param(t) for name, t in params_spec.items()})
    data = s.mapping(fields, required=_REQUIRED)(doc, path, value)
    params = {k: v for k, v in data.items() if k in params_spec or k in _REWRITE_FIELDS}
    for key in _SET_PARAMS:  # the pack's named sets, `{@name}`, spelt out
        if key in params:
            params[key] = [_with_sets(doc, path + (key, j), phrase, sets or {})
                           for j, phrase in enumerate(params[key])]
    _check_params(doc, path, kind, params)
    examples = data["examples"]
    if not examples["bad"] or not examples["good"]:
        raise doc.error(path + ("examples",), "a rule needs at least one bad and one good example")
    return Rule(code=data["code"], slug=data["slug"], kind=kind, lang=lang,
                severity=data["severity"], message=data["message"], why=data["why"],
                dimension=data.get("dimension", "vocabulary"), params=params,
                when=data.get("when", {}), milder_when=data.get("milder_when", {}),
                examples_bad=tuple(examples["bad"]),
                examples_good=tuple(examples["good"]), source=doc.source,
                line=doc.line(path))


def _check_params(doc: Located, path: s.Path_, kind: str, params: dict[str, Any]) -> None:
    from importlib import import_module

    needed = {"phrase": "phrases", "substitution": "swap", "pattern": "patterns",
              "placeholder": "patterns", "metric": "metric", "style": "style", "pii": "pii",
              "terms": "term", "tone": "head", "structure": "check"}.get(kind)
    if needed and needed not in params:
        raise doc.error(path, f"a '{kind}' rule needs '{needed}'")
    # the values a kind's main parameter may take live in the kind's module, which is looked
    # up by name like its PARAMS (kinds are plugins of the registry, not its imports)
    choices = {"metric": "METRICS", "style": "STYLES", "pii": "KINDS", "terms": "TERMS",
               "tone": "HEADS", "structure": "CHECKS"}
    if kind in choices:
        values = getattr(import_module(f"voicecheck.checks.{kind}"), choices[kind])
        s.choice(values)(doc, path + (needed,), params[needed])
    if kind == "address":
        s.choice(("mixed", "informal", "formal"))(doc, path + ("mode",), params.get("mode"))
    for i, pattern in enumerate(params.get("patterns", ())):
        s.regex(doc, path + ("patterns", i), pattern)


def _read_pack(path: Path) -> Located:
    """Parse a pack file, through the cache folder when there is one (YAML parsing is most
    of the cost of loading the packs; the cache is keyed by the file's content)."""
    import hashlib
    import json

    from voicecheck.paths import cache_dir, write_atomic

    folder = cache_dir()
    if folder is None:
        return read_yaml(path)
    try:
        raw = path.read_bytes()
    except OSError:
        return read_yaml(path)
    cached = folder / f"pack-{hashlib.sha256(raw).hexdigest()[:24]}.json"
    if cached.exists():
        try:
            stored = json.loads(cached.read_text(encoding="utf-8"))
            lines = {tuple(key): line for key, line in stored["lines"]}
            return Located(stored["data"], lines, str(path))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    doc = read_yaml(path)
    write_atomic(cached, json.dumps({"data": doc.data,
                                     "lines": [[list(k), v] for k, v in doc.lines.items()]},
                                    ensure_ascii=False))
    return doc


_SET_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SET_GROUP = re.compile(r"\{([^{}]*@[^{}]*)\}")
# the parameters whose phrases may name a set
_SET_PARAMS = ("phrases", "except", "request_verbs", "request_leads", "request_objects",
               "request_secrets", "request_blockers")


def _sets(doc: Located, value: Any) -> dict[str, list[str]]:
    """A pack's `sets`: name -> words or phrases, named in its phrases as `{@name}` (or as
    alternatives of a group, `{@secret|pin}`)."""
    sets = s.keyed(s.text, s.list_of(s.text))(doc, ("sets",), value)
    for name, members in sets.items():
        if not _SET_NAME.match(name):
            raise doc.error(("sets", name), f"set name '{name}' must be lower-case letters, "
                                            "digits and '_'")
        if not members:
            raise doc.error(("sets", name), f"set '{name}' is empty")
        for i, member in enumerate(members):
            if not member.strip() or any(c in member for c in "{}|@"):
                raise doc.error(("sets", name, i), f"a member of set '{name}' must be words, "
                                                   f"without braces, '|' or '@': {member!r}")
    return sets


def _with_sets(doc: Located, path: s.Path_, phrase: str, sets: dict[str, list[str]]) -> str:
    """`phrase` with each `@name` alternative of a `{…}` group replaced by the set's members."""
    def group(match: re.Match[str]) -> str:
        out: list[str] = []
        for option in match[1].split("|"):
            if option.startswith("@"):
                members = sets.get(option[1:])
                if members is None:
                    known = ", ".join(f"@{n}" for n in sorted(sets)) or "none"
                    raise doc.error(path, f"unknown set '{option}' (this file's sets: {known})")
                out.extend(members)
            else:
                out.append(option)
        return out[0] if len(out) == 1 else "{" + "|".join(out) + "}"
    return _SET_GROUP.sub(group, phrase)


def load_pack_file(path: Path, lang: str) -> list[Rule]:
    doc = _read_pack(path)
    data = doc.data
    if not isinstance(data, dict) or "rules" not in data:
        raise doc.error((), "a rule pack is a mapping with a 'rules' list")
    # `context`: what a pack knows about customers' messages (checks/context.py reads it);
    # `sets`: named lists of words its phrases share
    unknown = set(data) - {"rules", "language", "context", "sets"}
    if unknown:
        key = sorted(unknown)[0]
        raise doc.error((key,), f"unknown key '{key}' in rule pack", code="E101")
    if not isinstance(data["rules"], list):
        raise doc.error(("rules",), "'rules' must be a list")
    sets = _sets(doc, data.get("sets"))
    return [_rule(doc, ("rules", i), item, lang, sets) for i, item in enumerate(data["rules"])]


def pack_sections(lang: str, key: str) -> list[tuple[Located, Any]]:
    """The top-level `key` section of each pack file of `lang` that has one, with its
    document (for errors that name file and line)."""
    out = []
    for path in _pack_files(data_dir("rules") / lang):
        doc = _read_pack(path)
        if isinstance(doc.data, dict) and key in doc.data:
            out.append((doc, doc.data[key]))
    return out


SIGNAL_KINDS = ("phrase", "substitution", "address")  # the kinds whose matches are signals


def signal_sources_sha256() -> str:
    """SHA-256 of what the rule layer hands the tone model as features: the phrase,
    substitution and address rules of every pack (whose matches are the `r:` features, see
    `RuleSet.signals`) and each pack's language.yaml (how words are folded and inflected). A
    tone model records it when built; a test says when the packs have changed since. A phrase
    rule with `tone_signal: false` hands the model nothing, so it is left out."""
    import hashlib
    import json

    digest = hashlib.sha256()
    for lang in LANGS:
        for rule in pack_rules(lang):
            if rule.kind in SIGNAL_KINDS and rule.lang in (lang, "*") \
                    and rule.params.get("tone_signal", True):
                digest.update(json.dumps([lang, rule.code, rule.kind, rule.params],
                                         sort_keys=True, ensure_ascii=False,
                                         default=str).encode())
        language = data_dir("rules") / lang / "language.yaml"
        if language.is_file():
            digest.update(language.read_bytes())
    return digest.hexdigest()


def _pack_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if p.name != "language.yaml")


@cache
def pack_rules(lang: str) -> tuple[Rule, ...]:
    """Rules of the language pack `lang` plus the rules common to every language.

    >>> any(r.code == "VC501" for r in pack_rules("en"))
    True
    """
    if lang not in LANGS:
        raise VoicecheckError(f"unsupported language '{lang}' (supported: {', '.join(LANGS)})",
                              code="E103")
    rules: list[Rule] = []
    root = data_dir("rules")
    for path in _pack_files(root / "common"):
        rules.extend(load_pack_file(path, "*"))
    for path in _pack_files(root / lang):
        rules.extend(load_pack_file(path, lang))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.code in seen:
            other = seen[rule.code]
            raise VoicecheckError(f"rule code {rule.code} is used twice ({other.source}:"
                                  f"{other.line})", path=rule.source, line=rule.line, code="E103")
        seen[rule.code] = rule
    return tuple(rules)


def all_rules() -> list[Rule]:
    """Every rule of every language, common rules once."""
    out: list[Rule] = []
    common_done = False
    for lang in LANGS:
        for rule in pack_rules(lang):
            if rule.lang == "*":
                if common_done:
                    continue
            out.append(rule)
        common_done = True
    return out


def known_names() -> set[str]:
    """Every rule code and slug, read from the packs without validating every rule (fast:
    `guide validate` needs only the names)."""
    names: set[str] = set()
    root = data_dir("rules")
    for folder in ("common",) + LANGS:
        for path in _pack_files(root / folder):
            data = _read_pack(path).data
            for item in (data.get("rules") or []) if isinstance(data, dict) else []:
                if isinstance(item, dict):
                    names.update(str(item[k]) for k in ("code", "slug") if k in item)
    return names
