"""The `voicecheck` command: thin wrappers over the library (parse, call, print, exit code).

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage, configuration
or input error (one line naming file and line, never a traceback). Commands that need no
tokens (--help, --version, rules, explain, guide) never import spaCy or numpy.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from voicecheck import __version__
from voicecheck.io.text_report import visible
from voicecheck.model import SEVERITY_RANK, VoicecheckError

FAIL_ON = ("error", "warning", "info", "never")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _error(error: VoicecheckError | str) -> None:
    """Print one error line; a file name or quoted text in it cannot drive the terminal."""
    click.echo(visible(f"voicecheck: {error}"), err=True)


def _fail(error: VoicecheckError | str) -> None:
    _error(error)
    sys.exit(EXIT_ERROR)


class _Group(click.Group):
    """Turns any VoicecheckError that escapes a command into one line and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VoicecheckError as error:
            _fail(error)
        except KeyboardInterrupt:
            click.echo("voicecheck: interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="voicecheck")
def main() -> None:
    """Lint customer-service replies against a brand style guide (en, id, ms, fa)."""


class _ReportedAlready(Exception):
    """A guide that failed to load for an earlier file: that file's error line said it."""


def _guide_for(explicit: str | None, target: str, cache: dict[Any, Any]) -> Any:
    """The Checker of the guide that applies to `target`, built once per guide. A guide that
    fails is remembered too: its error is raised for the first file it applies to, and later
    files raise `_ReportedAlready`, so nine files under one bad guide print one line."""
    from voicecheck.engine import Checker
    from voicecheck.guide import find_guide

    path = explicit or find_guide(None if target == "-" else target)
    key = str(path) if path else None
    if key not in cache:
        try:
            cache[key] = Checker(str(path) if path else None)
        except VoicecheckError as error:
            cache[key] = error
            raise
    found = cache[key]
    if isinstance(found, VoicecheckError):
        raise _ReportedAlready
    return found


def _reply_options(command: Any) -> Any:
    """The options that say what a reply is checked against (check and suggest share them)."""
    options = [
        click.option("--guide", "guide_path", type=click.Path(), help="Style guide (default: "
                     "the nearest .voicecheck.yaml above each file, else the built-in default "
                     "preset)."),
        click.option("--lang", default="auto", show_default=True,
                     type=click.Choice(["auto", "en", "id", "ms", "fa"]),
                     help="Language of the reply."),
        click.option("--channel", help="Where the reply goes: twitter_public, dm, chat, email, "
                     "sms, ..."),
        click.option("--customer", help="The customer's message the reply answers."),
        click.option("--customer-file", type=click.Path(allow_dash=True),
                     help="File holding the customer's message."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True))
@_reply_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes to the files (atomic write), "
              "then report what remains.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff and "
              "write nothing; exit 1 if there are any.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix/--diff, also apply the fixes "
              "that add content or may change the meaning.")
