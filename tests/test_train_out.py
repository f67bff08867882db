"""`voicecheck train --out DIR` never deletes what is not a model: the new model is written
beside DIR and swapped in only when training succeeded, and an existing DIR is replaced only
when it is empty or a voicecheck model directory; anything else is one line, E214, exit 2,
before any training, with nothing touched."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import run_cli
from voicecheck.cli import main
from voicecheck.tone.install import _refuse_replacing
from voicecheck.tone.install import install_model as _install_model
from voicecheck.tone.install import model_target as _model_target
from voicecheck.model import VoicecheckError


def _fake_model(folder: Path, tag: str = "old") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({"format": "voicecheck-tone", "tag": tag}),
                                          encoding="utf-8")
    (folder / "vocab.json").write_text("[]", encoding="utf-8")
    (folder / "weights.npz").write_bytes(b"x")
    return folder


def _data(folder: Path, rows: int = 60) -> Path:
    path = folder / "train.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reply", "brand_voice", "lang"])
        for i in range(rows):
            if i % 2:
                writer.writerow([f"Read the FAQ before writing to us. Ref {i}.", "rejected", "en"])
            else:
                writer.writerow([f"I'm sorry your parcel was late; I've sent a new one. Ref {i}.",
                                 "approved", "en"])
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
            for p in sorted(folder.rglob("*"))}


def _refused(tmp_path: Path, out: str, cwd: Path, data: Path, monkeypatch) -> str:
    """Run `train` in this process (a process each took 3 s) and return its one error line."""
    before = _tree(tmp_path)
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["train", "--head", "brand_voice", "--data", str(data),
                                       "--out", out])
    assert result.exit_code == 2, (result.output, result.exception)
    err = result.stderr
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert _tree(tmp_path) == before  # nothing deleted, nothing left behind
    return err.strip()


def test_out_refusals_are_one_line_before_training_and_touch_nothing(tmp_path, monkeypatch):
    work = tmp_path / "work"
    (work / "notes").mkdir(parents=True)
    (work / "notes" / "keep.txt").write_text("important", encoding="utf-8")
    data = _data(work)
    (work / "a-file").write_text("mine", encoding="utf-8")
    extra = _fake_model(work / "model-with-card")
    (extra / "CARD.md").write_text("my notes", encoding="utf-8")
    bogus = work / "bogus"
    bogus.mkdir()
    (bogus / "manifest.json").write_text('{"format": "something-else"}', encoding="utf-8")
    for out, message in [
        (".", "E214 .: is the current folder or a folder above it; choose another --out"),
        (str(tmp_path), "is the current folder or a folder above it"),
        ("/", "is the current folder or a folder above it"),
        ("notes", "E214 notes: exists and is not a voicecheck model directory; choose "
                  "another --out"),
        ("bogus", "E214 bogus: exists and is not a voicecheck model directory"),
        ("a-file", "E214 a-file: exists and is not a directory; choose another --out"),
        ("a-file/sub", "a-file is not a directory; choose another --out"),
        ("model-with-card", "E214 model-with-card: is a voicecheck model directory that also "
                            "holds 'CARD.md'; move it or choose another --out"),
        ("/proc/voicecheck-x", "E214 /proc/voicecheck-x: cannot write in /proc"),
    ]:
        err = _refused(tmp_path, out, work, data, monkeypatch)
        assert message in err, (out, err)
    # the training data's own folder, even when it is not the current one
    err = _refused(tmp_path, str(work), Path("/"), data, monkeypatch)
    assert err.endswith(f"E214 {work}: holds the training data; choose another --out")


@pytest.mark.parametrize("out", [".", "/proc/voicecheck-x"])
def test_out_refusal_in_a_real_process_is_one_line(tmp_path, out):
    data = _data(tmp_path)
    (tmp_path / "keep.txt").write_text("important", encoding="utf-8")
    before = _tree(tmp_path)
    result = run_cli("train", "--head", "brand_voice", "--data", str(data), "--out", out,
                     cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith(b"voicecheck: E214 ")
    assert result.stderr.count(b"\n") == 1 and b"Traceback" not in result.stderr
    assert _tree(tmp_path) == before


def test_refuse_replacing_allows_only_models_and_empty_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = str(_data(tmp_path))
    _refuse_replacing(tmp_path / "new", "new", data)  # does not exist yet
    (tmp_path / "empty").mkdir()
    _refuse_replacing(tmp_path / "empty", "empty", data)
    _refuse_replacing(_fake_model(tmp_path / "m"), "m", data)
    vectors = _fake_model(tmp_path / "mv")
    (vectors / "vectors.json").write_text("[]", encoding="utf-8")
    (vectors / "vectors.npz").write_bytes(b"x")
    _refuse_replacing(vectors, "mv", data)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text("{not json", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "m")
    assert _model_target(str(link), data) == (tmp_path / "m").resolve()
    for name in ("bad",):
        with pytest.raises(VoicecheckError) as caught:
            _refuse_replacing(tmp_path / name, name, data)
        assert caught.value.code == "E214"


def test_install_replaces_a_model_and_keeps_its_neighbours(tmp_path):
    old = _fake_model(tmp_path / "models" / "acme", "old")
    (tmp_path / "models" / "other.txt").write_text("keep", encoding="utf-8")
    data = str(_data(tmp_path))
    _install_model(old, "models/acme", data, lambda folder: _fake_model(folder, "new"))
    manifest = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tag"] == "new"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["acme", "other.txt"]
    assert os.stat(old).st_mode & 0o777 != 0o700  # not mkdtemp's private mode


def test_install_creates_missing_parents(tmp_path):
    target = tmp_path / "a" / "b" / "acme"
    _install_model(target, "acme", str(_data(tmp_path)), _fake_model)
    assert (target / "manifest.json").is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == ["acme"]


def test_a_failed_write_leaves_the_old_model_and_no_temporary_folder(tmp_path):
    old = _fake_model(tmp_path / "acme", "old")
    before = _tree(tmp_path)

    def broken(folder: Path) -> None:
        _fake_model(folder, "new")
        raise OSError(28, "No space left on device")

    with pytest.raises(VoicecheckError) as caught:
        _install_model(old, "acme", str(tmp_path / "train.csv"), broken)
    assert str(caught.value) == "E214 acme: cannot write: No space left on device; nothing " \
                                "replaced"
    assert _tree(tmp_path) == before


def test_a_folder_that_became_something_else_during_training_is_not_replaced(tmp_path):
    target = tmp_path / "acme"

    def meanwhile(folder: Path) -> None:
        _fake_model(folder, "new")
        target.mkdir()
        (target / "notes.txt").write_text("arrived while training", encoding="utf-8")

    with pytest.raises(VoicecheckError) as caught:
        _install_model(target, "acme", str(tmp_path / "train.csv"), meanwhile)
    assert caught.value.code == "E214"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "arrived while training"


def test_train_replaces_its_own_model_and_nothing_else(tmp_path):
    """End to end: a model directory at --out is replaced in place, its neighbours kept; bad
    data afterwards (refused after the --out checks) leaves the new model as it was."""
    data = _data(tmp_path)
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    _fake_model(tmp_path / "models" / "acme", "old")
    result = run_cli("train", "--head", "brand_voice", "--data", str(data), "--out",
                     "models/acme", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    model = tmp_path / "models" / "acme"
    from voicecheck.tone.model import ToneModel

    assert "brand_voice" in ToneModel.load(model).heads
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["acme"]
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"
    before = _tree(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("reply,brand_voice\nhi,approved\n", encoding="utf-8")
    result = run_cli("train", "--head", "brand_voice", "--data", str(bad), "--out",
                     "models/acme", cwd=tmp_path)
    assert result.returncode == 2 and b"E212" in result.stderr
    bad.unlink()
    assert _tree(tmp_path) == before
