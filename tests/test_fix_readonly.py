"""`check --fix` refuses a read-only file (E246) by its mode bits as well as by os.access, so
root in a CI container (for whom os.access says yes) leaves it untouched too; fixes that would
leave only invisible characters keep the words."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_cli
from voicecheck.engine import Checker
from voicecheck.model import Finding, Report, Suggestion, VoicecheckError
from voicecheck.rewrite.fix import fix_file, fix_text

_CHECKER = Checker(model=False)


def _check(text: str) -> Report:
    return _CHECKER.check(text, lang="en")


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555, 0o000])
def test_fix_refuses_a_file_without_write_bits_whoever_runs_it(tmp_path, mode):
    path = tmp_path / "reply.txt"
    path.write_text("Pls utilize the new app.", encoding="utf-8")
    os.chmod(path, mode)
    try:
        with pytest.raises(VoicecheckError) as caught:
            fix_file(str(path), _check)
        assert caught.value.code == "E246"
        result = run_cli("check", "--lang", "en", "--fix", str(path))
        assert result.returncode == 2, result.stderr
        assert result.stderr.decode().strip() == (f"voicecheck: E246 {path}: is read-only; "
                                                  "--fix cannot write it (nothing changed)")
        os.chmod(path, 0o644)
        assert path.read_text(encoding="utf-8") == "Pls utilize the new app."
    finally:
        os.chmod(path, 0o644)


def test_fix_refuses_as_root_would_see_it(tmp_path, monkeypatch):
    """os.access says yes to everything, as it does for root: the mode bits still say no."""
    path = tmp_path / "reply.txt"
    path.write_text("Pls utilize the new app.", encoding="utf-8")
    os.chmod(path, 0o444)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: True)
    try:
        with pytest.raises(VoicecheckError) as caught:
            fix_file(str(path), _check)
        assert caught.value.code == "E246"
    finally:
        os.chmod(path, 0o644)
    assert path.read_text(encoding="utf-8") == "Pls utilize the new app."


def test_fix_refuses_a_file_in_a_read_only_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "reply.txt"
    path.write_text("Pls utilize the new app.", encoding="utf-8")
    os.chmod(folder, 0o555)
    try:
        with pytest.raises(VoicecheckError) as caught:
            fix_file(str(path), _check)
        assert caught.value.code == "E246"
        assert not [p for p in folder.iterdir() if p.name != "reply.txt"]
    finally:
        os.chmod(folder, 0o755)
    assert path.read_text(encoding="utf-8") == "Pls utilize the new app."


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o200, 0o620])
def test_fix_still_writes_a_file_someone_may_write(tmp_path, mode):
    path = tmp_path / "reply.txt"
    path.write_text("Pls utilize the new app.", encoding="utf-8")
    os.chmod(path, mode)
    if not os.access(path, os.R_OK | os.W_OK):
        pytest.skip("this user cannot read and write the file")
    done = fix_file(str(path), _check)
    assert done.written
    assert os.stat(path).st_mode & 0o777 == mode
    os.chmod(path, 0o644)
    assert path.read_text(encoding="utf-8") == "Please use the new app."


def test_fixes_that_would_leave_only_invisible_characters_keep_the_words():
    text = "\u200bBasically\u200b"

    def check(t: str) -> Report:
        if t != text:
            return _check(t)  # raises E204 for "\u200b\u200b"
        finding = Finding("VC119", "filler", "info", "m", 1, 10, 1, 2, "Basically",
                          (Suggestion("", 1, 10, False),))
        return Report(None, "en", "pass", 98, {}, (finding,), t)

    result = fix_text(text, check, unsafe=True)
    assert result.text == text and result.stable and result.applied == 0
