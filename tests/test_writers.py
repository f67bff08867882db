"""CI output writers of `voicecheck lint`: SARIF, JUnit XML, GitHub annotations, statistics.

Runs are made of real Checker reports, placed in library files the way the lint command does.
"""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, SHARED, needs_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.io.lintrun import LintRun, exit_code, render, rule_catalog
from voicecheck.model import Finding, Suggestion, VoicecheckError

REFUND = "We apologize for any inconvenience. As per our policy, no refunds."
PERSIAN = "طبق قوانین شرکت نمیشه. از این بابت پوزش می‌طلبیم"
CLEAN = "Your refund is on its way and should reach your card within 5 days."


@pytest.fixture(scope="module")
def checker():
    from voicecheck.engine import Checker

    # Rules only: the writers' tests do not move when the tone model is retrained.
    return Checker(model=False)


def placed(report, path, reply_id, title=None, line_shift=0):
    """A report as the lint command hands it over: file path, reply id, file positions."""
    findings = tuple(dataclasses.replace(f, line=f.line + line_shift) for f in report.findings)
    return dataclasses.replace(report, path=path, findings=findings,
                               extra={"reply_id": reply_id, "title": title})


@pytest.fixture(scope="module")
def run(checker):
    reports = [
        placed(checker.check(REFUND, lang="en"), "lib/macros.json", "m1", "Refund", 2),
        placed(checker.check(CLEAN, lang="en"), "lib/macros.json", "m2", "Refund ok", 9),
        placed(checker.check(PERSIAN, lang="fa"), "lib/fa/replies.md", "refund-fa"),
    ]
    errors = [VoicecheckError("not valid JSON: Expecting ',' delimiter", path="lib/broken.json",
                              line=4, code="E210")]
    return LintRun(reports=reports, errors=errors, files=4, elapsed=0.25)


@pytest.fixture(scope="module")
def clean_run(run):
    return dataclasses.replace(run, errors=[])


def sarif(run, **kw):
    return json.loads(render("sarif", run, **kw))


# ---------------------------------------------------------------------------------- lintrun

def test_catalog_has_every_pack_rule_and_the_lint_rules():
    from voicecheck.checks.registry import all_rules

    catalog = rule_catalog()
    assert {r.code for r in all_rules()} <= set(catalog)
    assert {"VC901", "VC902"} <= set(catalog)
    assert catalog["VC110"].languages == ("en", "fa", "id", "ms")
    assert catalog["VC901"].slug == "unused-suppression"


def test_exit_code_follows_fail_on(run, clean_run):
    assert exit_code(run) == 2  # an unreadable file wins
    assert exit_code(clean_run, "error") == 0  # only warnings in these replies
    assert exit_code(clean_run, "warning") == 1
    assert exit_code(clean_run, "never") == 0


def test_unknown_format_or_fail_on_is_a_user_error(run):
    with pytest.raises(VoicecheckError, match="unknown output format 'xml'"):
        render("xml", run)
    with pytest.raises(VoicecheckError, match="unknown --fail-on"):
        render("junit", run, fail_on="sometimes")


# ------------------------------------------------------------------------------------ SARIF

@needs_shared("schemas")
@pytest.mark.parametrize("which", ["run", "clean_run"])
def test_sarif_is_valid_against_the_official_schema(which, request):
    import jsonschema

    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    log = sarif(request.getfixturevalue(which))
    jsonschema.Draft4Validator(schema).validate(log)


