"""`voicecheck lint`: positions in the file, suppression, baseline, cache, jobs, excludes,
bad files, and the CI plumbing (pre-commit hook, GitHub Action)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from voicecheck.checks.registry import pack_rules
from voicecheck.cli import main
from voicecheck.io import lint as lint_module
from voicecheck.io.lint import LintOptions, lint, read_baseline, write_baseline

ROOT = Path(__file__).resolve().parents[1]

MD = """---
lang: en
---
# Refund delay

<!-- voicecheck: disable=VC112 -->
We apologize for any inconvenience. As per our policy, refunds take 5 days.

# Welcome

Hi {{ticket.requester.first_name}}, thanks for writing in! Dear [NAME], see you soon.

# Next line only

<!-- voicecheck: disable-next-line=VC110 -->
We apologize for any inconvenience.
We apologize for any inconvenience again.
"""

JSON = json.dumps([
    {"id": "late", "title": "Late order", "body": "Hi %customer.firstName%,\n"
     "you should have read the FAQ. Calm down.", "lang": "en"},
    {"id": "ok", "title": "Thanks", "body": "Thanks for your patience, Sam. Your parcel "
     "left our warehouse today and should reach you by Friday.", "lang": "en"},
], indent=1)


def _opts(tmp_path: Path, **kw) -> LintOptions:
    kw.setdefault("cache_dir", str(tmp_path / "cache"))
    kw.setdefault("jobs", 1)
    return LintOptions(**kw)


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "replies.md").write_text(MD, encoding="utf-8")
    (folder / "macros.json").write_text(JSON, encoding="utf-8")
    return folder


def _codes(run) -> dict[str, list[str]]:
    return {f"{r.path}#{r.extra['reply_id']}": [f.code for f in r.findings] for r in run.reports}


def test_findings_point_at_their_place_in_the_file(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = lint([str(library)], _opts(tmp_path))
    assert not run.errors
    assert run.files == 2
    seen = 0
    for report in run.reports:
        source = (tmp_path / report.path).read_text(encoding="utf-8").split("\n")
        for f in report.findings:
            if f.code.startswith("VC9") or f.code.startswith("VC2"):
                continue
            line = source[f.line - 1]
            # md is verbatim; in this JSON no escape precedes a finding on its line
            assert line[f.column - 1:].startswith(f.text), (report.path, f)
            assert report.text[f.start:f.end] == f.text
            seen += 1
    assert seen >= 4


def test_helpdesk_slots_are_valid_but_markers_are_not(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = lint([str(library / "replies.md")], _opts(tmp_path))
    welcome = next(r for r in run.reports if r.extra["reply_id"] == "welcome")
    flagged = [f.text for f in welcome.findings if f.code == "VC501"]
    assert flagged == ["[NAME]"]


def test_suppressions_silence_and_report_unused(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    codes = _codes(lint([str(library)], _opts(tmp_path)))
    assert "VC112" not in codes["library/replies.md#refund-delay"]
    assert "VC110" in codes["library/replies.md#refund-delay"]
    # disable-next-line covers only the next line
    assert codes["library/replies.md#next-line-only"].count("VC110") == 1


def test_unused_and_unknown_suppressions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib.md").write_text(
        "# One\n<!-- voicecheck: disable=VC110 -->\nYour refund is on its way.\n\n"
        "# Two\n<!-- voicecheck: disable=robotic-apolgy -->\nWe apologize for any "
        "inconvenience.\n", encoding="utf-8")
    run = lint(["lib.md"], _opts(tmp_path))
    by_id = {r.extra["reply_id"]: r for r in run.reports}
    unused = [f for f in by_id["one"].findings if f.code == "VC901"]
    assert len(unused) == 1 and unused[0].line == 2
    unknown = [f for f in by_id["two"].findings if f.code == "VC902"]
    assert len(unknown) == 1 and "did you mean 'robotic-apology'" in unknown[0].message
    assert "VC110" in [f.code for f in by_id["two"].findings]  # the typo silenced nothing


def test_guide_turns_suppression_rules_off(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".voicecheck.yaml").write_text("rules: {VC901: off}\n", encoding="utf-8")
    (tmp_path / "lib.md").write_text("# One\n<!-- voicecheck: disable=VC110 -->\n"
                                     "Your refund is on its way.\n", encoding="utf-8")
    run = lint(["lib.md"], _opts(tmp_path))
    assert [f.code for r in run.reports for f in r.findings] == []


@pytest.mark.parametrize("rule", [r for r in pack_rules("en") if r.kind == "suppression"],
                         ids=lambda r: r.code)
def test_suppression_rule_examples(rule, tmp_path, monkeypatch):
    """The documented examples of the lint-only rules, linted as Markdown files."""
    monkeypatch.chdir(tmp_path)
    for kind, examples in (("bad", rule.examples_bad), ("good", rule.examples_good)):
        for i, example in enumerate(examples):
            path = tmp_path / f"{kind}{i}.md"
            path.write_text(example.text, encoding="utf-8")
            run = lint([path.name], _opts(tmp_path, cache=False))
            codes = [f.code for r in run.reports for f in r.findings]
            assert (rule.code in codes) == (kind == "bad"), (kind, example.text, codes)


def test_baseline_survives_moves_and_reports_only_new(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = lint([str(library)], _opts(tmp_path))
    total = sum(len(r.findings) for r in first.reports)
    assert total > 0
    base = tmp_path / "baseline.json"
    assert write_baseline(str(base), first.reports, "test") == total
    again = lint([str(library)], _opts(tmp_path, baseline=str(base)))
    assert sum(len(r.findings) for r in again.reports) == 0
    assert again.baselined == total
    # move every reply down a few lines: still known
    md = library / "replies.md"
    md.write_text(MD.replace("# Refund delay", "\n\n\n# Refund delay"), encoding="utf-8")
    moved = lint([str(library)], _opts(tmp_path, baseline=str(base)))
    assert sum(len(r.findings) for r in moved.reports) == 0
    # a new problem is reported
    md.write_text(MD + "\n# New\n\nCalm down, it is not a big deal.\n", encoding="utf-8")
    new = lint([str(library)], _opts(tmp_path, baseline=str(base)))
    reported = [f.code for r in new.reports for f in r.findings]
    assert "VC114" in reported
    assert all(r.extra["reply_id"] == "new" for r in new.reports if r.findings)


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"findings": []}', "not a voicecheck baseline"),
    ('{"voicecheck_baseline": 99, "findings": []}', "re-create it with --write-baseline"),
    ('{"voicecheck_baseline": 1, "findings": [1]}', "must be a list of objects"),
])
def test_bad_baselines_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(Exception) as info:
        read_baseline(str(path))
    assert message in str(info.value) and "\n" not in str(info.value)
    result = CliRunner().invoke(main, ["lint", str(tmp_path), "--baseline", str(path)])
    assert result.exit_code == 2
    assert message in result.output


def test_cache_gives_the_same_results_and_notices_changes(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fresh = lint([str(library)], _opts(tmp_path))
    assert fresh.cached_files == 0
    cached = lint([str(library)], _opts(tmp_path))
    assert cached.cached_files == 2
    assert [r.to_dict() for r in cached.reports] == [r.to_dict() for r in fresh.reports]
    (library / "macros.json").write_text(JSON.replace("Calm down.", "Thanks."),
                                         encoding="utf-8")
    changed = lint([str(library)], _opts(tmp_path))
    assert changed.cached_files == 1
    assert "VC114" not in [f.code for r in changed.reports for f in r.findings]
    # a guide change invalidates the cache
    (library / ".voicecheck.yaml").write_text("rules: {VC110: off}\n", encoding="utf-8")
    guided = lint([str(library)], _opts(tmp_path))
    assert guided.cached_files == 0
    assert "VC110" not in [f.code for r in guided.reports for f in r.findings]
    off = lint([str(library)], _opts(tmp_path, cache=False))
    assert off.cached_files == 0


def test_damaged_cache_entries_are_ignored(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fresh = lint([str(library)], _opts(tmp_path))
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text("{broken", encoding="utf-8")
    again = lint([str(library)], _opts(tmp_path))
    assert again.cached_files == 0
    assert [r.to_dict() for r in again.reports] == [r.to_dict() for r in fresh.reports]


@pytest.mark.parametrize("entry", [
    '{"keys": [], "strings": [], "reports": [[1, 2, 3]]}',
    '{"keys": [], "strings": [], "reports": [["text", 5, 0, 100, [], [null, null], []]]}',
    '{"keys": [], "strings": ["en"], "reports": [[7, 0, 0, 100, [], [null, null], []]]}',
    '{"keys": [], "strings": ["en"], "reports": [["t", 0, 0, 100, [], 3, []]]}',
    '{"keys": [], "strings": ["en"], "reports": [["t", 0, 0, 100, [], [1, 2], [[0, 0]]]]}',
    '[]', '"reports"', 'null'])
def test_cache_entries_of_the_wrong_shape_are_checked_again(library, tmp_path, monkeypatch,
                                                            entry):
    monkeypatch.chdir(tmp_path)
    fresh = lint([str(library)], _opts(tmp_path))
    for path in (tmp_path / "cache").rglob("*.json"):
        path.write_text(entry, encoding="utf-8")
    again = lint([str(library)], _opts(tmp_path))
    assert again.cached_files == 0
    assert [r.to_dict() for r in again.reports] == [r.to_dict() for r in fresh.reports]


def test_worker_processes_give_identical_results(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(lint_module, "PARALLEL_MIN", 1)
    rows = [{"id": f"r{i}", "body": text, "lang": "en"} for i, text in enumerate(
        ["We apologize for any inconvenience.", "Thanks, Ana! Your refund went out today.",
         "As per our policy, no refunds.", "Calm down, please."] * 60)]
    (library / "many.json").write_text(json.dumps(rows), encoding="utf-8")
    one = lint([str(library)], _opts(tmp_path, cache=False, jobs=1))
    two = lint([str(library)], _opts(tmp_path, cache=False, jobs=2))
    assert [r.to_dict() for r in one.reports] == [r.to_dict() for r in two.reports]
    assert len(one.reports) == 3 + 2 + 240


def test_excludes_and_per_path_ignores(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    legacy = library / "legacy"
    legacy.mkdir()
    (legacy / "old.md").write_text("# Old\n\nWe apologize for any inconvenience.\n",
                                   encoding="utf-8")
    (library / "drafts").mkdir()
    (library / "drafts" / "wip.md").write_text("# WIP\n\nCalm down.\n", encoding="utf-8")
    (library / ".voicecheck.yaml").write_text(
        "lint:\n  exclude: ['drafts/']\n  per_path_ignores:\n    'legacy/*.md': [robotic-apology]\n",
        encoding="utf-8")
    run = lint([str(library)], _opts(tmp_path))
    paths = {r.path for r in run.reports}
    assert "library/drafts/wip.md" not in paths
    old = next(r for r in run.reports if r.path == "library/legacy/old.md")
    assert old.findings == ()
    # a file named on the command line is linted unless --force-exclude
    named = lint([str(library / "drafts" / "wip.md")], _opts(tmp_path))
    assert named.reports
    forced = lint([str(library / "drafts" / "wip.md")], _opts(tmp_path, force_exclude=True))
    assert not forced.reports


def test_unknown_code_in_per_path_ignores_is_a_guide_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".voicecheck.yaml").write_text(
        "lint:\n  per_path_ignores:\n    '*.md': [VC1100]\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("# A\n\nHello.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", "a.md"])
    assert result.exit_code == 2
    assert "E220" in result.output and "VC1100" in result.output


def test_symlink_loop_does_not_trap_the_walk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "lib"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "a.md").write_text("# A\n\nThanks for waiting, Lee.\n", encoding="utf-8")
    run = lint([str(folder)], _opts(tmp_path))
    assert [r.path for r in run.reports] == ["lib/a.md"]


def test_bad_files_are_reported_and_the_rest_still_linted(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (library / "broken.json").write_text('[{"id": 1, "body": "Hi"},\n  {"id": 2,,}]\n',
                                         encoding="utf-8")
    (library / "latin1.txt").write_bytes("Caf\xe9 ferm\xe9 \xff\xfe\x00".encode("latin-1"))
    result = CliRunner().invoke(main, ["lint", str(library), "--no-cache"])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("voicecheck:")]
    assert any("broken.json:2" in line for line in errors), errors
    assert "Traceback" not in result.output
    assert "VC113" in result.output  # the good files were still linted


def test_bom_and_windows_newlines_in_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib.csv").write_bytes(
        "\ufeffid,title,body\r\n1,Refund,\"Thanks, Jo.\r\nAs per our policy, no refunds.\"\r\n"
        .encode("utf-8"))
    run = lint(["lib.csv"], _opts(tmp_path))
    assert not run.errors
    finding = next(f for r in run.reports for f in r.findings if f.code == "VC112")
    assert (finding.line, finding.column) == (3, 1)


def test_cli_formats_and_exit_codes(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    text = runner.invoke(main, ["lint", "library"])
    assert text.exit_code == 1 and "findings in" in text.output
    assert "linting" not in text.output  # no progress bar when not on a terminal
    assert runner.invoke(main, ["lint", "library", "--exit-zero"]).exit_code == 0
    assert runner.invoke(main, ["lint", "library", "--fail-on", "never"]).exit_code == 0
    data = json.loads(runner.invoke(main, ["lint", "library", "--format", "json"]).output)
    assert {"path", "reply_id", "title", "findings", "verdict"} <= set(data[0])
    stats = runner.invoke(main, ["lint", "library", "--statistics"])
    assert "VC110" in stats.output
    github = runner.invoke(main, ["lint", "library", "--format", "github"])
    assert "::error file=library/macros.json,line=" in github.output
    out = tmp_path / "report.sarif"
    sarif = runner.invoke(main, ["lint", "library", "--format", "sarif", "-o", str(out)])
    assert sarif.exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "ok.md").write_text("# Ok\n\nThanks for waiting, Lee. Your parcel left today.\n",
                                 encoding="utf-8")
    assert runner.invoke(main, ["lint", "clean"]).exit_code == 0


def test_write_baseline_then_clean_run(library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    wrote = runner.invoke(main, ["lint", "library", "--write-baseline", "base.json"])
    assert wrote.exit_code == 0, wrote.output
    again = runner.invoke(main, ["lint", "library", "--baseline", "base.json"])
    assert again.exit_code == 0, again.output
    assert "known to the baseline" in again.output


def test_pre_commit_hook_definition_runs():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "voicecheck")
    assert hook["language"] == "python"
    entry = hook["entry"].split()
    assert entry[:2] == ["voicecheck", "lint"]
    result = CliRunner().invoke(main, entry[1:] + [str(ROOT / "examples" / "drafts")])
    assert result.exit_code in (0, 1), result.output


def test_github_action_lint_step_runs(library, tmp_path):
    """Run the composite action's lint step as GitHub would (bash, inputs in env)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "lint")
    output = tmp_path / "github_output"
    env = dict(os.environ, VC_PATHS=str(library), VC_GUIDE="", VC_FAIL_ON="error", VC_ARGS="",
               VC_SARIF=str(tmp_path / "out.sarif"), GITHUB_OUTPUT=str(output),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run(["bash", "-c", step["run"]], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs["exit-code"] == "1"
    assert json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["runs"]
    assert "::error file=" in proc.stdout


def test_disable_next_line_inside_a_json_string(tmp_path, monkeypatch):
    """In JSON every line of a body sits on one line of the file: the comment covers the
    next line of the reply's text, not the whole file line."""
    monkeypatch.chdir(tmp_path)
    body = ("<!-- voicecheck: disable-next-line=VC110 -->\nWe apologize for any inconvenience."
            "\nWe apologize for any inconvenience again.")
    (tmp_path / "lib.json").write_text(json.dumps([{"id": "a", "body": body, "lang": "en"}]),
                                       encoding="utf-8")
    run = lint(["lib.json"], _opts(tmp_path))
    codes = [f.code for r in run.reports for f in r.findings]
    assert codes.count("VC110") == 1
    assert "VC901" not in codes


def test_fast_builders_make_the_same_objects():
    """The cache decoder's and worker unpacker's builders set every slot, as the frozen
    dataclasses' constructors do, and the objects stay frozen."""
    import dataclasses

    from voicecheck.io.lint import _finding, _report, _suggestion
    from voicecheck.model import Finding, Report, Suggestion

    fix = ("please", 3, 9, True)
    assert _suggestion(*fix) == Suggestion(*fix)
    args = ("VC110", "robotic-apology", "warning", "msg", 1, 5, 2, 3, "sorry",
            (Suggestion(*fix),), "empathy")
    built = _finding(*args)
    assert built == Finding(*args)
    assert dataclasses.astuple(built) == dataclasses.astuple(Finding(*args))
    report_args = ("a.json", "en", "warn", 80, {"empathy": 90}, (built,), "text",
                   {"reply_id": "r1", "title": None})
    report = _report(*report_args)
    reference = Report(*report_args)
    for field in dataclasses.fields(Report):
        assert getattr(report, field.name) == getattr(reference, field.name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.code = "VC111"
