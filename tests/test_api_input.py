"""The Python API's doors refuse bad input with a VoicecheckError and a code: an empty reply,
however it is made of whitespace and invisible characters, is E204 (as on the command line),
and a parameter of the wrong type is E200, never an AttributeError or TypeError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import voicecheck
from tests.conftest import run_cli
from voicecheck.engine import Checker
from voicecheck.text.blank import is_blank
from voicecheck.guide import load_guide
from voicecheck.model import VoicecheckError

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u200e", "\u200f", "\u202e",
             "\u2066", "\u2069", "\u00ad", "\u180e", "\u2061", "\u034f", "\u3164", "\u115f",
             "\u1160", "\uffa0", "\u2800", "\ufe0f", "\U000e0001", "\U000e0100", " ", "\t",
             "\n", "\r", "\u00a0", "\u3000", "\u2028", "\u2029", "\x85", "\x0b", "\x1b"]
BLANK = st.lists(st.sampled_from(INVISIBLE), max_size=20).map("".join)

_CHECKER = Checker(model=False)


@pytest.mark.parametrize("text", ["", " ", "\n\t ", "\u200b", "\u200b\u200c\u200d\ufeff\u2060",
                                  "\ufeff\n", " \u2060 \u200b\n"])
def test_empty_and_invisible_replies_are_e204_from_both_doors(text):
    with pytest.raises(VoicecheckError) as caught:
        _CHECKER.check(text, lang="en")
    assert caught.value.code == "E204"
    assert str(caught.value) == "E204 empty reply: nothing to check"
    with pytest.raises(VoicecheckError) as caught:
        voicecheck.check(text)
    assert caught.value.code == "E204"


def test_e204_names_the_path_it_was_given():
    with pytest.raises(VoicecheckError) as caught:
        _CHECKER.check("\u200b", path="draft.txt")
    assert str(caught.value) == "E204 draft.txt: empty reply: nothing to check"


@settings(max_examples=200, deadline=None)
@given(BLANK)
def test_any_invisible_only_text_is_blank_and_refused(text):
    assert is_blank(text)
    with pytest.raises(VoicecheckError) as caught:
        _CHECKER.check(text, lang="en")
    assert caught.value.code == "E204"


@settings(max_examples=200, deadline=None)
@given(BLANK, st.sampled_from(["a", "ok", ".", "🙂", "\u0301", "۱", "ـ", "\ue000", "ß"]),
       BLANK)
def test_one_visible_character_makes_a_reply(before, visible, after):
    text = before + visible + after
    assert not is_blank(text)
    report = _CHECKER.check(text, lang="en")
    assert report.verdict in ("pass", "warn", "fail")


def test_a_customer_message_of_invisible_characters_is_still_allowed():
    report = _CHECKER.check("Thanks for waiting, it ships today.", lang="en", customer="\u200b")
    assert report.verdict in ("pass", "warn", "fail")


@pytest.mark.parametrize("data", [b"\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d\xef\xbb\xbf\xe2\x81\xa0",
                                  b"\xef\xbb\xbf\xe2\x80\x8b\n \n"])
def test_cli_refuses_an_invisible_only_file_like_an_empty_one(tmp_path, data):
    path = tmp_path / "zw.txt"
    path.write_bytes(data)
    for args in (["check", str(path)], ["check", "--diff", str(path)],
                 ["check", "--fix", str(path)], ["suggest", str(path)]):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.decode().strip() == f"voicecheck: E204 {path}: empty reply: " \
                                                 "nothing to check", args
    assert path.read_bytes() == data
    result = run_cli("check", "-", stdin=data)
    assert result.returncode == 2 and b"E204 <stdin>: empty reply" in result.stderr


def _type_error(call) -> VoicecheckError:
    with pytest.raises(VoicecheckError) as caught:
        call()
    assert caught.value.code == "E200", caught.value
    assert "\n" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"text": 5}, "text must be a string, not int"),
    ({"text": None}, "text must be a string, not NoneType"),
    ({"text": b"hi"}, "text must be a string, not bytes"),
    ({"customer": 5}, "customer must be a string or None, not int"),
    ({"customer": ["hi"]}, "customer must be a string or None, not list"),
    ({"lang": 5}, "lang must be a string or None, not int"),
    ({"lang": ["en"]}, "lang must be a string or None, not list"),
    ({"channel": 5}, "channel must be a string or None, not int"),
    ({"channel": {"email": 1}}, "channel must be a string or None, not dict"),
    ({"path": 5}, "path must be a string or None, not int"),
    ({"ignore": "VC110"}, "ignore must be a collection of rule codes or slugs, not str"),
    ({"ignore": 5}, "ignore must be a collection of rule codes or slugs, not int"),
    ({"ignore": [5]}, "ignore must be a collection of rule codes or slugs, not list"),
    ({"ignore": [["VC110"]]}, "ignore must be a collection of rule codes or slugs, not list"),
])
def test_checker_check_refuses_wrong_types(kwargs, message):
    call = dict({"text": "hi there"}, **kwargs)
    assert _type_error(lambda: _CHECKER.check(**call)).message == message


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"guide": 5}, "guide must be a Guide, a path, a preset name or None, not int"),
    ({"guide": ["formal"]}, "guide must be a Guide, a path, a preset name or None, not list"),
    ({"guide": {"brand": "x"}}, "guide must be a Guide, a path, a preset name or None, not dict"),
    ({"customer": 5}, "customer must be a string or None, not int"),
    ({"lang": 1.5}, "lang must be a string or None, not float"),
    ({"channel": True}, "channel must be a string or None, not bool"),
])
def test_voicecheck_check_refuses_wrong_types(kwargs, message):
    assert _type_error(lambda: voicecheck.check("hi there", **kwargs)).message == message


def test_checker_constructor_and_helpers_refuse_wrong_types():
    assert "guide must be" in _type_error(lambda: Checker(5)).message
    assert "placeholders_ok must be" in _type_error(
        lambda: Checker(placeholders_ok="yes")).message
    assert "model must be" in _type_error(lambda: Checker(model=5)).message
    assert "text must be" in _type_error(lambda: _CHECKER.detect_language(5)).message
    assert "lang must be" in _type_error(lambda: _CHECKER.detect_language("hi", 5)).message
    assert "text must be" in _type_error(lambda: _CHECKER.tone_features(None)).message


def test_right_types_still_work(tmp_path):
    guide = tmp_path / "g.yaml"
    guide.write_text("extends: formal\n", encoding="utf-8")
    for g in (None, "formal", str(guide), Path(guide), load_guide("friendly")):
        assert voicecheck.check("Thanks for waiting!", guide=g, lang="en").verdict
    report = _CHECKER.check("Pls wait.", lang="en", channel="email", customer=None,
                            path=Path("x.txt"), ignore=("VC121", "plain-words"))
    assert report.path == "x.txt" and all(f.code != "VC121" for f in report.findings)
    assert _CHECKER.check("Pls wait.", lang="auto", ignore=frozenset()).verdict
    assert _CHECKER.check("Pls wait.", ignore=None).verdict
    with pytest.raises(VoicecheckError) as caught:
        _CHECKER.check("hi", lang="de")
    assert caught.value.code == "E103"