def check(files: tuple[str, ...], guide_path: str | None, lang: str, channel: str | None,
          customer: str | None, customer_file: str | None, fmt: str, fail_on: str,
          fix: bool = False, show_diff: bool = False, unsafe_fixes: bool = False) -> None:
    """Check draft replies (FILE… or - for standard input)."""
    from voicecheck.io.inputs import read_text
    from voicecheck.io.text_report import format_report, summary

    targets = list(files) or ["-"]
    if unsafe_fixes and not (fix or show_diff):
        raise VoicecheckError("--unsafe-fixes goes with --fix or --diff (alone it would change "
                              "nothing)", code="E249")
    if show_diff and fmt != "text":
        raise VoicecheckError(f"--diff prints a unified diff, not a report: it does not go with "
                              f"--format {fmt}", code="E249")
    if customer_file:
        customer = read_text(customer_file)
    if guide_path and not Path(guide_path).exists() and guide_path not in (
            "default", "formal", "friendly"):
        raise VoicecheckError("guide not found", path=guide_path, code="E105")
    checkers: dict[Any, Any] = {}
    reports = []
    errors = 0
    unchecked = 0
    changed = 0
    for target in targets:
        try:
            checker = _guide_for(guide_path, target, checkers)
        except VoicecheckError as error:
            errors += 1
            unchecked += 1
            _error(error)
            continue
        except _ReportedAlready:
            unchecked += 1
            continue
        try:
            shown = "-" if target == "-" else target
            if fix or show_diff:
                report, diff = _fix_target(target, lambda t, c=checker, p=shown: c.check(
                    t, lang=lang, channel=channel, customer=customer, path=p),
                                           not show_diff, unsafe_fixes)
                reports.append(report)
                changed += bool(diff)
                continue
            text = read_text(target)
            reports.append(checker.check(text, lang=lang, channel=channel, customer=customer,
                                         path=shown))
        except VoicecheckError as error:
            errors += 1
            _error(error)
    if show_diff:
        sys.exit(EXIT_ERROR if errors else EXIT_FINDINGS if changed else EXIT_OK)
    if fmt == "json":
        payload = [r.to_dict() for r in reports]
        click.echo(json.dumps(payload[0] if len(targets) == 1 and payload else payload,
                              ensure_ascii=False, indent=2))
    else:
        for report in reports:
            for line in format_report(report, report.path or "-"):
                click.echo(line)
        if len(targets) > 1:
            click.echo(summary(reports, errors, unchecked))
    if errors:
        sys.exit(EXIT_ERROR)
    if fail_on != "never":
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for r in reports for f in r.findings):
            sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


INPUT_FORMATS = ("txt", "md", "yaml", "json", "csv", "zendesk", "freshdesk", "helpscout", "front")
LINT_FORMATS = ("text", "json", "sarif", "junit", "github", "html")


