"""Safe YAML reading with a line number for every value, and limits against hostile files.

Style guides and rule packs are untrusted: `safe` composition only (no Python objects), a size
cap, a cap on the number of values after alias expansion (the "billion laughs" bomb), and a
nesting cap. Every value's 1-based line is kept in `Located.lines`, keyed by its path
(a tuple of keys and list indexes), so validation errors can name the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecheck.model import VoicecheckError
from voicecheck.paths import TooLarge, read_limited

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40

Path_ = tuple[Any, ...]
# A key quoted back in an error: a name someone may have mistyped. Anything else (a line of
# some other file reached through `extends`, a secret) is not echoed.
PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}")
_PLAIN_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")


@dataclass(frozen=True, slots=True)
class Located:
    """A YAML document as plain Python data plus the line of every value."""

    data: Any
    lines: dict[Path_, int]
    source: str
    tally: dict[str, int] = field(default_factory=dict)  # running totals kept by validation

    def line(self, path: Path_) -> int | None:
        """Line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def error(self, path: Path_, message: str, code: str = "E102") -> VoicecheckError:
        return VoicecheckError(message, path=self.source, line=self.line(path), code=code)


def _loader_class() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Builder:
    def __init__(self, source: str) -> None:
        import yaml

        self.source = source
        self.lines: dict[Path_, int] = {}
        self.budget = MAX_NODES
        self.constructor = yaml.constructor.SafeConstructor()
        self.yaml = yaml

    def build(self, node: Any, path: Path_, depth: int) -> Any:
        yaml = self.yaml
        self.budget -= 1
        line = node.start_mark.line + 1
        if self.budget < 0:
            raise VoicecheckError(
                f"more than {MAX_NODES:,} values after expanding aliases (an alias bomb?)",
                path=self.source, line=line, code="E106")
        if depth > MAX_DEPTH:
            raise VoicecheckError(f"nested deeper than {MAX_DEPTH} levels",
                                  path=self.source, line=line, code="E106")
        self.lines.setdefault(path, line)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
            raise VoicecheckError(f"unsupported YAML tag {node.tag}", path=self.source,
                                  line=line, code="E100")
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.constructor.construct_object(node, deep=True)
            except yaml.YAMLError as exc:
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise VoicecheckError(f"invalid value: {problem}", path=self.source, line=line,
                                      code="E100") from None
            except ValueError:  # an integer of more digits than Python converts (4,300)
                raise VoicecheckError("invalid value: a number with too many digits",
                                      path=self.source, line=line, code="E100") from None
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise VoicecheckError("mapping keys must be plain words", path=self.source,
                                          line=key_node.start_mark.line + 1, code="E102")
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise VoicecheckError("YAML merge keys (<<) are not supported",
                                          path=self.source, line=key_node.start_mark.line + 1,
                                          code="E102")
                try:
                    key = self.constructor.construct_object(key_node)
                except yaml.YAMLError as exc:  # a tagged key such as "!x: 1"
                    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                    raise VoicecheckError(f"invalid key: {problem}", path=self.source,
                                          line=key_node.start_mark.line + 1,
                                          code="E102") from None
                if not isinstance(key, (str, int, float, bool)):
                    raise VoicecheckError("mapping keys must be plain words", path=self.source,
                                          line=key_node.start_mark.line + 1, code="E102")
                if not isinstance(key, str):
                    # a key is a name: `off:` and `yes:` (YAML 1.1 booleans) or `0x10:` keep
                    # the words written, not "False", "True" or "16"
                    key = key_node.value
                if key in out:
                    shown = f" '{key}'" if PLAIN_KEY.fullmatch(key) else ""
                    raise VoicecheckError(f"duplicate key{shown}", path=self.source,
                                          line=key_node.start_mark.line + 1, code="E102")
                self.lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        raise VoicecheckError("unsupported YAML node", path=self.source, line=line, code="E100")


def compose_yaml(text: str, loader: Any, source: str, code: str, depth_code: str) -> Any:
    """`yaml.compose` with every PyYAML error as one `VoicecheckError` line (`code`; a
    document nested too deeply for the parser is `depth_code`). Guides and canned-reply
    libraries share it, each with its own codes.

    >>> import yaml
    >>> compose_yaml("a: [1", yaml.SafeLoader, "g.yaml", "E100", "E106")
    Traceback (most recent call last):
    ...
    voicecheck.model.VoicecheckError: E100 g.yaml:1: invalid YAML: expected ',' or ']', but got '<stream end>'
    """
    import yaml

    try:
        return yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "syntax error"
        raise VoicecheckError(f"invalid YAML: {problem}", path=source, line=line,
                              code=code) from None
    except yaml.reader.ReaderError as exc:  # a control character; its str() is two lines
        line = text.count("\n", 0, exc.position) + 1
        raise VoicecheckError(f"invalid YAML: character U+{exc.character:04X} is not allowed",
                              path=source, line=line, code=code) from None
    except yaml.YAMLError as exc:
        raise VoicecheckError(f"invalid YAML: {str(exc).splitlines()[0]}", path=source,
                              code=code) from None
    except RecursionError:
        raise VoicecheckError("invalid YAML: nested too deeply", path=source,
                              code=depth_code) from None


def parse_yaml(text: str, source: str) -> Located:
    """Parse one YAML document safely, keeping lines.

    >>> parse_yaml("a:\\n  b: 1\\n", "g.yaml").line(("a", "b"))
    2
    """
    if len(text) > MAX_BYTES:
        raise VoicecheckError(f"file is larger than {MAX_BYTES:,} characters", path=source,
                              code="E106")
    node = compose_yaml(text, _loader_class(), source, "E100", "E106")
    if node is None:
        return Located({}, {}, source)
    builder = _Builder(source)
    try:
        data = builder.build(node, (), 0)
    except RecursionError:
        raise VoicecheckError("nested too deeply", path=source, code="E106") from None
    return Located(data, builder.lines, source)


def read_yaml(path: Path) -> Located:
    """Read and parse a YAML file; unreadable or non-UTF-8 files are user errors."""
    source = str(path)
    if path.is_dir():
        raise VoicecheckError("is a directory, not a YAML file", path=source, code="E105")
    try:
        raw = read_limited(path, MAX_BYTES)
    except TooLarge:
        raise VoicecheckError(f"file is larger than {MAX_BYTES:,} bytes", path=source,
                              code="E106") from None
    except FileNotFoundError:
        raise VoicecheckError("file not found", path=source, code="E105") from None
    except OSError as exc:
        raise VoicecheckError(f"cannot read: {exc.strerror}", path=source, code="E105") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise VoicecheckError(f"not valid UTF-8 (byte {exc.start})", path=source, line=line,
                              code="E100") from None
    if "\x00" in text:
        raise VoicecheckError("contains NUL bytes (a binary file?)", path=source, code="E100")
    return parse_yaml(text, source)
