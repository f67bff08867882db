"""The HTML report of `voicecheck lint`: self-contained, escaped, highlighted, sortable, and
rendered by a real browser (headless Chromium) when one is installed."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.io.html_report import highlight
from voicecheck.io.lintrun import LintRun, render
from voicecheck.model import Finding, VoicecheckError

REFUND = "We apologize for any inconvenience. As per our policy, no refunds."
PERSIAN = "طبق قوانین شرکت نمیشه. از این بابت پوزش می‌طلبیم"
CLEAN = "Your refund is on its way and should reach your card within 5 days."
SCRIPT = ("<script>document.title='pwned'</script> Thanks for waiting!!! "
          "We apologize for any inconvenience.")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def run():
    from voicecheck.engine import Checker

    checker = Checker(model=False)  # rules only: independent of tone-model retraining

    def placed(text, lang, path, rid, title=None):
        return dataclasses.replace(checker.check(text, lang=lang), path=path,
                                   extra={"reply_id": rid, "title": title})

    reports = [placed(REFUND, "en", "lib/macros.json", "m1", "Refund"),
               placed(CLEAN, "en", "lib/macros.json", "m2", "Refund <b>ok</b>"),
               placed(PERSIAN, "fa", "lib/fa.md", "f1", "بازپرداخت"),
               placed(SCRIPT, "en", "lib/evil.md", "<img src=x onerror=alert(1)>", "x")]
    errors = [VoicecheckError("not valid JSON", path="lib/broken.json", line=4, code="E210")]
    return LintRun(reports=reports, errors=errors, files=4, elapsed=0.5)


@pytest.fixture(scope="module")
def page(run):
    return render("html", run)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _tags(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def test_page_is_self_contained(page):
    tags = _tags(page)
    for tag, attrs in tags.tags:
        for name in ("src", "href", "action", "srcset", "data"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
        assert tag not in ("link", "iframe", "img", "object", "embed")
    assert not re.search(r"url\(|@import|https?://", page.split("<body>")[0])


def test_reply_text_cannot_inject_markup(page):
    tags = _tags(page)
    assert len(tags.scripts) == 1  # ours only
    assert "document.title" not in tags.scripts[0]
    assert not any(tag == "img" for tag, _ in tags.tags)
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Refund &lt;b&gt;ok&lt;/b&gt;" in page


def test_findings_are_highlighted_with_tooltips(run, page):
    marks = [attrs for tag, attrs in _tags(page).tags if tag == "mark"]
    flagged = [f for r in run.reports for f in r.findings if f.end > f.start]
    ids = {i for m in marks for i in m["data-f"].split()}
    assert len(ids) == len(flagged)
    vc110 = next(m for m in marks if "VC110" in m["title"])
    assert "robotic-apology" in vc110["title"]
    assert "Suggestion: I'm sorry about this" in vc110["title"]
    assert vc110["class"] == "warning"


def test_persian_reply_is_right_to_left(page):
    texts = [attrs for tag, attrs in _tags(page).tags
             if tag == "div" and "text" in (attrs.get("class") or "")]
    assert {t["lang"]: t["dir"] for t in texts} == {"en": "auto", "fa": "rtl"}


def test_summary_tables_and_clean_replies_collapsed(run, page):
    assert '<table class="sortable" id="rules">' in page
    assert '<table class="sortable" id="languages">' in page
    clean = page.split('id="clean"')[1]
    assert "m2" in clean and "m2" not in page.split('id="details"')[1].split('id="clean"')[0]
    assert "lib/broken.json" in page.split('id="input-errors"')[1]
    assert page.count('<article class="reply"') == sum(1 for r in run.reports if r.findings)


def test_large_runs_list_the_first_replies_in_full(run, monkeypatch):
    from voicecheck.io import html_report

    assert "<details open><summary><h2>Replies with findings" in render("html", run)
    monkeypatch.setattr(html_report, "MAX_FULL_REPLIES", 1)
    monkeypatch.setattr(html_report, "OPEN_TABLE_ROWS", 1)
    page = render("html", run)
    assert page.count('<article class="reply"') == 1
    assert "2 more replies with findings are in the table above" in page
    assert "<details><summary><h2>Replies with findings (3)</h2>" in page
    assert len(_rows(page, "replies")) == 3


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_highlight_keeps_the_text(data):
    text = data.draw(st.text(max_size=30))
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))),
                               max_size=5))
    findings = [Finding("VC1", "x", data.draw(st.sampled_from(["error", "warning", "info"])),
                        "m<&>", min(a, b), max(a, b), 1, 1, text[min(a, b):max(a, b)])
                for a, b in spans]
    out = highlight(text, findings)
    assert "<mark" not in re.sub(r"<mark [^>]*>", "", out)
    plain = html.unescape(re.sub(r"</?mark[^>]*>", "", out))
    assert plain == re.sub("[\ud800-\udfff]", "\ufffd", text)
    covered = sum(1 for f in findings if f.end > f.start)
    assert (out.count("<mark") > 0) == (covered > 0)


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=40), title=st.text(max_size=15),
       path=st.text(min_size=1, max_size=15), lang=st.sampled_from(["en", "fa"]))
def test_any_reply_renders_as_text(run, text, title, path, lang):
    finding = Finding("VC101", "banned-phrase", "error", text, 0, len(text), 1, 1, text)
    report = dataclasses.replace(run.reports[0], path=path, language=lang, text=text,
                                 findings=(finding,), extra={"reply_id": title, "title": title})
    page = render("html", LintRun([report], [], 1, 0))
    page.encode("utf-8")
    tags = _tags(page)
    assert len(tags.scripts) == 1
    assert [t for t, _ in tags.tags if t == "mark"] == ["mark"]
    assert [t for t, _ in tags.tags if t == "article"] == ["article"]


def test_size_grows_linearly(run):
    def size(n: int) -> int:
        reports = [dataclasses.replace(run.reports[i % len(run.reports)],
                                       extra={"reply_id": f"r{i}", "title": None})
                   for i in range(n)]
        return len(render("html", LintRun(reports, [], 1, 0)))

    small, large = size(500), size(5000)
    assert 9 * small < large < 11 * small


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install -y chromium)")
def test_renders_and_sorts_in_headless_chromium(page, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    dom = _dump_dom(path, tmp_path, "#sort=rules.3.ascending")
    assert "<title>voicecheck report</title>" in dom  # the reply's script never ran
    assert dom.count("<mark ") == page.count("<mark ")
    assert '<th scope="col" class="num" aria-sort="ascending">' in _table(dom, "rules")
    counts = [int(row[3]) for row in _rows(dom, "rules")]
    served = [int(row[3]) for row in _rows(page, "rules")]
    assert len(counts) >= 3 and len(set(counts)) > 1
    assert counts == sorted(counts) and served == sorted(served, reverse=True)
    by_code = _dump_dom(path, tmp_path, "#sort=rules.0.descending")
    codes = [row[0] for row in _rows(by_code, "rules")]
    assert codes == sorted(codes, reverse=True) and len(codes) == len(counts)


def _table(page: str, table_id: str) -> str:
    return page.split(f'id="{table_id}"')[1].split("</table>")[0]


def _rows(page: str, table_id: str) -> list[list[str]]:
    body = _table(page, table_id).split("<tbody>")[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


def _dump_dom(path: Path, tmp_path: Path, fragment: str) -> str:
    done = subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri() + fragment],
        capture_output=True, timeout=120, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