class _Progress:
    """A progress bar on a terminal for runs long enough to want one; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        """`done` of `total` bytes of library files checked."""
        if not self.enabled or total < 1_000_000:  # about 3,000 replies: a second or more
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="linting", file=sys.stderr,
                                         show_percent=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _lint_text(run: Any) -> list[str]:
    from voicecheck.io.text_report import UNDERLINE_LIMIT, format_finding, visible

    out = []
    for report in run.reports:
        reply = report.extra.get("reply_id")
        for finding in report.findings:
            if finding.start == finding.end == 0 and finding.code.startswith("VC9"):
                # about a suppression comment, which is not part of the reply's text
                lines = format_finding(finding, finding.text, report.path or "-",
                                       local_line=True)
                lines[-1] = lines[-1][:lines[-1].index("|") + 2] + "^" * min(
                    len(finding.text), UNDERLINE_LIMIT)
            else:
                lines = format_finding(finding, report.text, report.path or "-",
                                       local_line=True)
            lines[0] += f"  ({visible(str(reply))})" if reply else ""
            out.extend(lines)
            out.append("")
    return out


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=False))
@click.option("--guide", "guide_path", type=click.Path(), help="Style guide (default: the "
              "nearest .voicecheck.yaml above each file, else the built-in default preset).")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS),
              help="Read every file as this format (default: by extension and content).")
@click.option("--id-field", help="Field/column holding each reply's id (yaml, json, csv).")
@click.option("--title-field", help="Field/column holding each reply's title.")
@click.option("--body-field", help="Field/column holding each reply's text.")
@click.option("--lang-field", help="Field/column holding each reply's language.")
@click.option("--lang", type=click.Choice(["en", "id", "ms", "fa"]),
              help="Language of every reply (default: the reply's own field, else identified).")
@click.option("--channel", help="Channel every reply is meant for (twitter_public, dm, email, ...).")
@click.option("--format", "fmt", type=click.Choice(LINT_FORMATS), default="text",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (errors still exit 2).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes (default 0: one per core).")
@click.option("--no-cache", is_flag=True, help="Check every file again, ignoring .voicecheck_cache/.")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Where to keep the cache (default: ./.voicecheck_cache).")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Report only findings that this baseline file does not know.")
@click.option("--write-baseline", type=click.Path(dir_okay=False),
              help="Record today's findings in this file (then exit 0).")
@click.option("--force-exclude", is_flag=True,
              help="Apply the guide's lint.exclude to files named on the command line too "
                   "(for pre-commit).")
def lint(paths: tuple[str, ...], guide_path: str | None, input_format: str | None,
         id_field: str | None, title_field: str | None, body_field: str | None,
         lang_field: str | None, lang: str | None, channel: str | None, fmt: str,
         output: str | None, statistics: bool, fail_on: str, exit_zero: bool, jobs: int,
         no_cache: bool, cache_dir: str | None, baseline: str | None,
         write_baseline: str | None, force_exclude: bool) -> None:
    """Lint a library of canned replies (files and folders; default: the current folder)."""
    from voicecheck.io.lint import LintOptions, write_file
    from voicecheck.io.lint import lint as run_lint
    from voicecheck.io.lint import write_baseline as save
    from voicecheck.io.lintrun import exit_code, render
    from voicecheck.io.lintrun import summary as lint_summary

    if statistics and fmt != "text":
        raise VoicecheckError(f"--statistics prints a table of counts: it does not go with "
                              f"--format {fmt}", code="E249")
    if guide_path and not Path(guide_path).exists() and guide_path not in (
            "default", "formal", "friendly"):
        raise VoicecheckError("guide not found", path=guide_path, code="E105")
    progress = _Progress(sys.stderr.isatty())  # the bar is on stderr: any format is fine
    options = LintOptions(
        guide=guide_path, input_format=input_format,
        fields={"id": id_field, "title": title_field, "body": body_field, "lang": lang_field},
        lang=lang, channel=channel, jobs=jobs or None, cache=not no_cache, cache_dir=cache_dir,
        baseline=None if write_baseline else baseline, force_exclude=force_exclude,
        progress=progress if progress.enabled else None, version=__version__,
        skip=tuple(p for p in (baseline, write_baseline, output) if p))
    try:
        run = run_lint(list(paths) or ["."], options)
    finally:
        progress.close()
    for error in run.errors:
        _error(error)
    if write_baseline:
        count = save(write_baseline, run.reports, __version__)
        click.echo(f"wrote {count} finding{'s' if count != 1 else ''} to {write_baseline}",
                   err=True)
        sys.exit(EXIT_ERROR if run.errors else EXIT_OK)
    if statistics:
        text = render("statistics", run, fail_on=fail_on)
    elif fmt == "json":
        text = json.dumps([r.to_dict() for r in run.reports], ensure_ascii=False, indent=2)
    elif fmt == "text":
        text = "\n".join(_lint_text(run) + [lint_summary(run)])
    else:
        text = render(fmt, run, fail_on=fail_on)
    if output:
        write_file(output, text if text.endswith("\n") else text + "\n")
        click.echo(lint_summary(run), err=True)
    else:
        click.echo(text.rstrip("\n"))
    if run.errors:
        sys.exit(EXIT_ERROR)
    if exit_zero or fail_on == "never":
        sys.exit(EXIT_OK)
    sys.exit(exit_code(run, fail_on))


def _fix_target(target: str, check: Any, write: bool, unsafe: bool) -> tuple[Any, str]:
    """`check --fix` / `--diff` on one file (or standard input for --diff): the report of the
    fixed text and the diff; prints the diff (--diff) or a summary line on stderr (--fix)."""
    from voicecheck.io.inputs import read_text
    from voicecheck.rewrite.fix import fix_file, fix_text, unified_diff

    if target == "-":
        if write:
            raise VoicecheckError("--fix needs files; use --diff to see the fixes for "
                                  "standard input", code="E248")
        text = read_text("-")
        result = fix_text(text, check, unsafe)
        diff = unified_diff(text, result.text, "-")
    else:
        done = fix_file(target, check, unsafe, write=write)
        result, diff = done.result, done.diff
    if not write:
        click.echo(diff, nl=False)
        return result.report, diff
    more = result.remaining(unsafe=True) if not unsafe else 0
    note = f" ({more} more with --unsafe-fixes)" if more else ""
    stable = "" if result.stable else f"; not stable after {result.passes} passes"
    click.echo(f"{target}: {result.applied} fix{'es' if result.applied != 1 else ''} applied, "
               f"{result.remaining()} remaining{note}{stable}", err=True)
    return result.report, diff


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@_reply_options
def suggest(file: str, guide_path: str | None, lang: str, channel: str | None,
            customer: str | None, customer_file: str | None) -> None:
    """Print a whole improved draft of a reply (FILE or - for standard input)."""
    from voicecheck.io.inputs import read_text
    from voicecheck.rewrite.suggest import suggest_draft

    if customer_file:
        customer = read_text(customer_file)
    if guide_path and not Path(guide_path).exists() and guide_path not in (
            "default", "formal", "friendly"):
        raise VoicecheckError("guide not found", path=guide_path, code="E105")
    text = read_text(file)
    checker = _guide_for(guide_path, file, {})
    language = checker.detect_language(text, lang)
    result = suggest_draft(text, lambda t: checker.check(t, lang=language, channel=channel,
                                                         customer=customer),
                           checker.rewriter, channel)
    click.echo(result.text, nl=not result.text.endswith("\n"))  # the draft's own last line
    left = len(result.report.findings)
    click.echo(f"{file}: {result.changes} change{'s' if result.changes != 1 else ''}; the "
               f"draft is {result.report.verdict} (score {result.report.score}) with {left} "
               f"finding{'s' if left != 1 else ''} left", err=True)


@main.command()
@click.option("--lang", type=click.Choice(["en", "id", "ms", "fa"]), help="Only this language.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules(lang: str | None, fmt: str) -> None:
    """List the rules: code, slug, severity, kind and languages."""
    from voicecheck.checks.registry import all_rules, pack_rules

    chosen = list(pack_rules(lang)) if lang else all_rules()
    grouped: dict[str, dict[str, Any]] = {}
    for rule in chosen:
        entry = grouped.setdefault(rule.code, {"code": rule.code, "rule": rule.slug,
                                               "severity": rule.severity, "kind": rule.kind,
                                               "dimension": rule.dimension, "languages": []})
        entry["languages"].append(rule.lang if rule.lang != "*" else "all")
    items = sorted(grouped.values(), key=lambda e: e["code"])
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for e in items:
        click.echo(f"{e['code']}  {e['rule']:<28} {e['severity']:<8} {e['kind']:<13} "
                   f"{','.join(e['languages'])}")
    click.echo(f"{len(items)} rules")


@main.command()
@click.argument("code")
@click.option("--lang", type=click.Choice(["en", "id", "ms", "fa"]), help="Only this language.")
def explain(code: str, lang: str | None) -> None:
    """Explain a rule (by code or slug): what, why, and its bad and good examples."""
    from voicecheck.checks.registry import all_rules
    from voicecheck.guide.schema import did_you_mean

    wanted = code.strip()
    found = [r for r in all_rules() if wanted.upper() == r.code or wanted.lower() == r.slug]
    if lang:
        found = [r for r in found if r.lang in (lang, "*")]
    if not found:
        names = sorted({r.code for r in all_rules()} | {r.slug for r in all_rules()})
        raise VoicecheckError(f"no rule '{code}'{did_you_mean(wanted, names)}", code="E107")
    first = found[0]
    click.echo(click.style(f"{first.code} {first.slug}", bold=True)
               + f"  [{first.severity}, {first.kind}, {first.dimension}]")
    click.echo()
    click.echo(first.why)
    for rule in found:
        label = "all languages" if rule.lang == "*" else rule.lang
        click.echo()
        click.echo(click.style(f"{label}:", bold=True) + f" {rule.message}")
        for example in rule.examples_bad:
            click.echo(f"  bad:  {_lines(example.text)}{_example_setting(example)}")
        for example in rule.examples_good:
            click.echo(f"  good: {_lines(example.text)}{_example_setting(example)}")


def _lines(text: str) -> str:
    """An example of several lines, its later lines indented under its first."""
    first, *rest = text.split("\n")
    return "\n".join([first] + [f"        {line}" if line else "" for line in rest])


def _example_setting(example: Any) -> str:
    """What an example is checked against, when it says: the customer's message, channel."""
    parts = [f"customer: {example.customer}" if example.customer is not None else "",
             f"channel: {example.channel}" if example.channel else ""]
    shown = "; ".join(p for p in parts if p)
    return f"\n          ({shown})" if shown else ""


