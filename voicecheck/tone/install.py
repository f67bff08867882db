"""Where `voicecheck train --out` writes a model, and how it is swapped in.

A model is written into a new folder beside `--out` and renamed into place only when training
succeeded, so a failed or interrupted run leaves the old model (or nothing) where it was. An
existing `--out` is replaced only when it is empty or a voicecheck model directory holding
nothing but a model's files; the current folder or one above it, the folder of the training
data, a file and a place that cannot be written are refused (E214) before training starts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from voicecheck.model import VoicecheckError, shorten
from voicecheck.tone.model import FORMAT

# what `save_model` writes: a folder holding only these (and a manifest of ours) may be replaced
MODEL_FILES = frozenset({"manifest.json", "vocab.json", "weights.npz", "vectors.json",
                         "vectors.npz"})


def _out_error(shown: str, message: str) -> VoicecheckError:
    return VoicecheckError(message, path=shown, code="E214")


def _refuse_replacing(target: Path, shown: str, data_path: str) -> None:
    """Refuse (E214) an `--out` that training must not replace: the current folder or one
    above it, a folder holding the training data, anything but a directory, and a directory
    that is not a voicecheck model (or holds files of its own beside one). An empty directory
    may be replaced."""
    try:
        here = Path.cwd().resolve()
    except OSError:  # the current folder was deleted: nothing there to protect
        here = None
    if here is not None and here.is_relative_to(target):
        raise _out_error(shown, "is the current folder or a folder above it; choose another --out")
    if Path(data_path).resolve().is_relative_to(target):
        raise _out_error(shown, "holds the training data; choose another --out")
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise _out_error(shown, "exists and is not a directory; choose another --out")
    try:
        entries = sorted(entry.name for entry in target.iterdir())
        if not entries:
            return
        manifest = target / "manifest.json"
        is_model = (manifest.is_file() and manifest.stat().st_size < 1_000_000
                    and _manifest_format(manifest) == FORMAT)
    except OSError as exc:
        raise _out_error(shown, f"cannot read: {exc.strerror}") from None
    if not is_model:
        raise _out_error(shown, "exists and is not a voicecheck model directory; choose "
                                "another --out")
    others = [name for name in entries if name not in MODEL_FILES]
    if others:
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        raise _out_error(shown, f"is a voicecheck model directory that also holds "
                                f"{shorten(others[0])!r}{more}; move "
                                f"{'them' if more else 'it'} or choose another --out")


def _manifest_format(manifest: Path) -> Any:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return data.get("format") if isinstance(data, dict) else None


def model_target(out_dir: str, data_path: str) -> Path:
    """The folder `train --out` will write (symlinks followed), checked before training: it
    may be replaced, and the nearest folder that exists above it can be written to."""
    import tempfile

    target = Path(out_dir).resolve()
    _refuse_replacing(target, out_dir, data_path)
    existing = next(p for p in target.parents if os.path.lexists(p))
    if not existing.is_dir():
        raise _out_error(out_dir, f"{existing} is not a directory; choose another --out")
    try:  # a probe, so that a folder we cannot write is refused before training, not after
        os.rmdir(tempfile.mkdtemp(prefix=".voicecheck-probe-", dir=existing))
    except OSError as exc:
        raise _out_error(out_dir, f"cannot write in {existing}: {exc.strerror}; choose "
                                  "another --out") from None
    return target


def install_model(target: Path, shown: str, data_path: str, write: Any) -> None:
    """Write a model with `write(folder)` into a new folder beside `target`, then swap it in
    with renames: a failed or interrupted run leaves the old model (or nothing) in place, and
    only a folder `_refuse_replacing` allows is replaced."""
    import contextlib
    import shutil
    import tempfile

    from voicecheck.paths import umask_mode

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    except OSError as exc:
        raise _out_error(shown, f"cannot write: {exc.strerror}") from None
    backup, swapped = None, False
    try:
        mode = umask_mode()
        os.chmod(staging, mode | (mode & 0o444) >> 2)  # mkdtemp makes 0700
        write(staging)
        _refuse_replacing(target, shown, data_path)  # again: training took a while
        if os.path.lexists(target):
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.rename(target, backup / "model")
            try:
                os.rename(staging, target)
            except OSError:
                os.rename(backup / "model", target)
                raise
        else:
            os.rename(staging, target)
        swapped = True
    except OSError as exc:
        raise _out_error(shown, f"cannot write: {exc.strerror}; nothing replaced") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # left over only when something failed
        if backup is not None:
            if swapped:
                shutil.rmtree(backup, ignore_errors=True)
            else:  # the old model is back in place; if it could not be put back, it stays here
                with contextlib.suppress(OSError):
                    os.rmdir(backup)
