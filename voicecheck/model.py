"""Plain value objects shared by every layer: findings, suggestions, reports, errors.

Nothing here imports another voicecheck module: this is the bottom layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
MILDER = {"error": "warning", "warning": "info"}  # a step down (`milder_when`, VC402)
VERDICTS = ("pass", "warn", "fail")
REPORT_VERSION = 1


def shorten(name: str, limit: int = 40) -> str:
    """Someone's name for something, cut for an error message (a 60 KB field or channel name
    sent to the server came back in full).

    >>> shorten("x" * 50, 10)
    'xxxxxxxxx…'
    """
    return name if len(name) <= limit else name[:limit - 1] + "…"


class VoicecheckError(Exception):
    """A user mistake (bad guide, bad file, bad input): printed as one line, exit 2.

    >>> str(VoicecheckError("unknown key 'x'", path=".voicecheck.yaml", line=3, code="E101"))
    "E101 .voicecheck.yaml:3: unknown key 'x'"
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.code = code

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        prefix = f"{self.code} " if self.code else ""
        return f"{prefix}{where}{self.message}"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A replacement for original[start:end] (an insertion when start == end).

    `safe` follows ruff's convention: a safe fix keeps the meaning (a word swap such as
    "utilize" -> "use") and `check --fix` applies it; an unsafe one adds content or may change
    the meaning and needs `--unsafe-fixes`.
    """

    text: str
    start: int
    end: int
    safe: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "safe": self.safe}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place in the original text.

    `start`/`end` are code-point offsets into the original input; `line` and `column` are 1-based.
    """

    code: str
    rule: str
    severity: str
    message: str
    start: int
    end: int
    line: int
    column: int
    text: str
    suggestions: tuple[Suggestion, ...] = ()
    dimension: str = "vocabulary"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The result of checking one reply: the object behind the CLI, the API and the server."""

    path: str | None
    language: str
    verdict: str
    score: int
    scores: dict[str, int]
    findings: tuple[Finding, ...]
    text: str = field(default="", repr=False, compare=False)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON contract (docs/json.md)."""
        out: dict[str, Any] = {
            "version": REPORT_VERSION,
            "path": self.path,
            "language": self.language,
            "verdict": self.verdict,
            "score": self.score,
            "scores": dict(self.scores),
            "findings": [f.to_dict() for f in self.findings],
        }
        out.update(self.extra)
        return out

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset; CRLF counts as one break.

    >>> line_col("ab\\r\\ncd", 5)
    (2, 2)
    """
    line = text.count("\n", 0, offset) + 1
    last_nl = text.rfind("\n", 0, offset)
    return line, offset - last_nl