def _samples(rows: list[Any], head: str, lang: str | None) -> list[Any]:
    from voicecheck.engine import Checker
    from voicecheck.tone.train import Sample

    checker = Checker(model=False)
    samples = []
    # off a terminal click prints only the label, once: make it say what is happening
    with click.progressbar(rows, label=f"{head}: features of {len(rows)} replies",
                           file=sys.stderr, show_pos=True) as bar:
        for row in bar:
            row_lang, feats = checker.tone_features(row.text, lang=lang or row.lang)
            samples.append(Sample(feats, {head: row.label}, row_lang, text=row.text))
    return samples


def _needs_sklearn() -> None:
    try:
        import scipy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        raise VoicecheckError("training needs scikit-learn: pip install 'voicecheck[train]'",
                              code="E213") from None


@main.command()
@click.option("--head", required=True, help="formality, politeness, empathy, hostility, or a "
              "name of your own (e.g. brand_voice: approved vs rejected replies).")
@click.option("--data", "data_path", required=True, type=click.Path(),
              help="Labelled replies: .csv, .tsv or .jsonl.")
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Model directory to write.")
@click.option("--text-column", help="Column holding the reply (default: reply or text).")
@click.option("--label-column", help="Column holding the label (default: the head's name or label).")
@click.option("--lang", type=click.Choice(["en", "id", "ms", "fa"]),
              help="Language of every row (default: the lang column, else identified).")
