"""VC222 (shouting): capitals that label something are let through, and a label never hides a
shout elsewhere in the same reply."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.engine import Checker

CHECKER = Checker(model=False)
LOUD = st.lists(st.sampled_from(["FINAL", "WARNING", "CANCELLED", "IMMEDIATELY", "NEVER",
                                 "LISTEN", "REFUND"]), min_size=1, max_size=3).map(" ".join)
PROSE = st.lists(st.sampled_from(["your", "order", "the", "link", "is", "here", "thanks",
                                  "and", "we", "sent", "it", ",", ":"]),
                 max_size=8).map(" ".join)
WRAPS = [("[", "]"), ("{", "}"), ("<", ">"), ('"', '"'), ("\u201c", "\u201d")]


def shouts(text: str) -> list[str]:
    return [f.text for f in CHECKER.check(text, lang="en").findings if f.code == "VC222"]


@settings(max_examples=150, deadline=None)
@given(PROSE, LOUD, st.sampled_from(WRAPS), PROSE)
def test_a_slot_or_quoted_label_is_not_a_shout(before, run, wrap, after):
    text = f"Hi, {before} {wrap[0]}{run}{wrap[1]} {after}."
    assert shouts(text) == []


@settings(max_examples=150, deadline=None)
@given(PROSE, LOUD, st.sampled_from(WRAPS), PROSE)
def test_a_label_does_not_hide_a_shout_elsewhere(before, run, wrap, after):
    text = f"Hi, {before} {wrap[0]}{run}{wrap[1]} {after}. This is your FINAL WARNING today."
    assert shouts(text) == ["FINAL WARNING"]


@settings(max_examples=150, deadline=None)
@given(LOUD, PROSE)
def test_a_shouted_line_that_speaks_to_someone_is_not_a_heading(run, after):
    assert shouts(f"YOU {run}\nthe rest {after} is here.") == [f"YOU {run}"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("AB Zab#/._-[]{}<>\"'\n:!?&;") + ["NOW", "nbsp"]),
                max_size=60).map("".join))
def test_any_text_is_checked_without_error(text):
    if not text.strip():
        return  # nothing to check: the checker refuses an empty reply (E204)
    for found in shouts(text):
        assert found.strip()
