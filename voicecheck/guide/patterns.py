"""User-supplied regular expressions, compiled in RE2 (linear time: no catastrophic backtracking),
and the gitignore-style path patterns of `ignore` and `lint:`.

RE2 refuses look-around and back-references; those patterns get a clear error instead of a
engine that could hang on "(a+)+$".
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MAX_PATTERN = 2000
MAX_GUIDE_PATTERNS = 1000  # `pattern` entries per guide, with everything it extends: each one
# is its own pass over every reply (10,000 took 13.6 s on a 1.9 MB reply)


def too_many_patterns() -> str:
    """The error for a guide with more than MAX_GUIDE_PATTERNS patterns."""
    return f"more than {MAX_GUIDE_PATTERNS:,} patterns in one guide; join related ones with '|'"


class PatternError(ValueError):
    """A pattern RE2 cannot compile, with the reason in words."""


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str, case_sensitive: bool = False,
                    max_length: int = MAX_PATTERN) -> Any:
    """Compile `pattern` with RE2; raise PatternError with a readable reason.

    >>> bool(compile_pattern("refund(s)?").search("REFUNDS"))
    True
    """
    import re2

    if len(pattern) > max_length:
        raise PatternError(f"longer than {max_length} characters")
    if not pattern:
        raise PatternError("empty pattern")
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = case_sensitive
    options.max_mem = 8 << 20
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        if "(?<" in pattern or "(?=" in pattern or "(?!" in pattern:
            reason += " (look-around is not supported: RE2 runs in linear time)"
        elif "\\1" in pattern or "(?P=" in pattern:
            reason += " (back-references are not supported: RE2 runs in linear time)"
        raise PatternError(reason) from None
    if compiled.search("") is not None and compiled.fullmatch("") is not None:
        raise PatternError("matches the empty string")
    return compiled


class GlobError(ValueError):
    """A gitignore-style path pattern that cannot be compiled, with the reason in words."""


def glob_spec(patterns: tuple[str, ...]) -> Any:
    """A gitignore-style matcher of `patterns` (`lint.exclude`, `ignore`, the keys of
    `lint.per_path_ignores`); raises GlobError for one that cannot be compiled. The guide's
    validation and `voicecheck lint` both compile through here, so a pattern `guide validate`
    accepts is one lint can use.

    >>> glob_spec(("drafts/", "*.bak.md")).match_file("drafts/a.md")
    True
    """
    import re

    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except re.error as exc:  # the regex it translates to: its position would mean nothing here
        raise GlobError(exc.msg) from None
    except (ValueError, TypeError):  # pathspec's own errors are ValueErrors
        raise GlobError("not a valid gitignore pattern") from None


def check_glob(pattern: str) -> None:
    """Raise GlobError if `pattern` cannot be compiled as `voicecheck lint` compiles it.

    >>> check_glob("[z-a]")
    Traceback (most recent call last):
    ...
    voicecheck.guide.patterns.GlobError: bad character range z-a
    """
    glob_spec((pattern,))
