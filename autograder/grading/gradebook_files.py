"""What the batch writes at its end: the gradebook ``grades.csv`` and ``summary.md``.

Both are made from the results, read one at a time, joined with the roster
and the assignment's late rule by
:func:`~autograder.grading.class_gradebook.gradebook_rows`; the overview
itself is :func:`~autograder.grading.reports.class_summary`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path

from autograder.assignments import Assignment, whole_course
from autograder.grading.atomic_write import write_atomically
from autograder.grading.class_gradebook import Row, gradebook_rows, roster_gaps
from autograder.grading.escaping import markdown_text, spreadsheet_cell
from autograder.grading.reports import class_summary, format_points
from autograder.lms.roster import Roster, Student
from autograder.results import SubmissionResult


def grades_csv(
    submissions: Iterable[SubmissionResult],
    assignment: Assignment | None = None,
    roster: Roster | None = None,
) -> str:
    """The gradebook: one row per submission, then per roster student without one.

    The columns are ``submission``; with a roster, ``student_id``, ``name``
    and ``email``; the assignment's exercises; ``total`` (the raw score, the
    tests' points) and ``max_total``; for an assignment with a due date,
    ``handed_in``, ``days_late``, ``penalty_percent`` and ``final`` (the
    score after the late rule); and ``status``. Only a ``graded``
    submission has scores; the cells of one that ``needs regrade``, is
    ``unreadable``, ``missing``, or of a student with ``no submission`` stay
    empty, so that it never passes for an honest 0. See
    :mod:`~autograder.grading.class_gradebook` for how a row is made.
    """
    assignment = assignment or whole_course()
    rows = gradebook_rows(submissions, assignment, roster)
    return gradebook_csv(rows, assignment, with_roster=roster is not None)


def gradebook_csv(rows: Iterable[Row], assignment: Assignment, with_roster: bool) -> str:
    """``grades.csv`` of the gradebook's ``rows`` (see :func:`grades_csv` for its columns)."""
    roster = with_roster
    names = list(assignment.exercises)
    dated = assignment.due is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["submission"]
        + (["student_id", "name", "email"] if roster else [])
        + [*names, "total", "max_total"]
        + (["handed_in", "days_late", "penalty_percent", "final"] if dated else [])
        + ["status"]
    )
    for row in rows:
        student = row.student
        cells = [spreadsheet_cell(row.submission)]
        if roster:
            known = [student.student_id, student.name, student.email] if student else [""] * 3
            cells += [spreadsheet_cell(text) for text in known]
        cells += [format_points(row.scores[n]) if n in row.scores else "" for n in names]
        cells += [
            "" if row.raw is None else format_points(row.raw),
            format_points(row.max_total),
        ]
        if dated:
            cells += [
                row.handed_in.isoformat(timespec="minutes") if row.handed_in else "",
                "" if row.days_late is None else str(row.days_late),
                format_points(row.penalty_percent),
                "" if row.final is None else format_points(row.final),
            ]
        writer.writerow([*cells, spreadsheet_cell(row.status)])
    return buffer.getvalue()


def write_reports(
    out: Path,
    submissions: Callable[[], Iterable[SubmissionResult]],
    assignment: Assignment | None = None,
    roster: Roster | None = None,
) -> list[Row]:
    """Write ``grades.csv`` and ``summary.md`` from the results ``submissions()`` yields.

    ``submissions`` is called twice, once for the gradebook's rows and once
    for the overview, so that the results are read one at a time and never
    all held.

    Returns
    -------
    list of Row
        The gradebook's rows (figures only: small whatever the class).
    """
    assignment = assignment or whole_course()
    rows = list(gradebook_rows(submissions(), assignment, roster))
    write_atomically(out / "grades.csv", gradebook_csv(rows, assignment, roster is not None))
    summary = class_summary(submissions(), assignment)
    if roster is not None:
        summary += roster_lines(*roster_gaps(rows))
    write_atomically(out / "summary.md", summary)
    return rows


def roster_lines(absent: list[Student], unknown: list[str]) -> str:
    """The overview's paragraph on the roster: students without a submission, and
    submissions of nobody on the roster."""
    lines = []
    if absent:
        shown = ", ".join(markdown_text(f"{s.name} ({s.student_id})") for s in absent)
        lines += ["", f"On the roster without a submission ({len(absent)}): {shown}."]
    if unknown:
        shown = ", ".join(markdown_text(name) for name in unknown)
        lines += ["", f"Submissions of nobody on the roster ({len(unknown)}): {shown}."]
    return "\n".join(lines) + ("\n" if lines else "")
