"""A gradebook folder's class: its assignment, its roster, and one row per student.

``gdlab grade`` records in the output folder what it graded for
(``OUT/gradebook.json``: the assignment) and, when given one, a copy of the
roster (``OUT/roster.csv``), so that a rerun, ``gdlab export`` and
``gdlab report`` read the same class without being told again. Each row of
the gradebook joins a result with its student and applies the assignment's
late rule to the raw score:

- the time a submission was handed in is the roster's ``submitted_at``, else
  the latest time of its zip's members (read in the due date's time zone),
  else unknown;
- a submission Canvas marked late whose time is unknown counts as one day
  late, the least its mark can mean, and its row says so;
- a student of the roster without a submission gets a row with the status
  ``no submission`` and no score.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from autograder import results
from autograder.assignments import Assignment, LateRule, get_assignment, whole_course
from autograder.grading.atomic_write import write_atomically
from autograder.grading.escaping import spreadsheet_cell
from autograder.grading.gradebook import read_result
from autograder.lms.roster import Roster, Student, read_roster, read_roster_text, roster_of_text
from autograder.registry import RegistryError
from autograder.results import SubmissionResult

RUN_RECORD = "gradebook.json"
ROSTER_COPY = "roster.csv"
#: The status of a roster's student who handed nothing in.
NO_SUBMISSION = "no submission"


class GradebookMismatch(ValueError):
    """The output folder holds a class graded for another assignment."""


class GradebookError(Exception):
    """A gradebook folder cannot be read: the message says why and what to do."""


@dataclass(frozen=True)
class Row:
    """One row of the gradebook: a submission and its student, or a student alone.

    Attributes
    ----------
    submission : str
        The gradebook name; empty for a student without a submission.
    student : Student or None
        Its student; ``None`` without a roster, or when it is not on it.
    status : str
        The result's status, or :data:`NO_SUBMISSION`.
    scores : dict
        Exercise -> points; empty unless graded.
    raw : float or None
        The points the tests gave; ``None`` unless graded.
    max_total : float
        What the assignment's exercises are worth.
    handed_in : datetime or None
        When it was handed in, if known.
    days_late : int or None
        Whole days late; ``None`` without a due date or a known time.
    penalty_percent : float
        Percent of ``raw`` taken off by the late rule.
    final : float or None
        ``raw`` after the late rule; ``None`` unless graded.
    lateness : str
        How the lateness was found, in words (empty when on time or unknown).
    """

    submission: str
    student: Student | None
    status: str
    scores: dict[str, float]
    raw: float | None
    max_total: float
    handed_in: datetime | None = None
    days_late: int | None = None
    penalty_percent: float = 0.0
    final: float | None = None
    lateness: str = ""


def _handed_in(
    result: SubmissionResult, student: Student | None, due: datetime
) -> datetime | None:
    """When the submission was handed in (see the module), in the due date's zone if naive."""
    when = student.submitted_at if student and student.submitted_at else None
    if when is None and result.handed_in:
        try:
            when = datetime.fromisoformat(result.handed_in)
        except ValueError:
            when = None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=due.tzinfo)
    return when


def _row(result: SubmissionResult, student: Student | None, assignment: Assignment) -> Row:
    graded = result.status == results.GRADED_STATUS
    raw = result.total if graded else None
    scores = {name: entry.score for name, entry in result.exercises.items()} if graded else {}
    due = assignment.due
    if due is None:
        return Row(
            result.submission, student, result.status, scores, raw, result.max_total, final=raw
        )
    handed_in = _handed_in(result, student, due)
    rule = assignment.late or LateRule(per_day=0, cap=0)  # lateness shown, nothing taken off
    if handed_in is not None:
        days = rule.days_late(handed_in, due)
        how = f"handed in {handed_in.isoformat(timespec='minutes')}" if days else ""
    elif result.marked_late:
        days, how = 1, "Canvas marked it late and its time is unknown: counted as 1 day late"
    else:
        days, how = None, ""
    penalty = rule.penalty_percent(days) if days else 0.0
    final = None if raw is None else round(raw * (1 - penalty / 100), 6)
    return Row(
        result.submission,
        student,
        result.status,
        scores,
        raw,
        result.max_total,
        handed_in,
        days,
        penalty,
        final,
        how,
    )


def gradebook_rows(
    submissions: Iterable[SubmissionResult],
    assignment: Assignment | None = None,
    roster: Roster | None = None,
) -> Iterator[Row]:
    """The gradebook's rows: each submission in the order given, then the roster's
    students without one, in the roster's order.

    The submissions are read one at a time and only their figures kept.
    """
    assignment = assignment or whole_course()
    owned: set[str] = set()
    for result in submissions:
        student = roster.owner(result.submission, result.lms_user_id) if roster else None
        if student is not None:
            owned.add(student.student_id)
        yield _row(result, student, assignment)
    if roster is None:
        return
    max_total = float(assignment.max_points)
    for student in roster.students:
        if student.student_id not in owned:
            yield Row("", student, NO_SUBMISSION, {}, None, max_total)


