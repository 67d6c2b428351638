"""`gdlab dev check` passes on the project and catches each kind of breakage."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.dev.course_check import run_dev_check
from autograder.paths import EXERCISES_DIR, SOLUTIONS_DIR


def failed_steps(solutions: Path, stubs: Path) -> dict[str, tuple[str, ...]]:
    return {step.name: step.problems for step in run_dev_check(solutions, stubs) if not step.ok}


@pytest.fixture
def course(tmp_path) -> tuple[Path, Path]:
    """A private copy of the answer keys and stubs to break."""
    solutions, stubs = tmp_path / "solutions", tmp_path / "exercises"
    shutil.copytree(SOLUTIONS_DIR, solutions)
    shutil.copytree(EXERCISES_DIR, stubs)
    return solutions, stubs


def test_the_project_passes_every_step():
    assert failed_steps(SOLUTIONS_DIR, EXERCISES_DIR) == {}


def test_command_exits_zero_and_says_so():
    gdlab = Path(sys.executable).with_name("gdlab")  # the installed console script
    done = subprocess.run(
        [str(gdlab), "dev", "check"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed" in done.stdout


def test_a_stale_stub_is_caught(course):
    solutions, stubs = course
    path = stubs / "exercise1" / "mse.py"
    path.write_text(path.read_text() + "\n# an edit\n")
    failed = failed_steps(solutions, stubs)
    assert any("exercise1" in p and "stale" in p for p in failed["stubs are up to date"])


def test_answer_code_left_in_a_stub_is_caught(course):
    solutions, stubs = course
    path = stubs / "exercise1" / "mse.py"
    key = (solutions / "exercise1" / "mse.py").read_text()
    path.write_text(key)  # the student gets the answers
    failed = failed_steps(solutions, stubs)
    assert any("answer code" in p for p in failed["stubs show TODOs, not answers"])
    assert any("mse" in p for p in failed["stubs raise NotImplementedError for every task"])


def test_a_wrong_answer_key_is_caught(course):
    solutions, stubs = course
    path = solutions / "exercise1" / "mse.py"
    path.write_text(
        path.read_text().replace(
            "return float(np.mean(squared_errors(y_true, y_pred)))",
            "return float(np.sum(squared_errors(y_true, y_pred)))",
        )
    )
    failed = failed_steps(solutions, stubs)
    figures = failed["answer keys and reference reproduce the contract's figures"]
    assert any(p.startswith("answer key exercise1: mse(") for p in figures)
    assert any(
        "mse (" in p for p in failed["answer keys agree with the reference on random inputs"]
    )


def test_a_key_whose_divergence_warns_is_caught(course):
    solutions, stubs = course
    path = solutions / "exercise3" / "house_prices.py"
    text = path.read_text()
    path.write_text(text.replace('with np.errstate(over="ignore", invalid="ignore"):', "if True:"))
    failed = failed_steps(solutions, stubs)
    found = failed["answer keys agree with the reference on random inputs"]
    assert any("fit (a diverging rate)" in p and "RuntimeWarning" in p for p in found)


def test_markers_that_do_not_fit_stop_the_check_early(course):
    solutions, stubs = course
    path = solutions / "exercise2" / "gradients.py"
    path.write_text(path.read_text().replace("    # END SOLUTION\n", "", 1))
    failed = failed_steps(solutions, stubs)
    assert list(failed) == ["answer keys have one solution region per task"]
