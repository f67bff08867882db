"""The guides a server serves: the built-in presets plus every `*.yaml` in a folder, each with a
warm Checker, reloaded when a file changes (a bad file keeps the last good version)."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecheck.engine import Checker
from voicecheck.guide import load_guide
from voicecheck.guide.guide import PRESETS
from voicecheck.guide.schema import CHANNELS
from voicecheck.model import VoicecheckError
from voicecheck.paths import data_dir

log = logging.getLogger("voicecheck.server")

# an editor or `cp` may still be writing a file changed this recently
SETTLE_SECONDS = 0.2


@dataclass(slots=True)
class GuideEntry:
    """One served guide: the checker of its last good version and its last load error."""

    name: str
    source: str
    checker: Checker | None = None
    error: str | None = None
    loaded_at: float | None = None
    stamp: tuple[int, int] | None = None  # (mtime_ns, size) of the file last loaded

    def describe(self) -> dict[str, Any]:
        guide = self.checker.guide if self.checker else None
        channels = sorted(set(CHANNELS) | set(guide.channels)) if guide else list(CHANNELS)
        return {"name": self.name, "source": self.source,
                "status": "ok" if self.error is None else ("stale" if guide else "error"),
                "error": self.error,
                "loaded_at": _iso(self.loaded_at),
                "brand": guide.brand if guide else None,
                "languages": list(guide.languages) if guide else [],
                "formality": guide.formality if guide else None,
                "channels": channels}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _iso(ts: float | None) -> str | None:
    return None if ts is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@dataclass
class GuideSet:
    """Presets plus the `*.yaml` guides of `folder` (named by file stem; a file may shadow a
    preset). Thread-safe: `get()` is a dict read; `refresh()` swaps entries in whole."""

    folder: Path | None = None
    poll_seconds: float = 1.0
    entries: dict[str, GuideEntry] = field(default_factory=dict)
    _last_poll: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.folder is not None:
            self.folder = Path(self.folder)
            if not self.folder.is_dir():
                raise VoicecheckError("guides folder not found", path=str(self.folder),
                                      code="E259")
        for name in PRESETS:
            self.entries[name] = self._load(GuideEntry(name, f"preset:{name}"), name)
        self.refresh(force=True)

    def names(self) -> list[str]:
        return sorted(self.entries)

    def get(self, name: str) -> GuideEntry | None:
        return self.entries.get(name)

    def _files(self) -> dict[str, tuple[Path, tuple[int, int] | None]]:
        found: dict[str, tuple[Path, tuple[int, int] | None]] = {}
        if self.folder is None:
            return found
        try:
            scan = list(os.scandir(self.folder))
        except OSError as exc:
            log.error("cannot list guides folder", extra={"fields": {"error": str(exc)}})
            return found
        for item in scan:
            if item.name.endswith(".yaml") and not item.name.startswith("."):
                found[item.name[:-5]] = (Path(item.path), _stamp(Path(item.path)))
        return found

    def claim_poll(self) -> bool:
        """True (once) when the folder has not been looked at for `poll_seconds`: the caller
        then runs `refresh()`. Cheap enough to ask on every request."""
        now = time.monotonic()
        if self.folder is None or now - self._last_poll < self.poll_seconds:
            return False
        self._last_poll = now
        return True

    def refresh(self, force: bool = False) -> list[str]:
        """Reload what changed in the folder; returns the names reloaded (or failed).

        When any file changes every folder guide is re-read (one may `extends:` another), but a
        checker is only rebuilt when its merged guide really differs."""
        if self.folder is None or not self._lock.acquire(blocking=False):
            return []
        try:
            self._last_poll = time.monotonic()
            files = self._files()
            current = {n: e for n, e in self.entries.items() if not e.source.startswith("preset:")}
            changed = force or set(files) != set(current) or any(
                current[n].stamp != stamp for n, (_, stamp) in files.items())
            if not changed:
                return []
            settle = time.time_ns() - int(SETTLE_SECONDS * 1e9)
            if not force and any(stamp and stamp[0] > settle for _, stamp in files.values()):
                self._last_poll -= self.poll_seconds / 2  # look again soon
                return []  # a file is being written: read it once the writer is done
            entries = {n: e for n, e in self.entries.items()
                       if e.source.startswith("preset:") and n not in files}
            touched = []
            for name, (path, stamp) in sorted(files.items()):
                old = current.get(name) or self.entries.get(name)
                if old is not None and old.source != str(path):
                    old = None  # a preset shadowed by a file
                entry = GuideEntry(name, str(path), old.checker if old else None,
                                   old.error if old else None, old.loaded_at if old else None,
                                   stamp)
                before = (entry.checker, entry.error)
                entries[name] = self._load(entry, path)
                if _stamp(path) != stamp:  # written while we read it: read it at a later look
                    entries[name] = old or GuideEntry(name, str(path))
                    continue
                if (entries[name].checker, entries[name].error) != before:
                    touched.append(name)
            for name in PRESETS:  # a removed file that shadowed a preset gives the preset back
                if name not in entries:
                    entries[name] = self._load(GuideEntry(name, f"preset:{name}"), name)
            removed = sorted(set(current) - set(files))
            for name in removed:
                log.info("guide removed", extra={"fields": {"guide": name}})
            self.entries = entries
            return touched + removed
        finally:
            self._lock.release()

    def _load(self, entry: GuideEntry, source: str | Path) -> GuideEntry:
        if isinstance(source, Path) and self._outside(source):
            # never opened: a symlink out of the folder (to /etc/shadow, say) would otherwise
            # have its lines quoted back in "unknown key" errors
            return self._failed(entry, f"E253 {source}: not loaded: the file's real path is "
                                "outside the guides folder")
        try:
            if isinstance(source, Path) and source.stat().st_size == 0:
                raise VoicecheckError("guide file is empty", path=str(source), code="E253")
            guide = load_guide(source)
            if entry.checker is not None and entry.checker.guide == guide:
                entry.error = None
                return entry
            checker = Checker(guide)
            checker.warm()
        except (VoicecheckError, OSError) as exc:
            return self._failed(entry, self._shown(exc))
        except Exception as exc:  # a guide must never take the server down
            log.exception("guide failed to load", extra={"fields": {"guide": entry.name}})
            # the message may hold text from any file the guide reached: the log has it
            entry.error = f"{type(exc).__name__} while loading the guide; see the server log"
            return entry
        entry.checker, entry.error, entry.loaded_at = checker, None, time.time()
        log.info("guide loaded", extra={"fields": {"guide": entry.name, "source": entry.source}})
        return entry

    def _failed(self, entry: GuideEntry, error: str) -> GuideEntry:
        entry.error = error
        log.error("guide failed to load; %s", "keeping the last good version"
                  if entry.checker else "not served",
                  extra={"fields": {"guide": entry.name, "error": error}})
        return entry

    def _outside(self, path: str | Path) -> bool:
        """True when the real path of `path` is neither in the served folder nor among
        voicecheck's own rule files (so the content of the file is not ours to show)."""
        try:
            real = Path(path).resolve()
            homes = [data_dir("rules").resolve()]
            if self.folder is not None:
                homes.append(self.folder.resolve())
        except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the name
            return True
        return not any(real.is_relative_to(home) for home in homes)

    def _shown(self, exc: VoicecheckError | OSError) -> str:
        """The error as `/v1/guides`, E253 and the log show it. A file outside the folder
        (one a guide `extends:`) is named, but its content is not quoted: error messages
        quote keys and values, and that file may be anything the server can read."""
        path = getattr(exc, "path", None) or getattr(exc, "filename", None)
        if path is None or not self._outside(str(path)):
            return str(exc)
        if isinstance(exc, OSError):
            return f"E105 {path}: cannot be read ({exc.strerror or type(exc).__name__})"
        return (f"{exc.code or 'E100'} {path}: not a valid guide (the file is outside the "
                "guides folder, so its content is not quoted)")
