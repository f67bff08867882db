"""The engine end to end: the foundation's acceptance sentence in all four languages, language
identification, scores and verdicts, thread safety."""

from __future__ import annotations

import threading

import pytest

import voicecheck
from voicecheck.engine import Checker
from voicecheck.text.langid import identify

ACCEPTANCE = {
    "en": ("We apologize for any inconvenience. As per our policy you should have contacted us earlier.",
           {"VC110": "We apologize for any inconvenience", "VC112": "As per our policy",
            "VC113": "you should have contacted"}),
    "id": ("Mohon maaf atas ketidaknyamanannya. Sesuai dengan kebijakan kami, seharusnya Anda "
           "menghubungi kami lebih awal.",
           {"VC110": "Mohon maaf atas ketidaknyamanannya", "VC112": "Sesuai dengan kebijakan kami",
            "VC113": "seharusnya Anda"}),
    "ms": ("Harap maaf atas segala kesulitan yang dialami. Mengikut polisi syarikat, anda "
           "sepatutnya menghubungi kami lebih awal.",
           {"VC110": "Harap maaf atas segala kesulitan", "VC112": "Mengikut polisi syarikat",
            "VC113": "anda sepatutnya menghubungi"}),
    "fa": ("بابت هرگونه ناراحتی پوزش می‌طلبیم. طبق قوانین شرکت، شما باید زودتر با ما تماس "
           "می‌گرفتید.",
           {"VC110": "بابت هرگونه ناراحتی پوزش می‌طلبیم", "VC112": "طبق قوانین شرکت",
            "VC113": "شما باید زودتر"}),
}


@pytest.mark.parametrize("lang", list(ACCEPTANCE))
def test_acceptance_sentence(lang):
    text, expected = ACCEPTANCE[lang]
    report = voicecheck.check(text)  # language identified, not given
    assert report.language == lang
    found = {f.code: f for f in report.findings}
    for code, words in expected.items():
        assert code in found, f"{code} missing; found {[(f.code, f.text) for f in report.findings]}"
        finding = found[code]
        assert finding.text == words, (code, finding.text)  # exact spans
        assert text[finding.start:finding.end] == finding.text
    assert report.verdict == "fail"


@pytest.mark.parametrize(("text", "lang"), [
    ("Thanks for waiting, your parcel arrives tomorrow.", "en"),
    ("Terima kasih sudah menunggu, paket Kakak tiba besok ya.", "id"),
    ("Terima kasih kerana menunggu, bungkusan anda akan sampai esok.", "ms"),
    ("ممنون از صبرتان، بسته شما فردا می‌رسد.", "fa"),
])
def test_language_identification(text, lang):
    assert identify(text).lang == lang


def test_clean_reply_passes():
    report = voicecheck.check("Hi Dana, thanks for your patience! Your refund of $12 is on its "
                              "way and should reach you by Friday.", lang="en")
    assert report.verdict == "pass" and report.score == 100, report.findings
    assert report.scores["hostility"] < 30 and report.scores["politeness"] > 50
    for dim in ("readability", "vocabulary", "inclusivity", "safety"):
        assert report.scores[dim] == 100


def test_without_a_model_tone_scores_come_from_the_rules():
    checker = Checker(model=False)
    report = checker.check(ACCEPTANCE["en"][0], lang="en")
    assert report.scores["hostility"] > 0 and report.scores["empathy"] < 100


def test_checker_is_thread_safe():
    checker = Checker()
    texts = [ACCEPTANCE[lang][0] for lang in ACCEPTANCE] * 10
    expected = [checker.check(t).to_dict() for t in texts]
    results: list = [None] * len(texts)

    def work(i):
        results[i] = checker.check(texts[i]).to_dict()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_unsupported_language_is_a_clear_error():
    with pytest.raises(voicecheck.VoicecheckError, match="unsupported language 'de'"):
        voicecheck.check("Hallo", lang="de")


def test_language_identification_keeps_to_the_guide_languages():
    from voicecheck.guide import guide_from_mapping

    malay = "Terima kasih kerana menunggu, bungkusan anda akan sampai esok."
    assert identify(malay).lang == "ms"
    assert identify(malay, ("en", "id")).lang == "id"
    assert identify("ممنون از صبرتان", ("en", "id")).lang == "fa"  # script decides
    checker = Checker(guide_from_mapping({"languages": ["en", "id"]}), model=False)
    assert checker.check(malay).language == "id"


