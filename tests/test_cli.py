"""The `voicecheck` command: exit codes, output formats, bad input, and start-up cost."""

from __future__ import annotations

import json
import sys
import subprocess

import pytest

from tests.conftest import ROOT, run_cli

DRAFT = b"We apologize for any inconvenience. As per our policy you should have contacted us earlier."


def test_check_text_output_points_at_the_words():
    result = run_cli("check", "--lang", "en", "-", stdin=DRAFT)
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "-:1:1: VC110 [warning]" in out
    assert "-:1:55: VC113 [error]" in out
    assert "^^^^^^^^^^^^^^^" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_check_json_contract():
    result = run_cli("check", "--lang", "en", "--format", "json", "-", stdin=DRAFT)
    report = json.loads(result.stdout)
    assert set(report) >= {"version", "path", "language", "verdict", "score", "scores", "findings"}
    assert report["version"] == 1 and report["language"] == "en" and report["verdict"] == "fail"
    text = DRAFT.decode()
    for f in report["findings"]:
        assert set(f) == {"code", "rule", "severity", "message", "start", "end", "line", "column",
                          "text", "suggestions"}
        assert text[f["start"]:f["end"]] == f["text"]
        for s in f["suggestions"]:
            assert set(s) == {"text", "start", "end", "safe"}
    # the rule layer's findings, in order; the tone model may add a 2xx finding (this draft is
    # blame: "you should have contacted us earlier"), which depends on the shipped model
    codes = [f["code"] for f in report["findings"]]
    assert [c for c in codes if not c.startswith("VC2")] == ["VC110", "VC112", "VC113"]
    assert set(codes) - {"VC110", "VC112", "VC113"} <= {"VC203", "VC206"}


def test_several_files_give_a_json_list(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_bytes(DRAFT)
    b.write_text("Thanks Sam, your parcel arrives tomorrow before noon.", encoding="utf-8")
    result = run_cli("check", "--lang", "en", "--format", "json", str(a), str(b))
    reports = json.loads(result.stdout)
    assert [r["path"] for r in reports] == [str(a), str(b)]
    assert reports[1]["verdict"] == "pass"


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("never", 0), ("info", 1)])
def test_fail_on(fail_on, code):
    assert run_cli("check", "--lang", "en", "--fail-on", fail_on, "-", stdin=DRAFT).returncode == code


def test_clean_reply_exits_zero():
    result = run_cli("check", "--lang", "en", "-",
                     stdin=b"Thanks Sam, your parcel arrives tomorrow before noon.")
    assert result.returncode == 0
    assert b"pass" in result.stdout


@pytest.mark.parametrize(("payload", "message"), [
    (b"", b"empty reply"),
    (b"   \n\t", b"empty reply"),
    (b"hello\x00world", b"NUL bytes"),
    (b"caf\xe9 au lait", b"not valid UTF-8 (byte 3)"),
])
def test_bad_input_is_one_line_exit_2(payload, message):
    result = run_cli("check", "-", stdin=payload)
    assert result.returncode == 2
    assert message in result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stderr.count(b"\n") == 1


def test_directory_and_missing_file(tmp_path):
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2 and b"is a directory" in result.stderr
    result = run_cli("check", str(tmp_path / "nope.txt"))
    assert result.returncode == 2 and b"no such file" in result.stderr


def test_binary_file(tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = run_cli("check", str(path))
    assert result.returncode == 2 and b"binary" in result.stderr


def test_one_megabyte_single_line_gets_a_report():
    line = ("Thanks for waiting, your order ships today. " * 23000)[:1_000_000].encode()
    result = run_cli("check", "--lang", "en", "--format", "json", "-", stdin=line, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["language"] == "en"


def test_rules_and_explain():
    result = run_cli("rules", "--lang", "en")
    assert result.returncode == 0 and b"VC110  robotic-apology" in result.stdout
    result = run_cli("explain", "VC110")
    assert result.returncode == 0
    assert b"bad:  We apologize for any inconvenience." in result.stdout
    result = run_cli("explain", "robotic-apolgy")
    assert result.returncode == 2 and b"did you mean 'robotic-apology'?" in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["rules"], ["explain", "VC110"],
                                  ["guide", "validate", "rules/presets/formal.yaml"]])
def test_commands_without_tokens_do_not_import_spacy(args):
    code = ("import sys\nfrom voicecheck.cli import main\n"
            "try:\n    main(%r)\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('spacy', 'numpy', 'sklearn', 'thinc') if m in sys.modules]\n"
            "print('HEAVY', heavy)\n") % (args,)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT,
                            timeout=60)
    assert b"HEAVY []" in result.stdout, result.stdout + result.stderr


def test_explain_indents_the_later_lines_of_an_example():
    result = run_cli("explain", "VC301")
    assert result.returncode == 0
    assert (b"  good: Here is how to change the card on your plan:\n"
            b"        - open the app" in result.stdout)


def test_a_bad_guide_is_reported_once_for_many_files(tmp_path):
    guide = tmp_path / "guide.yaml"
    guide.write_text("voice: {formality: loud}\n")
    drafts = []
    for i in range(3):
        draft = tmp_path / f"d{i}.txt"
        draft.write_text("Thanks for waiting, your refund is on its way.")
        drafts.append(str(draft))
    result = run_cli("check", "--guide", str(guide), *drafts)
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "E103" in lines[0] and "guide.yaml:1" in lines[0]
    assert b"; 1 input error; 3 files not checked (guide did not load)." in result.stdout
