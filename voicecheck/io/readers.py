"""Readers for canned-response libraries: every reply of a file, with its id, title, language
and suppression comments, and a map from each character of its checked text back to the file.

Formats: plain text (one reply per file), Markdown (one per heading section), YAML, JSON and
CSV (one per record; which fields hold what is configurable), and the API exports of Zendesk
macros, Freshdesk canned responses, Help Scout saved replies and Front message templates
(HTML bodies read as text). See docs/library-formats.md.

>>> lib = read_library("examples/library/replies.md")
>>> reply = lib.replies[0]
>>> lib.position(reply.source_offset(0))[0] > 1
True
"""

from __future__ import annotations

import codecs
import gc
from pathlib import Path

from voicecheck.io.formats import helpdesk
from voicecheck.io.formats.jsonpos import parse_json
from voicecheck.io.formats.library import (
    Fields,
    Reply,
    SourceFile,
    Suppression,
    normalise_lang,
    slug,
)
from voicecheck.io.formats.records import HELPDESKS, IGNORE_FIELD, LibraryReader
from voicecheck.io.inputs import decode, read_bytes
from voicecheck.model import VoicecheckError

__all__ = ["FORMATS", "Fields", "Reply", "SourceFile", "Suppression", "detect_format",
           "normalise_lang", "read_library", "slug", "HELPDESKS", "IGNORE_FIELD"]

FORMATS: tuple[str, ...] = ("txt", "md", "yaml", "json", "csv",
                            "zendesk", "freshdesk", "helpscout", "front")
MAX_FILE_BYTES = 1_000_000_000
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".yaml": "yaml",
               ".yml": "yaml", ".json": "json", ".csv": "csv", ".tsv": "csv"}


def detect_format(path: str | Path, head: str | None = None) -> str:
    """The format of a library file: by extension, and for .json by the shape of its start.

    >>> detect_format("macros.json", '{"macros": [{"id": 1, "title": "x", "actions": []}]}')
    'zendesk'
    >>> detect_format("replies.yml")
    'yaml'
    """
    p = Path(path)
    fmt = _EXTENSIONS.get(p.suffix.lower())
    if fmt is None:
        raise VoicecheckError(f"unknown library format '{p.suffix or p.name}' (use "
                              f"--input-format: {', '.join(FORMATS)})", path=str(path),
                              code="E238")
    if fmt != "json":
        return fmt
    if head is None:
        try:
            with open(p, "rb") as fh:
                head = _decode(fh.read(65536), str(path), partial=True)
        except OSError:
            return "json"
    return helpdesk.guess_from_head(head)


def read_library(path: str | Path, fmt: str | None = None,
                 fields: Fields | None = None) -> SourceFile:
    """Read every reply of one library file.

    >>> lib = read_library("examples/library/helpdesk/zendesk-macros.json")
    >>> lib.format, lib.replies[0].title is not None
    ('zendesk', True)
    """
    source = str(path)
    if fmt is not None and fmt not in FORMATS:
        raise VoicecheckError(f"unknown input format '{fmt}' (known: {', '.join(FORMATS)})",
                              path=source, code="E238")
    src = _read(Path(path), source)
    detected = fmt or detect_format(path, src[:65536])
    reader = LibraryReader(source, src, fields or Fields())
    collecting = gc.isenabled()
    gc.disable()  # many small objects, no cycles: the collector would only rescan them
    try:
        _read_into(reader, path, fmt, detected, src)
    finally:
        if collecting:
            gc.enable()
    return SourceFile(source, reader.format, src, reader.replies)


def _read_into(reader: LibraryReader, path: str | Path, fmt: str | None, detected: str,
               src: str) -> None:
    if detected in ("txt", "md"):
        reader.read_text(detected)
    elif detected == "csv":
        reader.read_csv(Path(path).suffix.lower() == ".tsv")
    elif detected == "yaml":
        reader.read_yaml()
    else:
        data = parse_json(src, reader.path, fast=True)
        if fmt is None:
            detected = helpdesk.shape_of(data)
        reader.read_json(data, detected)
    reader.format = detected


# --- reading and decoding -------------------------------------------------------------------

def _read(p: Path, source: str) -> str:
    raw = read_bytes(p, MAX_FILE_BYTES, unreadable="E230", too_large="E236", source=source)
    return _decode(raw, source)


def _decode(raw: bytes, source: str, partial: bool = False) -> str:
    """UTF-8 (a BOM is dropped) or UTF-16/32 with a BOM; anything else is a clear error."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(codec, errors="ignore" if partial else "strict")
            except UnicodeDecodeError as exc:
                raise VoicecheckError(f"not valid {codec.upper()} (byte {exc.start}); save the "
                                      "file as UTF-8", path=source, code="E235") from None
    if partial:
        return raw.decode("utf-8-sig", errors="ignore")
    return decode(raw, source)