@click.option("--seed", default=13, show_default=True, type=int)
@click.option("--word-vectors", is_flag=True,
              help="Also read the shipped model's English word vectors (the model directory "
                   "grows by their 5.6 MB); helps a head whose data is English and small.")
def train(head: str, data_path: str, out_dir: str, text_column: str | None,
          label_column: str | None, lang: str | None, seed: int, word_vectors: bool) -> None:
    """Fit a tone head on your own labelled replies; report held-out metrics."""
    from voicecheck.io.labelled import BUILT_IN, read_labelled
    from voicecheck.tone.install import install_model, model_target
    from voicecheck.tone.model import ToneModel, save_model
    from voicecheck.tone.train import (evaluate, fit, group_labels, label_warning,
                                         metrics_table, split_of)

    _needs_sklearn()
    if not head.replace("_", "").isalnum():
        raise VoicecheckError(f"head name {head!r} must be letters, digits and _", code="E211")
    target = model_target(out_dir, data_path)  # refused before minutes of training
    rows = read_labelled(data_path, head, text_column, label_column, lang)
    click.echo(f"{len(rows)} labelled rows from {data_path}", err=True)
    samples = _samples(rows, head, lang)
    parts = {name: [s for s in samples if split_of(s.text, str(seed)) == name]
             for name in ("train", "dev", "test")}
    if min(len(parts["dev"]), len(parts["test"])) < 5 or len(
            {s.labels[head] for s in parts["train"]}) < 2:
        raise VoicecheckError("too few rows of each label for a train/dev/test split; add data",
                              path=data_path, code="E212")
    levels = BUILT_IN.get(head, (0, 1))
    vectors = None
    if word_vectors:
        from voicecheck.paths import data_dir

        vectors = ToneModel.load(data_dir("models") / "tone").vectors
        if vectors is None:
            raise VoicecheckError("the shipped tone model has no word vectors", code="E211")
    click.echo(f"training on {len(parts['train'])}, choosing C on {len(parts['dev'])}, "
               f"holding out {len(parts['test'])}", err=True)
    try:
        manifest, vocab, arrays = fit(parts["train"], parts["dev"], {head: levels}, seed=seed,
                                      progress=lambda m: click.echo(m, err=True),
                                      vectors=vectors)
    except ValueError as exc:
        raise VoicecheckError(str(exc), path=data_path, code="E212") from None
    metrics = evaluate(arrays["W"], arrays["b"], arrays["calib"], vocab, arrays["idf"],
                       manifest["heads"], parts["test"], ci=True, vectors=vectors)
    manifest["metrics_test"] = metrics
    manifest["data"] = {"file": Path(data_path).name, "rows": len(rows),
                        "splits": {k: len(v) for k, v in parts.items()}}
    install_model(target, out_dir, data_path,
                   lambda folder: save_model(folder, manifest, vocab, arrays, vectors))
    click.echo(metrics_table(metrics))
    if len(parts["test"]) < 50:
        click.echo(f"warning: only {len(parts['test'])} held-out rows; these numbers are "
                   "rough", err=True)
    thin = label_warning(head, levels, {
        "held-out" + ("" if group == "all" else f" {group}"): labels
        for group, labels in group_labels(parts["test"], head).items()},
        fitted=[s.labels[head] for s in parts["train"] + parts["dev"]])
    if thin:
        click.echo(thin, err=True)
    click.echo(f"wrote {out_dir}", err=True)


