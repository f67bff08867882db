"""`voicecheck train` and `eval` on the labelled files real exports contain: a `lang` column
written `ID` or `id-ID` (read as `id`) or holding an unknown code (one line naming file and
line, while reading); a label with too few rows (one `warning:` line, no Python warnings);
whole-number labels written as floats (`1.0`, what pandas writes beside a missing value)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from voicecheck.io.labelled import read_labelled
from voicecheck.model import VoicecheckError
from voicecheck.tone.train import label_warning, split_of

MODEL = str(ROOT / "models" / "tone")
PYTHON_WARNING = (b"Warning:", b"warnings.warn", b".py:")


def _authored(n: int | None = None, **where: object) -> list[dict]:
    rows = [json.loads(line) for line in (ROOT / "training" / "authored" / "en.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if "\n" not in r["reply"]  # one line each: known line numbers
            and all(r[k] == v for k, v in where.items())]
    return rows[:n]


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _one_line(stderr: bytes) -> str:
    assert b"Traceback" not in stderr and stderr.count(b"\n") == 1, stderr.decode()
    return stderr.decode().strip()


def _no_python_warnings(stderr: bytes) -> None:
    for mark in PYTHON_WARNING:
        assert mark not in stderr, stderr.decode()


# 1. languages ------------------------------------------------------------------------------

def test_unknown_language_is_refused_while_reading_naming_file_and_line(tmp_path):
    rows = _authored(40)
    table = [["Hello,\n\nthanks for writing.\nPriya", 0, "en"]]  # a reply of three lines
    table += [[r["reply"], r["hostility"], "en"] for r in rows]
    table[6][2] = "xx"  # the 7th data row: the first is lines 2-5, so its line is 11
    _csv(tmp_path / "data.csv", ["reply", "hostility", "lang"], table)
    result = run_cli("eval", "--model", MODEL, "--data", "data.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert _one_line(result.stderr) == ("voicecheck: E103 data.csv:11: unsupported language "
                                        "'xx' (supported: en, id, ms, fa)")  # no progress line

    (tmp_path / "data.jsonl").write_text("\n".join(
        json.dumps({"reply": r["reply"], "brand_voice": r["verdict"] == "send",
                    "lang": "xx" if i == 4 else "en"}) for i, r in enumerate(rows)) + "\n",
        encoding="utf-8")
    result = run_cli("train", "--head", "brand_voice", "--data", "data.jsonl", "--out", "m",
                     cwd=tmp_path)
    assert result.returncode == 2
    assert _one_line(result.stderr) == ("voicecheck: E103 data.jsonl:5: unsupported language "
                                        "'xx' (supported: en, id, ms, fa)")
    assert not (tmp_path / "m").exists()

    # --lang says every row's language: the column is not read, so the first error is a
    # label further down
    table[20][1] = "maybe"  # line 25
    _csv(tmp_path / "data.csv", ["reply", "hostility", "lang"], table)
    result = run_cli("eval", "--model", MODEL, "--data", "data.csv", "--lang", "en",
                     cwd=tmp_path)
    assert result.returncode == 2
    assert _one_line(result.stderr).startswith("voicecheck: E211 data.csv:25: unknown label "
                                               "'maybe'")


def test_language_case_and_region_are_read_as_the_language(tmp_path):
    spellings = ["EN", "en-GB", "en_US", " En ", "en-us", "en"]
    rows = _authored(40)
    path = _csv(tmp_path / "data.csv", ["reply", "hostility", "lang"],
                [[r["reply"], r["hostility"], spellings[i % len(spellings)]]
                 for i, r in enumerate(rows)])
    assert {r.lang for r in read_labelled(path, "hostility")} == {"en"}


# 2. too few rows of a label ----------------------------------------------------------------

def test_train_with_too_few_rows_of_a_label_warns_in_one_line(tmp_path):
    """3 rejected replies where the fit sees them and 1 held out: the model is written (exit
    0), with one warning line and none of scikit-learn's or scipy's warnings."""
    approved = [r["reply"] for r in _authored(60, verdict="send")]
    held, fitted = [], []
    for r in _authored(verdict="block"):
        part = split_of(r["reply"], "13")  # the split `train --seed 13` makes
        (held if part == "test" else fitted if part == "train" else []).append(r["reply"])
    rejected = held[:1] + fitted[:3]
    path = _csv(tmp_path / "data.csv", ["reply", "brand_voice"],
                [[t, "approved"] for t in approved] + [[t, "rejected"] for t in rejected])
    result = run_cli("train", "--head", "brand_voice", "--data", str(path), "--out",
                     str(tmp_path / "m"), timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "m" / "manifest.json").exists()
    _no_python_warnings(result.stderr)
    lines = [line for line in result.stderr.decode().splitlines()
             if line.startswith("warning: brand_voice:")]
    assert len(lines) == 1, result.stderr.decode()
    assert lines[0].startswith("warning: brand_voice: fewer than 5 rows of a label in "
                               "training (3 with label 0), held-out (1 with label 0)")


def test_eval_warns_when_a_language_has_too_few_rows_of_a_label():
    """2 hostile replies among 38: the line `eval` prints after its table (a CLI run of eval
    costs 13 s of bootstrap intervals, so the line is checked here; `train`'s run above goes
    through the same silencing of Python warnings)."""
    assert label_warning("hostility", (0, 1), {"all": [0] * 36 + [1] * 2,
                                               "en": [0] * 36 + [1] * 2}) == (
        "warning: hostility: fewer than 5 rows of a label in all (2 with label 1), "
        "en (2 with label 1): ROC-AUC, accuracy and macro-F1 there mean little; "
        "add rows of that label")
    # 5 of each is enough; an ordinal head's figures split its scale in halves
    assert label_warning("hostility", (0, 1), {"all": [0] * 5 + [1] * 5}) is None
    assert label_warning("formality", (1, 2, 3, 4, 5),
                         {"all": [1, 2, 4, 5] * 2 + [3] * 30}) == (
        "warning: formality: fewer than 5 rows of a label in all (4 with labels 1\u20132, "
        "4 with labels 4\u20135): ROC-AUC, accuracy and macro-F1 there mean little; add rows "
        "of that label")


# 3. labels written as floats ---------------------------------------------------------------

def test_whole_number_labels_written_as_floats_are_accepted_for_every_head(tmp_path):
    rows = _authored(40)
    jsonl = tmp_path / "bv.jsonl"
    jsonl.write_text("\n".join(json.dumps({"reply": r["reply"], "lang": "en",
                                           "brand_voice": 1.0 if r["verdict"] == "send"
                                           else 0.0}) for r in rows) + "\n", encoding="utf-8")
    assert [r.label for r in read_labelled(jsonl, "brand_voice")] == [
        int(r["verdict"] == "send") for r in rows]
    table = _csv(tmp_path / "all.csv", ["reply", "brand_voice", "formality", "hostility"],
                 [[r["reply"], f"{int(r['verdict'] == 'send')}.0", f"{r['formality']}.0",
                   f"{r['hostility']}.0"] for r in rows])
    for head in ("brand_voice", "formality", "hostility"):
        expected = [int(r["verdict"] == "send") if head == "brand_voice" else r[head]
                    for r in rows]
        assert [r.label for r in read_labelled(table, head)] == expected


BAD_LABELS = [("brand_voice", "2.5"), ("brand_voice", "0.5"), ("brand_voice", "2.0"),
              ("brand_voice", "nan"), ("hostility", "2.5"), ("formality", "4.5"),
              ("formality", "inf"), ("formality", "-inf"), ("formality", "1e400")]


def _table(tmp_path: Path, head: str, label: str) -> Path:
    table = [[r["reply"], r["formality"] if head == "formality" else r["hostility"]]
             for r in _authored(40)]
    table[8][1] = label  # line 10
    return _csv(tmp_path / "data.csv", ["reply", head], table)


def test_labels_that_are_not_a_level_are_one_line_naming_file_and_line(tmp_path):
    """`2.5` on an integer scale stays an error, for every head; `inf` and `1e400` on a
    built-in scale were an OverflowError traceback."""
    for head, bad in BAD_LABELS:
        with pytest.raises(VoicecheckError) as caught:
            read_labelled(_table(tmp_path, head, bad), head)
        assert str(caught.value).startswith(
            f"E211 {tmp_path / 'data.csv'}:10: unknown label '{bad}' for head '{head}'")
        assert read_labelled(_table(tmp_path, head, "1.0"), head)[8].label == 1
    for head, bad in [("formality", "inf")]:  # and once through the CLI
        _table(tmp_path, head, bad)
        result = run_cli("train", "--head", head, "--data", "data.csv", "--out", "m",
                         cwd=tmp_path)
        assert result.returncode == 2
        assert _one_line(result.stderr).startswith(
            f"voicecheck: E211 data.csv:10: unknown label '{bad}' for head '{head}'")
        assert not (tmp_path / "m").exists()
