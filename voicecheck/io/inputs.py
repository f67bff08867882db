"""Reading one draft from a file or standard input, with clear errors for bad input.

Decoding is strict UTF-8 (a byte-order mark is allowed): invalid bytes are an input error with
the byte offset and line, not silent replacement, so a check never judges mangled text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from voicecheck.model import VoicecheckError
from voicecheck.paths import TooLarge, read_limited
from voicecheck.text.blank import is_blank

MAX_INPUT_BYTES = 4_000_000


def decode(raw: bytes, source: str) -> str:
    """UTF-8 text of `raw`, or a VoicecheckError naming `source` and the line.

    >>> decode(b"hi\\n", "x.txt")
    'hi\\n'
    """
    if b"\x00" in raw[:8192] or b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise VoicecheckError("contains NUL bytes; is this a binary file?", path=source,
                              line=line, code="E202")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise VoicecheckError(f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8",
                              path=source, line=line, code="E202") from None


def read_bytes(p: Path, limit: int, *, unreadable: str, too_large: str,
               directory: str = "is a directory", source: str | None = None) -> bytes:
    """The bytes of a file, or a VoicecheckError naming `source` (the path as the user gave
    it) with code `unreadable` (missing, a folder, no permission) or `too_large` (over `limit`
    bytes)."""
    source = str(p) if source is None else source
    try:
        if p.is_dir():
            raise VoicecheckError(directory, path=source, code=unreadable)
        return read_limited(p, limit)
    except TooLarge:
        raise VoicecheckError(f"larger than {limit:,} bytes", path=source,
                              code=too_large) from None
    except FileNotFoundError:
        raise VoicecheckError("no such file", path=source, code=unreadable) from None
    except PermissionError:
        raise VoicecheckError("permission denied", path=source, code=unreadable) from None
    except OSError as exc:
        raise VoicecheckError(f"cannot read: {exc.strerror}", path=source,
                              code=unreadable) from None


def read_text(path: str) -> str:
    """Text of the file at `path` ("-" for standard input)."""
    if path == "-":
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        source = "<stdin>"
    else:
        source = path
        raw = read_bytes(Path(path), MAX_INPUT_BYTES, unreadable="E203", too_large="E201",
                         directory="is a directory (use `voicecheck lint` for folders)",
                         source=source)
    if len(raw) > MAX_INPUT_BYTES:
        raise VoicecheckError(f"larger than {MAX_INPUT_BYTES:,} bytes", path=source, code="E201")
    text = decode(raw, source)
    if is_blank(text):  # zero-width characters and the like are nothing to check either
        raise VoicecheckError("empty reply: nothing to check", path=source, code="E204")
    return text
