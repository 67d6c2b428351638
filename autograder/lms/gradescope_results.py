"""A submission's result as Gradescope's ``results.json``.

Gradescope's autograder specification: a top-level ``score`` (which, when
given, is the submission's score), ``execution_time`` in seconds, an
``output`` for the whole submission with its ``output_format``, and
``tests``, each with ``name``, ``score``, ``max_score``, ``status``
(``passed`` or ``failed``), ``output`` and ``visibility``. Here:

- every test of the result is one Gradescope test, scored as gdlab scored
  it; a public test is ``visible``, a hidden one ``after_published`` (its
  inputs stay unseen until the instructor publishes the grades);
- an advice test is listed worth 0 points and without a status, so it is
  never shown as a failure;
- an exercise none of whose tests ran (its file is missing) is one line
  per task and suite, worth that share and scoring 0, with the reason;
- ``score`` is the result's total, and equals the tests' sum;
- ``output`` is the student's feedback in Markdown, without its pictures.
"""

from __future__ import annotations

import copy

from autograder import results
from autograder.grading.feedback import failure_lines, feedback_markdown
from autograder.registry import get_exercise
from autograder.results import ExerciseResult, SubmissionResult, TestResult

VISIBILITY = {results.PUBLIC: "visible", results.HIDDEN: "after_published"}


def _test(exercise: str, number: str, test: TestResult) -> dict:
    advice = test.kind != results.GRADED
    entry = {
        "name": f"{exercise} {test.task}: {test.check or test.name}"
        + (" (advice, 0 points)" if advice else ""),
        "number": number,
        "score": test.score,
        "max_score": test.max_score,
        "output": "" if test.status == results.PASSED or (advice and test.followed)
        else "\n".join(failure_lines(test)),
        "visibility": VISIBILITY.get(test.suite, "after_published"),
        "tags": [exercise, test.task, test.suite],
    }
    if not advice:
        entry["status"] = "passed" if test.status == results.PASSED else "failed"
    return entry


def _unrun(entry: ExerciseResult, number: int) -> list[dict]:
    """One line per task and suite of an exercise whose tests never ran."""
    lines = []
    for task in get_exercise(entry.name).tasks:
        for suite, points in ((results.PUBLIC, task.public_points),
                              (results.HIDDEN, task.hidden_points)):
            if points:
                lines.append({
                    "name": f"{entry.name} {task.function} ({suite} tests)",
                    "number": f"{number}.{len(lines) + 1}",
                    "score": 0.0,
                    "max_score": float(points),
                    "status": "failed",
                    "output": entry.problem or "not graded",
                    "visibility": VISIBILITY[suite],
                    "tags": [entry.name, task.function, suite],
                })
    return lines


def results_json(result: SubmissionResult, execution_time: float) -> dict:
    """The ``results.json`` document of a graded (or unreadable) submission (see the module)."""
    tests: list[dict] = []
    for number, (name, entry) in enumerate(result.exercises.items(), start=1):
        if entry.tests:
            tests += [_test(name, f"{number}.{at}", t) for at, t in enumerate(entry.tests, 1)]
        else:
            tests += _unrun(entry, number)
    shown = copy.deepcopy(result)
    for entry in shown.exercises.values():
        entry.curves = None  # Gradescope shows text: the pictures stay out
    return {
        "score": result.total or 0.0,
        "execution_time": round(execution_time),
        "output": feedback_markdown(shown),
        "output_format": "md",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
