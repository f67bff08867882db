"""The text report shows a reply's words without letting them act on the terminal: control
characters (OSC, DCS, C1, DEL, ...) are made visible one for one, long quotes are cut, and the
snippet is the line that `line`/`column` count in (a lone CR does not end it)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli
from voicecheck.engine import Checker
from voicecheck.io.text_report import (MESSAGE_LIMIT, QUOTE_LIMIT, UNDERLINE_LIMIT, WINDOW,
                                       format_finding, format_report, visible)
from voicecheck.model import Finding, Report, Suggestion, line_col

# every C0 control but the line feed, DEL, every C1 control, and the bidi overrides/isolates
_RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
CONTROLS = st.sampled_from([chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0),
                                             0x202E, 0x2067, 0x2028)]
                           + ["\x1b]0;PWNED\x07", "\x1b]52;c;aGk=\x1b\\", "\x1bP1;2|x\x1b\\",
                              "\x9b31m", "\x1b[2J", "\r\n", "\r"])
WORDS = st.sampled_from(["We apologize for any inconvenience", "Pls", "utilize", "SHOUTING",
                         "!!!", "thanks", " ", "\n", "\t", "é", "🙂", "\u200b"])
TEXT = st.lists(st.one_of(CONTROLS, WORDS, st.text(max_size=4)), min_size=1,
                max_size=30).map("".join)

_CHECKER = Checker(model=False)


# the report's own styling (click.style; click.echo drops it off a terminal), and nothing else
_OWN_STYLE = re.compile("\x1b\\[(?:0|1|3[1236])m")


def _assert_clean(lines: list[str]) -> None:
    for line in lines:
        assert "\n" not in line, line
        assert not _RAW.search(_OWN_STYLE.sub("", line)), ascii(line)


def _plain(line: str) -> str:
    return _OWN_STYLE.sub("", line)


def _finding(text: str, start: int, end: int, message: str | None = None,
             fix: str | None = None) -> Finding:
    line, column = line_col(text, start)
    suggestions = (Suggestion(fix, start, end, True),) if fix is not None else ()
    return Finding("VC000", "x", "warning", message or f"'{text[start:end]}' is quoted",
                   start, end, line, column, text[start:end], suggestions)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.data(), st.text(alphabet=st.sampled_from("ab\x1b\x07\x9b\r/"), max_size=8),
       st.booleans())
def test_no_control_character_of_a_reply_reaches_the_report_raw(text, data, path, local):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    finding = _finding(text, start, end, fix=text[start:end])
    lines = format_finding(finding, text, path or "p", local_line=local)
    _assert_clean(lines)
    report = Report(path, "en", "warn", 90, {}, (finding,), text)
    _assert_clean(format_report(report, path or "p"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_real_findings_of_any_reply_print_no_control_character(text):
    try:
        report = _CHECKER.check(text, lang="en")
    except Exception as error:  # an empty or invisible-only reply is refused (E204)
        assert getattr(error, "code", None) == "E204", error
        return
    _assert_clean(format_report(report, "draft.txt"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_visible_keeps_one_character_for_one_and_only_changes_controls(text):
    shown = visible(text)
    assert len(shown) == len(text)
    for before, after in zip(text, shown):
        assert after == before or _RAW.match(before) or before == "\n"
    assert not _RAW.search(shown) and "\n" not in shown


def test_osc_title_sequence_is_shown_not_sent():
    text = "We apologize for any inconvenience \x1b]0;PWNED-TITLE\x07 ok\n"
    lines = format_report(_CHECKER.check(text, lang="en"), "osc.txt")
    _assert_clean(lines)
    assert any("␛]0;PWNED-TITLE␇ ok" in line for line in lines)


def test_the_command_prints_no_escape_from_the_reply(tmp_path):
    path = tmp_path / "osc.txt"
    path.write_bytes(b"We apologize for any inconvenience \x1b]0;PWNED\x07 \x1bP1$r\x1b\\ "
                     b"\xc2\x9b31m ok\n")
    result = run_cli("check", "--lang", "en", str(path))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "VC110" in out and not _RAW.search(out.replace("\n", ""))


def test_a_huge_match_is_quoted_and_underlined_in_part():
    text = "Thanks" + "." * 100_000 + "\n"
    report = _CHECKER.check(text, lang="en")
    lines = format_report(report, "dots.txt")
    assert any(f.code == "VC221" for f in report.findings)
    assert max(map(len, lines)) < max(MESSAGE_LIMIT, UNDERLINE_LIMIT) + WINDOW + 20
    head = next(line for line in lines if "VC221" in line)
    assert "." * (QUOTE_LIMIT - 1) + "…'" in head and "." * QUOTE_LIMIT + "." not in head
    caret = _plain(next(line for line in lines if "^" in line))
    assert caret.count("^") == UNDERLINE_LIMIT and caret.endswith("…")


def test_a_long_fix_and_a_long_message_are_cut():
    text = "x" * 5_000
    finding = _finding(text, 0, 5_000, message="see " + "y" * 5_000, fix="z" * 5_000)
    lines = [_plain(line) for line in format_finding(finding, text, "p")]
    assert all(len(line) <= max(MESSAGE_LIMIT, UNDERLINE_LIMIT) + WINDOW + 20 for line in lines)
    assert lines[0].endswith("…") and lines[-1].endswith("…")


@pytest.mark.parametrize("text", [
    "Hello there.\rThanks.\rWe apologize for any inconvenience.\r",  # old Mac
    "Hello there.\r\nThanks.\r\nWe apologize for any inconvenience.\r\n",
    "Hello there.\u2028Thanks.\x0cWe apologize for any inconvenience.\x0b\n",
    "Hello\x85 there.\x1c\x1d\x1eWe apologize for any inconvenience.",
])
def test_snippet_and_caret_agree_with_line_and_column(text):
    report = _CHECKER.check(text, lang="en")
    finding = next(f for f in report.findings if f.code == "VC110")
    lines = [_plain(line) for line in format_finding(finding, text, "cr.txt")]
    assert lines[0].startswith(f"cr.txt:{finding.line}:{finding.column}:")
    snippet = lines[2].split(" | ", 1)[1]
    caret = lines[3].split(" | ", 1)[1]
    col = caret.index("^")
    assert snippet[col:col + len(finding.text)] == visible(finding.text)
    assert caret.count("^") == len(finding.text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["ab", "cd ", "\r", "\n", "\r\n", "\u2028", "\x0c", "é"]),
                min_size=1, max_size=12).map("".join), st.data())
def test_caret_is_under_the_finding_for_any_line_breaks(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    finding = _finding(text, start, end)
    for local in (False, True):
        lines = [_plain(line) for line in format_finding(finding, text, "p", local_line=local)]
        snippet = lines[2].split(" | ", 1)[1]
        col = lines[3].split(" | ", 1)[1].index("^")
        shown = visible(text[start:end].split("\n")[0].removesuffix("\r")) \
            if not text[start:end].startswith(("\n", "\r\n")) else ""
        assert snippet[col:col + len(shown)] == shown


def test_a_file_name_with_escapes_is_shown_not_sent(tmp_path):
    empty = tmp_path / "a\x1b]0;T\x07.txt"
    empty.write_bytes(b"")
    bad = tmp_path / "b\x1b]0;T\x07.txt"
    bad.write_text("We apologize for any inconvenience.", encoding="utf-8")
    result = run_cli("check", "--lang", "en", str(empty), str(bad))
    assert result.returncode == 2
    for stream in (result.stdout, result.stderr):
        text = stream.decode("utf-8")
        assert "\x1b" not in text and "\x07" not in text
    assert "a␛]0;T␇.txt: empty reply" in result.stderr.decode("utf-8")
    assert "b␛]0;T␇.txt:1:1: VC110" in result.stdout.decode("utf-8")
