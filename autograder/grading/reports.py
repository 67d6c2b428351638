"""What grading writes: results, feedback, the gradebook and the class overview.

The layout of the output folder is a contract other tools read::

    DIR/grades.csv                 one row per submission, with its status
    DIR/results/<submission>.json  every test of every exercise
    DIR/feedback/<submission>.md   what the student reads
    DIR/plots/<submission>-<exercise>.png  curves beside the reference's
    DIR/summary.md                 the class overview

Every file is written to a temporary name and renamed into place, so a killed
grader never leaves a half-written file.
"""

from __future__ import annotations

import csv
import io
import os
import statistics
from pathlib import Path

from autograder import results
from autograder.registry import get_exercise, load_registry
from autograder.results import ExerciseResult, SubmissionResult

PLOTS = "plots"


def plot_name(submission: str, exercise: str) -> str:
    """The file name of a submission's picture for an exercise, in ``DIR/plots/``."""
    return f"{submission}-{exercise}.png"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def format_points(value: float) -> str:
    """Points without trailing zeros: 2.5, 10, 0.33."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fraction(score: float, out_of: float, separator: str = "/") -> str:
    """``score/out_of`` in points, e.g. ``7.5/10``."""
    return f"{format_points(score)}{separator}{format_points(out_of)}"


def failure_lines(test: results.TestResult) -> list[str]:
    """A failed test's message and, when the diagnosis is sure, its explanation."""
    lines = [test.message or test.name]
    if test.diagnosis:
        lines.append(f"Diagnosis: {test.diagnosis}")
    return lines


def _banner(result: SubmissionResult) -> list[str]:
    status = result.status
    if status == results.NEEDS_REGRADE:
        return [
            "**Not graded yet.** The grader itself could not complete some checks of your "
            "submission; this is not your fault, and it will be regraded. The results below "
            "are not final.",
            "",
        ]
    if status in (results.UNREADABLE, results.MISSING):
        return [f"Your submission could not be graded: {result.fatal}.", ""]
    return [f"**Total: {fraction(result.total, result.max_total, ' / ')}**", ""]


def _exercise_feedback(submission: str, entry: ExerciseResult) -> list[str]:
    exercise = get_exercise(entry.name)
    lines = [
        f"## {entry.name}: {exercise.title}",
        "",
        f"Score {fraction(entry.score, entry.max_score, ' / ')} ({entry.status}).",
        "",
    ]
    if entry.problem:
        lines += [entry.problem, ""]
    if entry.curves:
        picture = f"../{PLOTS}/{plot_name(submission, entry.name)}"
        lines += [f"Your curves beside the reference's: ![{entry.name}]({picture})", ""]
    failed = [test for test in entry.graded_tests if test.status not in (results.PASSED,)]
    failed = [test for test in failed if test.outcome != results.GRADER_ERROR]
    causes = {test.message for test in failed}
    if failed and len(causes) == 1 and len(failed) > 1:  # one cause (an import error, ...)
        if not entry.problem:
            lines += [causes.pop(), ""]
    elif failed:
        for task in exercise.tasks:
            mine = [test for test in failed if test.task == task.function]
            if not mine:
                continue
            lines.append(f"- `{task.function}`: {len(mine)} test(s) failed, for example:")
            shown = list(dict.fromkeys(tuple(failure_lines(test)) for test in mine))[:3]
            for message, *diagnosis in shown:
                lines.append(f"  - {message}")
                lines += [f"    {line}" for line in diagnosis]
            lines.append(f"  - Hint: {task.hint}")
        lines.append("")
    if entry.grader_problems:
        lines += ["Some checks could not be completed by the grader; they will be rerun.", ""]
    ignored = [test for test in entry.advice if not test.followed and test.reason == ""]
    if ignored:
        lines += ["### Advice, 0 points", ""]
        lines.append(
            "These recommendations are outside what is graded and cost no points, "
            "but following them makes your code sturdier:"
        )
        seen: set[str] = set()
        for test in ignored:
            advice = exercise.advice_for(test.task, test.check)
            recommendation = advice.recommendation if advice else ""
            if (test.task, recommendation) in seen:
                continue
            seen.add((test.task, recommendation))
            lines.append(f"- `{test.task}`: {recommendation} (for example: {test.message})")
        lines.append("")
    if failed:
        lines += [f"Hint: {hint}" for hint in exercise.hints] + [""]
    return lines


