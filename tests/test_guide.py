"""Style guides: schema, extends, discovery, and one-line errors for every kind of bad guide."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli
from voicecheck.engine import Checker
from voicecheck.guide import find_guide, guide_from_mapping, load_guide
from voicecheck.model import VoicecheckError


def _write(tmp_path, text, name=".voicecheck.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "expected"), [
    ("voice:\n  formalty: formal\n", "2: unknown key 'formalty' in 'voice' (did you mean 'formality'?)"),
    ("banned_phrases: []\n", "1: unknown key 'banned_phrases' (did you mean 'banned'?)"),
    ("voice:\n  formality: posh\n", "2: 'voice.formality' must be one of formal, neutral, casual"),
    ("readability:\n  max_sentence_words: many\n", "2: 'readability.max_sentence_words' must be a number"),
    ("banned:\n  - pattern: '(?<=a)b'\n    reason: x\n", "2: bad regex '(?<=a)b'"),
    ("banned:\n  - pattern: '(a)\\1'\n", "bad regex"),
    ("banned:\n  - reason: x\n", "needs exactly one of phrase, pattern"),
    ("- a\n- b\n", "'guide' must be a mapping, not a list"),
    ("voice: [\n", "invalid YAML"),
    ("extends: nope\n", "1: extends 'nope': no such preset or file"),
    ("rules:\n  VC999: off\n", "2: unknown rule 'VC999'"),
    ("rules:\n  robotic-apolgy: error\n", "did you mean 'robotic-apology'?"),
    ("brand: a\nbrand: b\n", "2: duplicate key 'brand'"),
    ("x: !!python/object/apply:os.system ['echo hi']\n", "E100"),
    ("banned:\n  - phrase: 'no {worries}'\n", "E103 "),
    ("banned:\n  - phrase: 'no {worries}'\n", "(did you mean '{worries|}' for an optional word?)"),
    ("preferred:\n  - use: hi\n    instead_of: ['{hey|} * there']\n", "may not start with '*'"),
    ("jargon: ['{SLA}']\n", "1: phrase '{SLA}' has braces without '|'"),
])
def test_bad_guide_is_one_line_exit_2(tmp_path, text, expected):
    path = _write(tmp_path, text)
    result = run_cli("guide", "validate", str(path))
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert expected in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_billion_laughs_is_refused_quickly(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = _write(tmp_path, "\n".join(lines) + "\n")
    result = run_cli("guide", "validate", str(path), timeout=10)
    assert result.returncode == 2
    assert b"alias bomb" in result.stderr


def test_deep_nesting_is_refused(tmp_path):
    path = _write(tmp_path, "brand: " + "[" * 5000 + "]" * 5000 + "\n")
    result = run_cli("guide", "validate", str(path), timeout=10)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr


def test_guide_that_is_not_a_file(tmp_path):
    result = run_cli("check", "--guide", str(tmp_path / "missing.yaml"), "-", stdin=b"Hello")
    assert result.returncode == 2
    assert b"guide not found" in result.stderr


def test_extends_chain_and_loop(tmp_path):
    _write(tmp_path, "extends: formal\nbrand: Base\nbanned:\n  - phrase: no worries\n", "base.yaml")
    child = _write(tmp_path, "extends: base.yaml\nbanned:\n  - phrase: cheers\n")
    guide = load_guide(child)
    assert guide.formality == "formal" and guide.brand == "Base"
    assert [t.phrases for t in guide.terms if t.kind == "banned"] == [("no worries",), ("cheers",)]
    _write(tmp_path, "extends: .voicecheck.yaml\n", "base.yaml")
    with pytest.raises(VoicecheckError, match="extends loop"):
        load_guide(child)


def test_guide_is_found_walking_up(tmp_path):
    guide = _write(tmp_path, "brand: Up\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    draft = nested / "reply.txt"
    draft.write_text("Hello", encoding="utf-8")
    assert find_guide(draft) == guide


def test_yaml_boolean_words_as_keys_keep_their_text(tmp_path):
    """`off:` is a YAML 1.1 boolean; as a key it must still read as the word written."""
    text = "We apologize for any inconvenience."
    path = tmp_path / "g.yaml"
    path.write_text("rules:\n  VC110: {off: true}\n  VC111:\n    off: yes\n", encoding="utf-8")
    guide = load_guide(str(path))
    assert guide.rules["VC110"] == {"off": True}
    assert "VC110" not in [f.code for f in Checker(guide).check(text, lang="en").findings]
    path.write_text("rules:\n  VC110: {off: true, 'off': false}\n", encoding="utf-8")
    with pytest.raises(VoicecheckError, match="duplicate key 'off'"):
        load_guide(str(path))


def test_rule_overrides_by_code_and_slug():
    text = "We apologize for any inconvenience."
    off = Checker(guide_from_mapping({"rules": {"VC110": "off"}}))
    assert "VC110" not in [f.code for f in off.check(text, lang="en").findings]
    louder = Checker(guide_from_mapping({"rules": {"robotic-apology": "error"}}))
    codes = {f.code: f.severity for f in louder.check(text, lang="en").findings}
    assert codes["VC110"] == "error"


def test_guide_banned_phrase_is_inflection_aware_and_evasion_proof():
    guide = guide_from_mapping({"banned": [{"phrase": "cancel the order", "reason": "say stop"}]})
    checker = Checker(guide)
    for text in ["We cancelled the order.", "We c\u200ban\u200bcel the order",
                 "WE CANCEL THE ORDER", "we cаncel the order"]:
        codes = [f.code for f in checker.check(text, lang="en").findings]
        assert "VC101" in codes, text


def test_starter_guide_validates(tmp_path):
    result = run_cli("guide", "init", str(tmp_path / "g.yaml"))
    assert result.returncode == 0, result.stderr
    result = run_cli("guide", "validate", str(tmp_path / "g.yaml"))
    assert result.returncode == 0, result.stderr
    again = run_cli("guide", "init", str(tmp_path / "g.yaml"))
    assert again.returncode == 2 and b"already exists" in again.stderr


def test_starter_guide_is_written_atomically_with_ordinary_permissions(tmp_path):
    import os
    import stat

    target = tmp_path / "g.yaml"
    target.write_text("old: guide\n")
    result = run_cli("guide", "init", str(target), "--force", "--brand", "Kopi")
    assert result.returncode == 0, result.stderr
    assert "Kopi" in target.read_text()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.yaml"]  # no temporary left
    missing = run_cli("guide", "init", str(tmp_path / "nope" / "g.yaml"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    assert b"Traceback" not in missing.stderr


def test_catastrophic_regex_runs_in_linear_time():
    import time

    guide = guide_from_mapping({"banned": [{"pattern": "(a+)+$", "reason": "test"}]})
    text = "a" * 50_000 + "!"
    start = time.perf_counter()
    Checker(guide).check(text, lang="en")
    assert time.perf_counter() - start < 5


def _expansion_bomb(groups: int = 8) -> str:
    alternatives = "{" + "|".join(f"w{i}" for i in range(10)) + "}"
    return f"banned:\n  - reason: bomb\n    phrase: \"{' '.join([alternatives] * groups)}\"\n"


def test_phrase_limit_is_the_same_in_validate_and_check(tmp_path):
    """A phrase with 10^8 variants: `guide validate` refuses it with the very line `check`
    prints, instead of accepting a guide that every check then refuses."""
    path = _write(tmp_path, _expansion_bomb())
    validated = run_cli("guide", "validate", str(path), timeout=20)
    checked = run_cli("check", "--guide", str(path), "--lang", "en", "-", stdin=b"Thanks!",
                      timeout=60)
    assert validated.returncode == checked.returncode == 2
    line = validated.stderr.decode()
    assert line == checked.stderr.decode()
    assert line.count("\n") == 1 and "Traceback" not in line
    assert f"E103 {path}:3: phrase '" in line
    assert "expands to 100,000,000 variants (at most 2,048)" in line
    assert len(line) < 250  # the phrase is quoted shortened, the line stays readable


def test_phrase_at_the_limit_is_accepted(tmp_path):
    from voicecheck.guide.phrases import MAX_EXPANSIONS

    groups = 3  # 1,000 variants
    assert 10 ** groups <= MAX_EXPANSIONS < 10 ** (groups + 1)
    guide = load_guide(_write(tmp_path, _expansion_bomb(groups)))
    assert [t.kind for t in guide.terms] == ["banned"]
    with pytest.raises(VoicecheckError, match="E103|variants") as info:
        load_guide(_write(tmp_path, _expansion_bomb(groups + 1), "big.yaml"))
    assert info.value.code == "E103" and info.value.line == 3


def _many_phrases(count: int, first: int = 0) -> str:
    """`count` banned phrases of 1,024 variants each: every one under the per-phrase limit."""
    groups = " ".join(f"{{a{{n}}x{j}|b{{n}}x{j}}}" for j in range(10))
    return "banned:\n" + "".join(
        f"  - phrase: \"{groups.replace('{n}', str(n))}\"\n" for n in range(first, first + count))


def test_a_guide_is_held_to_a_total_of_phrase_variants(tmp_path):
    """Phrases under the per-phrase limit can still add up to a guide that takes minutes and
    gigabytes to compile (500 such phrases, 93 KB: a million variants); a guide may expand to
    MAX_GUIDE_VARIANTS in all, and the phrase that crosses it is named, before anything is
    expanded, in validate, check and a guide built in memory alike."""
    import time

    from voicecheck.guide.phrases import MAX_GUIDE_VARIANTS

    fits = MAX_GUIDE_VARIANTS // 1024
    assert len(load_guide(_write(tmp_path, _many_phrases(fits))).terms) == fits
    path = _write(tmp_path, _many_phrases(500), "bomb.yaml")
    started = time.perf_counter()
    with pytest.raises(VoicecheckError) as info:
        load_guide(path)
    assert time.perf_counter() - started < 2
    over = fits + 1  # the first phrase past the budget, on line 1 + its position
    assert (info.value.code, info.value.line) == ("E103", 1 + over)
    assert f"more than {MAX_GUIDE_VARIANTS:,} variants in all ({over * 1024:,}" in str(info.value)
    validated = run_cli("guide", "validate", str(path), timeout=20)
    assert validated.returncode == 2
    assert validated.stderr.decode().count("\n") == 1
    assert f"E103 {path}:{1 + over}: the guide's phrases expand" in validated.stderr.decode()
    # a guide and the file it extends, each within the budget, together over it
    parent = _write(tmp_path, _many_phrases(fits), "parent.yaml")
    child = _write(tmp_path, f"extends: {parent.name}\n" + _many_phrases(fits, first=fits),
                   "child.yaml")
    with pytest.raises(VoicecheckError, match="variants in all") as info:
        load_guide(child)
    assert info.value.path == str(child)
    import yaml

    with pytest.raises(VoicecheckError, match="variants in all"):
        guide_from_mapping(yaml.safe_load(_many_phrases(500)))


def test_a_wildcard_phrase_makes_one_finding_per_place_not_per_possible_end(monkeypatch):
    """"the {*|* *} … {*|* *}" ends at eleven tokens after every "the": only the longest match
    from each start can survive the leftmost-longest de-duplication, so only it is made into a
    finding (a 5,000-word reply and 24 such phrases took 8.9 s and 1 GB, now 2.8 s)."""
    from voicecheck.checks import phrase as phrase_module

    wild = "the " + " ".join(["{*|* *}"] * 10)
    guide = guide_from_mapping({"banned": [{"phrase": wild, "reason": "test"}]})
    made = []
    real = phrase_module.make_finding
    monkeypatch.setattr(phrase_module, "make_finding",
                        lambda *a, **k: made.append(1) or real(*a, **k))
    report = Checker(guide, model=False).check("the " * 300, lang="en")
    assert 0 < len(made) <= 300
    spans = [(f.start, f.end) for f in report.findings if f.code == "VC101"]
    assert spans and all(b - a == len("the " * 21) - 1 for a, b in spans[:-1])
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))


def test_a_file_reached_twice_through_extends_is_merged_once(tmp_path):
    """`extends: [g1, g1]`, chained 17 deep, loaded g16 65,536 times (9.7 s); each file is now
    merged once, at its first place, and a guide may bring in MAX_GUIDE_FILES files."""
    from voicecheck.guide.guide import MAX_GUIDE_FILES

    depth = 17
    for i in range(depth):
        body = (f"extends: [g{i + 1}.yaml, g{i + 1}.yaml]\n" if i < depth - 1
                else "banned:\n  - phrase: 'per my last email'\n")
        _write(tmp_path, body, f"g{i}.yaml")
    guide = load_guide(tmp_path / "g0.yaml")
    assert [t.phrases for t in guide.terms] == [("per my last email",)]
    # a diamond: both sides extend the base, whose terms arrive once
    _write(tmp_path, "extends: [left.yaml, right.yaml]\n", "top.yaml")
    _write(tmp_path, "extends: base.yaml\nbanned:\n  - phrase: left\n", "left.yaml")
    _write(tmp_path, "extends: base.yaml\nbanned:\n  - phrase: right\n", "right.yaml")
    _write(tmp_path, "banned:\n  - phrase: base\n", "base.yaml")
    assert [t.phrases[0] for t in load_guide(tmp_path / "top.yaml").terms] == [
        "base", "left", "right"]
    for i in range(MAX_GUIDE_FILES + 5):
        _write(tmp_path, f"extends: c{i + 1}.yaml\n", f"c{i}.yaml")
    _write(tmp_path, "brand: X\n", f"c{MAX_GUIDE_FILES + 5}.yaml")
    with pytest.raises(VoicecheckError, match=f"more than {MAX_GUIDE_FILES} files"):
        load_guide(tmp_path / "c0.yaml")


def test_a_guide_is_held_to_a_number_of_patterns(tmp_path):
    from voicecheck.guide.patterns import MAX_GUIDE_PATTERNS

    many = "banned:\n" + "".join(f"  - pattern: 'foo{i}bar'\n" for i in range(MAX_GUIDE_PATTERNS))
    assert len(load_guide(_write(tmp_path, many)).terms) == MAX_GUIDE_PATTERNS
    with pytest.raises(VoicecheckError) as info:
        load_guide(_write(tmp_path, many + "  - pattern: 'one more'\n", "more.yaml"))
    assert (info.value.code, info.value.line) == ("E104", MAX_GUIDE_PATTERNS + 2)
    # split over a guide and its parent, each within the limit: the total still counts
    _write(tmp_path, many, "parent.yaml")
    child = _write(tmp_path, "extends: parent.yaml\nbanned:\n  - pattern: 'x+'\n",
                   "child.yaml")
    with pytest.raises(VoicecheckError, match="patterns in one guide"):
        load_guide(child)


def test_inline_guide_phrases_are_validated_too():
    with pytest.raises(VoicecheckError, match="may not start with"):
        guide_from_mapping({"banned": [{"phrase": "* refund"}]})


def test_soft_channel_limit_is_a_warning_and_a_hard_one_an_error():
    """An SMS over three parts costs more (soft_limit in the default guide); a public X reply
    over 280 is cut."""
    long_reply = "We've moved your appointment to Tuesday at 10:20am. " * 9  # 468: 4 GSM parts
    checker = Checker()
    sms = [f for f in checker.check(long_reply, lang="en", channel="sms").findings
           if f.code == "VC303"]
    x = [f for f in checker.check(long_reply, lang="en", channel="twitter_public").findings
         if f.code == "VC303"]
    assert [f.severity for f in sms] == ["warning"] and "4 parts" in sms[0].message
    assert [f.severity for f in x] == ["error"]
    hard = Checker(guide_from_mapping({"channels": {"sms": {"max_chars": 160,
                                                            "soft_limit": False}}}))
    assert [f.severity for f in hard.check(long_reply, lang="en", channel="sms").findings
            if f.code == "VC303"] == ["error"]
    # a guide's own max_chars still counts when the parts are within max_parts
    two_parts = long_reply[:200]
    assert [f.message for f in hard.check(two_parts, lang="en", channel="sms").findings
            if f.code == "VC303"] == ["200 characters is over the 160-character limit of sms"]
    with pytest.raises(VoicecheckError):
        guide_from_mapping({"channels": {"sms": {"max_chars": 160, "soft_limit": "yes"}}})