def roster_gaps(rows: Iterable[Row]) -> tuple[list[Student], list[str]]:
    """The roster's students without a submission, and the submissions of nobody on it."""
    absent, unknown = [], []
    for row in rows:
        if row.status == NO_SUBMISSION and row.student is not None:
            absent.append(row.student)
        elif row.student is None:
            unknown.append(row.submission)
    return absent, unknown


def write_run_record(out: Path, assignment: Assignment) -> None:
    """Record what ``out`` is graded for, before grading starts."""
    out.mkdir(parents=True, exist_ok=True)
    write_atomically(out / RUN_RECORD, json.dumps({"assignment": assignment.name}, indent=1))


def keep_roster(out: Path, text: str) -> None:
    """Keep a roster given with ``--roster`` as ``out/roster.csv``, for later runs and exports."""
    out.mkdir(parents=True, exist_ok=True)
    write_atomically(out / ROSTER_COPY, text)


def recorded_assignment(out: Path) -> str | None:
    """The assignment ``out`` was graded for (``""`` for every exercise); ``None`` if unknown."""
    try:
        data = json.loads((out / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = data.get("assignment") if isinstance(data, dict) else None
    return name if isinstance(name, str) else None


def decide_assignment(out: Path, name: str | None, force: bool = False) -> Assignment:
    """The assignment a run grades: ``name``, else the one ``out`` was graded for.

    Raises
    ------
    GradebookMismatch
        When ``out`` was graded for another assignment (unless ``force``).
    KeyError
        When there is no assignment called ``name``.
    """
    recorded = recorded_assignment(out)
    if name is None:
        name = recorded or ""
    if recorded is not None and recorded != name and not force:
        shown = recorded or "every exercise"
        raise GradebookMismatch(
            f"{out} holds a class graded for {shown}; grade {name or 'every exercise'} into "
            "another folder, or pass --force to regrade everyone for it"
        )
    return get_assignment(name) if name else whole_course()


def class_roster(out: Path, given: Path | None = None) -> tuple[Roster | None, str | None]:
    """The roster to use: the one ``given``, else the copy ``out`` keeps, else none.

    Returns
    -------
    tuple
        The roster, and its text when it was ``given`` (to keep in ``out``).

    Raises
    ------
    RosterError
        When the roster cannot be read.
    """
    if given is not None:
        text = read_roster_text(given)
        return roster_of_text(given, text), text
    kept = out / ROSTER_COPY
    return (read_roster(kept), None) if kept.is_file() else (None, None)


def listed_results(gradebook: Path) -> list[SubmissionResult]:
    """The results of the submissions ``grades.csv`` lists, in its order.

    Raises
    ------
    GradebookError
        When ``grades.csv`` or one of those results cannot be read.
    """
    try:
        with (gradebook / "grades.csv").open(encoding="utf-8", newline="") as handle:
            listed = [row["submission"] for row in csv.DictReader(handle) if row["submission"]]
    except (OSError, KeyError, csv.Error) as error:
        raise GradebookError(
            f"{gradebook} holds no readable grades.csv ({error}); run gdlab grade first"
        ) from None
    found, missing = [], []
    for cell in listed:
        result = _listed_result(gradebook / "results", cell)
        if result is None:
            missing.append(cell)
        else:
            found.append(result)
    if missing:
        raise GradebookError(
            f"the results of {', '.join(missing[:3])} are missing or unreadable in "
            f"{gradebook}/results; grade again"
        )
    return found


def _listed_result(folder: Path, cell: str) -> SubmissionResult | None:
    """The result of the submission ``grades.csv`` shows as ``cell`` (a spreadsheet cell:
    a name that starts like a formula is shown after a ``'``)."""
    for name in dict.fromkeys([cell, cell[1:] if cell.startswith("'") else cell]):
        result = read_result(folder / f"{name}.json")
        if result is not None and spreadsheet_cell(result.submission) == cell:
            return result
    return None


@dataclass(frozen=True)
class GradedClass:
    """A gradebook folder as ``gdlab export`` and ``gdlab report`` read it.

    Attributes
    ----------
    folder : Path
    assignment : Assignment
        What it was graded for.
    roster : Roster or None
    results : list of SubmissionResult
        Those ``grades.csv`` lists, in its order.
    """

    folder: Path
    assignment: Assignment
    roster: Roster | None
    results: list[SubmissionResult]

    def rows(self) -> list[Row]:
        """Its gradebook rows (:func:`gradebook_rows`), as ``grades.csv`` has them."""
        return list(gradebook_rows(self.results, self.assignment, self.roster))


def read_class(gradebook: Path, roster_path: Path | None = None) -> GradedClass:
    """Read a folder ``gdlab grade`` wrote, with its roster (or ``roster_path``'s).

    Raises
    ------
    GradebookError
        When it cannot be read, its roster is broken, or its assignment is
        no longer in the registry.
    """
    try:
        roster, _ = class_roster(gradebook, roster_path)
    except ValueError as error:
        raise GradebookError(str(error)) from None
    name = recorded_assignment(gradebook)
    try:
        assignment = get_assignment(name) if name else whole_course()
    except KeyError as error:
        raise GradebookError(str(error.args[0])) from None
    except RegistryError as error:
        raise GradebookError(str(error)) from None
    return GradedClass(gradebook, assignment, roster, listed_results(gradebook))
