"""Suggestion templates: `rules/<lang>/templates/NAME.j2`, overridden or extended by a guide's
own templates folder, rendered in a locked-down Jinja2 sandbox.

Templates are untrusted input (a guide comes from anyone), so on top of Jinja's
`ImmutableSandboxedEnvironment` a template may not touch attributes (only `loop.index` and
friends), call anything but a few text filters and `range`, include or import other templates,
or use a variable that is not documented (docs/rewrites.md). Every render runs on a budget:
loop steps, call depth, arithmetic that would build huge values, output length and wall time.
A guide's templates are compiled and test-rendered when the guide loads, so a syntax error,
an unknown variable or a runaway template is an `E24x path:line: message` error up front.
"""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from voicecheck.guide import Guide
from voicecheck.model import VoicecheckError
from voicecheck.paths import data_dir

# The variables a template may use (docs/rewrites.md); every one is always defined, as "" when
# unknown, so StrictUndefined only ever catches typos.
VARIABLES = ("brand", "customer_name", "matched", "replacement", "language", "issue",
             "situation", "agent_name", "sign_off", "channel", "address", "formality")
MAX_SOURCE_CHARS = 16_000
MAX_OUTPUT_CHARS = 2_000
MAX_RANGE = 1_000
MAX_STEPS = 5_000       # loop iterations, calls and operations in one render
MAX_DEPTH = 30          # nested macro calls
TIME_BUDGET = 0.5       # seconds of this thread's CPU time per render (wall time would refuse
                        # innocent templates on a loaded machine; the step limit comes first)
_LOOP_ATTRIBUTES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last",
                              "length", "depth", "depth0", "previtem", "nextitem", "cycle"})
_FILTERS = ("capitalize", "default", "d", "first", "last", "length", "count", "lower", "upper",
            "title", "trim", "join", "truncate", "wordcount")
_SAMPLE = {"brand": "Acme", "customer_name": "Sam", "matched": "sample words",
           "replacement": "sample", "language": "en", "issue": "the late parcel",
           "situation": "complaint", "agent_name": "Alex", "sign_off": "Best wishes",
           "channel": "email", "address": "formal", "formality": "neutral"}


class TemplateRefused(Exception):
    """A render went over its budget or tried something the sandbox forbids."""


@dataclass(slots=True)
class _Budget:
    deadline: float
    steps: int = 0
    depth: int = 0

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > MAX_STEPS:
            raise TemplateRefused(f"more than {MAX_STEPS:,} loop steps or calls")
        if time.thread_time() > self.deadline:
            raise TemplateRefused(f"rendering took more than {TIME_BUDGET:g} s")


_BUDGET: contextvars.ContextVar[_Budget] = contextvars.ContextVar("voicecheck_template_budget")


def _budget() -> _Budget:
    budget = _BUDGET.get(None)
    if budget is None:  # rendering outside render(): give it a fresh budget anyway
        budget = _Budget(time.thread_time() + TIME_BUDGET)
        _BUDGET.set(budget)
    return budget


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _bounded_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise TemplateRefused(f"range() of more than {MAX_RANGE:,} numbers")
    return result


def _stepping(iterable: Any) -> Iterator[Any]:
    """Every `{% for %}` loops through this (see _LockedEnvironment._parse): one budget step
    per iteration, so nested loops cannot spin forever."""
    budget = _budget()
    for item in iterable:
        budget.step()
        yield item


def _checked_filter(name: str, func: Any) -> Any:
    def run(*args: Any, **kwargs: Any) -> Any:
        _budget().step()
        result = func(*args, **kwargs)
        if _size(result) > MAX_OUTPUT_CHARS:
            raise TemplateRefused(f"filter '{name}' made more than {MAX_OUTPUT_CHARS:,} "
                                  "characters")
        return result
    for attribute in ("jinja_pass_arg",):  # keep Jinja's context/environment passing marks
        if hasattr(func, attribute):
            setattr(run, attribute, getattr(func, attribute))
    return run


