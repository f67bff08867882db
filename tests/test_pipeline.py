"""`import_spacy()`: spaCy without its command-line interface, and nothing lost by it.

Run in fresh interpreters: the test process has imported spaCy long before.
"""

from __future__ import annotations

import subprocess
import sys

CHECK_STAND_IN = """
import sys
from voicecheck.text.pipeline import get_nlp, import_spacy
spacy = import_spacy()
assert not any(m.startswith("spacy.cli") for m in sys.modules), "the CLI was imported"
assert [t.text for t in get_nlp("en").tokenizer("We're on it!")] == ["We", "'re", "on", "it", "!"]
data = spacy.info(markdown=False, silent=True)   # the real spacy.info, loaded on first call
assert data["spacy_version"] == spacy.__version__, data
import spacy.cli
assert spacy.cli.__file__.endswith("__init__.py"), spacy.cli
print("ok")
"""

CHECK_FALLBACK = """
import sys
from voicecheck.text import pipeline
spacy = pipeline._import_spacy(None)   # a stand-in without `info`: spaCy's import of it fails
assert "spacy.cli" in sys.modules and sys.modules["spacy.cli"].__file__, "plain import expected"
assert [t.text for t in spacy.blank("en")("Hi there.")] == ["Hi", "there", "."]
print("ok")
"""


def _run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


def test_spacy_is_imported_without_its_cli_and_info_still_works():
    assert _run(CHECK_STAND_IN) == "ok"


def test_a_spacy_that_needs_more_of_its_cli_is_imported_the_plain_way():
    assert _run(CHECK_FALLBACK) == "ok"


def test_a_whole_check_never_loads_spacys_cli():
    code = ("import sys\nfrom voicecheck.engine import Checker\n"
            "for lang in ('en', 'id', 'ms', 'fa'):\n"
            "    Checker().check('Thanks, we are on it!', lang=lang)\n"
            "print(sorted(m for m in sys.modules if m.startswith('spacy.cli')))")
    assert _run(code) == "[]"
