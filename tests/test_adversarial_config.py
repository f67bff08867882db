"""Hostile configuration and input through the real command: each case of fuzz/hostile.py is
refused with one line and exit 2 (or, for a regex that backtracks elsewhere, simply runs).
Timing is measured by fuzz/hostile.py, not here; the 60 s subprocess timeout catches a hang."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("hostile", ROOT / "fuzz" / "hostile.py")
hostile = importlib.util.module_from_spec(_spec)
sys.modules["hostile"] = hostile  # dataclasses look their module up while the class is made
_spec.loader.exec_module(hostile)

# Already covered, one by one, in test_guide.py and test_cli.py.
COVERED = {"billion laughs (YAML alias bomb)", "Python object tag", "look-around regex",
           "back-reference regex", "extends loop", "invalid UTF-8 draft",
           "binary draft (NUL bytes)", "5 MB draft"}
KNOWN_BUGS: dict[str, str] = {}  # name -> why: a strict xfail until fixed


def _params():
    for case in hostile.CASES:
        if case.name in COVERED:
            continue
        marks = ([pytest.mark.xfail(reason=KNOWN_BUGS[case.name], strict=True)]
                 if case.name in KNOWN_BUGS else [])
        yield pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_hostile_case_is_refused_in_one_line(case, tmp_path):
    outcome = hostile.run_case(case, tmp_path)
    assert hostile.verdict(case, outcome) == "ok", outcome.stderr[-2000:]
