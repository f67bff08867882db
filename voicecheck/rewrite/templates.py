"""Suggestion templates: `rules/<lang>/templates/NAME.j2`, overridden or extended by a guide's
own templates folder, rendered in a locked-down Jinja2 sandbox.

Templates are untrusted input (a guide comes from anyone), so on top of Jinja's
`ImmutableSandboxedEnvironment` a template may not touch attributes (only `loop.index` and
friends), call anything but a few text filters and `range`, include or import other templates,
or use a variable that is not documented (docs/rewrites.md). Every render runs on a budget:
loop steps, call depth, arithmetic that would build huge values, output length and CPU time.
A guide's templates are compiled and test-rendered when the guide loads, so a syntax error,
an unknown variable or a runaway template is an `E24x path:line: message` error up front.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from voicecheck.guide import Guide
from voicecheck.model import VoicecheckError
from voicecheck.paths import data_dir

# The variables a template may use (docs/rewrites.md); every one is always defined, as "" when
# unknown, so StrictUndefined only ever catches typos.
VARIABLES = ("brand", "customer_name", "matched", "next_word", "replacement", "language",
             "issue", "situation", "agent_name", "sign_off", "channel", "address", "formality")
MAX_SOURCE_CHARS = 16_000
_SAMPLE = {"brand": "Acme", "customer_name": "Sam", "matched": "sample words", "next_word": "",
           "replacement": "sample", "language": "en", "issue": "the late parcel",
           "situation": "complaint", "agent_name": "Alex", "sign_off": "Best wishes",
           "channel": "email", "address": "formal", "formality": "neutral"}


@dataclass(frozen=True, slots=True)
class Template:
    """One compiled template and where it came from (for errors)."""

    name: str
    path: str
    compiled: Any

    def render(self, values: dict[str, Any]) -> str:
        """The rendered text, whitespace-tidied; a `VoicecheckError` (E241-E243, naming the
        file and line) when the sandbox refuses it.

        >>> t = compile_template("{{ brand }} is sorry", "x.j2")
        >>> t.render(dict.fromkeys(VARIABLES, "") | {"brand": "Acme"})
        'Acme is sorry'
        """
        from voicecheck.rewrite import sandbox

        try:
            return tidy(sandbox.render(self.compiled, self.path, values))
        except sandbox.RenderFailed as exc:
            raise VoicecheckError(str(exc), path=self.path, line=exc.line,
                                  code=exc.code) from None


def tidy(text: str) -> str:
    """Trim, and collapse runs of spaces (template conditionals leave double spaces).

    >>> tidy("  Hi  Sam ,\\n Thanks ")
    'Hi Sam,\\nThanks'
    """
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    out = "\n".join(lines)
    for mark in (",", ".", "!", "?", "،", "؟", ";", ":"):
        out = out.replace(f" {mark}", mark)
    return out


def _too_long(path: str) -> VoicecheckError:
    return VoicecheckError(f"template is longer than {MAX_SOURCE_CHARS:,} characters",
                           path=path, code="E240")


def compile_template(source: str, path: str, name: str | None = None) -> Template:
    """Compile one template; syntax errors, unknown variables and forbidden tags are a
    `VoicecheckError` naming the file and line."""
    from voicecheck.guide.schema import did_you_mean
    from voicecheck.rewrite import sandbox

    if len(source) > MAX_SOURCE_CHARS:
        raise _too_long(path)
    try:
        compiled, unknown = sandbox.compile_source(source, path, name, VARIABLES)
    except sandbox.CompileFailed as exc:
        raise VoicecheckError(str(exc), path=path, line=exc.line, code=exc.code) from None
    for variable, line in unknown:
        raise VoicecheckError(f"unknown template variable '{variable}'"
                              f"{did_you_mean(variable, list(VARIABLES))}; "
                              f"known: {', '.join(VARIABLES)}", path=path, line=line,
                              code="E241")
    return Template(name or Path(path).stem, path, compiled)


def _files(folder: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted(folder.glob("*.j2"))} if folder.is_dir() else {}


def load_template(path: Path) -> Template:
    """Read and compile one template file."""
    from voicecheck.paths import TooLarge, read_limited

    try:  # at most 4 bytes a character: more is too long whatever it holds
        source = read_limited(path, MAX_SOURCE_CHARS * 4).decode("utf-8")
    except TooLarge:
        raise _too_long(str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise VoicecheckError(f"cannot read template: {reason}", path=str(path),
                              code="E244") from None
    return compile_template(source, str(path), path.stem)


_SHIPPED_FILES: dict[str, dict[str, Path]] = {}
_SHIPPED: dict[tuple[str, str], Template] = {}


def shipped_names(lang: str) -> dict[str, Path]:
    """The language pack's template files, `rules/<lang>/templates/*.j2`, by name."""
    files = _SHIPPED_FILES.get(lang)
    if files is None:
        files = _files(data_dir("rules") / lang / "templates")
        _SHIPPED_FILES[lang] = files
    return files


