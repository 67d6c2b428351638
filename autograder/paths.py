"""Where the course's folders are.

The answer keys and the stubs live beside the installed packages in the
project's checkout (gdlab is installed in editable mode from it), so the
project root is the folder above this package.
"""

import os
from pathlib import Path

from autograder.registry import Exercise

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXERCISES_DIR = PROJECT_ROOT / "exercises"
SOLUTIONS_DIR = PROJECT_ROOT / "solutions"
# The grading suites; found by path, never imported here (pytest imports them).
# GDLAB_SUITES_DIR points grading at another copy of them: for trying changed
# suites before they land (the project's tests use it to plant a grader bug).
SUITES_DIR = Path(
    os.environ.get("GDLAB_SUITES_DIR") or Path(__file__).resolve().parent / "suites"
)


def stub_path(exercise: Exercise, root: Path = EXERCISES_DIR) -> Path:
    """The student file of ``exercise`` under ``root`` (``exercises/`` by default)."""
    return root / exercise.name / exercise.filename


def solution_path(exercise: Exercise, root: Path = SOLUTIONS_DIR) -> Path:
    """The answer key of ``exercise`` under ``root`` (``solutions/`` by default)."""
    return root / exercise.name / exercise.filename


def statement_path(exercise: Exercise, root: Path = EXERCISES_DIR) -> Path:
    """The statement students read, e.g. ``exercises/exercise3/README.md``."""
    return root / exercise.name / "README.md"
