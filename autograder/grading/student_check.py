"""``gdlab check``: a student's own run of the public suites.

The student's folder goes through the same intake as a graded submission (so
notebooks work too), then the public suites run in this process while the
student's code runs in sandboxed workers.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from autograder import results, scoring
from autograder.grading import drawing, feedback, reports
from autograder.grading.intake import prepare
from autograder.grading.pytest_run import run_in_process
from autograder.registry import get_exercise, load_registry
from autograder.results import SubmissionResult

PICTURES = ".gdlab"  # inside the student's folder; hidden, so intake ignores it


def find_course_folder(start: Path) -> Path | None:
    """The folder laid out like ``exercises/`` that holds ``start``, looking upwards.

    From ``start`` and each folder above it: its ``exercises/`` subfolder if
    that holds an exercise's folder, else the folder itself if it does. So
    ``gdlab check`` works from the hand-out's root, from ``exercises/`` and
    from inside an exercise's folder (a notebook's, for instance).

    Returns
    -------
    Path or None
        None when no folder up to the file system's root holds an exercise.
    """
    names = [exercise.name for exercise in load_registry()]

    def holds_exercises(folder: Path) -> bool:
        return any((folder / name).is_dir() for name in names)

    start = start.resolve()
    for folder in (start, *start.parents):
        if holds_exercises(folder / "exercises"):
            return folder / "exercises"
        if holds_exercises(folder):
            return folder
    return None


def check(folder: Path, exercises: list[str]) -> SubmissionResult:
    """Run the public tests of ``exercises`` on a student's folder.

    Parameters
    ----------
    folder : Path
        Laid out like ``exercises/``.
    exercises : list of str
        Which exercises to check.

    Returns
    -------
    SubmissionResult
        Limited to the checked exercises; scores count the public tests only.
    """
    with tempfile.TemporaryDirectory(prefix="gdlab-check-") as work:
        prepared = prepare(folder, Path(work) / "submission")
        records = prepared.problem_records()
        runnable = [name for name in exercises if name not in records]
        result = (
            run_in_process(prepared.folder, runnable, ("public",), problems=records)
            if runnable
            else SubmissionResult(folder.name)
        )
    for name in exercises:
        if name not in result.exercises:
            result.exercises[name] = scoring.unrun_exercise(
                name, records[name]["problem"], records[name]["kind"], (results.PUBLIC,)
            )
    result.exercises = {name: result.exercises[name] for name in exercises}
    result.submission, result.notes = folder.name, prepared.notes
    if len(exercises) == 1:  # one exercise checked: draw it
        entry = result.exercises[exercises[0]]
        if entry.curves:
            path = folder / PICTURES / f"{entry.name}.png"
            drawing.render(entry.name, entry.curves, path, full_marks=entry.full_marks)
            entry.picture = str(path)
    return result


def passed(result: SubmissionResult) -> bool:
    """Whether every public test of every checked exercise passed."""
    return all(entry.status == results.PASSED for entry in result.exercises.values())


def render(result: SubmissionResult, color: bool = True) -> str:
    """The terminal report of a check: each test's verdict, points, hints and advice.

    A task whose function still raises ``NotImplementedError`` is reported
    once as "not started" instead of once per test.
    """

    def style(text: str, fg: str) -> str:
        return click.style(text, fg=fg, bold=True) if color else text

    lines = []
    for name, entry in result.exercises.items():
        exercise = get_exercise(name)
        lines.append(f"{name}: {exercise.title} (public tests)")
        if entry.problem:
            lines.append(f"  {style(entry.problem_kind.upper(), 'red')} {entry.problem}")
        not_started = {test.task for test in entry.tests if test.reason == results.NOT_STARTED}
        for task in exercise.tasks:
            tests = [test for test in entry.graded_tests if test.task == task.function]
            if task.function in not_started:
                lines.append(
                    f"  {style('TODO', 'yellow')} {task.function}: not started "
                    f"(it still raises NotImplementedError)"
                )
                continue
            for test in tests:
                points = reports.fraction(test.score, test.max_score)
                if test.status == results.PASSED:
                    lines.append(f"  {style('PASS', 'green')} {test.name}  [{points}]")
                    continue
                verdict = {results.TIMEOUT: "TIME", results.GRADER_ERROR: "GRADER"}.get(
                    test.status, "FAIL"
                )
                lines.append(f"  {style(verdict, 'red')} {test.name}  [{points}]")
                lines += [f"       {line}" for line in feedback.failure_lines(test)]
            if any(test.status != results.PASSED for test in tests):
                lines.append(f"       hint: {task.hint}")
            for test in entry.advice:
                if test.task == task.function and not test.followed and not test.reason:
                    lines.append(f"  {style('ADVICE', 'cyan')} {test.name}  [0 points]")
                    lines.append(f"       {test.message}")
        if entry.picture:
            lines.append(f"  your curves beside the reference's: {entry.picture}")
        graded = entry.graded_tests
        count = sum(test.status == results.PASSED for test in graded)
        lines.append(
            f"  {count}/{len(graded)} public tests passed, "
            f"{reports.fraction(entry.score, entry.max_score)} public points."
        )
        lines.append("")
    for note in result.notes:
        lines.append(f"note: {note}")
    lines.append("These are the public tests only; grading adds hidden tests on other inputs.")
    return "\n".join(lines)


def render_progress(result: SubmissionResult) -> str:
    """One line per exercise: status and public points."""
    lines = ["exercise   status        public points"]
    for name, entry in result.exercises.items():
        points = reports.fraction(entry.score, entry.max_score)
        lines.append(f"{name:<10} {entry.status:<13} {points}")
    lines.append(
        "Run `gdlab check exerciseN` for details. Public tests only: grading adds hidden tests."
    )
    return "\n".join(lines)