@needs_shared("schemas")
def test_lint_example_library_to_sarif(tmp_path, cli):
    """The real command over the example library: valid SARIF, every fix where the file shows
    the words it replaces."""
    import jsonschema

    out = tmp_path / "voicecheck.sarif"
    done = cli("lint", "examples/library", "--no-cache", "--jobs", "1", "--format", "sarif",
               "--output", str(out), timeout=300)
    assert done.returncode in (0, 1), done.stderr.decode()
    log = json.loads(out.read_text("utf-8"))
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert results and any("fixes" in r for r in results)
    for result in results:
        for fix in result.get("fixes", []):
            change = fix["artifactChanges"][0]
            region = change["replacements"][0]["deletedRegion"]
            text = (ROOT / change["artifactLocation"]["uri"]).read_text("utf-8-sig")
            line = text.splitlines()[region["startLine"] - 1]
            shown = line[region["startColumn"] - 1:region["endColumn"] - 1]
            assert shown == result["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]


def test_sarif_results_point_at_their_rules_and_places(run):
    log = sarif(run)
    driver = log["runs"][0]["tool"]["driver"]
    results = log["runs"][0]["results"]
    assert driver["name"] == "voicecheck" and driver["version"]
    assert len(results) == sum(len(r.findings) for r in run.reports)
    for result in results:
        rule = driver["rules"][result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
    first = next(r for r in results if r["ruleId"] == "VC110")
    assert first["level"] == "warning"
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "lib/macros.json", "uriBaseId": "%SRCROOT%"}
    text = "We apologize for any inconvenience"
    assert loc["region"] == {"startLine": 3, "startColumn": 1, "endLine": 3,
                             "endColumn": 1 + len(text), "snippet": {"text": text}}
    assert first["locations"][0]["logicalLocations"][0]["name"] == "m1"
    assert 'm1 "Refund"' in first["message"]["text"]


def test_sarif_rule_metadata_for_code_scanning(run):
    rules = {r["id"]: r for r in sarif(run)["runs"][0]["tool"]["driver"]["rules"]}
    vc110 = rules["VC110"]
    assert vc110["name"] == "robotic-apology"
    assert vc110["shortDescription"]["text"] == "Robotic apology"
    assert "inconvenience" in vc110["fullDescription"]["text"]
    assert vc110["defaultConfiguration"]["level"] == "warning"
    assert vc110["properties"]["tags"] == ["empathy", "en", "fa", "id", "ms"]
    assert "Bad (en): " in vc110["help"]["text"] and "Good (en): " in vc110["help"]["text"]
    assert rules["VC119"]["defaultConfiguration"]["level"] == "note"  # info -> note
    assert rules["VC901"]["name"] == "unused-suppression"
    assert len(rules) <= 25_000  # GitHub's limit of rules per run


def test_sarif_info_findings_are_notes(checker):
    report = placed(checker.check("To be honest, basically your parcel is on its way.",
                                  lang="en"), "a.txt", "a")
    assert any(f.severity == "info" for f in report.findings)
    log = sarif(LintRun([report], [], 1, 0.1))
    levels = {r["ruleId"]: r["level"] for r in log["runs"][0]["results"]}
    assert levels["VC119"] == "note"


def test_sarif_fingerprints_survive_line_moves_but_not_other_words(checker):
    report = checker.check(REFUND, lang="en")
    before = sarif(LintRun([placed(report, "a.json", "m1", line_shift=0)], [], 1, 0))
    after = sarif(LintRun([placed(report, "a.json", "m1", line_shift=40)], [], 1, 0))
    other = sarif(LintRun([placed(report, "a.json", "m7", line_shift=0)], [], 1, 0))

    def prints(log):
        return [r["partialFingerprints"] for r in log["runs"][0]["results"]]

    assert prints(before) == prints(after)
    assert all(a != b for a, b in zip(prints(before), prints(other)))
    assert len({json.dumps(p) for p in prints(before)}) == len(prints(before))


def test_sarif_multiline_finding_ends_on_a_later_line():
    finding = Finding("VC301", "long-sentence", "warning", "too long", 0, 9, 5, 3,
                      "one\r\ntwo three", dimension="readability")
    report = dataclasses.replace(_report(finding, "one\r\ntwo three"), path="x.md")
    region = sarif(LintRun([report], [], 1, 0))["runs"][0]["results"][0][
        "locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (5, 3)
    assert (region["endLine"], region["endColumn"]) == (6, 10)


def test_sarif_fix_only_where_the_file_shows_the_words(tmp_path, checker):
    reply = "Thanks for waiting!!! Your parcel left today."
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.txt").write_text("Subject line\n" + reply + "\n", encoding="utf-8")
    report = placed(checker.check(reply, lang="en"), "lib/a.txt", "a", line_shift=1)
    fixable = [f for f in report.findings if f.suggestions]
    assert fixable, "the example needs a finding with a suggestion"
    results = sarif(LintRun([report], [], 1, 0, root=str(tmp_path)))["runs"][0]["results"]
    fixed = [r for r in results if "fixes" in r]
    assert fixed
    change = fixed[0]["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "lib/a.txt"
    region = change["replacements"][0]["deletedRegion"]
    line = (tmp_path / "lib" / "a.txt").read_text("utf-8").split("\n")[region["startLine"] - 1]
    finding = next(f for f in report.findings if f.code == fixed[0]["ruleId"])
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == finding.text
    assert change["replacements"][0]["insertedContent"]["text"] == finding.suggestions[0].text
    # The same report against a file that says something else at that place: no fix.
    (tmp_path / "lib" / "a.txt").write_text("Subject line\nSomething else entirely here.\n",
                                            encoding="utf-8")
    results = sarif(LintRun([report], [], 1, 0, root=str(tmp_path)))["runs"][0]["results"]
    assert not any("fixes" in r for r in results)


def test_sarif_input_errors_are_notifications(run):
    invocation = sarif(run)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2
    note = invocation["toolExecutionNotifications"][0]
    assert note["level"] == "error" and note["descriptor"]["id"] == "E210"
    location = note["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "lib/broken.json"
    assert location["region"]["startLine"] == 4


def test_sarif_warns_when_github_would_refuse_the_file(run, monkeypatch):
    from voicecheck.io import sarif as sarif_module

    assert not [n for n in sarif(run)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
                if n["level"] == "warning"]
    monkeypatch.setattr(sarif_module, "GITHUB_MAX_RESULTS", 2)
    notes = sarif(run)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "warning"]
    assert "refuses more than 2 per run" in notes[1]["message"]["text"]


def test_sarif_paths_are_uri_references():
    finding = Finding("VC222", "shouting", "warning", "m", 0, 3, 1, 1, "BIG")
    report = dataclasses.replace(_report(finding, "BIG"), path="my lib/100% done#1.txt")
    uri = sarif(LintRun([report], [], 1, 0))["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20lib/100%25%20done%231.txt"


def test_sarif_survives_a_lone_surrogate():
    text = "bad \ud83d BIG"
    finding = Finding("VC222", "shouting", "warning", "m", 9, 12, 1, 10, "BIG")
    report = dataclasses.replace(_report(finding, text), path="a.json",
                                 extra={"reply_id": "x\udc00", "title": None})
    out = render("sarif", LintRun([report], [], 1, 0))
    out.encode("utf-8")
    assert json.loads(out)["runs"][0]["results"][0]["properties"]["replyId"] == "x\udc00"


def _report(finding, text):
    from voicecheck.model import Report

    return Report(path="x", language="en", verdict="warn", score=90, scores={},
                  findings=(finding,), text=text, extra={"reply_id": "r1", "title": None})


# ------------------------------------------------------------------------------------ JUnit

def test_junit_structure(run):
    root = ET.fromstring(render("junit", run, fail_on="warning"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"lib/macros.json", "lib/fa/replies.md", "lib/broken.json"}
    cases = suites["lib/macros.json"].findall("testcase")
    assert [c.get("name") for c in cases] == ['m1 "Refund"', 'm2 "Refund ok"']
    assert all(c.get("classname") == "lib/macros.json" for c in cases)
    failure = cases[0].find("failure")
    assert failure is not None and "VC110" in failure.get("message")
    assert "lib/macros.json:3:1: VC110 robotic-apology [warning]" in failure.text
    assert cases[1].find("failure") is None and cases[1].find("system-out") is None
    assert suites["lib/macros.json"].get("tests") == "2"
    assert suites["lib/macros.json"].get("failures") == "1"
    error = suites["lib/broken.json"].find("testcase/error")
    assert error is not None and error.get("type") == "E210"
    assert root.get("tests") == "4" and root.get("failures") == "2" and root.get("errors") == "1"


def test_junit_findings_below_fail_on_go_to_system_out(run):
    root = ET.fromstring(render("junit", run, fail_on="error"))
    case = root.find("testsuite[@name='lib/macros.json']/testcase")
    assert case.find("failure") is None
    assert "VC110" in case.find("system-out").text and "VC112" in case.find("system-out").text
    assert root.get("failures") == "0"
    never = ET.fromstring(render("junit", run, fail_on="never"))
    assert never.find(".//failure") is None


@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=1, max_size=40), title=st.text(max_size=10),
       message=st.text(max_size=20))
def test_junit_is_well_formed_for_any_text(text, title, message):
    finding = Finding("VC101", "banned-phrase", "error", message, 0, len(text), 1, 1, text)
    report = dataclasses.replace(_report(finding, text), path="a]]>&\"<.json",
                                 extra={"reply_id": title or "r", "title": title})
    out = render("junit", LintRun([report], [], 1, 0))
    root = ET.fromstring(out.encode("utf-8"))  # raises on anything not well-formed
    failure = root.find(".//failure")
    # Every run of characters XML can carry is there as it was (the others are escaped).
    runs = re.split("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", text)
    assert all(part in failure.text for run in runs for part in run.split("\n"))
    assert root.find(".//testcase").get("classname") == "a]]>&\"<.json"


# ----------------------------------------------------------------------------------- GitHub

def test_github_annotation_line(run):
    lines = render("github", run).splitlines()
    vc110 = next(line for line in lines if "VC110" in line and "lib/macros.json" in line)
    end = 1 + len("We apologize for any inconvenience")
    assert vc110.startswith(f"::warning file=lib/macros.json,line=3,endLine=3,col=1,"
                            f"endColumn={end},title=VC110 robotic-apology::")
    assert "%0ASuggestion: I'm sorry about this" in vc110
    error = next(line for line in lines if line.startswith("::error"))
    assert error.startswith("::error file=lib/broken.json,line=4,title=E210::not valid JSON")
    assert lines[-1].startswith("voicecheck: ")


def test_github_most_severe_first(checker):
    reports = [dataclasses.replace(checker.check(text, lang="en"), path="a.txt",
                                   extra={"reply_id": str(i), "title": None})
               for i, text in enumerate(["To be honest, basically it shipped.", REFUND,
                                         "Send it to {{name}} please."])]
    levels = [line[2:].split(" ")[0] for line in render("github", LintRun(reports, [], 1, 0))
              .splitlines() if line.startswith("::")]
    assert set(levels) == {"error", "warning", "notice"}
    rank = {"error": 0, "warning": 1, "notice": 2}
    assert levels == sorted(levels, key=rank.get)


def _unescape(text: str) -> str:
    """What the Actions runner does to a command's value."""
    return re.sub("%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n",
                                                   "3A": ":", "2C": ","}[m.group(1)], text)


@settings(max_examples=150, deadline=None)
@given(path=st.text(min_size=1, max_size=20).filter(lambda s: not re.search("[\ud800-\udfff]", s)),
       message=st.text(max_size=30).filter(lambda s: not re.search("[\ud800-\udfff]", s)))
def test_github_escaping_round_trips(path, message):
    finding = Finding("VC222", "shouting", "warning", message, 0, 3, 2, 4, "BIG")
    report = dataclasses.replace(_report(finding, "BIG"), path=path)
    line = render("github", LintRun([report], [], 1, 0)).split("\n")[0]
    assert "\n" not in line and "\r" not in line
    head, _, value = line.partition("::")[2].partition("::")
    props = dict(p.split("=", 1) for p in head.split(" ", 1)[1].split(","))
    assert _unescape(props["file"]) == path
    assert _unescape(value).startswith(message + " (reply r1)")


def test_github_multiline_finding_has_no_columns():
    finding = Finding("VC301", "long-sentence", "warning", "m", 0, 7, 2, 5, "one\ntwo")
    line = render("github", LintRun([_report(finding, "one\ntwo")], [], 1, 0)).split("\n")[0]
    assert line.startswith("::warning file=x,line=2,endLine=3,title=")
    assert "col=" not in line and "endColumn=" not in line


# ------------------------------------------------------------------------------- statistics

def test_statistics_counts_by_code(checker):
    reports = [placed(checker.check(text, lang="en"), "a.txt", str(i)) for i, text in
               enumerate([REFUND, REFUND, "Thanks for waiting!!! It left today.", CLEAN])]
    out = render("statistics", LintRun(reports, [], 1, 0))
    rows = [line.split() for line in out.splitlines()]
    assert rows[0][:4] == ["2", "VC110", "robotic-apology", "warning"]
    counts = [int(r[0]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    found = {r[1] for r in rows}
    assert found == {f.code for r in reports for f in r.findings}


def test_statistics_marks_rules_with_safe_fixes():
    safe = Finding("VC140", "plain-words", "info", "m", 0, 7, 1, 1, "utilize",
                   (Suggestion("use", 0, 7, safe=True),))
    unsafe = Finding("VC110", "robotic-apology", "warning", "m", 0, 7, 1, 1, "sorry",
                     (Suggestion("x", 0, 7),))
    out = render("statistics", LintRun([_report(safe, "utilize"), _report(unsafe, "sorry")],
                                       [], 1, 0))
    lines = {line.split()[1]: line for line in out.splitlines()}
    assert lines["VC140"].endswith("[*]") and not lines["VC110"].endswith("[*]")


def test_statistics_empty_and_errors(run):
    empty = LintRun([], [VoicecheckError("x", path="a.json")], 1, 0)
    assert render("statistics", empty) == "No findings.\nNot checked: 1 file unreadable.\n"
