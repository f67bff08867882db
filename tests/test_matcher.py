"""The phrase trie is minimised (identical subtrees shared) and cached as a node table: both
must leave every match exactly as the plain trie finds it."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.checks import matcher as m
from voicecheck.text.draft import make_draft

WORDS = ["send", "us", "your", "pin", "code", "and", "the", "password", "never", ","]
WORD = st.sampled_from(WORDS)
SLOT = st.one_of(WORD, st.lists(WORD, min_size=2, max_size=3, unique=True)
                 .map(lambda ws: "{" + "|".join(ws) + "}"), st.just("*"))
PHRASE = st.tuples(WORD, st.lists(SLOT, max_size=4)).map(lambda p: " ".join([p[0], *p[1]]))


def _matches(root, phrases, text):
    matcher = m.PhraseMatcher("en")
    for i, phrase in enumerate(phrases):
        matcher.add(phrase, i, False)
    matcher._root, matcher._pending = root, []
    return sorted((e.payload, a, b) for e, a, b in matcher.find(make_draft(text, "en").tokens))


@settings(max_examples=200, deadline=None)
@given(st.lists(PHRASE, min_size=1, max_size=12), st.lists(WORD, max_size=14).map(" ".join))
def test_a_minimised_trie_and_its_node_table_match_like_the_plain_trie(phrases, text):
    builder = m.PhraseMatcher("en")
    root: dict = {}
    for i, phrase in enumerate(phrases):
        builder._insert(root, i, phrase, False)
    plain = _matches(root, phrases, text)
    minimised = m._minimise(copy.deepcopy(root))
    assert _matches(minimised, phrases, text) == plain
    assert _matches(m._from_table(m._to_table(minimised)), phrases, text) == plain


def test_shared_endings_are_stored_once():
    builder = m.PhraseMatcher("en")
    root: dict = {}
    builder._insert(root, 0, "{send|give|tell} {us|me} your {pin|code|password}", False)
    table = m._to_table(m._minimise(root))
    # root, 3 verbs -> one node, {us|me} -> one node, "your", one end: 5 nodes, not 3+6+6+18
    assert len(table) == 5


def test_a_damaged_node_table_is_refused():
    for bad in ({"e": {}}, [], "x"):
        try:
            m._from_table(bad)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_paths_that_meet_again_are_walked_once():
    """"{*|the}" ten times: on "the the …" each token follows both edges, and without merging
    the paths that meet again the walk doubled ten times (2,037,760 matches in 2,000 words,
    each found 1,024 times); every match is found once."""
    matcher = m.PhraseMatcher("en")
    matcher.add("the " + " ".join(["{*|the}"] * 10), 0, False)
    found = list(matcher.find(make_draft("the " * 200, "en").tokens))
    assert len(found) == len({(a, b) for _, a, b in found}) == 200 - 10
