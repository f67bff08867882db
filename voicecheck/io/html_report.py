"""One self-contained HTML page for a lint run: no external URL, inline CSS and a little JS.

Summary counts; tables per rule and per language; a table of every reply with findings, and
each of those replies in full with its findings highlighted (`<mark>`, tooltip: code, message,
suggestion) and listed; clean replies only as table rows, collapsed. Every table sorts by
clicking a header (`#sort=TABLE.COLUMN.descending` in the URL opens it sorted). Reply text is
untrusted and always escaped; Persian replies are `dir="rtl"`, everything else `dir="auto"`.
Output grows linearly with the run (each reply's text is written once).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import pairwise

from voicecheck.io.lintrun import LintRun, fails, reply_id, rule_info
from voicecheck.model import SEVERITY_RANK, Finding, Report

RTL_LANGUAGES = {"fa"}
MAX_FULL_REPLIES = 5_000  # beyond this the page gets too heavy to scroll; the table lists all
OPEN_TABLE_ROWS = 1_000  # longer reply tables start collapsed (layout cost on opening the page)
_SURROGATE = re.compile("[\ud800-\udfff]")


def esc(value: object) -> str:
    """HTML-escaped text (quotes too, so it is safe in attributes).

    >>> esc("<script>alert('x')</script>")
    '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
    """
    return html.escape(_SURROGATE.sub("\ufffd", str(value)), quote=True)


def _dir(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "auto"


def _tooltip(finding: Finding) -> str:
    tip = f"{finding.code} {finding.rule} [{finding.severity}]: {finding.message}"
    if finding.suggestions:
        tip += f"\nSuggestion: {finding.suggestions[0].text or '(remove the words)'}"
    return tip


def highlight(text: str, findings: Iterable[Finding], anchor: str = "") -> str:
    """The reply text, escaped, with each finding's span in a `<mark>`.

    Overlapping findings split the text into segments; a segment covered by several findings
    gets one mark naming them all, coloured by the most severe.

    >>> from voicecheck.model import Finding
    >>> highlight("a <b> c", [Finding("VC1", "x", "error", "m", 2, 5, 1, 3, "<b>")])
    'a <mark class="error" title="VC1 x [error]: m" data-f="0">&lt;b&gt;</mark> c'
    """
    spans = [(max(0, f.start), min(len(text), f.end), i, f) for i, f in enumerate(findings)]
    spans = [s for s in spans if s[0] < s[1]]
    cuts = sorted({0, len(text)} | {s[0] for s in spans} | {s[1] for s in spans})
    out = []
    for a, b in pairwise(cuts):
        piece = esc(text[a:b])
        active = [s for s in spans if s[0] <= a and s[1] >= b]
        if not active:
            out.append(piece)
            continue
        worst = max(active, key=lambda s: SEVERITY_RANK[s[3].severity])[3].severity
        tip = "\n".join(_tooltip(s[3]) for s in active)
        ids = " ".join(f"{anchor}{s[2]}" for s in active)
        out.append(f'<mark class="{worst}" title="{esc(tip)}" data-f="{ids}">{piece}</mark>')
    return "".join(out)


def _table(table_id: str, headers: list[str], rows: list[str], numeric: set[int]) -> str:
    ths = "".join(f'<th scope="col"{" class=num" if i in numeric else ""}>'
                  f'<button type="button">{esc(h)}</button></th>'
                  for i, h in enumerate(headers))
    return (f'<table class="sortable" id="{table_id}"><thead><tr>{ths}</tr></thead>'
            f'<tbody>\n' + "\n".join(rows) + "\n</tbody></table>")


def _td(value: object, sort: object | None = None, cls: str = "", attrs: str = "") -> str:
    parts = [f' data-sort="{esc(sort)}"' if sort is not None else "",
             f' class="{cls}"' if cls else "", attrs]
    return f"<td{''.join(parts)}>{esc(value)}</td>"


def _rule_rows(run: LintRun) -> list[str]:
    table: dict[str, dict] = {}
    for index, report in enumerate(run.reports):
        for finding in report.findings:
            row = table.setdefault(finding.code, {"finding": finding, "count": 0,
                                                  "replies": set(), "langs": set(),
                                                  "severity": finding.severity})
            row["count"] += 1
            row["replies"].add(index)
            row["langs"].add(report.language)
            if SEVERITY_RANK[finding.severity] > SEVERITY_RANK[row["severity"]]:
                row["severity"] = finding.severity
    rows = []
    for code, row in sorted(table.items(), key=lambda kv: (-kv[1]["count"], kv[0])):
        info = rule_info(row["finding"])
        sev = row["severity"]
        rows.append("<tr>" + _td(code) + _td(info.slug, attrs=f' title="{esc(info.why)}"')
                    + _td(sev, SEVERITY_RANK[sev], f"sev {sev}") + _td(row["count"], row["count"])
                    + _td(len(row["replies"]), len(row["replies"]))
                    + _td(" ".join(sorted(row["langs"]))) + "</tr>")
    return rows


def _language_rows(run: LintRun) -> list[str]:
    table: dict[str, list[int]] = {}
    for report in run.reports:
        row = table.setdefault(report.language, [0, 0, 0, 0, 0, 0])
        row[0] += 1
        row[1 + ("pass", "warn", "fail").index(report.verdict)] += 1
        row[4] += len(report.findings)
        row[5] += report.score
    rows = []
    for lang, (n, p, w, f, found, total) in sorted(table.items()):
        mean = round(total / n, 1)
        rows.append("<tr>" + _td(lang) + "".join(_td(v, v) for v in (n, p, w, f, found))
                    + _td(mean, mean) + "</tr>")
    return rows


def _reply_row(report: Report, index: int, full: bool) -> str:
    rid = reply_id(report, index)
    link = f'<a href="#r{index}">{esc(rid)}</a>' if full else esc(rid)
    counts = [report.count(s) for s in ("error", "warning", "info")]
    return ("<tr>" + _td(report.path or "-") + f'<td data-sort="{esc(rid)}">{link}</td>'
            + _td(report.extra.get("title") or "", attrs=' dir="auto"') + _td(report.language)
            + _td(report.verdict, ("pass", "warn", "fail").index(report.verdict),
                  f"verdict {report.verdict}")
            + _td(report.score, report.score) + "".join(_td(c, c) for c in counts) + "</tr>")


def _reply_article(report: Report, index: int, fail_on: str) -> str:
    title = report.extra.get("title")
    head = (f'<h3><span class="file">{esc(report.path or "-")}</span> · '
            f'<span class="rid">{esc(reply_id(report, index))}</span>'
            + (f' · <span dir="auto">{esc(title)}</span>' if title else "") + "</h3>")
    meta = (f'<p class="meta">{esc(report.language)} · <span class="verdict {report.verdict}">'
            f'{report.verdict}</span> · score {report.score}</p>')
    body = (f'<div class="text" dir="{_dir(report.language)}" lang="{esc(report.language)}">'
            f'{highlight(report.text, report.findings, f"r{index}f")}</div>')
    items = []
    for i, finding in enumerate(report.findings):
        fix = ""
        if finding.suggestions:
            fix = ('<span class="fix">→ <bdi>'
                   + esc(finding.suggestions[0].text or "(remove the words)") + "</bdi></span>")
        failing = " fails" if fails(finding, fail_on) else ""
        items.append(f'<li id="r{index}f{i}" class="{finding.severity}{failing}">'
                     f'<span class="where">{finding.line}:{finding.column}</span> '
                     f'<code>{esc(finding.code)}</code> {esc(finding.rule)} '
                     f'<span class="sev {finding.severity}">{finding.severity}</span> '
                     f'{esc(finding.message)} <q dir="auto">{esc(finding.text)}</q> {fix}</li>')
    return (f'<article class="reply" id="r{index}">{head}{meta}{body}'
            f'<ol class="findings">{"".join(items)}</ol></article>')


def _summary(run: LintRun) -> str:
    verdicts = {v: sum(r.verdict == v for r in run.reports) for v in ("pass", "warn", "fail")}
    by_sev = {s: sum(r.count(s) for r in run.reports) for s in ("error", "warning", "info")}
    cells = [("files", run.files), ("replies", len(run.reports)),
             ("pass", verdicts["pass"]), ("warn", verdicts["warn"]), ("fail", verdicts["fail"]),
             ("error findings", by_sev["error"]), ("warning findings", by_sev["warning"]),
             ("info findings", by_sev["info"]), ("unreadable files", run.unreadable_files),
             ("replies not checked", run.failed_replies),
             ("seconds", f"{run.elapsed:.1f}")]
    return ('<dl class="summary">' + "".join(
        f'<div class="{esc(k.split()[0])}"><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>'
        for k, v in cells) + "</dl>")


def render(run: LintRun, *, fail_on: str = "error") -> str:
    """The run as one HTML page."""
    with_findings = [(i, r) for i, r in enumerate(run.reports) if r.findings]
    clean = [(i, r) for i, r in enumerate(run.reports) if not r.findings]
    full = {i for i, _ in with_findings[:MAX_FULL_REPLIES]}
    reply_headers = ["File", "Reply", "Title", "Language", "Verdict", "Score", "Errors",
                     "Warnings", "Info"]
    reply_numeric = {5, 6, 7, 8}
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [_HEAD, "<header><h1>voicecheck report</h1>",
             f'<p class="stamp">{stamp} · fail on {esc(fail_on)}</p></header><main>',
             _summary(run)]
    if run.errors:
        parts.append('<section id="input-errors"><h2>Files that could not be read</h2><ul>'
                     + "".join(f"<li>{esc(e)}</li>" for e in run.errors) + "</ul></section>")
    parts.append('<section><h2>Rules</h2>' + _table(
        "rules", ["Code", "Rule", "Severity", "Findings", "Replies", "Languages"],
        _rule_rows(run), {3, 4}) + "</section>")
    parts.append('<section><h2>Languages</h2>' + _table(
        "languages", ["Language", "Replies", "Pass", "Warn", "Fail", "Findings", "Mean score"],
        _language_rows(run), {1, 2, 3, 4, 5, 6}) + "</section>")
    is_open = " open" if len(with_findings) <= OPEN_TABLE_ROWS else ""
    parts.append(f'<section><details{is_open}><summary><h2>Replies with findings '
                 f'({len(with_findings)})</h2></summary>' + _table(
                     "replies", reply_headers,
                     [_reply_row(r, i, i in full) for i, r in with_findings], reply_numeric)
                 + "</details></section>")
    if with_findings:
        parts.append('<section id="details"><h2>Findings by reply</h2>')
        parts.extend(_reply_article(r, i, fail_on) for i, r in with_findings if i in full)
        if len(with_findings) > len(full):
            parts.append(f'<p class="note">{len(with_findings) - len(full)} more replies with '
                         "findings are in the table above; the SARIF or JUnit output has every "
                         "finding.</p>")
        parts.append("</section>")
    parts.append(f'<section><details><summary><h2>Clean replies ({len(clean)})</h2></summary>'
                 + _table("clean", reply_headers, [_reply_row(r, i, False) for i, r in clean],
                          reply_numeric) + "</details></section>")
    parts.append("</main>" + _SCRIPT + "</body></html>\n")
    return "\n".join(parts)


_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="voicecheck">
<title>voicecheck report</title>
<style>
:root{--error:#c62828;--warning:#b26a00;--info:#1565c0;--ok:#2e7d32;
font-family:system-ui,sans-serif}
body{margin:0 auto;max-width:72rem;padding:1rem;line-height:1.45;color:#1b1b1b}
h1{margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem;margin:0 0 .3rem}
.stamp,.meta,.note{color:#555;font-size:.9rem}
dl.summary{display:flex;flex-wrap:wrap;gap:.5rem}
dl.summary div{border:1px solid #ddd;border-radius:6px;padding:.3rem .8rem;min-width:5rem}
dt{font-size:.8rem;color:#555}dd{margin:0;font-size:1.3rem;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #e5e5e5;padding:.25rem .5rem;text-align:start;vertical-align:top}
th.num,td[data-sort]{font-variant-numeric:tabular-nums}
th button{all:unset;cursor:pointer;font-weight:600}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
.sev.error,.verdict.fail{color:var(--error)}.sev.warning,.verdict.warn{color:var(--warning)}
.sev.info{color:var(--info)}.verdict.pass{color:var(--ok)}
article.reply{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;margin:.8rem 0;
content-visibility:auto;contain-intrinsic-size:auto 10rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;background:#fafafa;padding:.5rem;
border-radius:4px}
mark{border-radius:3px;padding:0 1px;cursor:help}
mark.error{background:#ffcdd2}mark.warning{background:#ffe0b2}mark.info{background:#bbdefb}
ol.findings{padding-inline-start:1.4rem;font-size:.9rem}
ol.findings li.fails{font-weight:500}
.where{color:#555;font-variant-numeric:tabular-nums}.fix{color:var(--ok)}
summary h2{display:inline}
</style></head><body>"""