@main.command("eval")
@click.option("--model", "model_dir", required=True, type=click.Path())
@click.option("--data", "data_path", required=True, type=click.Path())
@click.option("--head", help="Head to evaluate (default: every head of the model found in the data).")
@click.option("--text-column")
@click.option("--lang", type=click.Choice(["en", "id", "ms", "fa"]))
def evaluate_command(model_dir: str, data_path: str, head: str | None,
                     text_column: str | None, lang: str | None) -> None:
    """Accuracy, macro-F1, Spearman and calibration error of a model per language."""
    from voicecheck.io.labelled import read_labelled
    from voicecheck.tone.model import ToneModel
    from voicecheck.tone.train import (evaluate, group_labels, groups_of, label_warning,
                                         metrics_table)

    _needs_sklearn()
    model = ToneModel.load(model_dir)
    heads = [head] if head else list(model.heads)
    unknown = [h for h in heads if h not in model.heads]
    if unknown:
        raise VoicecheckError(f"model has no head '{unknown[0]}' (heads: "
                              f"{', '.join(model.heads)})", path=model_dir, code="E211")
    results: dict[str, Any] = {}
    thin = []
    for name in heads:
        try:
            rows = read_labelled(data_path, name, text_column, lang=lang)
        except VoicecheckError as error:
            if head or "missing label" not in error.message:
                raise
            continue
        samples = _samples(rows, name, lang)
        groups = groups_of(samples)
        results.update(evaluate(model.W, model.b, model.calib, model.vocab, model.idf,
                                {name: model.heads[name]}, samples, groups=groups, ci=True,
                                vectors=model.vectors))
        thin.append(label_warning(name, model.heads[name]["levels"],
                                  group_labels(samples, name, groups)))
    if not results:
        raise VoicecheckError(f"no column for any head of the model ({', '.join(heads)})",
                              path=data_path, code="E212")
    click.echo(metrics_table(results))
    for line in filter(None, thin):
        click.echo(line, err=True)


@main.group()
def guide() -> None:
    """Create and validate style guides (.voicecheck.yaml)."""


@guide.command("validate")
@click.argument("path", required=False, type=click.Path())
def guide_validate(path: str | None) -> None:
    """Validate a style guide (default: the nearest .voicecheck.yaml)."""
    from voicecheck.checks.registry import known_names
    from voicecheck.guide import find_guide, load_guide
    from voicecheck.guide.schema import did_you_mean, rule_codes

    target = Path(path) if path else find_guide(Path.cwd())
    if target is None:
        raise VoicecheckError("no .voicecheck.yaml here or above; create one with "
                              "`voicecheck guide init`", code="E105")
    loaded = load_guide(target)
    from voicecheck.rewrite.templates import TemplateSet

    TemplateSet(loaded)  # compiles and test-renders the guide's own templates (E240-E244)
    if loaded.model:  # the guide's own tone model must load, as `check` will load it
        from voicecheck.engine import Checker

        _ = Checker(loaded).tone_models
    names = known_names()
    for name in loaded.rules:
        if name not in names:
            source, line = loaded.rule_lines.get(name, (str(target), None))
            raise VoicecheckError(f"unknown rule '{name}' in 'rules'"
                                  f"{did_you_mean(name, sorted(names))}", path=source,
                                  line=line, code="E107")
    for pattern, codes in loaded.lint.get("per_path_ignores", {}).items():  # as `lint` does
        rule_codes(codes, {name: name for name in names}, "lint.per_path_ignores",
                   *loaded.ignore_lines.get(pattern, (loaded.source, ())))
    kinds = {k: sum(t.kind == k for t in loaded.terms) for k in ("banned", "preferred", "jargon")}
    click.echo(f"{target}: ok ({loaded.formality} voice, {', '.join(loaded.languages)}; "
               f"{kinds['banned']} banned, {kinds['preferred']} preferred, "
               f"{kinds['jargon']} jargon, {len(loaded.rules)} rule settings)")


