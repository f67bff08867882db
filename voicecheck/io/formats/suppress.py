"""Suppression comments: `voicecheck: disable=VC101,VC110`, `voicecheck: disable-next-line=VC101`,
`voicecheck: disable` (every rule). The same words in every format; only the comment around
them differs (`<!-- … -->` in Markdown, text and HTML, `# …` in YAML, a `voicecheck_ignore`
field in JSON and CSV).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicecheck.model import VoicecheckError

_HEAD = re.compile(r"\s*voicecheck\s*:\s*", re.I)
_BODY = re.compile(
    r"(?P<kind>disable-next-line|disable)\b\s*"
    r"(?:=\s*(?P<codes>[A-Za-z][\w-]*(?:\s*,\s*[A-Za-z][\w-]*)*))?"
    r"\s*(?P<rest>.*)$", re.I | re.S)
_CODE = re.compile(r"[A-Za-z][\w-]*")
ALL = ("all", "*")


@dataclass(frozen=True, slots=True)
class Directive:
    next_line: bool
    codes: tuple[str, ...]  # () = every rule


def parse_directive(comment: str, path: str, line: int) -> Directive | None:
    """The directive in a comment's inner text, None when it is not one of ours.

    >>> parse_directive(" voicecheck: disable=VC101, VC110 ", "f.md", 1)
    Directive(next_line=False, codes=('VC101', 'VC110'))
    >>> parse_directive("voicecheck: disable -- legal wording", "f.md", 1).codes
    ()
    >>> parse_directive("a note for editors", "f.md", 1) is None
    True
    """
    head = _HEAD.match(comment)
    if head is None:
        return None
    body = _BODY.match(comment, head.end())
    rest = body.group("rest").strip() if body else ""
    if body is None or (rest and not rest.startswith(("--", "#"))):
        shown = comment.strip()
        raise VoicecheckError(
            f"cannot read suppression comment '{shown}': write 'voicecheck: disable=CODE[,CODE…]'"
            " or 'voicecheck: disable-next-line=CODE' (a reason may follow after '--')",
            path=path, line=line, code="E237")
    codes = tuple(c.strip() for c in (body.group("codes") or "").split(",") if c.strip())
    return Directive(body.group("kind").lower() == "disable-next-line", codes)


def ignore_codes(value: object, path: str, line: int) -> tuple[str, ...] | None:
    """Codes of a `voicecheck_ignore` field ("VC101,VC110", a list, or "all"); None if empty.

    >>> ignore_codes("VC101, robotic-apology", "f.csv", 2)
    ('VC101', 'robotic-apology')
    >>> ignore_codes("all", "f.csv", 2), ignore_codes("", "f.csv", 2)
    ((), None)
    """
    if value is None or value == "" or value == []:
        return None
    items = value if isinstance(value, list) else str(value).split(",")
    codes = tuple(str(c).strip() for c in items if str(c).strip())
    if not codes:
        return None
    if any(c.lower() in ALL for c in codes):
        return ()
    bad = [c for c in codes if not _CODE.fullmatch(c)]
    if bad:
        raise VoicecheckError(f"voicecheck_ignore: '{bad[0]}' is not a rule code or slug "
                              "(write e.g. 'VC101,VC110' or 'all')", path=path, line=line,
                              code="E237")
    return codes
