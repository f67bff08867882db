"""Regressions: library fields of the wrong type are errors at their line in every format
(never a reply silently skipped), a CSV header may not name a column twice, and a reply that
cannot be checked is reported at the line of the value at fault and counted as a reply."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from voicecheck.io.lint import LintOptions, lint
from voicecheck.io.lintrun import LintRun, summary
from voicecheck.io.readers import read_library
from voicecheck.model import VoicecheckError


def _read_error(path: Path, text: str, **kw) -> VoicecheckError:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VoicecheckError) as caught:
        read_library(path, **kw)
    return caught.value


# -- 3. helpdesk exports (and every other reader) with wrong-typed fields ------------------

HELPDESK = [
    ("zendesk", '{"macros": [\n {"id": 1, "title": "Refund",\n  "actions": [\n'
                '   {"field": "comment_value_html",\n    "value": 5}]}\n]}\n', 5,
     "the reply body ('comment_value_html') must be text, not a number"),
    ("zendesk", '{"macros": [\n {"id": 1, "title": "t", "actions": [\n'
                '  {"field": "comment_value", "value": ["channel:all",\n 5]}]}]}\n', 4,
     "the reply body ('comment_value') must be text, not a number"),
    ("zendesk", '{"macros": [\n {"id": 1, "title": "t",\n "actions": {"field": "x"}}]}\n', 3,
     "'actions' must be a list, not a mapping"),
    ("zendesk", '{"macros": [{"id": 1,\n "title": ["t"], "actions": [{"field": '
                '"comment_value", "value": "Hi there."}]}]}\n', 2,
     "'title' must be text or a number, not a list"),
    ("freshdesk", '{"canned_responses": [\n {"id": 1, "title": "x", "content_html": null,\n'
                  '  "content": 7}]}\n', 3,
     "the reply body ('content') must be text, not a number"),
    ("front", '{"_results": [\n {"id": "rsp_1", "name": "x",\n'
              '  "body": {"html": "We apologize for any inconvenience."}}]}\n', 3,
     "the reply body ('body') must be text, not a mapping"),
    ("front", '{"_results": [{"id": {"n": 1}, "name": "x",\n "body": "Hi."}]}\n', 1,
     "'id' must be text or a number, not a mapping"),
    ("helpscout", '[\n {"id": 1, "name": "x",\n  "text": 5}]\n', 3,
     "the reply body ('text') must be text, not a number"),
    ("helpscout", '[{"id": 1, "name": "x", "text": "Hi there.",\n  "chatText": false}]\n', 2,
     "the reply body ('chatText') must be text, not true/false"),
]


@pytest.mark.parametrize(("fmt", "text", "line", "message"), HELPDESK)
def test_helpdesk_fields_of_the_wrong_type_are_errors_at_their_line(tmp_path, fmt, text, line,
                                                                     message):
    error = _read_error(tmp_path / "export.json", text)
    assert (error.code, error.line) == ("E234", line), str(error)
    assert str(error).endswith(f"{fmt} export: {message}")


def test_null_and_empty_helpdesk_bodies_are_still_skipped(tmp_path):
    path = tmp_path / "fd.json"
    path.write_text('[{"id": 1, "title": "a", "folder_id": 2, "content_html": null,'
                    ' "content": ""},\n {"id": 2, "title": "b", "folder_id": 2,'
                    ' "content_html": "<p>Hi there.</p>"}]\n')
    lib = read_library(path)
    assert lib.format == "freshdesk" and [r.reply_id for r in lib.replies] == ["2"]


def test_the_qa_reproductions_exit_2_with_one_line_each(tmp_path):
    files = {
        "zendesk-bad.json": '{"macros": [{"id": 1, "title": "Refund", "actions": '
                            '[{"field": "comment_value_html", "value": 5}]}]}',
        "freshdesk-bad.json": '{"canned_responses": [{"id": 1, "title": "x", '
                              '"content_html": null, "content": 7}]}',
        "front-bad.json": '{"_results": [{"id": "rsp_1", "name": "x", "body": '
                          '{"html": "We apologize for any inconvenience."}}]}',
        "helpscout-bad.json": '[{"id": 1, "name": "x", "text": 5}]',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text + "\n")
    result = run_cli("lint", "--no-cache", *files, cwd=tmp_path)
    err = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2
    assert len(err) == 4 and all("E234" in line and "must be text" in line for line in err)


@pytest.mark.parametrize(("name", "text", "line", "message"), [
    ("r.json", '[\n {"id": "a", "body": "Hi"},\n {"id": {"x": 1},\n  "body": "Hi"}]\n', 3,
     "the reply's 'id' must be text or a number, not a mapping"),
    ("r.json", '[{"id": "a",\n  "lang": ["en"], "body": "Hi"}]\n', 2,
     "the reply's 'lang' must be text, not a list"),
    ("r.yaml", "- id: a\n  lang: no\n  body: Hi there\n", 2,
     "the reply's 'lang' must be text, not true/false (quote it"),
    ("r.yaml", "- id: a\n  title: [x]\n  body: Hi there\n", 2,
     "the reply's 'title' must be text or a number, not a list"),
    ("r.yaml", "- id: a\n  channel: {x: 1}\n  body: Hi there\n", 2,
     "the reply's 'channel' must be text, not a mapping"),
    ("r.md", "---\nlang: en\nchannel: [sms]\n---\n# A\nHi there.\n", 3,
     "front matter: 'channel' must be text, not a list"),
])
def test_generic_fields_of_the_wrong_type_are_errors_at_their_line(tmp_path, name, text, line,
                                                                   message):
    error = _read_error(tmp_path / name, text)
    assert error.line == line, str(error)
    assert message in str(error)


def test_numbers_are_still_fine_as_ids_and_titles(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("- id: 7\n  title: 2024\n  lang: en\n  body: Hi there\n")
    reply = read_library(path).replies[0]
    assert (reply.reply_id, reply.title, reply.lang) == ("7", "2024", "en")


def test_front_matter_errors_name_the_line_in_the_file(tmp_path):
    error = _read_error(tmp_path / "r.md", "---\nlang: en\nx: [\n---\n# A\nHi.\n")
    assert error.code == "E232" and error.line == 4  # was 5: one line too far


# -- 5. duplicate CSV headers ------------------------------------------------------------

@pytest.mark.parametrize(("text", "column"), [
    ("id,body,body\n1,Fine text here.,We apologize for any inconvenience.\n", "body"),
    ("id;Title;body;Title\n1;a;Hi there;b\n", "Title"),
    ('"id","body","id"\n1,Hi,2\n', "id"),
])
def test_a_column_named_twice_is_an_error_at_line_1(tmp_path, text, column):
    error = _read_error(tmp_path / "dupcol.csv", text)
    assert (error.code, error.line) == ("E233", 1)
    assert f"column '{column}' appears twice in the header" in str(error)


def test_empty_header_cells_may_repeat(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,body,,\n1,Hi there,,\n")
    assert [r.text for r in read_library(path).replies] == ["Hi there"]


# -- 4. per-reply errors: the line of the value, counted as replies ----------------------

def _lint(tmp_path: Path, *names: str, **kw) -> LintRun:
    options = LintOptions(cache=False, jobs=1, guide="default", **kw)
    return lint([str(tmp_path / n) for n in names], options)


def test_an_unsupported_language_is_reported_at_its_lang_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "badlang.json").write_text(
        '[\n {"id": "a",\n  "lang": "xx",\n  "body": "hello there"},\n'
        ' {"id": "b", "locale": "yy", "body": "hello again"},\n'
        ' {"id": "c", "lang": "en", "body": "Thanks for waiting, it ships today."}\n]\n')
    run = _lint(tmp_path, "badlang.json")
    assert [(e.code, e.path, e.line) for e in run.errors] == [
        ("E103", "badlang.json", 3), ("E103", "badlang.json", 5)]
    assert len(run.reports) == 1 and run.failed_replies == 2 and run.unreadable_files == 0
    assert summary(run).endswith(", 2 replies not checked).")
    assert "unreadable" not in summary(run)


def test_an_unknown_channel_is_reported_at_its_field_or_front_matter_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.json").write_text('[{"id": "a",\n "channel": "pigeon",\n "body": "Hi."}]\n')
    (tmp_path / "r.md").write_text("---\nlang: en\nchannel: pigeon\n---\n# A\nHi.\n# B\nHo.\n")
    (tmp_path / "missing.md").unlink(missing_ok=True)
    run = _lint(tmp_path, "r.json", "r.md", "missing.md")
    where = sorted((e.code, e.path, e.line) for e in run.errors)
    assert where == [("E206", "r.json", 2), ("E206", "r.md", 3), ("E206", "r.md", 3),
                     ("E221", str(tmp_path / "missing.md"), None)]
    assert (run.failed_replies, run.unreadable_files) == (3, 1)
    assert run.problems() == "1 file unreadable, 3 replies not checked"


def test_an_unknown_channel_option_is_one_error_for_the_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.md").write_text("# A\nHi.\n# B\nHo.\n")
    with pytest.raises(VoicecheckError, match=r"E206 unknown channel 'pigeon' \(--channel\)"):
        _lint(tmp_path, "r.md", channel="pigeon")


def test_the_summary_names_files_and_replies_apart():
    errors = [VoicecheckError("x")] * 3
    run = LintRun([], errors, 2, 0.25, failed_replies=1)
    assert summary(run) == ("0 findings in 0 of 0 replies (2 files, 0.25 s, 2 files unreadable, "
                            "1 reply not checked).")
    assert summary(LintRun([], errors[:1], 1, 0.5)) == \
        "0 findings in 0 of 0 replies (1 file, 0.50 s, 1 file unreadable)."


def test_a_file_with_a_reply_error_is_not_cached_as_clean(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "badlang.json").write_text('[{"id": "a", "lang": "xx", "body": "hello"}]\n')
    options = LintOptions(cache=True, cache_dir=str(tmp_path / "cache"), jobs=1,
                          guide="default")
    first = lint(["badlang.json"], options)
    second = lint(["badlang.json"], options)
    assert [e.code for e in first.errors] == [e.code for e in second.errors] == ["E103"]
    assert second.cached_files == 0 and second.failed_replies == 1
