"""Correct submissions in other styles than the sample class's must earn full marks too.

`tests/alternatives/` holds one complete submission per style, each written from the contract
and the statements alone: pure-Python loops, heavy vectorised NumPy, small classes behind the
contract's functions, and notebooks with magics, shell lines and exploratory cells. The whole
folder is graded once, through the real CLI and sandbox; each submission must score 60/60.
`contract-only` is written from EXERCISES.md alone and makes the ordinary choices the contract
allows (pyplot figures left open, `std == 0` for a constant input, no validation beyond the
contract, scalar iterates guarded against overflow).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GDLAB = str(Path(sys.executable).with_name("gdlab"))  # the installed console script
ALTERNATIVES = Path(__file__).parent / "alternatives"
STYLES = ("loops", "vectorised", "classes", "notebooks", "contract-only")


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("alternatives-gradebook")
    done = subprocess.run(
        [GDLAB, "grade", str(ALTERNATIVES), "--out", str(out), "-j", "2"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    return done, out


def lost_points(result: dict) -> list[str]:
    """One line per exercise or test that did not earn its points, with the grader's message."""
    lines = [f"fatal: {result['fatal']}"] if result.get("fatal") else []
    for exercise, entry in result["exercises"].items():
        if entry["score"] == entry["max_score"]:
            continue
        failed = [test for test in entry["tests"] if test["status"] != "passed"]
        if not failed:
            lines.append(f"{exercise} ({entry['status']}): {entry.get('message', '')}")
        for test in failed:
            lines.append(f"{exercise}::{test['name']} ({test['status']}): {test['message']}")
    return lines


def test_the_folder_holds_exactly_the_styles_tested_here():
    assert sorted(path.name for path in ALTERNATIVES.iterdir()) == sorted(STYLES)


@pytest.mark.parametrize("style", STYLES)
def test_an_alternative_correct_submission_earns_full_marks(gradebook, style):
    done, out = gradebook
    path = out / "results" / f"{style}.json"
    assert path.is_file(), f"no result for {style}\n{done.stdout}\n{done.stderr}"
    result = json.loads(path.read_text(encoding="utf-8"))
    assert result["max_total"] == 60
    summary = [f"{style}: {result['total']}/60", *lost_points(result)]
    assert result["total"] == 60, "\n".join(summary)
