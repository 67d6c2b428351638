"""What grading writes: the output folder's layout, the gradebook and the class overview.

The layout of the output folder is a contract other tools read::

    DIR/grades.csv                 one row per submission, with its status
    DIR/results/<submission>.json  every test of every exercise
    DIR/feedback/<submission>.md   what the student reads
    DIR/plots/<submission>-<exercise>.png  curves beside the reference's
    DIR/summary.md                 the class overview

Every file is written to a temporary name and renamed into place
(:func:`~autograder.grading.atomic_write.write_atomically`), so a killed
grader never leaves a half-written file. The feedback is written by
:mod:`autograder.grading.feedback`; every text that can come from a
submission is shown as plain text (:mod:`autograder.grading.escaping`).
"""

from __future__ import annotations

import csv
import io
import statistics

from autograder import results
from autograder.grading.escaping import markdown_text, spreadsheet_cell
from autograder.registry import load_registry
from autograder.results import SubmissionResult

PLOTS = "plots"


def plot_name(submission: str, exercise: str) -> str:
    """The file name of a submission's picture for an exercise, in ``DIR/plots/``."""
    return f"{submission}-{exercise}.png"


def format_points(value: float) -> str:
    """Points without trailing zeros: 2.5, 10, 0.33."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fraction(score: float, out_of: float, separator: str = "/") -> str:
    """``score/out_of`` in points, e.g. ``7.5/10``."""
    return f"{format_points(score)}{separator}{format_points(out_of)}"


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
                spreadsheet_cell(result.submission),
                *(
                    format_points(result.exercises[name].score)
                    if graded and name in result.exercises
                    else ""
                    for name in names
                ),
                format_points(result.total) if graded else "",
                format_points(result.max_total),
                spreadsheet_cell(result.status),
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
            names = ", ".join(
                markdown_text(name) for name in sorted(r.submission for r in count[status])
            )
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
