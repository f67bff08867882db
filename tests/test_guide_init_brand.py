"""`voicecheck guide init --brand NAME`: whatever the name, the guide written is valid YAML whose
`brand` loads back as exactly NAME, or the name is refused with one line and exit 2."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ROOT, run_cli
from voicecheck.guide import load_guide
from voicecheck.guide.starter import brand_problem, starter_guide, yaml_quoted

PRESETS = ("default", "formal", "friendly")
# a brand name: any text on one line without control characters (Cc: tab, line feed, ESC,
# U+0085 …; Zl/Zp: U+2028, U+2029; Cs: lone surrogates), and not blank
BRANDS = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1) \
    .filter(lambda brand: brand_problem(brand) is None)

AWKWARD = [
    "Toko\\Jaya",                 # "\J" was an unknown escape: E100 invalid YAML
    'Kopi "Kita"',                # was written as Kopi 'Kita'
    "Kopi 'Kita'",
    "Toko: Jaya", "Toko:Jaya", "Jaya:",
    "Toko #1", "#1 Toko",
    "- Toko", "-Toko", "* Toko", "*Toko", "&Toko", "!Toko", "!!str", "%Toko", "@Toko", "`Toko`",
    "? Toko", "| Toko", "> Toko", "{Toko}", "[Toko]", "Toko, Jaya",
    "yes", "no", "off", "null", "~", "123", "0x10", "1e3", "2024-01-01", "...", "---",
    " Toko ", "Toko\\n", "\\x41", "Toko\u00a0Jaya",
    "فروشگاه همراه", "تلفن\u200cهمراه",  # Persian, with a zero-width non-joiner
    "☕ Kopi 🚀", "👩\u200d💻", "Toko\ufeffJaya", "\U0001f600",
    "A" * 300,
]


def _load_brand(text: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.yaml"
        path.write_text(text, encoding="utf-8")
        return load_guide(path).brand


@given(preset=st.sampled_from(PRESETS), brand=BRANDS)
def test_any_printable_brand_loads_back_exactly(preset, brand):
    text = starter_guide(preset, brand)
    assert _load_brand(text) == brand
    assert yaml.safe_load(text)["brand"] == brand
    assert text.count("\n") == starter_guide(preset, "Acme").count("\n")  # one line, always


@given(value=st.text())
def test_yaml_quoted_loads_back_as_any_text(value):
    """The quoting itself holds for every string, control characters included."""
    assert yaml.safe_load("brand: " + yaml_quoted(value) + "\n")["brand"] == value
    assert "\n" not in yaml_quoted(value)


@pytest.mark.parametrize("brand", AWKWARD)
def test_awkward_brands_load_back_through_the_loader(brand):
    assert _load_brand(starter_guide("default", brand)) == brand


@pytest.mark.parametrize(("brand", "problem"), [
    ("", "must not be empty or blank"),
    ("   ", "must not be empty or blank"),
    ("\u200b", "must not be empty or blank"),
    ("Toko\nJaya", "U+000A at character 5"),
    ("Toko\r\nJaya", "U+000D at character 5"),
    ("Toko\tJaya", "U+0009"),
    ("Toko\x1b[31mJaya", "U+001B"),
    ("Toko\x85Jaya", "U+0085"),
    ("Toko\u2028Jaya", "U+2028"),
    ("Toko\x00", "U+0000"),
    ("Toko\udcffJaya", "lone surrogate U+DCFF"),
])
def test_brands_that_cannot_be_a_name_are_refused(brand, problem):
    assert problem in brand_problem(brand)
    with pytest.raises(ValueError, match="^brand "):
        starter_guide("default", brand)


@pytest.mark.parametrize("brand", [
    "Toko\\Jaya", 'Kopi "Kita"', "Toko: Jaya #1", "-Toko", "*Toko", "&Toko", "!Toko", "%Toko",
    "@Toko", "تلفن\u200cهمراه", "☕ Kopi 🚀",
])
def test_cli_init_then_validate_keeps_the_brand(tmp_path, brand):
    target = tmp_path / "bs.yaml"
    init = run_cli("guide", "init", "--force", "--brand", brand, str(target))
    assert init.returncode == 0, init.stderr
    check = run_cli("guide", "validate", str(target))
    assert check.returncode == 0, check.stderr
    assert load_guide(target).brand == brand


@pytest.mark.parametrize(("brand", "message"), [
    ("", "must not be empty or blank"),
    (" ", "must not be empty or blank"),
    ("Toko\nJaya", "must be one line, without control characters (U+000A at character 5)"),
    ("Toko\tJaya", "U+0009"),
    ("Toko\x1b]0;x\x07Jaya", "U+001B"),
])
def test_cli_refuses_a_brand_that_cannot_be_a_name(tmp_path, brand, message):
    target = tmp_path / "bs.yaml"
    target.write_text("brand: Old\n", encoding="utf-8")
    result = run_cli("guide", "init", "--force", "--brand", brand, str(target))
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("voicecheck: E103 --brand "), lines
    assert message in lines[0]
    assert target.read_text(encoding="utf-8") == "brand: Old\n"  # left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bs.yaml"]
    fresh = run_cli("guide", "init", "--brand", brand, str(tmp_path / "new.yaml"))
    assert fresh.returncode == 2 and not (tmp_path / "new.yaml").exists()


def test_cli_refuses_a_brand_of_bytes_that_are_not_utf8(tmp_path):
    result = subprocess.run([sys.executable, "-m", "voicecheck", "guide", "init", "--brand",
                             b"Toko\xffJaya", str(tmp_path / "g.yaml")],
                            capture_output=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2, result.stderr
    assert b"E103 --brand must be valid Unicode" in result.stderr
    assert b"Traceback" not in result.stderr and not (tmp_path / "g.yaml").exists()


def test_cli_help_says_which_brands_are_refused():
    result = run_cli("guide", "init", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.decode().split())
    assert "written exactly as given" in text and "control character" in text
