"""Defects found by the second exploratory review (2026-11-27): options that do not go
together, a guide whose own tone model is missing, and `suggest`'s output ending."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, run_cli


@pytest.mark.parametrize(("args", "message"), [
    (["check", "--unsafe-fixes"], "--unsafe-fixes goes with --fix or --diff"),
    (["check", "--diff", "--format", "json"], "--diff prints a unified diff, not a report"),
])
def test_options_that_do_not_go_together_are_one_line_e249(tmp_path, args, message):
    draft = tmp_path / "d.txt"
    draft.write_text("pls utilize it\n", encoding="utf-8")
    result = run_cli(*args, str(draft))
    err = result.stderr.decode()
    assert result.returncode == 2 and err.count("\n") == 1, err
    assert err.startswith("voicecheck: E249 ") and message in err
    assert draft.read_text(encoding="utf-8") == "pls utilize it\n"


def test_lint_statistics_with_json_is_e249():
    result = run_cli("lint", "--statistics", "--format", "json", "--no-cache",
                     str(ROOT / "examples" / "library"))
    err = result.stderr.decode()
    assert result.returncode == 2 and err.startswith("voicecheck: E249 --statistics"), err
    assert result.stdout == b""


def test_a_guide_whose_model_is_missing_fails_validate_and_check_naming_the_guide(tmp_path):
    guide = tmp_path / "brand.yaml"
    guide.write_text("brand: Acme\nmodel: ../nonexist\n", encoding="utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("Your refund is on its way.\n", encoding="utf-8")
    for args in (("guide", "validate", str(guide)), ("check", "--guide", str(guide), str(draft))):
        result = run_cli(*args)
        err = result.stderr.decode()
        assert result.returncode == 2 and err.count("\n") == 1, err
        assert f"E300 {guide}: model '../nonexist'" in err and "not a tone model" in err


def test_suggest_prints_the_draft_with_its_own_line_ending_and_no_trailing_blanks():
    result = run_cli("suggest", "--lang", "en", "-", stdin=b"Refund sent. \n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"Refund sent.\n\nBest wishes\n"
    from voicecheck.engine import Checker
    from voicecheck.rewrite.suggest import suggest_draft

    checker = Checker(model=False)
    draft = suggest_draft("Refund sent. \r\n", lambda t: checker.check(t, lang="en"),
                          checker.rewriter)
    assert draft.text == "Refund sent.\r\n\r\nBest wishes\r\n"
