"""The brand style guide: loading, `extends:` presets and files, discovery, and the Guide object."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecheck.guide.schema import GUIDE_KEYS, LANGS, validate
from voicecheck.guide.yamlio import Located, read_yaml
from voicecheck.model import VoicecheckError
from voicecheck.paths import data_dir

GUIDE_NAMES = (".voicecheck.yaml", ".voicecheck.yml", "voicecheck.yaml")
PRESETS = ("default", "formal", "friendly")
GUIDE_SUFFIXES = (".yaml", ".yml")  # what `extends` may name besides a preset
_LIST_KEYS = ("banned", "preferred", "jargon", "ignore")
_MAP_KEYS = ("voice", "readability", "channels", "style", "rules", "thresholds", "rewrite", "lint",
             "_ignore_where")


def _PRESET_DIR() -> Path:
    return (data_dir("rules") / "presets").resolve()


@dataclass(frozen=True, slots=True)
class Term:
    """A banned phrase/pattern, preferred term or jargon word from the guide."""

    kind: str  # banned | preferred | jargon
    phrases: tuple[str, ...] = ()
    pattern: str | None = None
    replacement: str | None = None
    reason: str = ""
    severity: str | None = None
    languages: tuple[str, ...] = ()
    source: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Channel:
    name: str
    max_chars: int | None = None
    public: bool = False
    # a soft limit is a cost, not a cut: a longer SMS arrives in more parts
    soft_limit: bool = False
    # `sms` only: parts as the network splits the message (GSM-7 or UCS-2), checked before
    # `max_chars` (which a guide may still set)
    max_parts: int | None = None


@dataclass(frozen=True, slots=True)
class Guide:
    """A validated, fully merged style guide. Build one with `load_guide()`."""

    source: str | None = None
    brand: str = ""
    languages: tuple[str, ...] = LANGS
    formality: str = "neutral"
    address: dict[str, str] = field(default_factory=dict)
    terms: tuple[Term, ...] = ()
    readability: dict[str, Any] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    style: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    rule_lines: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    # `lint.per_path_ignores` pattern -> (file, line of each of its rule names), for E220
    ignore_lines: dict[str, tuple[str | None, tuple[int | None, ...]]] = field(
        default_factory=dict)
    ignore: tuple[str, ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)
    templates: str | None = None
    model: str | None = None
    # `rewrite:` {templates, sign_off: {lang: text}, agent_name} (docs/rewrites.md)
    rewrite: dict[str, Any] = field(default_factory=dict)
    lint: dict[str, Any] = field(default_factory=dict)  # `voicecheck lint` settings

    def address_for(self, lang: str) -> str:
        return self.address.get(lang, "any")

    def channel(self, name: str | None) -> Channel | None:
        return self.channels.get(name) if name else None


def _resolve_extends(name: str, base: Path | None, source: str, line: int | None) -> Path:
    if name in PRESETS:
        return data_dir("rules") / "presets" / f"{name}.yaml"
    shown = name if len(name) <= 80 else name[:77] + "..."
    presets = f"built-in presets: {', '.join(PRESETS)}; other guides are .yaml/.yml files"
    # Only guides can be extended: a name not ending .yaml/.yml is refused before the file is
    # even looked for, so `extends: /etc/shadow` neither reads it nor says whether it exists.
    if not name.lower().endswith(GUIDE_SUFFIXES):
        what = "not a regular file" if _is_device(name, base) else "no such preset or file"
        raise VoicecheckError(f"extends '{shown}': {what} ({presets})", path=source,
                              line=line, code="E105")
    try:
        path = Path(name).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        exists = path.exists()
        target = path.resolve() if exists else path
    except (OSError, RuntimeError, ValueError) as exc:  # name too long, unknown ~user, NUL
        reason = getattr(exc, "strerror", None) or str(exc)
        raise VoicecheckError(f"extends '{shown}': cannot be read ({reason})", path=source,
                              line=line, code="E105") from None
    if not exists:
        raise VoicecheckError(f"extends '{shown}': no such preset or file ({presets})",
                              path=source, line=line, code="E105")
    if not target.name.lower().endswith(GUIDE_SUFFIXES):  # a .yaml link to another file
        raise VoicecheckError(f"extends '{shown}': links to a file that is not .yaml/.yml",
                              path=source, line=line, code="E105")
    return path


def _is_device(name: str, base: Path | None) -> bool:
    """Whether `name` is a device, pipe or socket (`/dev/zero`): refused as such wherever a
    file is expected. Nothing else about a file that is not a guide is told."""
    import stat

    try:
        path = Path(name).expanduser()
        mode = (path if path.is_absolute() or base is None else base / path).stat().st_mode
    except (OSError, RuntimeError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _require_guide_shape(doc: Located) -> None:
    """An extended file must look like a guide (a mapping of guide keys) before it is
    validated: otherwise it is named but nothing of it is quoted, since `extends` may point
    anywhere and its keys could be anything (a line of a secrets file)."""
    data = doc.data
    if data is None:
        return
    if isinstance(data, dict):
        stray = [key for key in data if key not in GUIDE_KEYS]
        if not stray:
            return
        line = doc.line((stray[0],))
    else:
        line = doc.line(())
    raise VoicecheckError("not a voicecheck guide (extended files must be a mapping of guide "
                          "keys: brand, banned, preferred, …)", path=doc.source, line=line,
                          code="E101")


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(parent)
    for key, value in child.items():
        if key in _LIST_KEYS:
            out[key] = list(parent.get(key, [])) + list(value)
        elif key in _MAP_KEYS:
            merged = dict(parent.get(key, {}))
            for sub, sub_value in value.items():
                if isinstance(sub_value, dict) and isinstance(merged.get(sub), dict) \
                        and key != "rules":
                    merged[sub] = {**merged[sub], **sub_value}
                else:
                    merged[sub] = sub_value
            out[key] = merged
        else:
            out[key] = value
    return out


MAX_GUIDE_FILES = 50  # files one guide may bring in through `extends`, itself included


def _load_tree(path: Path, seen: tuple[Path, ...], included: set[Path] | None = None
               ) -> tuple[dict[str, Any], list[Located]]:
    """Validated data of `path` merged over everything it extends, parents first. A file
    reached twice (`extends: [a.yaml, b.yaml]` where b extends a too) is merged once, at its
    first place (`included`: the files of this guide so far), so the second time it adds
    nothing: chained, repeats would load it 2^n times."""
    included = set() if included is None else included
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(p.name for p in seen + (resolved,))
        raise VoicecheckError(f"extends loop: {chain}", path=str(path), code="E105")
    if resolved in included:
        return {}, []
    included.add(resolved)
    if len(included) > MAX_GUIDE_FILES:
        raise VoicecheckError(f"extends more than {MAX_GUIDE_FILES} files in all", path=str(path),
                              code="E105")
    doc = read_yaml(path)
    if seen:
        _require_guide_shape(doc)
    data = validate(doc)
    merged: dict[str, Any] = {}
    docs: list[Located] = []
    if not seen and "extends" not in data and resolved.parent != _PRESET_DIR():
        data["extends"] = ["default"]  # a guide always starts from the default preset
    for i, name in enumerate(data.get("extends", [])):
        line = doc.line(("extends", i)) or doc.line(("extends",))
        parent_path = _resolve_extends(name, path.parent, str(path), line)
        parent, parent_docs = _load_tree(parent_path, seen + (resolved,), included)
        merged = _merge(merged, parent)
        docs.extend(parent_docs)
    data.pop("extends", None)
    data = _annotate(data, doc)
    docs.append(doc)
    merged = _merge(merged, data)
    _check_lint_channel(data, merged, doc)
    return merged, docs


def _check_lint_channel(data: dict[str, Any], merged: dict[str, Any], doc: Located) -> None:
    """`lint.channel` must name a channel the guide knows (its own, its parents', or a
    built-in one), as every reply it applies to would otherwise fail, each with no line."""
    from voicecheck.guide.schema import CHANNELS, did_you_mean

    channel = data.get("lint", {}).get("channel")
    if channel is None:
        return
    known = sorted(set(merged.get("channels", {})) | set(CHANNELS))
    if channel not in known:
        raise doc.error(("lint", "channel"), f"'lint.channel' names an unknown channel "
                        f"'{channel}'{did_you_mean(channel, known)} (known: "
                        f"{', '.join(known)})", code="E103")


def _annotate(data: dict[str, Any], doc: Located) -> dict[str, Any]:
    """Remember where each term and rule setting came from, for later errors."""
    for key in ("banned", "preferred", "jargon"):
        for i, item in enumerate(data.get(key, [])):
            item["_source"] = doc.source
            item["_line"] = doc.line((key, i))
    for code in data.get("rules", {}):
        data["rules"][code]["_where"] = (doc.source, doc.line(("rules", code)))
    for pattern, codes in data.get("lint", {}).get("per_path_ignores", {}).items():
        where = ("lint", "per_path_ignores", pattern)
        data.setdefault("_ignore_where", {})[pattern] = (
            doc.source, tuple(doc.line(where + (i,)) for i in range(len(codes))))
    return data


def _check_variant_budget(terms: list[Term]) -> None:
    """Refuse a guide whose phrases, with everything it extends, expand to more than
    MAX_GUIDE_VARIANTS in all, or that has more than MAX_GUIDE_PATTERNS patterns (each file
    was held to both when validated), naming the term that crosses the line."""
    from voicecheck.guide.patterns import MAX_GUIDE_PATTERNS, too_many_patterns
    from voicecheck.guide.phrases import MAX_GUIDE_VARIANTS, budget_message, count_variants

    total = patterns = 0
    for term in terms:
        patterns += term.pattern is not None
        if patterns > MAX_GUIDE_PATTERNS:
            raise VoicecheckError(too_many_patterns(), path=term.source, line=term.line,
                                  code="E104")
        for phrase in term.phrases:
            total += count_variants(phrase)  # validated already: cannot fail here
            if total > MAX_GUIDE_VARIANTS:
                raise VoicecheckError(budget_message(total), path=term.source, line=term.line,
                                      code="E103")


def _terms(data: dict[str, Any]) -> tuple[Term, ...]:
    terms = []
    for item in data.get("banned", []):
        terms.append(Term("banned", (item["phrase"],) if "phrase" in item else (),
                          item.get("pattern"), item.get("replacement"), item.get("reason", ""),
                          item.get("severity"), tuple(item.get("languages", ())),
                          item["_source"], item["_line"]))
    for item in data.get("preferred", []):
        terms.append(Term("preferred", tuple(item["instead_of"]), None, item["use"],
                          item.get("reason", ""), item.get("severity"),
                          tuple(item.get("languages", ())), item["_source"], item["_line"]))
    for item in data.get("jargon", []):
        terms.append(Term("jargon", (item["term"],), None, None, item.get("explain", ""), None,
                          tuple(item.get("languages", ())), item["_source"], item["_line"]))
    _check_variant_budget(terms)
    return tuple(terms)


def _build(data: dict[str, Any], source: str | None) -> Guide:
    voice = data.get("voice", {})
    address = {lang: "any" for lang in LANGS}
    address.update(voice.get("address", {}))
    channels = {name: Channel(name, spec.get("max_chars"), spec.get("public", False),
                              spec.get("soft_limit", False), spec.get("max_parts"))
                for name, spec in data.get("channels", {}).items()}
    rules = {}
    rule_lines = {}
    for code, setting in data.get("rules", {}).items():
        setting = dict(setting)
        rule_lines[code] = setting.pop("_where", (source, None))
        if setting.get("severity") == "off":
            setting = {"off": True}
        rules[code] = setting
    return Guide(
        source=source,
        brand=data.get("brand", ""),
        languages=tuple(data.get("languages", LANGS)),
        formality=voice.get("formality", "neutral"),
        address=address,
        terms=_terms(data),
        readability=dict(data.get("readability", {})),
        channels=channels,
        style=dict(data.get("style", {})),
        rules=rules,
        rule_lines=rule_lines,
        ignore_lines=dict(data.get("_ignore_where", {})),
        ignore=tuple(data.get("ignore", ())),
        thresholds=dict(data.get("thresholds", {})),
        templates=data.get("templates"),
        model=data.get("model"),
        rewrite=dict(data.get("rewrite", {})),
        lint=dict(data.get("lint", {})),
    )


def load_guide(path: str | Path | None = None) -> Guide:
    """Load a guide file (or the built-in `default` preset when `path` is None).

    A preset name ("default", "formal", "friendly") is accepted in place of a path.

    >>> load_guide("formal").formality
    'formal'
    """
    if path is None or (isinstance(path, str) and path in PRESETS):
        name = "default" if path is None else path
        data, _ = _load_tree(data_dir("rules") / "presets" / f"{name}.yaml", ())
        return _build(data, f"preset:{name}")
    path = Path(path)
    if not path.exists():
        raise VoicecheckError("guide not found", path=str(path), code="E105")
    data, _ = _load_tree(path, ())
    return _build(data, str(path))


def find_guide(start: str | Path | None) -> Path | None:
    """The nearest .voicecheck.yaml walking up from `start` (a file or folder), or None.

    >>> find_guide("/") is None or True
    True
    """
    here = Path(start or ".").resolve()
    if here.is_file() or not here.exists():
        here = here.parent
    for folder in (here, *here.parents):
        for name in GUIDE_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def guide_from_mapping(data: dict[str, Any], source: str = "<inline guide>",
                       base: Path | None = None) -> Guide:
    """A Guide from an in-memory mapping (HTTP requests, rule examples); extends `default`
    unless it names its own `extends`.

    >>> guide_from_mapping({"voice": {"formality": "formal"}}).formality
    'formal'
    """
    import copy

    doc = Located(copy.deepcopy(data), {}, source)
    validated = validate(doc)
    merged: dict[str, Any] = {}
    included: set[Path] = set()
    for name in validated.pop("extends", ["default"]):
        parent, _ = _load_tree(_resolve_extends(name, base, source, None), (), included)
        merged = _merge(merged, parent)
    merged = _merge(merged, _annotate(validated, doc))
    _check_lint_channel(validated, merged, doc)
    return _build(merged, source)
