"""What an nbgrader test cell calls inside the notebook's kernel.

:func:`public_report` prints the task's public checks; :func:`task_score`
returns the task's score as ``gdlab grade`` computes it, public and hidden
tests together, which the cell outputs for nbgrader's partial credit. Both
grade the notebook file of the exercise in the kernel's working folder (the
notebook's own) with gdlab's pipeline, so the student's code runs in the
sandbox's workers; one run per exercise and seed is kept for the other
cells. Nothing is written to standard error: nbgrader gives 0 points to a
test cell that writes there.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from functools import cache
from pathlib import Path

from autograder.grading.intake import prepare
from autograder.grading.pytest_run import run_in_process
from autograder.registry import get_exercise
from autograder.results import ExerciseResult


@cache
def _graded(exercise: str, suites: tuple[str, ...], seed: int, folder: str) -> ExerciseResult:
    """Grade the notebook of ``exercise`` in ``folder`` with ``suites`` (once per kernel)."""
    entry = get_exercise(exercise)
    with tempfile.TemporaryDirectory(prefix="gdlab-nbgrader-") as work, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        submission = Path(work) / "submission" / exercise
        submission.mkdir(parents=True)
        notebook = Path(folder) / entry.notebook_filename
        if notebook.is_file():
            shutil.copyfile(notebook, submission / notebook.name)
        prepared = prepare(submission.parent, Path(work) / "prepared")
        result = run_in_process(
            prepared.folder, [exercise], suites, seed=seed, problems=prepared.problem_records()
        )
    return result.exercises[exercise]


def task_score(exercise: str, task: str, seed: int) -> float:
    """The points ``task`` earns in gdlab's grading of this notebook (public and hidden)."""
    graded = _graded(exercise, ("public", "hidden"), seed, str(Path.cwd()))
    return round(sum(test.score for test in graded.tests if test.task == task), 6)


def public_report(exercise: str, task: str) -> None:
    """Print the public checks of ``task`` on this notebook, as saved: verdicts and hints."""
    graded = _graded(exercise, ("public",), 0, str(Path.cwd()))
    tests = [test for test in graded.graded_tests if test.task == task]
    if graded.problem:
        print(f"{exercise}: {graded.problem}")
    for test in tests:
        verdict = "PASS" if test.status == "passed" else "FAIL"
        print(f"{verdict} {test.name}" + ("" if verdict == "PASS" else f": {test.message}"))
    if any(test.status != "passed" for test in tests):
        print(f"hint: {get_exercise(exercise).task(task).hint}")
