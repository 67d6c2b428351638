"""Export a gradebook in the columns an LMS imports: Canvas, Moodle, or a plain CSV.

The export is made from the same rows as ``grades.csv``
(:func:`~autograder.grading.class_gradebook.gradebook_rows`) for the
submissions ``grades.csv`` lists, so the two always agree; the score exported
is the final one, after the late rule.

- ``canvas``: Canvas's gradebook import, ``Student, ID, SIS User ID, SIS Login
  ID, Section`` and one column for the assignment, after a ``Points Possible``
  row. Canvas matches students by ``ID`` (its user id) or the SIS ids.
- ``moodle``: Moodle's grade import from CSV, ``ID number, Email address, Full
  name``, the assignment's grade and a feedback text; map ``ID number`` or
  ``Email address`` to the user when importing.
- ``csv``: every figure of the row, one student per line, for anything else.

An LMS needs each score under a student's id, so ``canvas`` and ``moodle``
need a roster; a submission of nobody on it cannot be exported there and is
listed instead. A roster's student without a submission gets an empty cell,
which the LMS treats as not graded (its own missing-submission policy then
applies).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import Assignment
from autograder.grading.class_gradebook import GradebookError, Row, read_class
from autograder.grading.escaping import spreadsheet_cell
from autograder.grading.reports import format_points

FORMATS = ("canvas", "moodle", "csv")


class ExportError(Exception):
    """The gradebook cannot be exported: the message says why and what to do."""


@dataclass(frozen=True)
class Export:
    """An export's text and what it left out.

    Attributes
    ----------
    text : str
        The CSV.
    left_out : list of str
        Submissions of nobody on the roster, which the LMS could not place.
    """

    text: str
    left_out: list[str]


def _title(assignment: Assignment) -> str:
    return assignment.title if assignment.name else "gdlab"


def _canvas(rows: list[Row], assignment: Assignment) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", _title(assignment)]
    writer.writerow(header)
    points = format_points(assignment.max_points)
    writer.writerow(["Points Possible", "", "", "", "", points])
    for row in rows:
        student = row.student
        assert student is not None
        final = "" if row.final is None else format_points(row.final)
        cells = [student.name, student.student_id, student.sis_id, student.login_id]
        writer.writerow([spreadsheet_cell(cell) for cell in [*cells, student.section, final]])
    return buffer.getvalue()


def _feedback(row: Row) -> str:
    """Moodle's feedback cell: the raw and final scores and why they differ."""
    if row.final is None:
        return row.status
    text = f"{format_points(row.raw or 0)}/{format_points(row.max_total)} from the tests"
    if row.penalty_percent:
        text += f"; {row.days_late} day(s) late: -{format_points(row.penalty_percent)}%"
    return text


def _moodle(rows: list[Row], assignment: Assignment) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["ID number", "Email address", "Full name", _title(assignment), "Feedback"])
    for row in rows:
        student = row.student
        assert student is not None
        final = "" if row.final is None else format_points(row.final)
        cells = [student.student_id, student.email, student.name, final, _feedback(row)]
        writer.writerow([spreadsheet_cell(cell) for cell in cells])
    return buffer.getvalue()


def _plain(rows: list[Row], assignment: Assignment) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["student_id", "name", "email", "submission", "assignment", "raw", "max_total",
         "handed_in", "days_late", "penalty_percent", "final", "status"]
    )
    for row in rows:
        student = row.student
        writer.writerow(
            [
                spreadsheet_cell(text)
                for text in (
                    student.student_id if student else "",
                    student.name if student else "",
                    student.email if student else "",
                    row.submission,
                    assignment.name,
                    "" if row.raw is None else format_points(row.raw),
                    format_points(row.max_total),
                    row.handed_in.isoformat(timespec="minutes") if row.handed_in else "",
                    "" if row.days_late is None else str(row.days_late),
                    format_points(row.penalty_percent),
                    "" if row.final is None else format_points(row.final),
                    row.status,
                )
            ]
        )
    return buffer.getvalue()


def export_gradebook(gradebook: Path, form: str, roster_path: Path | None = None) -> Export:
    """The gradebook in ``form`` (one of :data:`FORMATS`).

    Parameters
    ----------
    gradebook : Path
        A folder ``gdlab grade`` wrote.
    form : str
        ``"canvas"``, ``"moodle"`` or ``"csv"``.
    roster_path : Path, optional
        A roster to use instead of the one the gradebook keeps.

    Raises
    ------
    ExportError
        When the gradebook cannot be read, a roster is needed and there is
        none, or two submissions belong to one student.
    """
    if form not in FORMATS:
        raise ExportError(f"unknown format {form!r}; one of {', '.join(FORMATS)}")
    try:
        graded = read_class(gradebook, roster_path)
    except GradebookError as error:
        raise ExportError(str(error)) from None
    assignment, roster = graded.assignment, graded.roster
    if roster is None and form != "csv":
        raise ExportError(
            f"an export to {form} needs the students' ids: grade with --roster, or pass "
            "--roster here"
        )
    rows = graded.rows()
    left_out = [row.submission for row in rows if row.student is None] if roster else []
    if roster is None:
        placed = rows
    else:  # in the roster's order, as the LMS lists its students
        order = {student.student_id: at for at, student in enumerate(roster.students)}
        placed = [row for row in rows if row.student is not None]
        placed.sort(key=lambda row: order[row.student.student_id])
    seen: dict[str, str] = {}
    for row in placed:
        if row.student is None or not row.submission:
            continue
        other = seen.setdefault(row.student.student_id, row.submission)
        if other != row.submission:
            raise ExportError(
                f"{other} and {row.submission} both belong to {row.student.name} "
                f"({row.student.student_id}); keep one of them in the class folder, or give "
                "each its own roster row, and grade again"
            )
    render = {"canvas": _canvas, "moodle": _moodle, "csv": _plain}[form]
    return Export(render(placed, assignment), left_out)


def default_path(gradebook: Path, form: str) -> Path:
    """Where ``gdlab export`` writes without ``--out``: ``GRADEBOOK/export-<form>.csv``."""
    return gradebook / f"export-{form}.csv"
