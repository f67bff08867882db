"""The locked-down Jinja2 environment behind voicecheck's templates (docs/rewrites.md, Safety).

Imported only when a template is compiled or rendered: importing Jinja2 costs more than a
whole clean check, and most checks render nothing.
"""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass
from typing import Any, Iterator

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from voicecheck.runtime import gc_paused

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


def _concat(*parts: Any) -> str:
    """`a ~ b` (Jinja's Concat node, rewritten into a call of this by `_parse`, so `call`
    counts the step and refuses oversized parts): eighteen `{% set v = v ~ v %}` lines would
    otherwise build a gigabyte string before any budget was checked."""
    texts = [str(part) for part in parts]
    if sum(map(len, texts)) > MAX_OUTPUT_CHARS:
        raise TemplateRefused(f"'~' would make more than {MAX_OUTPUT_CHARS:,} characters")
    return "".join(texts)


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
        self.globals["_vc_concat"] = _concat
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
        return _ConcatToCall().visit(tree)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return isinstance(obj, LoopContext) and attr in _LOOP_ATTRIBUTES

    def is_safe_callable(self, obj: Any) -> bool:
        return obj is _bounded_range or obj is _stepping or obj is _concat \
            or isinstance(obj, LoopContext) or _is_macro(obj)

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

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        budget = _budget()
        budget.step()
        if not self.is_safe_callable(obj):
            raise SecurityError("templates can call only macros and range()")
        if obj is not _stepping and sum(_size(a) for a in args) \
                + sum(_size(v) for v in kwargs.values()) > MAX_OUTPUT_CHARS:
            raise TemplateRefused(f"a call with more than {MAX_OUTPUT_CHARS:,} characters "
                                  "of arguments")
        budget.depth += 1
        try:
            if budget.depth > MAX_DEPTH:
                raise TemplateRefused(f"macros nested more than {MAX_DEPTH} deep "
                                      "(a macro calling itself?)")
            result = context.call(obj, *args, **kwargs)
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


class _ConcatToCall(NodeTransformer):
    """Every `a ~ b ~ …` becomes `_vc_concat(a, b, …)`, a call the sandbox checks."""

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        parts = [self.visit(part) for part in node.nodes]
        return nodes.Call(nodes.Name("_vc_concat", "load", lineno=node.lineno), parts, [],
                          None, None, lineno=node.lineno)


def _is_macro(obj: Any) -> bool:
    from jinja2.runtime import Macro

    return isinstance(obj, Macro)


ENV = _LockedEnvironment()


class RenderFailed(Exception):
    """A render was refused or failed: `code` is the E24x code, `line` the template line."""

    def __init__(self, message: str, code: str, line: int | None) -> None:
        super().__init__(message)
        self.code = code
        self.line = line


class CompileFailed(Exception):
    """A template could not be compiled: `code` is the E24x code, `line` the template line."""

    def __init__(self, message: str, code: str, line: int | None) -> None:
        super().__init__(message)
        self.code = code
        self.line = line


def compile_source(source: str, path: str, name: str | None,
                   variables: tuple[str, ...]) -> tuple[Any, list[tuple[str, int]]]:
    """The compiled template and the names it reads that are neither in `variables` nor
    defined by the template (with the line of first use)."""
    from jinja2 import meta

    try:
        tree = ENV._parse(source, name, path)
        unknown = meta.find_undeclared_variables(tree) - set(variables) - set(ENV.globals)
        undeclared = []
        for word in sorted(unknown):
            lines = [n.lineno for n in tree.find_all(nodes.Name) if n.name == word]
            undeclared.append((word, min(lines) if lines else 1))
        if undeclared:
            return None, undeclared
        code = ENV.compile(tree, name, path)
        return ENV.template_class.from_code(ENV, code, ENV.make_globals(None), None), []
    except TemplateSyntaxError as exc:
        raise CompileFailed(f"template syntax error: {exc.message}", "E240",
                            exc.lineno) from None
    except RecursionError:
        raise CompileFailed("template nests too deeply", "E240", None) from None


def _line(exc: BaseException, path: str) -> int | None:
    """The template line the traceback went through last (Jinja has already rewritten the
    template's frames to template line numbers)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render(compiled: Any, path: str, values: dict[str, Any]) -> str:
    """Render on a fresh budget; `RenderFailed` when refused or broken.

    The cyclic garbage collector is paused meanwhile: a full collection of a large process
    (a server or test run with every rule set and model loaded) takes about as long as the
    whole budget, and when it fell inside a render it refused an innocent template. A render
    is bounded in steps and output, so what it leaves is small and collected afterwards."""
    with gc_paused():
        return _render(compiled, path, values)


def _render(compiled: Any, path: str, values: dict[str, Any]) -> str:
    budget = _Budget(time.thread_time() + TIME_BUDGET)
    token = _BUDGET.set(budget)
    try:
        pieces: list[str] = []
        length = 0
        for piece in compiled.generate(values):
            length += len(piece)
            if length > MAX_OUTPUT_CHARS:
                raise TemplateRefused(f"output longer than {MAX_OUTPUT_CHARS:,} characters")
            budget.step(0)
            pieces.append(piece)
    except TemplateRefused as exc:
        raise RenderFailed(f"template refused: {exc}", "E243", _line(exc, path)) from None
    except SecurityError as exc:
        raise RenderFailed(f"template refused: {exc}", "E242", _line(exc, path)) from None
    except UndefinedError as exc:
        raise RenderFailed(f"template error: {exc}", "E241", _line(exc, path)) from None
    except RecursionError as exc:
        raise RenderFailed("template refused: recursion too deep", "E243",
                           _line(exc, path)) from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError,
            MemoryError) as exc:
        raise RenderFailed(f"template failed: {type(exc).__name__}: {exc}", "E243",
                           _line(exc, path)) from None
    finally:
        _BUDGET.reset(token)
    return "".join(pieces)
