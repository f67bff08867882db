"""YAML with the node of every value, for positions inside scalars and `# voicecheck:` comments.

Safe composition only, with the same limits as style guides (`voicecheck.guide.yamlio`): no
Python tags, a cap on values after alias expansion (the "billion laughs" bomb), a nesting cap.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from voicecheck.guide.yamlio import MAX_DEPTH, MAX_NODES, compose_yaml
from voicecheck.io.formats.offsets import Lazy, Segments, Shift, TextMap, align
from voicecheck.model import VoicecheckError

_SAFE_TAG = "tag:yaml.org,2002:"
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_COLLECTIONS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")
_COMMENT = re.compile(r"#[ \t]*(voicecheck\s*:[^\r\n]*)", re.I)


class YObject(dict):  # type: ignore[type-arg]
    """A YAML mapping; `nodes[key]` is the value's node, `node` the mapping's own."""

    __slots__ = ("nodes", "node")


class YArray(list):  # type: ignore[type-arg]
    __slots__ = ("nodes", "node")


class YamlDoc:
    """A parsed YAML library file: its data and where its string scalars lie."""

    def __init__(self, src: str, path: str) -> None:
        import yaml

        self.src = src
        self.path = path
        self._yaml = yaml
        self._budget = MAX_NODES
        self._constructor = yaml.constructor.SafeConstructor()
        self._spans: list[tuple[int, int]] = []
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        root = compose_yaml(src, loader, path, "E232", "E236")
        self.data: Any = None if root is None else self._build(root, 0)
        self._spans.sort()
        self._span_starts = [a for a, _ in self._spans]

    def _error(self, node: Any, message: str, code: str = "E232") -> VoicecheckError:
        return VoicecheckError(message, path=self.path, line=node.start_mark.line + 1, code=code)

    def _build(self, node: Any, depth: int) -> Any:
        yaml = self._yaml
        self._budget -= 1
        if self._budget < 0:
            raise self._error(node, f"more than {MAX_NODES:,} values after expanding aliases "
                                    "(an alias bomb?)", "E236")
        if depth > MAX_DEPTH:
            raise self._error(node, f"nested deeper than {MAX_DEPTH} levels", "E236")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR_TAG:
                value = node.value  # what the constructor would return, without its cost
            elif not node.tag.startswith(_SAFE_TAG):
                raise self._error(node, f"unsupported YAML tag {node.tag}")
            else:
                try:
                    value = self._constructor.construct_object(node, deep=True)
                except yaml.YAMLError as exc:
                    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                    raise self._error(node, f"invalid value: {problem}") from None
                except ValueError:  # an integer of more digits than Python converts (4,300)
                    raise self._error(node, "invalid value: a number with too many "
                                            "digits") from None
            if isinstance(value, str) and node.end_mark.index > node.start_mark.index:
                self._spans.append((node.start_mark.index, node.end_mark.index))
            return value
        if node.tag not in _PLAIN_COLLECTIONS:
            raise self._error(node, f"unsupported YAML tag {node.tag}")
        if isinstance(node, yaml.SequenceNode):
            arr = YArray(self._build(item, depth + 1) for item in node.value)
            arr.nodes, arr.node = list(node.value), node
            return arr
        obj = YObject()
        obj.nodes, obj.node = {}, node
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                raise self._error(key_node, "mapping keys must be plain words (no merge keys)")
            try:
                key = str(self._constructor.construct_object(key_node))
            except yaml.YAMLError as exc:  # a tagged key such as "!x: 1"
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise self._error(key_node, f"invalid key: {problem}") from None
            if key in obj:
                raise self._error(key_node, f"duplicate key '{key}'")
            obj[key] = self._build(value_node, depth + 1)
            obj.nodes[key] = value_node
        return obj

    def scalar_map(self, node: Any, value: str) -> TextMap:
        """Map from a string scalar's value to the file."""
        return scalar_map(self.src, node, value)

    def comments(self) -> list[tuple[int, str]]:
        """(offset of '#', text after it) of every `# voicecheck:` comment that is a comment,
        not text inside a quoted or block scalar."""
        out = []
        for m in _COMMENT.finditer(self.src):
            at = m.start()
            if at and self.src[at - 1] not in " \t\n":
                continue  # "#" inside a word is not a comment
            k = bisect_right(self._span_starts, at) - 1
            if k >= 0 and self._spans[k][0] <= at < self._spans[k][1]:
                continue
            out.append((at, m.group(1)))
        return out


def scalar_map(src: str, node: Any, value: str) -> TextMap:
    """Map from a string scalar's value to the file (holds the scalar's node, not the whole
    document, so a reply keeps little alive)."""
    a, b = node.start_mark.index, node.end_mark.index
    style = node.style
    if style in ('"', "'"):
        a, b = a + 1, max(a + 1, b - 1)
    elif style in ("|", ">"):
        nl = src.find("\n", a, b)
        a = nl + 1 if nl >= 0 else b
    escapes, quote = style == '"', ("'" if style == "'" else "")
    return Lazy(lambda: _fast_map(value, src, a, b, style)
                or align(value, src, a, b, escapes=escapes, quote=quote))


def _fast_map(value: str, src: str, a: int, b: int, style: str | None) -> TextMap | None:
    """The map of a scalar written as it reads (one line, or a `|` block: line by line),
    else None (then `align` works it out character by character)."""
    if src.startswith(value, a) and a + len(value) <= b:
        return Shift(a)
    if style != "|":
        return None
    t: list[int] = []
    s: list[int] = []
    n, i, indent = 0, a, -1
    while i < b and n < len(value):
        nl = src.find("\n", i, b)
        end = b if nl < 0 else nl
        line = src[i:end].rstrip("\r")
        if line.strip():
            if indent < 0:
                indent = len(line) - len(line.lstrip(" "))
            content = line[indent:]
        else:
            content = ""
        if not value.startswith(content, n):
            return None
        t.append(n)
        s.append(i + min(indent, len(line)) if content else i)
        n += len(content) + 1
        i = end + 1
    return Segments(t, s, [True] * len(t), len(value), b)