@guide.command("init")
@click.argument("path", required=False, default=".voicecheck.yaml", type=click.Path())
@click.option("--preset", type=click.Choice(["default", "formal", "friendly"]), default="default",
              show_default=True, help="Preset the new guide extends.")
@click.option("--brand", default="Acme", show_default=True,
              help="Brand name, written exactly as given (quotes, backslashes, ':', '#', "
              "Persian, emoji). An empty or blank name, or one with a line break or other "
              "control character, is refused (E103).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def guide_init(path: str, preset: str, brand: str, force: bool) -> None:
    """Write a commented starter style guide."""
    from voicecheck.guide.starter import brand_problem, starter_guide

    problem = brand_problem(brand)
    if problem:
        raise VoicecheckError(f"--brand {problem}", code="E103")
    target = Path(path)
    if target.exists() and not force:
        raise VoicecheckError("already exists (use --force to overwrite)", path=path,
                              code="E205")
    from voicecheck.paths import replace_file, umask_mode

    content = starter_guide(preset, brand)
    try:
        replace_file(target, content.encode("utf-8"), mode=umask_mode(),
                     prefix=f".{target.name}.tmp-")
    except OSError as exc:
        raise VoicecheckError(f"cannot write: {exc.strerror}", path=path, code="E205") from None
    click.echo(f"wrote {target} (extends {preset}); check it with `voicecheck guide validate`")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--guides", "guides_dir", type=click.Path(), help="Folder of *.yaml guides, each "
              "served under its file stem (reloaded when a file changes); presets always served.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (each loads and warms the guides).")
@click.option("--token-file", type=click.Path(), help="File holding a bearer token that API "
              "requests must send (Authorization: Bearer …).")
@click.option("--cors-origin", "cors", multiple=True, help="Allow browser calls from this "
              "origin (repeatable). CORS is off by default.")
@click.option("--max-body", default=64 * 1024, show_default=True, type=click.IntRange(1024),
              help="Largest request body in bytes (413 past it).")
@click.option("--max-text", default=20_000, show_default=True, type=click.IntRange(1),
              help="Longest reply or customer message in characters.")
@click.option("--max-in-flight", default=64, show_default=True, type=click.IntRange(1),
              help="Check requests handled at once per process; more get 429.")
@click.option("--queue-timeout", default=0.03, show_default=True, type=click.FloatRange(0.001),
              help="Seconds a check may wait for its turn before a 503 (load shedding).")
@click.option("--time-budget", default=2.0, show_default=True, type=click.FloatRange(0.01),
              help="Seconds a request may take (503 past it).")
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Threads for long checks and batches.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
def serve(host: str, port: int, guides_dir: str | None, workers: int, token_file: str | None,
          cors: tuple[str, ...], max_body: int, max_text: int, max_in_flight: int,
          queue_timeout: float, time_budget: float, threads: int, log_level: str) -> None:
    """Serve the HTTP JSON API and the web playground (needs voicecheck[server])."""
    try:
        from voicecheck.server.payload import Limits
        from voicecheck.server.run import serve as run_server
    except ImportError as exc:
        raise VoicecheckError(f"the server needs its extra: pip install 'voicecheck[server]' "
                              f"({exc.name} is missing)", code="E259") from None
    limits = Limits(max_body=max_body, max_text=max_text, max_in_flight=max_in_flight,
                    queue_timeout=queue_timeout, time_budget=time_budget, threads=threads)
    run_server(host, port, guides_dir, workers, token_file, cors, limits, log_level)


if __name__ == "__main__":
    main()
