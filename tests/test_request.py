"""VC510's requests however worded (voicecheck/checks/request.py): a request verb, then a
secret within a few words of the same sentence, unless negated, broken off, or pointed at a
safe place. The rule's own examples are in rules/<lang>/safety.yaml (tests/test_rule_examples.py);
these tests pin the decision itself."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.engine import Checker

CHECKER = Checker(model=False)


def _vc510(text: str, lang: str = "en") -> list[str]:
    return [f.text for f in CHECKER.check(text, lang=lang).findings if f.code == "VC510"]


@pytest.mark.parametrize("text", [
    "Please provide your full 16-digit card number, expiry date and the 3-digit CVV here.",
    "Could you send us the OTP you received?",
    "To unfreeze it, reply with your 4-digit PIN.",
    "You'll need to DM us your online banking password.",
    "Send me the code on the back of the card.",
])
def test_requests_with_words_between_are_found(text):
    assert _vc510(text)


@pytest.mark.parametrize("text", [
    "We'll send you a one-time code by SMS.",                      # we send; nothing is asked
    "Please send us the last four digits of your card number.",    # a break: "last"
    "Please tell us whether the OTP arrived.",                     # a break: "whether"
    "Never send anyone your PIN, not even us.",                    # a blocker before the verb
    "Please send us a screenshot. Your password stays with you.",  # another sentence
    "Please type your password on the login page.",                # a safe place after it
    "Please share your pin location so the rider can find you.",   # not that pin
])
def test_what_is_not_a_request_for_a_secret(text):
    assert not _vc510(text)


def test_a_blocker_near_the_verb_undoes_a_request():
    asked = "Please send us the OTP from the SMS."
    assert _vc510(asked)
    assert not _vc510("Please never send us the OTP from the SMS.")


def test_secret_too_far_from_the_verb_is_not_paired():
    filler = " ".join(["the order"] * 8)
    assert not _vc510(f"Please send us {filler} and the OTP.")


_WORDS = ["please", "send", "us", "your", "the", "otp", "pin", "password", "never", "last",
          "order", "number", ",", ".", "and", "reply", "with", "kindly", "cvv", "if", "app",
          "in", "code", "one-time"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=30))
def test_findings_lie_inside_the_reply_and_inside_one_sentence(words):
    text = " ".join(words) or "."
    report = CHECKER.check(text, lang="en")
    for f in report.findings:
        if f.code != "VC510":
            continue
        assert 0 <= f.start < f.end <= len(text)
        assert f.text == text[f.start:f.end]
        assert "." not in f.text.rstrip(".")  # never spans two sentences


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=20))
def test_a_negated_reply_asks_for_nothing_new(words):
    """Putting "never" right before every verb can only remove findings, never add one."""
    text = " ".join(words) or "."
    negated = " ".join(("never " + w) if w in ("send", "reply") else w for w in words) or "."
    assert len(_vc510(negated)) <= len(_vc510(text))


@pytest.mark.parametrize("text, lang", [
    ("Silakan DM nomor HP terdaftar, PIN, dan kode OTP terakhir yang Kakak terima ya.", "id"),
    ("Utk pembatalan transaksi, balas SMS ini dgn 6 digit kode OTP yg baru kami kirim.", "id"),
    ("Sila hantar nombor telefon berdaftar, nombor IC dan kod TAC yang tuan terima.", "ms"),
])
def test_requests_in_indonesian_and_malay(text, lang):
    assert _vc510(text, lang)


@pytest.mark.parametrize("text, lang", [
    ("Kak, boleh share pin lokasi yang tepat biar driver nggak nyasar?", "id"),
    ("Mohon kirimkan 4 digit terakhir nomor kartu kredit Bapak.", "id"),
    ("Sila hantar 4 digit terakhir nombor kad kredit tuan.", "ms"),
    ("Sila masukkan PIN di aplikasi dan tekan Sahkan.", "ms"),
])
def test_not_requests_in_indonesian_and_malay(text, lang):
    assert not _vc510(text, lang)


def test_requests_are_found_in_linear_time():
    """Many verbs, leads, blockers and secrets: each verb looks at the secrets within its
    window only, by bisection, so a long reply costs its length, not its square."""
    import time

    text = "Please send us your PIN. " * 6_000 + "please send never " * 6_000 + "otp"
    start = time.perf_counter()
    found = _vc510(text)
    elapsed = time.perf_counter() - start
    assert len(found) == 6_000
    assert elapsed < 20  # the whole check takes about 1 s here