def shipped_template(lang: str, name: str) -> Template | None:
    """One shipped template, compiled on first use (most checks render none, and compiling
    all of a language's templates would cost a cold check more than the check itself)."""
    template = _SHIPPED.get((lang, name))
    if template is None:
        path = shipped_names(lang).get(name)
        if path is None:
            return None
        template = _SHIPPED[(lang, name)] = load_template(path)
    return template


def shipped_templates(lang: str) -> dict[str, Template]:
    """Every shipped template of `lang`, compiled."""
    return {name: t for name in shipped_names(lang)
            if (t := shipped_template(lang, name)) is not None}


def guide_templates_dir(guide: Guide) -> Path | None:
    """The guide's own templates folder (`rewrite.templates`, or the older top-level
    `templates`), relative to the guide file."""
    configured = (getattr(guide, "rewrite", None) or {}).get("templates") or guide.templates
    if not configured:
        return None
    path = Path(configured).expanduser()
    if not path.is_absolute() and guide.source and not guide.source.startswith(("preset:", "<")):
        path = Path(guide.source).parent / path
    return path


class TemplateSet:
    """The templates one guide sees: per language, the guide's `DIR/<lang>/NAME.j2`, then its
    `DIR/NAME.j2`, then the shipped `rules/<lang>/templates/NAME.j2`.

    The guide's own templates are compiled and test-rendered here, when the guide loads.
    """

    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        self.own: dict[str, dict[str, Template]] = {}
        folder = guide_templates_dir(guide)
        if folder is None:
            return
        if not folder.is_dir():
            raise VoicecheckError(f"templates folder not found: {folder}", path=guide.source,
                                  code="E244")
        for key, where in [("*", folder)] + [(lang, folder / lang)
                                              for lang in ("en", "id", "ms", "fa")]:
            self.own[key] = {name: load_template(path) for name, path in _files(where).items()}
        for templates in self.own.values():
            for template in templates.values():
                probe(template)

    def get(self, lang: str, name: str) -> Template | None:
        for layer in (self.own.get(lang, {}), self.own.get("*", {})):
            if name in layer:
                return layer[name]
        return shipped_template(lang, name)

    def names(self, lang: str) -> set[str]:
        names = set(shipped_names(lang))
        for key in (lang, "*"):
            names.update(self.own.get(key, {}))
        return names


def probe(template: Template, samples: Iterable[dict[str, Any]] | None = None) -> None:
    """Render a template with sample values (known and unknown customer, issue …) so a
    runaway or broken template is refused when it is loaded, not in the middle of a check."""
    empty = dict.fromkeys(VARIABLES, "")
    for values in samples or (_SAMPLE, empty | {"language": "en", "address": "any",
                                                 "formality": "neutral"}):
        template.render(values)
