"""The engine: compile a guide's rules per language once, run them over drafts, score, decide.

`Checker(guide).check(text)` is the one door used by the CLI, the API and the server.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Iterable

from voicecheck.checks import address, metric, pattern, phrase, pii, placeholder, structure, \
    style, substitution, terms, tone
from voicecheck.checks.base import Context, Rule
from voicecheck.checks.context import analyze_customer, load_full_identifier
from voicecheck.checks.matcher import PhraseMatcher, save_phrase_cache
from voicecheck.checks.registry import known_names, pack_rules
from voicecheck.guide import Guide, load_guide
from voicecheck.guide.schema import CHANNELS, did_you_mean
from voicecheck.model import MILDER, SEVERITY_RANK, Finding, Report, VoicecheckError, shorten
from voicecheck.paths import data_dir
from voicecheck.rewrite.rewriter import Rewriter
from voicecheck.runtime import gc_paused
from voicecheck.text.blank import is_blank
from voicecheck.text.draft import Draft, make_draft
from voicecheck.text.langid import identify
from voicecheck.tone.features import extract

MAX_CHARS = 2_000_000
PENALTY = {"error": 25, "warning": 10, "info": 2}
# one rule repeated is one problem: a reply in spoken Persian gets a VC120 per colloquial word,
# and nine of them (90 points) failed a reply other writers would send. A code's findings cost
# at most this many penalties (the largest); every finding is still reported.
MAX_PENALTIES_PER_CODE = 3
DIMENSION_PENALTY = {"error": 35, "warning": 15, "info": 5}
# Quality scores: 100 means the rules found nothing wrong on that dimension. `hostility` is the
# one measure where higher is worse. The tone model replaces the rule-based tone estimates.
QUALITY_DIMENSIONS = ("formality", "politeness", "empathy", "readability", "vocabulary",
                      "inclusivity", "safety")

_MATCHER_KINDS = {"phrase": phrase, "substitution": substitution, "address": address}
_PLAIN_KINDS = {"pattern": pattern, "metric": metric, "style": style, "placeholder": placeholder,
                "pii": pii, "tone": tone, "structure": structure}


@dataclass(slots=True)
class _Compiled:
    obj: Any
    rule: Rule
    severity: str


class RuleSet:
    """The enabled rules of one guide for one language, compiled."""

    def __init__(self, guide: Guide, lang: str) -> None:
        self.lang = lang
        self.matcher = PhraseMatcher(lang)
        self.exceptions = PhraseMatcher(lang)
        self.compiled: list[_Compiled] = []
        self._plan_cache: dict[str | None, Any] = {}
        for rule in pack_rules(lang):
            if rule.kind == "suppression":
                continue  # lint-only rules (VC901, VC902): `voicecheck lint` makes them
            setting = guide.rules.get(rule.code) or guide.rules.get(rule.slug) or {}
            # a pack phrase rule the guide turns off still feeds the tone model's features
            # (so a guide never changes tone scores); it just never reports
            if setting.get("off") and rule.kind not in _MATCHER_KINDS:
                continue
            severity = setting.get("severity") or rule.severity
            # phrase errors surface in freeze() below, naming the rule's file and line
            compiled = self._compile(rule, guide)
            if not setting.get("off"):
                self.compiled.extend(_Compiled(obj, rule, severity) for obj in compiled)
        self.matcher.freeze()
        self.exceptions.freeze()
        # a milder finding that stands down where a stronger rule about the same thing spoke
        # (VC206 under VC207): code -> the codes it yields to
        self._yields = {item.rule.code: item.obj.yields_to for item in self.compiled
                        if getattr(item.obj, "yields_to", None)}
        # the rules (by id) that have `except` phrases: the exceptions trie is walked only
        # when one of them matched
        self._excepting = frozenset(id(payload[0]) for payload in self.exceptions.payloads())
        save_phrase_cache()

    def _compile(self, rule: Rule, guide: Guide) -> list[Any]:
        if rule.kind in _MATCHER_KINDS:
            compiled = _MATCHER_KINDS[rule.kind].compile_rule(rule, self.lang, self.matcher,
                                                              self.exceptions)
            return compiled if isinstance(compiled, list) else [compiled]
        if rule.kind == "terms":
            return terms.compile_terms(rule, self.lang, guide, self.matcher, self.exceptions)
        return [_PLAIN_KINDS[rule.kind].compile_rule(rule, self.lang)]

    def match(self, draft: Draft) -> list[tuple[Any, int, int]]:
        """Every phrase match in the draft (one pass for all phrase-like rules)."""
        return list(self.matcher.find(draft.tokens))

    @staticmethod
    def signals(found: list[tuple[Any, int, int]]) -> list[str]:
        """Which language-pack phrase rules matched, whatever the guide says of them: the
        rule layer's knowledge (blame, condescension, informal address, colloquial forms …)
        as tone-model features. The guide's own terms are left out."""
        out = []
        for entry, _first, _last in found:
            owner, extra = entry.payload
            if extra in ("formal", "informal"):
                out.append(f"address-{extra}")
            elif owner.rule.kind != "terms" and getattr(owner, "signal", True):
                out.append(owner.rule.code)  # (not a request's verbs and secrets, nor a
                # rule with `tone_signal: false`)
        return out

    def run(self, draft: Draft, ctx: Context,
            found: list[tuple[Any, int, int]] | None = None) -> list[Finding]:
        matches: dict[int, list] = {}
        excepted: dict[int, list] = {}
        for entry, first, last in (self.match(draft) if found is None else found):
            matches.setdefault(id(entry.payload[0]), []).append((entry, first, last))
        if not self._excepting.isdisjoint(matches):  # only rules with `except` phrases ask
            for entry, first, last in self.exceptions.find(draft.tokens):
                excepted.setdefault(id(entry.payload[0]), []).append((first, last))
        findings: list[Finding] = []
        by_matches, plain = self._plan(ctx)
        for key, found in matches.items():  # the order of rules is immaterial: _dedupe sorts
            planned = by_matches.get(key)
            if planned is not None:
                findings.extend(planned[0].run(draft, ctx, planned[1], found,
                                               excepted.get(key, [])))
        for obj, severity in plain:
            findings.extend(obj.run(draft, ctx, severity))
        findings = _dedupe(findings)
        if self._yields and findings:
            fired = {f.code for f in findings}
            findings = [f for f in findings if not self._yields.get(f.code, frozenset()) & fired]
        return findings

    def _plan(self, ctx: Context) -> tuple[dict[int, tuple[Any, str]], list[tuple[Any, str]]]:
        """The rules that the guide and channel switch on, as (matcher rules by id, the
        others), with their severities: a check visits only the matcher rules that matched
        (cached per channel; a RuleSet belongs to one guide)."""
        key = ctx.channel
        plan = self._plan_cache.get(key)
        if plan is None:
            by_matches: dict[int, tuple[Any, str]] = {}
            plain: list[tuple[Any, str]] = []
            for item in self.compiled:
                if not item.rule.applies(ctx.guide, ctx.channel):
                    continue
                obj = item.obj
                severity = getattr(obj, "fixed_severity", None) or item.severity
                if item.rule.milder(ctx.guide, ctx.channel):
                    severity = MILDER.get(severity, severity)
                if obj.uses_matcher:
                    by_matches[id(obj)] = (obj, severity)
                else:
                    plain.append((obj, severity))
            plan = (by_matches, plain)
            if len(self._plan_cache) < 64:
                self._plan_cache[key] = plan
        return plan


