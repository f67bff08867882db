"""Reading one draft from a file or standard input, with clear errors for bad input.

Decoding is strict UTF-8 (a byte-order mark is allowed): invalid bytes are an input error with
the byte offset and line, not silent replacement, so a check never judges mangled text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from voicecheck.model import VoicecheckError

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


def read_text(path: str) -> str:
    """Text of the file at `path` ("-" for standard input)."""
    if path == "-":
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        source = "<stdin>"
    else:
        source = path
        p = Path(path)
        if p.is_dir():
            raise VoicecheckError("is a directory (use `voicecheck lint` for folders)",
                                  path=source, code="E203")
        try:
            if p.stat().st_size > MAX_INPUT_BYTES:
                raise VoicecheckError(f"larger than {MAX_INPUT_BYTES:,} bytes", path=source,
                                      code="E201")
            raw = p.read_bytes()
        except FileNotFoundError:
            raise VoicecheckError("no such file", path=source, code="E203") from None
        except PermissionError:
            raise VoicecheckError("permission denied", path=source, code="E203") from None
        except OSError as exc:
            raise VoicecheckError(f"cannot read: {exc.strerror}", path=source,
                                  code="E203") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise VoicecheckError(f"larger than {MAX_INPUT_BYTES:,} bytes", path=source, code="E201")
    text = decode(raw, source)
    if not text.strip():
        raise VoicecheckError("empty reply: nothing to check", path=source, code="E204")
    return text
