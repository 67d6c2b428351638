"""``gdlab check``: a student's own run of the public suites.

The student's folder goes through the same intake as a graded submission (so
notebooks work too), then the public suites run in this process, without
pytest (:mod:`autograder.suites.direct`), while the student's code runs in
sandboxed workers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from autograder import results, scoring
from autograder.grading import drawing, feedback, reports
from autograder.grading.check_sandbox import CheckSandbox
from autograder.grading.intake import prepare
from autograder.registry import get_exercise
from autograder.results import SubmissionResult
from autograder.suites.direct import DirectRun
from autograder.suites.plan import planned_tests, runs_directly

PICTURES = ".gdlab"  # inside the student's folder; hidden, so intake ignores it


def check(
    folder: Path,
    exercises: list[str],
    sandbox: CheckSandbox | None = None,
    on_verdict: Callable[[SubmissionResult], None] | None = None,
) -> SubmissionResult:
    """Run the public tests of ``exercises`` on a student's folder.

    The suites run without pytest (:mod:`autograder.suites.direct`), with the
    same tests and records as grading. The sandbox starts while the checks
    are read, and the picture is drawn after the verdict is known.

    Parameters
    ----------
    folder : Path
        Laid out like ``exercises/``.
    exercises : list of str
        Which exercises to check.
    sandbox : CheckSandbox, optional
        A sandbox launched (``gdlab check``) or kept warm (``gdlab watch``)
        by the caller, who stops it; by default one is started for this check
        and stopped after it.
    on_verdict : callable, optional
        Called with the scored result as soon as it is known, before the
        picture's curves are taken and drawn (so a terminal shows it first).

    Returns
    -------
    SubmissionResult
        Limited to the checked exercises; scores count the public tests only.
        With one exercise checked, its picture is drawn in ``folder/.gdlab/``.
    """
    with tempfile.TemporaryDirectory(prefix="gdlab-check-") as work:
        prepared = prepare(folder, Path(work) / "submission")
        records = prepared.problem_records()
        runnable = [name for name in exercises if name not in records]
        owned = sandbox is None
        if owned:
            sandbox = CheckSandbox(folder, runnable)
        try:
            if not runs_directly((results.PUBLIC,)):  # a hand-written test needs pytest
                from autograder.grading.pytest_run import run_in_process

                sandbox.stop()
                result = run_in_process(
                    prepared.folder, runnable, (results.PUBLIC,), problems=records
                )
                _complete(result, folder, exercises, records, prepared.notes)
                return result
            tests = planned_tests(runnable, (results.PUBLIC,))  # while the sandbox starts
            server = sandbox.ready()
            with DirectRun(
                prepared.folder, runnable, (results.PUBLIC,), server.level, records, server=server
            ) as run:
                result = run.verdict(tests) if runnable else SubmissionResult(folder.name)
                _complete(result, folder, exercises, records, prepared.notes)
                if on_verdict is not None:
                    on_verdict(result)
                if len(exercises) == 1 and runnable:  # one exercise checked: draw it
                    run.add_curves(result)
        finally:
            if owned:
                sandbox.stop()
    if len(exercises) == 1:
        entry = result.exercises[exercises[0]]
        if entry.curves:
            path = folder / PICTURES / f"{entry.name}.png"
            drawing.render(entry.name, entry.curves, path, full_marks=entry.full_marks)
            entry.picture = str(path)
    return result


def _complete(
    result: SubmissionResult,
    folder: Path,
    exercises: list[str],
    records: dict[str, dict[str, str]],
    notes: list[str],
) -> None:
    """Add the exercises intake could not read, in the order asked, and intake's notes."""
    for name in exercises:
        if name not in result.exercises:
            result.exercises[name] = scoring.unrun_exercise(
                name, records[name]["problem"], records[name]["kind"], (results.PUBLIC,)
            )
    result.exercises = {name: result.exercises[name] for name in exercises}
    result.submission, result.notes = folder.name, notes


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


def picture_line(result: SubmissionResult) -> str | None:
    """Where the picture of a one-exercise check was drawn, as a line to print after it."""
    pictures = [entry.picture for entry in result.exercises.values() if entry.picture]
    return f"your curves beside the reference's: {pictures[0]}" if len(pictures) == 1 else None


def progress_row(name: str, entry: results.ExerciseResult) -> str:
    """One exercise's line of the progress: name, status and public points."""
    return f"{name:<10} {entry.status:<13} {reports.fraction(entry.score, entry.max_score)}"


def render_progress(result: SubmissionResult) -> str:
    """One line per exercise: status and public points."""
    lines = ["exercise   status        public points"]
    lines += [progress_row(name, entry) for name, entry in result.exercises.items()]
    lines.append(
        "Run `gdlab check exerciseN` for details. Public tests only: grading adds hidden tests."
    )
    return "\n".join(lines)