def _tone_features(draft: Draft, signals: list[str]) -> dict[str, float]:
    return extract(draft.original, draft.word_texts, draft.lang, signals, draft.openers)


def _type_error(name: str, wanted: str, value: Any) -> VoicecheckError:
    return VoicecheckError(f"{name} must be {wanted}, not {type(value).__name__}", code="E200")


def _require_text(value: Any, name: str, optional: bool = True) -> None:
    """Refuse a parameter that is not a string (or None, when `optional`): the API's callers
    get a VoicecheckError with a code, never an AttributeError from deep inside."""
    if not isinstance(value, str) and not (optional and value is None):
        raise _type_error(name, "a string or None" if optional else "a string", value)


def _require_guide(guide: Any) -> None:
    if guide is not None and not isinstance(guide, (Guide, str, os.PathLike)):
        raise _type_error("guide", "a Guide, a path, a preset name or None", guide)


def _rule_names(ignore: Any) -> frozenset[str]:
    """`ignore` as a set of rule codes or slugs; a bare string is refused, since it would be
    read as its letters."""
    try:
        names = frozenset(() if ignore is None else ignore)
    except TypeError:
        names = None
    if isinstance(ignore, str) or names is None or not all(isinstance(n, str) for n in names):
        raise _type_error("ignore", "a collection of rule codes or slugs", ignore)
    return names


