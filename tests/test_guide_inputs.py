"""Regressions: guide values that could never work are refused when the guide is loaded (bad
globs, empty phrases, an unknown `lint.channel`), and `extends` reads only guides and never
quotes a file that is not one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_cli
from voicecheck.guide import guide_from_mapping, load_guide
from voicecheck.guide.patterns import GlobError, check_glob, glob_spec
from voicecheck.io.lint import LintOptions, lint
from voicecheck.model import VoicecheckError


def _guide(folder: Path, text: str, name: str = ".voicecheck.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> VoicecheckError:
    with pytest.raises(VoicecheckError) as caught:
        load_guide(path)
    return caught.value


# -- 1. globs ------------------------------------------------------------------------------

GLOB_GUIDES = [
    ('lint:\n  exclude: ["drafts/", "[z-a]"]\n', 2),
    ('lint:\n  per_path_ignores:\n    "legacy/**": [VC110]\n    "[z-a]": [VC110]\n', 4),
    ('ignore: ["[z-a]"]\n', 1),
    ("ignore: '[z-a]'\n", 1),
]


@pytest.mark.parametrize(("text", "line"), GLOB_GUIDES)
def test_a_bad_glob_is_refused_at_its_line_when_the_guide_loads(tmp_path, text, line):
    error = _error(_guide(tmp_path, text))
    assert error.code == "E104" and error.line == line
    assert str(error).endswith("bad pattern '[z-a]': bad character range z-a")
    assert "position" not in str(error)  # a place in the translated regex means nothing


def test_lint_with_a_bad_glob_is_one_error_line_not_a_traceback(tmp_path):
    _guide(tmp_path, GLOB_GUIDES[0][0])
    (tmp_path / "a.txt").write_text("Thanks for waiting, your order ships today.\n")
    result = run_cli("lint", "--no-cache", str(tmp_path), cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "E104" in err and ".voicecheck.yaml:2: bad pattern '[z-a]'" in err
    validate = run_cli("guide", "validate", str(tmp_path / ".voicecheck.yaml"))
    assert validate.returncode == 2 and "E104" in validate.stderr.decode()


def test_guide_validate_knows_the_rule_codes_of_per_path_ignores(tmp_path):
    _guide(tmp_path, 'lint:\n  per_path_ignores: {"legal/*.md": [VC1100, robotic-apology]}\n')
    validate = run_cli("guide", "validate", str(tmp_path / ".voicecheck.yaml"))
    err = validate.stderr.decode()
    assert validate.returncode == 2 and len(err.strip().splitlines()) == 1
    assert "E220" in err and "unknown rule 'VC1100'" in err and "did you mean 'VC110'" in err
    _guide(tmp_path, 'lint:\n  per_path_ignores: {"legal/*.md": [VC110, Robotic-Apology]}\n')
    assert run_cli("guide", "validate", str(tmp_path / ".voicecheck.yaml")).returncode == 0


def test_an_unknown_code_in_per_path_ignores_names_its_own_line_even_in_a_parent(tmp_path):
    """E220 names the file and line of the bad name: in the guide itself, and in the file it
    extends when the pattern comes from there (lint and guide validate alike)."""
    (tmp_path / "base.yaml").write_text(
        "brand: Base\nlint:\n  per_path_ignores:\n    'faq/*.md':\n      - VC110\n"
        "      - VC9999\n    'x/*.md': robotic-apolgy\n", encoding="utf-8")
    (tmp_path / ".voicecheck.yaml").write_text("extends: base.yaml\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("Thanks, your order ships today.\n", encoding="utf-8")
    for args in (("guide", "validate", str(tmp_path / ".voicecheck.yaml")),
                 ("lint", "--no-cache", str(tmp_path / "a.md"))):
        result = run_cli(*args, cwd=tmp_path)
        err = result.stderr.decode()
        assert result.returncode == 2 and len(err.strip().splitlines()) == 1, err
        assert "E220" in err and "base.yaml:6: unknown rule 'VC9999'" in err, err
    (tmp_path / "base.yaml").write_text(
        "brand: Base\nlint:\n  per_path_ignores:\n    'faq/*.md':\n      - VC110\n"
        "    'x/*.md': robotic-apolgy\n", encoding="utf-8")
    err = run_cli("guide", "validate", str(tmp_path / ".voicecheck.yaml")).stderr.decode()
    assert "base.yaml:6: unknown rule 'robotic-apolgy'" in err
    assert "did you mean 'robotic-apology'" in err


def test_good_globs_still_work_and_are_compiled_as_lint_uses_them(tmp_path):
    _guide(tmp_path, 'lint:\n  exclude: ["drafts/"]\n  per_path_ignores: {"old/**": [VC110]}\n')
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "x.txt").write_text("We apologize for any inconvenience.\n")
    (tmp_path / "a.txt").write_text("Thanks for waiting, your order ships today.\n")
    run = lint([str(tmp_path)], LintOptions(cache=False, jobs=1, lang="en"))
    assert not run.errors and [r.path.endswith("a.txt") for r in run.reports] == [True]
    assert glob_spec(("*.bak.md",)).match_file("x/y.bak.md")
    with pytest.raises(GlobError, match="not a valid gitignore pattern"):
        check_glob("!")


# -- 2. terms that can never match ----------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "message"), [
    ('banned:\n  - {phrase: "", reason: x}\n', 2, "'banned[0].phrase' must not be empty"),
    ('banned:\n  - phrase: "   "\n', 2, "'banned[0].phrase' must not be empty"),
    ('preferred:\n  - {use: "", instead_of: [sign on]}\n', 2,
     "'preferred[0].use' must not be empty"),
    ('preferred:\n  - use: sign in\n    instead_of: [""]\n', 3,
     "'preferred[0].instead_of[0]' must not be empty"),
    ("preferred:\n  - use: sign in\n    instead_of: []\n", 3,
     "'preferred[0].instead_of' must name at least one phrase"),
    ('jargon: [" "]\n', 1, "'jargon[0]' must not be empty"),
    ('jargon: ["{SLA|}"]\n', 1, "phrase '{SLA|}' can be empty"),
])
def test_empty_terms_are_refused_with_file_and_line(tmp_path, text, line, message):
    error = _error(_guide(tmp_path, text))
    assert (error.code, error.line) == ("E103", line)
    assert message in str(error)


def test_the_qa_reproduction_of_empty_terms(tmp_path):
    path = _guide(tmp_path, 'banned:\n  - {phrase: "", reason: x}\npreferred:\n'
                            '  - {use: "", instead_of: [""]}\n', "emptyterms.yaml")
    result = run_cli("guide", "validate", str(path))
    err = result.stderr.decode()
    assert result.returncode == 2 and len(err.strip().splitlines()) == 1
    assert "E103" in err and "emptyterms.yaml:2:" in err


def test_an_optional_word_beside_others_is_still_fine():
    guide = guide_from_mapping({"banned": [{"phrase": "{we |}apologize for"}]})
    assert guide.terms[-1].phrases == ("{we |}apologize for",)


# -- lint.channel --------------------------------------------------------------------------

def test_lint_channel_must_be_a_known_channel(tmp_path):
    error = _error(_guide(tmp_path, "brand: x\nlint:\n  channel: pigeon\n"))
    assert (error.code, error.line) == ("E103", 3) and "unknown channel 'pigeon'" in str(error)
    assert load_guide(_guide(tmp_path, "channels:\n  pigeon: {max_chars: 50}\n"
                                       "lint: {channel: pigeon}\n")).lint["channel"] == "pigeon"
    with pytest.raises(VoicecheckError, match="unknown channel"):
        guide_from_mapping({"lint": {"channel": "pigeon"}})


# -- 6. extends ----------------------------------------------------------------------------

SECRET_KEY = "api_token_value_abc123"


@pytest.mark.parametrize("name", ["/etc/shadow", "../../../../../../etc/shadow", "/etc/passwd",
                                  "secret.txt", "secret", "~/.ssh/id_rsa"])
def test_extends_names_only_yaml_files(tmp_path, name):
    (tmp_path / "secret.txt").write_text(f"{SECRET_KEY}: hunter2\n")
    (tmp_path / "secret").write_text(f"{SECRET_KEY}: hunter2\n")
    error = _error(_guide(tmp_path, f"extends: {name}\n"))
    assert (error.code, error.line) == ("E105", 1)
    assert "no such preset or file" in str(error) and ".yaml/.yml" in str(error)
    assert SECRET_KEY not in str(error) and "hunter2" not in str(error)
    assert "root:" not in str(error)  # the first line of /etc/shadow or /etc/passwd


def test_a_device_is_still_named_as_such(tmp_path):
    error = _error(_guide(tmp_path, "extends: /dev/zero\n"))
    assert error.code == "E105" and "not a regular file" in str(error)


@pytest.mark.parametrize("content", [
    f"{SECRET_KEY}: hunter2\n",
    f"brand: x\n{SECRET_KEY}: hunter2\n",
    "root:$6$saltsalt$hash: 19000\n",
    f"- {SECRET_KEY}\n- hunter2\n",
    f"{SECRET_KEY}\n",
])
def test_an_extended_file_that_is_not_a_guide_is_never_quoted(tmp_path, content):
    (tmp_path / "shared.yml").write_text(content)
    error = _error(_guide(tmp_path, "extends: [default, shared.yml]\n"))
    assert error.code == "E101" and error.path.endswith("shared.yml")
    assert "not a voicecheck guide" in str(error)
    for secret in (SECRET_KEY, "hunter2", "$6$"):
        assert secret not in str(error)


def test_a_yaml_link_to_another_kind_of_file_is_refused(tmp_path):
    target = tmp_path / "secret.txt"
    target.write_text(f"{SECRET_KEY}: hunter2\n")
    os.symlink(target, tmp_path / "shared.yaml")
    error = _error(_guide(tmp_path, "extends: shared.yaml\n"))
    assert error.code == "E105" and "not .yaml/.yml" in str(error)
    assert SECRET_KEY not in str(error)


def test_extending_a_real_guide_by_relative_absolute_and_home_paths(tmp_path, monkeypatch):
    shared = tmp_path / "team"
    shared.mkdir()
    _guide(shared, "brand: Acme\nbanned:\n  - phrase: no worries\n", "base.YAML")
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("../team/base.YAML", str(shared / "base.YAML"), "~/team/base.YAML"):
        monkeypatch.setenv("HOME", str(tmp_path))
        guide = load_guide(_guide(repo, f"extends: {name}\nvoice: {{formality: formal}}\n"))
        assert guide.brand == "Acme" and guide.formality == "formal"


def test_unknown_keys_are_quoted_only_when_they_are_plain_names(tmp_path):
    plain = _error(_guide(tmp_path, "voice:\n  formalty: formal\n"))
    assert "unknown key 'formalty' in 'voice' (did you mean 'formality'?)" in str(plain)
    odd = _error(_guide(tmp_path, "brand: x\n'root:$6$salt$hash:19000': 1\n"))
    assert odd.code == "E101" and odd.line == 2 and "$6$" not in str(odd)
    assert "not a guide key" in str(odd)
    dup = _error(_guide(tmp_path, "brand: a\nbrand: b\n"))
    assert "duplicate key 'brand'" in str(dup)
    odd_dup = _error(_guide(tmp_path, "'a b:c': 1\n'a b:c': 2\n"))
    assert str(odd_dup).endswith(":2: duplicate key")