class _LockedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with attribute access, calls and arithmetic narrowed to what a suggestion
    template needs, and every loop, call and operation counted against the render budget."""

    intercepted_binops = frozenset(["+", "-", "*", "/", "//", "%", "**"])
    intercepted_unops = frozenset(["-", "+"])

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                         lstrip_blocks=True, keep_trailing_newline=False,
                         extensions=(), auto_reload=False, cache_size=0)
        self.globals.clear()
        self.globals["range"] = _bounded_range
        self.globals["_vc_steps"] = _stepping
        kept = {name: _checked_filter(name, self.filters[name]) for name in _FILTERS}
        self.filters.clear()
        self.filters.update(kept)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import,
                                   nodes.FromImport)):
            raise TemplateSyntaxError("templates cannot extend, include or import other "
                                      "templates", node.lineno, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.Name("_vc_steps", "load", lineno=loop.lineno),
                                   [loop.iter], [], None, None, lineno=loop.lineno)
        return tree

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return isinstance(obj, LoopContext) and attr in _LOOP_ATTRIBUTES

    def is_safe_callable(self, obj: Any) -> bool:
        return obj is _bounded_range or obj is _stepping or isinstance(obj, LoopContext) \
            or _is_macro(obj)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, LoopContext) and attribute in _LOOP_ATTRIBUTES:
            return getattr(obj, attribute)
        raise SecurityError(f"templates cannot read attributes ('.{attribute}')")

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, dict) or (isinstance(obj, (str, list, tuple))
                                     and isinstance(argument, (int, slice))):
            try:
                return obj[argument]
            except (LookupError, TypeError):
                return self.undefined(obj=obj, name=argument)
        if isinstance(argument, str):
            raise SecurityError(f"templates cannot read attributes ('{argument}')")
        return self.undefined(obj=obj, name=argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        budget = _budget()
        budget.step()
        if not __self.is_safe_callable(__obj):
            raise SecurityError("templates can call only macros and range()")
        if __obj is not _stepping and sum(_size(a) for a in args) \
                + sum(_size(v) for v in kwargs.values()) > MAX_OUTPUT_CHARS:
            raise TemplateRefused(f"a call with more than {MAX_OUTPUT_CHARS:,} characters "
                                  "of arguments")
        budget.depth += 1
        try:
            if budget.depth > MAX_DEPTH:
                raise TemplateRefused(f"macros nested more than {MAX_DEPTH} deep "
                                      "(a macro calling itself?)")
            result = __context.call(__obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        if _size(result) > MAX_OUTPUT_CHARS:
            raise TemplateRefused(f"a macro made more than {MAX_OUTPUT_CHARS:,} characters")
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _budget().step()
        if operator == "%" and isinstance(left, str):
            raise SecurityError("templates cannot use % string formatting")
        if operator == "*":
            count, other = (right, left) if isinstance(right, int) else (left, right)
            if isinstance(other, (str, list, tuple)) and isinstance(count, int) \
                    and len(other) * max(count, 0) > MAX_OUTPUT_CHARS:
                raise TemplateRefused(f"'*' would make more than {MAX_OUTPUT_CHARS:,} "
                                      "characters")
        if operator in ("*", "**") and isinstance(left, int) and isinstance(right, int):
            bits = abs(left).bit_length() * (abs(right) if operator == "**"
                                             else 1) + (abs(right).bit_length()
                                                        if operator == "*" else 0)
            if bits > 256:
                raise TemplateRefused(f"'{operator}' on numbers this large")
        if operator == "+" and _size(left) + _size(right) > MAX_OUTPUT_CHARS:
            raise TemplateRefused(f"'+' would make more than {MAX_OUTPUT_CHARS:,} characters")
        return super().call_binop(context, operator, left, right)


def _is_macro(obj: Any) -> bool:
    from jinja2.runtime import Macro

    return isinstance(obj, Macro)


_ENV = _LockedEnvironment()


def _undeclared(tree: nodes.Template) -> list[tuple[str, int]]:
    """Names the template reads without defining them, with the line of first use."""
    from jinja2 import meta

    unknown = meta.find_undeclared_variables(tree) - set(VARIABLES) - set(_ENV.globals)
    out = []
    for name in sorted(unknown):
        lines = [n.lineno for n in tree.find_all(nodes.Name) if n.name == name]
        out.append((name, min(lines) if lines else 1))
    return out


@dataclass(frozen=True, slots=True)
class Template:
    """One compiled template and where it came from (for errors)."""

    name: str
    path: str
    compiled: Any

    def render(self, values: dict[str, Any]) -> str:
        """The rendered text, whitespace-tidied; `VoicecheckError` E243 when refused.

        >>> t = compile_template("{{ brand }} is sorry", "x.j2")
        >>> t.render(dict.fromkeys(VARIABLES, "") | {"brand": "Acme"})
        'Acme is sorry'
        """
        budget = _Budget(time.thread_time() + TIME_BUDGET)
        token = _BUDGET.set(budget)
        try:
            pieces: list[str] = []
            length = 0
            for piece in self.compiled.generate(values):
                length += len(piece)
                if length > MAX_OUTPUT_CHARS:
                    raise TemplateRefused(f"output longer than {MAX_OUTPUT_CHARS:,} characters")
                budget.step(0)
                pieces.append(piece)
        except TemplateRefused as exc:
            raise self._error(f"template refused: {exc}", "E243", exc) from None
        except SecurityError as exc:
            raise self._error(f"template refused: {exc}", "E242", exc) from None
        except UndefinedError as exc:
            raise self._error(f"template error: {exc}", "E241", exc) from None
        except RecursionError as exc:
            raise self._error("template refused: recursion too deep", "E243", exc) from None
        except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError,
                MemoryError) as exc:
            raise self._error(f"template failed: {type(exc).__name__}: {exc}", "E243",
                              exc) from None
        finally:
            _BUDGET.reset(token)
        return tidy("".join(pieces))

    def _error(self, message: str, code: str, exc: BaseException) -> VoicecheckError:
        """The error, naming the template line the traceback went through last (Jinja has
        already rewritten the template's frames to template line numbers)."""
        line = None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.path:
                line = tb.tb_lineno
            tb = tb.tb_next
        return VoicecheckError(message, path=self.path, line=line, code=code)


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


def compile_template(source: str, path: str, name: str | None = None) -> Template:
    """Compile one template; syntax errors, unknown variables and forbidden tags are a
    `VoicecheckError` naming the file and line."""
    if len(source) > MAX_SOURCE_CHARS:
        raise VoicecheckError(f"template is longer than {MAX_SOURCE_CHARS:,} characters",
                              path=path, code="E240")
    try:
        tree = _ENV._parse(source, name, path)
        for variable, line in _undeclared(tree):
            from voicecheck.guide.schema import did_you_mean

            raise VoicecheckError(f"unknown template variable '{variable}'"
                                  f"{did_you_mean(variable, list(VARIABLES))}; "
                                  f"known: {', '.join(VARIABLES)}", path=path, line=line,
                                  code="E241")
        code = _ENV.compile(tree, name, path)
        compiled = _ENV.template_class.from_code(_ENV, code, _ENV.make_globals(None), None)
    except TemplateSyntaxError as exc:
        raise VoicecheckError(f"template syntax error: {exc.message}", path=path,
                              line=exc.lineno, code="E240") from None
    except RecursionError:
        raise VoicecheckError("template nests too deeply", path=path, code="E240") from None
    return Template(name or Path(path).stem, path, compiled)


def _read_folder(folder: Path) -> dict[str, Template]:
    out = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.j2")):
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise VoicecheckError(f"cannot read template: {exc}", path=str(path),
                                  code="E244") from None
        out[path.stem] = compile_template(source, str(path), path.stem)
    return out


_SHIPPED: dict[str, dict[str, Template]] = {}


def shipped_templates(lang: str) -> dict[str, Template]:
    """The language pack's templates, `rules/<lang>/templates/*.j2` (compiled once)."""
    found = _SHIPPED.get(lang)
    if found is None:
        found = _read_folder(data_dir("rules") / lang / "templates")
        _SHIPPED[lang] = found
    return found


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
        self.own["*"] = _read_folder(folder)
        for lang in ("en", "id", "ms", "fa"):
            self.own[lang] = _read_folder(folder / lang)
        for templates in self.own.values():
            for template in templates.values():
                probe(template)

    def get(self, lang: str, name: str) -> Template | None:
        for layer in (self.own.get(lang, {}), self.own.get("*", {}), shipped_templates(lang)):
            if name in layer:
                return layer[name]
        return None

    def names(self, lang: str) -> set[str]:
        names = set(shipped_templates(lang))
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