def require_channel(guide: Guide, channel: str | None, where: str = "") -> None:
    """Refuse (E206) a channel that neither `guide` nor the built-in list knows; `where`
    names where it was given (" (--channel)")."""
    if channel and channel not in guide.channels and channel not in CHANNELS:
        known = sorted(set(guide.channels) | set(CHANNELS))
        raise VoicecheckError(f"unknown channel '{shorten(channel)}'{where}"
                              f"{did_you_mean(channel[:100], known)}; known: "
                              f"{', '.join(known)}", code="E206")


def _require_unicode(text: str, what: str, path: str | None) -> None:
    """Refuse lone surrogates (from JSON "\\ud800" or Python): they are not text, and spaCy
    cannot hash them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = None if what else text.count("\n", 0, exc.start) + 1  # lines of the reply only
        raise VoicecheckError(f"{what}not valid Unicode: unpaired surrogate at character "
                              f"{exc.start}", path=path, line=line, code="E202") from None


_MODELS: dict[tuple[str, int, int], Any] = {}
_MODELS_LOCK = threading.Lock()


def _load_model(loader: Any, path: Path) -> Any:
    """A loaded tone model, shared by every Checker that names the same directory (as long as
    its manifest is unchanged): each load holds about 25 MB, and a run over 200 folders with
    a guide each held 200 copies of the shipped model (5.3 GB)."""
    try:
        stat = (path / "manifest.json").stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return loader.load(path)  # refused with its own clear message
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            model = loader.load(path)
            if len(_MODELS) >= 16:  # models retrained under a running server: drop the oldest
                del _MODELS[next(iter(_MODELS))]
            _MODELS[key] = model
        return model


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per place and rule: of same-rule findings that overlap (`{order_id}` inside
    `{{order_id}}`, "maaf maaf" twice in "maaf maaf maaf"), the leftmost-longest is kept."""
    kept: dict[str, list[Finding]] = {}
    reach: dict[str, int] = {}  # per code, the furthest end of a kept finding
    ordered = sorted(findings, key=lambda f: (f.start, -(f.end - f.start),
                                              -SEVERITY_RANK[f.severity], f.code))
    out = []
    for f in ordered:
        same = kept.setdefault(f.code, [])
        # kept findings start at or before f (sorted), so f overlaps one iff it starts before
        # the furthest end: linear, where comparing with every kept one was quadratic (a 200 KB
        # reply repeating one phrase took 19 s); empty spans keep the exact test
        if f.end > f.start and f.start < reach.get(f.code, -1):
            continue
        if f.end == f.start and any(f.start < k.end and k.start < f.end for k in same):
            continue
        same.append(f)
        reach[f.code] = max(reach.get(f.code, -1), f.end)
        out.append(f)
    return sorted(out, key=lambda f: (f.start, f.code, f.end))


