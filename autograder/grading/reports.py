"""What grading writes: the output folder's layout, the gradebook and the class overview.

The layout of the output folder is a contract other tools read::

    DIR/grades.csv                 one row per submission, with its status
    DIR/results/<submission>.json  every test of every exercise
    DIR/feedback/<submission>.md   what the student reads
    DIR/plots/<submission>-<exercise>.png  curves beside the reference's
    DIR/summary.md                 the class overview
    DIR/gradebook.json             what the class was graded for (its assignment)
    DIR/roster.csv                 the roster given with --roster, kept for later runs

and, written by other commands from these: ``DIR/export-<format>.csv``
(``gdlab export``), ``DIR/report.html`` and ``DIR/report/`` (``gdlab report``).

Every file is written to a temporary name and renamed into place
(:func:`~autograder.grading.atomic_write.write_atomically`), so a killed
grader never leaves a half-written file. The feedback is written by
:mod:`autograder.grading.feedback`; every text that can come from a
submission is shown as plain text (:mod:`autograder.grading.escaping`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import TYPE_CHECKING

from autograder import results
from autograder.grading.escaping import markdown_text
from autograder.registry import load_registry
from autograder.results import ExerciseResult, SubmissionResult

if TYPE_CHECKING:
    from autograder.assignments import Assignment

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


def class_summary(
    submissions: Iterable[SubmissionResult], assignment: Assignment | None = None
) -> str:
    """The class overview: statuses, totals, each exercise's spread, the most failed tasks.

    The submissions are read once, one at a time, and only their figures are
    kept: a class of any size takes the memory of one result.
    """
    names: dict[str, list[str]] = {status: [] for status in results.SUBMISSION_STATUSES}
    totals: list[float] = []
    max_total = 0.0
    chosen = assignment.exercises if assignment else [e.name for e in load_registry()]
    exercises = {name: _ExerciseTally() for name in chosen}
    failures: dict[tuple[str, str], int] = {}
    ignored: dict[tuple[str, str], int] = {}
    for result in submissions:
        names[result.status].append(result.submission)
        if result.status != results.GRADED_STATUS:
            continue
        totals.append(result.total)
        max_total = result.max_total
        for name, tally in exercises.items():
            entry = result.exercises.get(name)
            if entry is None:
                continue
            tally.add(entry)
            if entry.status in (results.MISSING, results.UNREADABLE, results.NOT_STARTED):
                continue
            for task in {t.task for t in entry.graded_tests if t.status != results.PASSED}:
                failures[(name, task)] = failures.get((name, task), 0) + 1
            for task in {t.task for t in entry.advice if not t.followed}:
                ignored[(name, task)] = ignored.get((name, task), 0) + 1
    title = f"{assignment.name}: {assignment.title}" if assignment and assignment.name else ""
    lines = [
        "# Class overview" + (f" ({markdown_text(title)})" if title else ""),
        "",
        f"{sum(map(len, names.values()))} submissions: "
        + ", ".join(f"{len(found)} {status}" for status, found in names.items())
        + ".",
        "",
    ]
    for status in (results.NEEDS_REGRADE, results.UNREADABLE, results.MISSING):
        if names[status]:
            shown = ", ".join(markdown_text(name) for name in sorted(names[status]))
            lines += [f"- {status}: {shown}", ""]
    if not totals:
        return "\n".join(lines) + "\n"
    lines += [
        f"Total of the {len(totals)} graded: mean {format_points(statistics.mean(totals))}, "
        f"median {fraction(statistics.median(totals), max_total, ' out of ')}.",
        "",
        "| exercise | mean | full marks | zero | not started | missing | unreadable |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, tally in exercises.items():
        if tally.scores:
            lines.append(tally.row(name))
    for title, counts in (
        ("Tasks most often failed by students who attempted them", failures),
        ("Advice most often not followed (0 points)", ignored),
    ):
        worst = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:8]
        if worst:
            lines += ["", f"{title}:", ""]
            lines += [f"- {name}.{task}: {n} submission(s)" for (name, task), n in worst]
    return "\n".join(lines) + "\n"


class _ExerciseTally:
    """One exercise's figures over the graded submissions, gathered one result at a time."""

    def __init__(self) -> None:
        self.scores: list[float] = []
        self.max_score = 0.0
        self.full_marks = 0
        self.statuses: dict[str, int] = {}

    def add(self, entry: ExerciseResult) -> None:
        self.scores.append(entry.score)
        self.max_score = entry.max_score
        self.full_marks += entry.full_marks
        self.statuses[entry.status] = self.statuses.get(entry.status, 0) + 1

    def row(self, name: str) -> str:
        """The exercise's row of the overview's table."""
        counts = [self.statuses.get(status, 0) for status in
                  (results.NOT_STARTED, results.MISSING, results.UNREADABLE)]
        return (
            f"| {name} | {format_points(statistics.mean(self.scores))} / "
            f"{format_points(self.max_score)} | {self.full_marks} | "
            f"{sum(score == 0 for score in self.scores)} | "
            + " | ".join(map(str, counts))
            + " |"
        )