def feedback_markdown(result: SubmissionResult) -> str:
    """The feedback a student reads: per exercise the score, what failed, hints, advice."""
    lines = [f"# Feedback for {result.submission}", "", *_banner(result)]
    for note in result.notes:
        lines.append(f"- Note: {note}")
    if result.notes:
        lines.append("")
    for entry in result.exercises.values():
        lines += _exercise_feedback(result.submission, entry)
    lines.append(f"_Graded in the `{result.sandbox}` sandbox._")
    return "\n".join(lines) + "\n"


def grades_csv(submissions: list[SubmissionResult]) -> str:
    """The gradebook: ``submission, exercise1, ..., exercise6, total, max_total, status``.

    Only a ``graded`` submission has scores; the cells of one that ``needs
    regrade``, is ``unreadable`` or ``missing`` stay empty, so that it never
    passes for an honest 0.
    """
    names = [exercise.name for exercise in load_registry()]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", *names, "total", "max_total", "status"])
    for result in sorted(submissions, key=lambda item: item.submission):
        graded = result.status == results.GRADED_STATUS
        writer.writerow(
            [
                result.submission,
                *(
                    format_points(result.exercises[name].score)
                    if graded and name in result.exercises
                    else ""
                    for name in names
                ),
                format_points(result.total) if graded else "",
                format_points(result.max_total),
                result.status,
            ]
        )
    return buffer.getvalue()


def class_summary(submissions: list[SubmissionResult]) -> str:
    """The class overview: statuses, totals, each exercise's spread, the most failed tasks."""
    count = {
        status: [result for result in submissions if result.status == status]
        for status in results.SUBMISSION_STATUSES
    }
    graded = count[results.GRADED_STATUS]
    lines = [
        "# Class overview",
        "",
        f"{len(submissions)} submissions: "
        + ", ".join(f"{len(found)} {status}" for status, found in count.items())
        + ".",
        "",
    ]
    for status in (results.NEEDS_REGRADE, results.UNREADABLE, results.MISSING):
        if count[status]:
            names = ", ".join(sorted(result.submission for result in count[status]))
            lines += [f"- {status}: {names}", ""]
    if not graded:
        return "\n".join(lines) + "\n"
    totals = [result.total for result in graded]
    lines += [
        f"Total of the {len(graded)} graded: mean {format_points(statistics.mean(totals))}, "
        f"median {fraction(statistics.median(totals), graded[0].max_total, ' out of ')}.",
        "",
        "| exercise | mean | full marks | zero | not started | missing | unreadable |",
        "|---|---|---|---|---|---|---|",
    ]
    failures: dict[tuple[str, str], int] = {}
    ignored: dict[tuple[str, str], int] = {}
    for exercise in load_registry():
        entries = [r.exercises[exercise.name] for r in graded if exercise.name in r.exercises]
        if not entries:
            continue
        scores = [entry.score for entry in entries]
        statuses = [entry.status for entry in entries]
        lines.append(
            f"| {exercise.name} | {format_points(statistics.mean(scores))} / "
            f"{format_points(entries[0].max_score)} | "
            f"{sum(entry.full_marks for entry in entries)} | {sum(s == 0 for s in scores)} | "
            f"{statuses.count(results.NOT_STARTED)} | {statuses.count(results.MISSING)} | "
            f"{statuses.count(results.UNREADABLE)} |"
        )
        for entry in entries:
            if entry.status in (results.MISSING, results.UNREADABLE, results.NOT_STARTED):
                continue
            for task in {t.task for t in entry.graded_tests if t.status != results.PASSED}:
                failures[(exercise.name, task)] = failures.get((exercise.name, task), 0) + 1
            for task in {t.task for t in entry.advice if not t.followed}:
                ignored[(exercise.name, task)] = ignored.get((exercise.name, task), 0) + 1
    for title, counts in (
        ("Tasks most often failed by students who attempted them", failures),
        ("Advice most often not followed (0 points)", ignored),
    ):
        worst = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:8]
        if worst:
            lines += ["", f"{title}:", ""]
            lines += [f"- {name}.{task}: {n} submission(s)" for (name, task), n in worst]
    return "\n".join(lines) + "\n"