_SCRIPT = """<script>
(function () {
  "use strict";
  function key(cell) {
    var v = cell.getAttribute("data-sort");
    if (v === null) { return {n: false, v: cell.textContent.toLowerCase()}; }
    var n = Number(v);
    return v !== "" && !isNaN(n) ? {n: true, v: n} : {n: false, v: v.toLowerCase()};
  }
  function sortBy(th) {
    var table = th.closest("table"), row = th.parentNode;
    var column = Array.prototype.indexOf.call(row.children, th);
    var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var sign = direction === "ascending" ? 1 : -1, body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (tr, i) {
      return {k: key(tr.cells[column]), i: i, tr: tr};
    });
    rows.sort(function (a, b) {
      var x = a.k, y = b.k, c;
      if (x.n !== y.n) { c = x.n ? -1 : 1; }
      else { c = x.v < y.v ? -1 : x.v > y.v ? 1 : 0; }
      return c ? c * sign : a.i - b.i;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (r) { fragment.appendChild(r.tr); });
    body.appendChild(fragment);
    Array.prototype.forEach.call(row.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", direction);
  }
  document.querySelectorAll("table.sortable th").forEach(function (th) {
    th.addEventListener("click", function () { sortBy(th); });
  });
  var wanted = /^#sort=([\\w-]+)\\.(\\d+)(?:\\.(ascending|descending))?$/.exec(location.hash);
  if (wanted) {
    var table = document.getElementById(wanted[1]);
    var th = table && table.tHead.rows[0].cells[Number(wanted[2])];
    if (th) {  // real clicks, the same path as a reader's: first ascending, then descending
      var button = th.querySelector("button");
      button.click();
      if (wanted[3] === "descending") { button.click(); }
    }
  }
})();
</script>"""