@pytest.mark.parametrize(("lang", "text", "in_email"), [
    ("id", "Siap Kak, paketnya udah kami kirim hari ini ya.", "warning"),
    # polite spoken Persian is usual in a neutral brand's e-mail too
    ("fa", "سلام، براتون بررسی می‌کنم و تا یک ساعت دیگه خبر می‌دم.", "info"),
])
def test_spoken_forms_are_a_suggestion_in_a_neutral_brands_chat_and_a_warning_in_its_email(
        lang, text, in_email):
    """VC120's `milder_when`: the same words, a step milder where they are usual."""
    from voicecheck.guide import guide_from_mapping

    def severities(formality, channel):
        checker = Checker(guide_from_mapping({"voice": {"formality": formality}}), model=False)
        report = checker.check(text, lang=lang, channel=channel)
        return {f.severity for f in report.findings if f.code == "VC120"}

    assert severities("neutral", "chat") == {"info"}
    assert severities("neutral", "email") == {in_email}
    assert severities("neutral", None) == {"warning"}
    assert severities("formal", "chat") == {"warning"}


def _pack(tmp_path, text: str):
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    return path


_SET_PACK = """rules:
  - code: VC990
    slug: test-secret
    kind: phrase
    severity: error
    message: "'{match}'"
    why: test
    phrases:
      - "send us your {@secret|pin}"
      - "reply with the {@code}"
    except:
      - "never * your {@secret}"
    examples: {bad: ["Send us your password."], good: ["Thanks."]}
sets:
  secret: [password, one-time code]
  code: [otp]
"""


def test_named_sets_expand_into_a_packs_phrases(tmp_path):
    """A pack's `sets` are named lists its phrases share: `{@name}`, or `@name` as alternatives
    of a group, stand for the set's members (VC510 keeps its lists of secrets this way)."""
    from voicecheck.checks.registry import load_pack_file
    from voicecheck.guide.phrases import expand

    rule, = load_pack_file(_pack(tmp_path, _SET_PACK), "en")
    assert [sorted(expand(p)) for p in rule.params["phrases"]] == [
        ["send us your one-time code", "send us your password", "send us your pin"],
        ["reply with the otp"]]
    assert expand(rule.params["except"][0]) == ["never * your password",
                                                "never * your one-time code"]


@pytest.mark.parametrize(("change", "expected"), [
    (("{@code}", "{@codes}"), ":10: unknown set '@codes' (this file's sets: @code, @secret)"),
    (("code: [otp]", "code: []"), ":16: set 'code' is empty"),
    (("code: [otp]", "code: ['a|b']"), ":16: a member of set 'code' must be words"),
    (("code: [otp]", "Code: [otp]"), ":16: set name 'Code' must be lower-case"),
    (("sets:", "setz:"), ":14: unknown key 'setz' in rule pack"),
])
def test_bad_named_sets_name_the_file_and_line(tmp_path, change, expected):
    from voicecheck.checks.registry import load_pack_file
    from voicecheck.model import VoicecheckError

    path = _pack(tmp_path, _SET_PACK.replace(*change))
    with pytest.raises(VoicecheckError) as info:
        load_pack_file(path, "en")
    assert expected in f"{info.value.path}:{info.value.line}: {info.value}"


def test_checkers_of_different_guides_share_one_loaded_tone_model(tmp_path):
    """Each load of the shipped model holds about 25 MB: 200 folders with a guide each held
    200 copies (5.3 GB). A model directory is loaded once per process, and again only when
    its manifest changes."""
    from voicecheck.guide import guide_from_mapping

    first = Checker(guide_from_mapping({"brand": "Acme"})).tone_models
    second = Checker(guide_from_mapping({"brand": "Kopi Kita"})).tone_models
    assert first and first[0] is second[0]


def test_warm_loads_what_a_pre_send_check_needs(monkeypatch):
    """Checker.warm() covers the customer's side too: the language contexts of the guide's
    languages and the full language identifier that a message in another language needs
    (loaded by a check, it stalled that check for 0.8 s)."""
    from py3langid import langid

    from voicecheck.checks.context import language_context
    from voicecheck.engine import Checker

    checker = Checker()
    monkeypatch.setattr(langid, "IDENTIFIER", None)
    language_context.cache_clear()
    checker.warm()
    assert langid.IDENTIFIER is not None
    cached = language_context.cache_info().currsize
    for lang in checker.guide.languages:
        language_context(lang)
    assert language_context.cache_info().currsize == cached  # nothing left to compile
    report = checker.check("Sorry about that, it ships today.", lang="en",
                           customer="Hola, mi pedido todavía no ha llegado.")
    assert "VC400" in [f.code for f in report.findings]  # read as another language
