"""``gdlab check``: a student's own run of the public suites.

The student's folder goes through the same intake as a graded submission (so
notebooks work too), then the public suites run in this process while the
student's code runs in sandboxed workers.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from autograder.grading import plots, reports
from autograder.grading.intake import prepare
from autograder.grading.suites import run_in_process
from autograder.registry import get_exercise

PICTURES = ".gdlab"  # inside the student's folder; hidden, so intake ignores it


def check(folder: Path, exercises: list[str]) -> dict:
    """Run the public tests of ``exercises`` on a student's folder.

    Parameters
    ----------
    folder : Path
        Laid out like ``exercises/``.
    exercises : list of str
        Which exercises to check.

    Returns
    -------
    dict
        Shaped like a ``results/<submission>.json`` document, limited to the
        checked exercises; scores count the public tests only.
    """
    with tempfile.TemporaryDirectory(prefix="gdlab-check-") as work:
        prepared = prepare(folder, Path(work) / "submission")
        runnable = [name for name in exercises if name not in prepared.problems]
        suite_results = (
            run_in_process(prepared.folder, runnable, ("public",), problems=prepared.problems)
            if runnable
            else None
        )
    result = reports.submission_result(
        folder.name,
        suite_results,
        prepared.problems,
        prepared.notes,
        (suite_results or {}).get("sandbox", "-"),
    )
    result["exercises"] = {name: result["exercises"][name] for name in exercises}
    for name, entry in result["exercises"].items():
        if entry.get("curves") and len(exercises) == 1:  # one exercise checked: draw it
            entry["picture"] = str(
                plots.render(name, entry["curves"], folder / PICTURES / f"{name}.png")
            )
    for entry in result["exercises"].values():
        entry["max_score"] = round(sum(test["max_score"] for test in entry["tests"]), 6)
    result["total"] = round(sum(e["score"] for e in result["exercises"].values()), 6)
    result["max_total"] = round(sum(e["max_score"] for e in result["exercises"].values()), 6)
    return result


def render(result: dict, color: bool = True) -> str:
    """The terminal report of a check: each test's verdict, points and hints.

    A task whose function still raises ``NotImplementedError`` is reported
    once as "not started" instead of once per test.
    """

    def style(text: str, fg: str) -> str:
        return click.style(text, fg=fg, bold=True) if color else text

    lines = []
    for name, entry in result["exercises"].items():
        exercise = get_exercise(name)
        lines.append(f"{name}: {exercise.title} (public tests)")
        if entry.get("message"):
            lines.append(f"  {style('MISSING', 'red')} {entry['message']}")
        not_started = {
            test["task"] for test in entry["tests"] if "NotImplementedError" in test["message"]
        }
        for task in exercise.tasks:
            tests = [test for test in entry["tests"] if test["task"] == task.function]
            if task.function in not_started:
                lines.append(
                    f"  {style('TODO', 'yellow')} {task.function}: not started "
                    f"(it still raises NotImplementedError)"
                )
                continue
            for test in tests:
                points = reports.fraction(test["score"], test["max_score"])
                if test["status"] == "passed":
                    lines.append(f"  {style('PASS', 'green')} {test['name']}  [{points}]")
                else:
                    verdict = "TIME" if test["status"] == "timeout" else "FAIL"
                    lines.append(f"  {style(verdict, 'red')} {test['name']}  [{points}]")
                    lines.append(f"       {test['message']}")
            if any(test["status"] != "passed" for test in tests):
                lines.append(f"       hint: {task.hint}")
        if entry.get("picture"):
            lines.append(f"  your curves beside the reference's: {entry['picture']}")
        passed = sum(test["status"] == "passed" for test in entry["tests"])
        lines.append(
            f"  {passed}/{len(entry['tests'])} public tests passed, "
            f"{reports.fraction(entry['score'], entry['max_score'])} public points."
        )
        lines.append("")
    for note in result.get("notes", []):
        lines.append(f"note: {note}")
    lines.append("These are the public tests only; grading adds hidden tests on other inputs.")
    return "\n".join(lines)


def render_progress(result: dict) -> str:
    """One line per exercise: status and public points."""
    lines = ["exercise   status        public points"]
    for name, entry in result["exercises"].items():
        points = reports.fraction(entry["score"], entry["max_score"])
        lines.append(f"{name:<10} {entry['status']:<13} {points}")
    lines.append(
        "Run `gdlab check exerciseN` for details. Public tests only: grading adds hidden tests."
    )
    return "\n".join(lines)
