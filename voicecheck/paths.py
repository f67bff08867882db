"""Where the shipped data lives: inside the wheel (voicecheck/_data/) or in a source checkout."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
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


def cache_dir() -> Path | None:
    """A writable folder for derived data (parsed rule packs, tokenised phrases), or None.

    `VOICECHECK_CACHE_DIR` overrides; an empty value turns caching off. Entries are keyed by
    a hash of what they were derived from, so a stale entry is never used.
    """
    configured = os.environ.get("VOICECHECK_CACHE_DIR")
    if configured == "":
        return None
    if configured:
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "voicecheck"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


class TooLarge(Exception):
    """A file over the size its reader allows (`read_limited`)."""


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the file at `path`, or TooLarge past `limit` bytes. `stat` says 0 bytes
    for a device or a pipe, so the read itself is bounded too (never more than `limit` + 1
    bytes), and devices and sockets (`/dev/zero`, `/dev/urandom`, a terminal) are refused as
    OSError: no file a user means to check is one."""
    info = os.stat(path)
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        raise OSError(errno.EINVAL, "not a regular file (a device or socket)")
    if info.st_size > limit:
        raise TooLarge
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # a pipe, whose size stat() cannot tell
        raise TooLarge
    return data


def replace_file(path: Path, data: bytes, mode: int | None = None, prefix: str = ".tmp-",
                 suffix: str = "", durable: bool = False) -> None:
    """Put `data` at `path` through a temporary file in the same folder and a rename, so a
    reader never sees half a file and a failed write leaves the old one. `mode` sets the new
    file's permissions (mkstemp makes 0600); `durable` flushes it to disk before the rename.
    Raises OSError after removing the temporary file."""
    handle, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".",
                                   prefix=prefix, suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def umask_mode() -> int:
    """The permissions a new file gets from the process's umask (as `open` would give)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    """Write a cache entry atomically; errors are ignored (a cache that cannot be written is
    just not written, and text that cannot be encoded, a lone surrogate, is not cached)."""
    try:
        replace_file(path, text.encode("utf-8"))
    except (OSError, UnicodeEncodeError):
        pass