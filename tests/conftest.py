"""Shared fixtures: the answer keys, the stubs and the reference as modules."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")  # never open a window, whatever the developer's setup

from autograder.course import reference_of  # noqa: E402
from autograder.loading import load_module  # noqa: E402
from autograder.paths import solution_path, stub_path  # noqa: E402
from autograder.registry import load_registry  # noqa: E402

EXERCISES = load_registry()


@pytest.fixture(scope="session")
def answer_keys() -> dict:
    """exercise name -> the imported answer key."""
    return {exercise.name: load_module(solution_path(exercise)) for exercise in EXERCISES}


@pytest.fixture(scope="session")
def stubs() -> dict:
    """exercise name -> the imported student stub."""
    return {exercise.name: load_module(stub_path(exercise)) for exercise in EXERCISES}


@pytest.fixture(scope="session", params=["answer key", "reference"])
def implementation(request, answer_keys) -> tuple[str, dict]:
    """Both trusted implementations of the contract, one after the other."""
    if request.param == "reference":
        return request.param, {item.name: reference_of(item.name) for item in EXERCISES}
    return request.param, answer_keys


# -- the sample class, graded once as an instructor would for an LMS --------------

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from autograder.paths import PROJECT_ROOT  # noqa: E402

GDLAB = str(Path(sys.executable).with_name("gdlab"))  # the installed console script
SAMPLE_CLASS = PROJECT_ROOT / "examples" / "sample-class"
SAMPLE_ROSTER = PROJECT_ROOT / "examples" / "roster.csv"
#: The course secret the shared gradebook is graded with; the other routes reuse it.
SAMPLE_SECRET = "sample-class-secret-for-the-tests-0123456789"


def run_gdlab(*arguments: str, timeout: float = 900, **options) -> subprocess.CompletedProcess:
    """``gdlab ARGUMENTS`` in a subprocess, with the tests' course secret."""
    env = {**os.environ, "GDLAB_SECRET": SAMPLE_SECRET, **options.pop("env", {})}
    return subprocess.run(
        [GDLAB, *arguments], capture_output=True, text=True, timeout=timeout, env=env, **options
    )


@pytest.fixture(scope="session")
def sample_gradebook(tmp_path_factory) -> Path:
    """The sample class graded for the ``project`` assignment with the example roster.

    The LMS export, the HTML report, the Gradescope route and the cluster
    compare their figures with this one run's.
    """
    out = tmp_path_factory.mktemp("sample-gradebook")
    done = run_gdlab(
        "grade", str(SAMPLE_CLASS), "--out", str(out), "--assignment", "project",
        "--roster", str(SAMPLE_ROSTER),
    )
    # 1: two entries are unreadable on purpose (a corrupt zip, an empty folder).
    assert done.returncode == 1, done.stdout + done.stderr
    return out
