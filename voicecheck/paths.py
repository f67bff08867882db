"""Where the shipped data lives: inside the wheel (voicecheck/_data/) or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Folder of shipped data `name` ("rules" or "models").

    An installed wheel carries it as voicecheck/_data/<name>; a checkout has it at the top level.
    """
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name