def overall_score(findings: Iterable[Finding]) -> int:
    """100 minus the findings' penalties, each code counted at most MAX_PENALTIES_PER_CODE
    times (its largest penalties).

    >>> from voicecheck.model import Finding
    >>> f = Finding("VC120", "colloquial-form", "warning", "'x' is spoken", 0, 1, 1, 1, "x")
    >>> overall_score([f] * 9), overall_score([f])
    (70, 90)
    """
    by_code: dict[str, list[int]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(PENALTY[f.severity])
    penalty = sum(sum(sorted(costs, reverse=True)[:MAX_PENALTIES_PER_CODE])
                  for costs in by_code.values())
    return max(0, 100 - penalty)


def _scores(findings: list[Finding], tone_result: Any = None) -> dict[str, int]:
    """Dimension scores. With the tone model, formality/politeness/empathy/hostility are its
    measurements (0-100); the others, and all of them without a model, come from findings."""
    penalty = dict.fromkeys(QUALITY_DIMENSIONS + ("hostility",), 0)
    for f in findings:
        if f.dimension in penalty:
            penalty[f.dimension] += DIMENSION_PENALTY[f.severity]
    scores = {dim: max(0, 100 - penalty[dim]) for dim in QUALITY_DIMENSIONS}
    scores["hostility"] = min(100, penalty["hostility"])
    if tone_result is not None:
        for head, result in tone_result.heads.items():
            scores[head] = tone.percent(result.score)  # what the tone rules compare
    return scores


def verdict_for(findings: list[Finding], score: int, guide: Guide) -> str:
    """fail: must not be sent; warn: revise first; pass: send as is."""
    if any(f.severity == "error" for f in findings) or score < guide.thresholds.get("fail_below", 40):
        return "fail"
    if any(f.severity == "warning" for f in findings) or score < guide.thresholds.get("warn_below", 80):
        return "warn"
    return "pass"


# Checker.warm(): a reply and a customer's message per language
_WARM_REPLY = {"en": "Thanks for waiting, your order is on its way.",
               "id": "Terima kasih sudah menunggu, pesanan Anda sedang dikirim.",
               "ms": "Terima kasih kerana menunggu, pesanan anda sedang dihantar.",
               "fa": "از صبر شما متشکریم، سفارش شما در راه است."}
_WARM_CUSTOMER = {"en": "Where is my order? It was due yesterday.",
                  "id": "Pesanan saya belum sampai, seharusnya kemarin.",
                  "ms": "Pesanan saya belum sampai lagi, sepatutnya semalam.",
                  "fa": "سفارشم هنوز نرسیده، قرار بود دیروز برسه."}


class Checker:
    """Loads a guide once and checks many replies. Thread-safe.

    >>> Checker().check("We apologize for any inconvenience.", lang="en").verdict
    'warn'
    """

    def __init__(self, guide: Guide | str | None = None, *, placeholders_ok: bool = False,
                 model: str | Path | bool | None = None) -> None:
        _require_guide(guide)
        if not isinstance(placeholders_ok, bool):
            raise _type_error("placeholders_ok", "True or False", placeholders_ok)
        if model is not None and not isinstance(model, (bool, str, os.PathLike)):
            raise _type_error("model", "a path, True, False or None", model)
        self.guide = guide if isinstance(guide, Guide) else load_guide(guide)
        self.placeholders_ok = placeholders_ok
        self._rulesets: dict[str, RuleSet] = {}
        self._lock = threading.Lock()
        self._guide_model: Path | None = None  # the guide's `model:`, as resolved
        self._model_paths = self._resolve_models(model)
        self._loaded_models: list[Any] | None = None
        self._validate_rule_settings()
        # compiles and test-renders the guide's own templates: their errors surface now
        self.rewriter = Rewriter(self.guide)

    def _resolve_models(self, model: str | Path | bool | None) -> list[Path]:
        """Tone model directories, later ones overriding earlier heads: `model` if given;
        otherwise the shipped model plus the guide's own `model:` (a brand's extra heads)."""
        if model is False:
            return []
        if model not in (None, True):
            return [Path(model)]
        paths = []
        shipped = data_dir("models") / "tone"
        if (shipped / "manifest.json").exists():
            paths.append(shipped)
        if self.guide.model:
            path = Path(self.guide.model).expanduser()
            if not path.is_absolute() and self.guide.source and \
                    not self.guide.source.startswith(("preset:", "<")):
                path = Path(self.guide.source).parent / path
            paths.append(path)
            self._guide_model = path
        return paths

    def _load_one(self, loader: Any, path: Path) -> Any:
        """One model; the guide's own (`model:`) refused with the guide named, so the user
        knows which file to fix ("../nonexist: not a tone model" said neither)."""
        try:
            return _load_model(loader, path)
        except VoicecheckError as error:
            if path != self._guide_model:
                raise
            raise VoicecheckError(f"model '{shorten(self.guide.model)}' ({path}): "
                                  f"{error.message}", path=self.guide.source,
                                  code=error.code) from None

    @property
    def tone_models(self) -> list[Any]:
        """The loaded ToneModels (loaded on first use)."""
        if self._loaded_models is None:
            with self._lock:
                if self._loaded_models is None:
                    from voicecheck.tone.model import ToneModel

                    with gc_paused():
                        self._loaded_models = [self._load_one(ToneModel, p)
                                               for p in self._model_paths]
        return self._loaded_models

    def _tone_result(self, draft: Draft, signals: list[str]) -> Any:
        models = self.tone_models
        if not models:
            return None
        from voicecheck.tone.model import ToneResult

        words, openers = draft.word_texts, draft.openers
        result = ToneResult()
        for model in models:
            result.update(model.predict_reply(draft.original, words, draft.lang, signals,
                                              openers))
        return result

    def _validate_rule_settings(self) -> None:
        if not self.guide.rules:
            return
        names = known_names()
        for name in self.guide.rules:
            if name not in names:
                source, line = self.guide.rule_lines.get(name, (self.guide.source, None))
                raise VoicecheckError(f"unknown rule '{name}' in 'rules'"
                                      f"{did_you_mean(name, sorted(names))}",
                                      path=source, line=line, code="E107")

    def warm(self) -> None:
        """Compile the rule sets and customer-side matchers of the guide's languages and load
        the tone model and the full language identifier now, so that no check pays for them:
        a pre-send hook's first reply per language otherwise takes 13-35 ms more, and the first
        customer's message in a language we do not support 0.8 s more (`voicecheck serve`
        calls this for every guide it loads)."""
        for lang in self.guide.languages:  # one check with a customer's message does it all
            self.check(_WARM_REPLY[lang], lang=lang, customer=_WARM_CUSTOMER[lang])
        load_full_identifier()

    def ruleset(self, lang: str) -> RuleSet:
        ruleset = self._rulesets.get(lang)
        if ruleset is None:
            with self._lock:
                ruleset = self._rulesets.get(lang)
                if ruleset is None:
                    with gc_paused():
                        ruleset = RuleSet(self.guide, lang)
                    self._rulesets[lang] = ruleset
        return ruleset

    def detect_language(self, text: str, lang: str | None = None) -> str:
        """`lang` when one is given, else the language of `text` among the guide's.

        >>> Checker(model=False).detect_language("Mohon maaf, pesanan Anda terlambat.", "auto")
        'id'
        """
        _require_text(text, "text", optional=False)
        _require_text(lang, "lang")
        if lang and lang != "auto":
            if lang not in ("en", "id", "ms", "fa"):
                raise VoicecheckError(f"unsupported language '{lang}' (supported: en, id, ms, fa)",
                                      code="E103")
            return lang
        if len(self.guide.languages) == 1:
            return self.guide.languages[0]
        return identify(text, tuple(self.guide.languages)).lang

    def tone_features(self, text: str, lang: str | None = None) -> tuple[str, dict[str, float]]:
        """(language, tone-model features) of a reply: the same features at training and
        check time."""
        language = self.detect_language(text, lang)
        draft = make_draft(text, language)
        ruleset = self.ruleset(language)
        return language, _tone_features(draft, ruleset.signals(ruleset.match(draft)))

    def check(self, text: str, lang: str | None = None, channel: str | None = None,
              customer: str | None = None, path: str | None = None,
              ignore: Collection[str] = ()) -> Report:
        """Check one reply and return its Report. `ignore`: rule codes or slugs whose findings
        are dropped before scoring (as if the guide turned them off for this reply).

        Raises VoicecheckError: E200 a parameter of the wrong type, E201 a reply over
        MAX_CHARS, E202 lone surrogates, E204 an empty reply (nothing but whitespace and
        invisible characters such as U+200B), E103 an unknown language, E206 an unknown
        channel.

        >>> Checker(model=False).check("\u200b\ufeff")
        Traceback (most recent call last):
        voicecheck.model.VoicecheckError: E204 empty reply: nothing to check
        """
        _require_text(text, "text", optional=False)
        for name, value in (("lang", lang), ("channel", channel), ("customer", customer)):
            _require_text(value, name)
        if isinstance(path, os.PathLike):
            path = os.fspath(path)
        _require_text(path, "path")
        ignore = _rule_names(ignore)
        if len(text) > MAX_CHARS:
            raise VoicecheckError(f"input is longer than {MAX_CHARS:,} characters", path=path,
                                  code="E201")
        _require_unicode(text, "", path)
        if is_blank(text):
            raise VoicecheckError("empty reply: nothing to check", path=path, code="E204")
        if customer is not None:
            _require_unicode(customer, "the customer's message is ", path)
        require_channel(self.guide, channel)
        language = self.detect_language(text, lang)
        draft = make_draft(text, language)
        ctx = Context(self.guide, channel, customer, self.placeholders_ok)
        if customer is not None:
            ctx.customer_context = analyze_customer(customer, reply_lang=language)
        ruleset = self.ruleset(language)
        found = ruleset.match(draft)
        ctx.tone = self._tone_result(draft, ruleset.signals(found))
        findings = ruleset.run(draft, ctx, found)
        if ignore:
            findings = [f for f in findings if f.code not in ignore and f.rule not in ignore]
        if findings:  # template suggestions and safe/unsafe marks (voicecheck/rewrite)
            findings = self.rewriter.rewrite(findings, text, language, pack_rules(language),
                                             channel, getattr(ctx, "customer_context", None))
        score = overall_score(findings)
        scores = _scores(findings, ctx.tone)
        verdict = verdict_for(findings, score, self.guide)
        extra = {}
        if ctx.customer_context is not None:
            extra["context"] = {"customer": ctx.customer_context.to_dict(), "channel": channel}
        return Report(path, language, verdict, score, scores, tuple(findings), text, extra)


def check(text: str, guide: Guide | str | None = None, lang: str | None = None,
          channel: str | None = None, customer: str | None = None) -> Report:
    """Check one reply against a guide (a Guide, a path, a preset name, or None for default).

    >>> check("As per our policy, no refunds.", lang="en").findings[0].code
    'VC112'
    """
    _require_guide(guide)
    return _checker_for(guide).check(text, lang=lang, channel=channel, customer=customer)


_CACHE: dict[Any, Checker] = {}
_CACHE_LOCK = threading.Lock()


def _checker_for(guide: Guide | str | None) -> Checker:
    key = id(guide) if isinstance(guide, Guide) else guide
    with _CACHE_LOCK:
        checker = _CACHE.get(key)
        if checker is None or (isinstance(guide, Guide) and checker.guide is not guide):
            checker = Checker(guide)
            if len(_CACHE) > 32:
                _CACHE.clear()
            _CACHE[key] = checker
        return checker
