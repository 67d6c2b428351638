"""The class roster: who the students are, and which submission is whose.

A roster is a CSV file with a header row. Its columns, by name (case and
spaces do not matter), with the names Canvas's and Moodle's gradebook exports
use accepted too, so that either export serves as a roster as it is:

=================  ===========================================  =========
column             also accepted                                needed
=================  ===========================================  =========
``student_id``     ``ID`` (Canvas), ``ID number`` (Moodle)      yes
``name``           ``Student`` (Canvas); ``First name`` and     yes
                   ``Last name`` (Moodle), joined
``email``          ``Email address`` (Moodle)                   no
``submission``     the entry's name in the class folder         no
``sis_id``         ``SIS User ID`` (Canvas)                     no
``login_id``       ``SIS Login ID`` (Canvas)                    no
``section``        ``Section`` (Canvas)                         no
``submitted_at``   ISO 8601, e.g. ``2026-10-17T09:30:00+01:00``  no
=================  ===========================================  =========

A submission belongs to the student whose ``submission`` cell names it, else
to the one whose ``student_id`` is the Canvas user id in its file names (a
Canvas bulk download, :mod:`~autograder.lms.canvas_download`), else to the
one whose ``student_id`` or ``login_id`` is its name. Rows without a
``student_id`` (Canvas's "Points Possible" row) are skipped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

#: Column -> the header names that stand for it (compared lower-cased, spaces as "_").
COLUMNS = {
    "student_id": ("student_id", "id", "id_number"),
    "name": ("name", "student", "full_name"),
    "first_name": ("first_name",),
    "last_name": ("last_name", "surname"),
    "email": ("email", "email_address"),
    "submission": ("submission",),
    "sis_id": ("sis_id", "sis_user_id"),
    "login_id": ("login_id", "sis_login_id", "username"),
    "section": ("section",),
    "submitted_at": ("submitted_at",),
}
#: A roster larger than this is not a class list.
MAX_ROSTER_BYTES = 16 << 20


class RosterError(ValueError):
    """The roster cannot be read: the message says which line and why."""


@dataclass(frozen=True)
class Student:
    """One row of the roster.

    Attributes
    ----------
    student_id : str
        The id the LMS knows the student by (Canvas's user id, Moodle's ID number).
    name : str
        The student's name as the roster writes it.
    email, submission, sis_id, login_id, section : str
        Empty when the roster has no such column.
    submitted_at : datetime or None
        When the student handed in, if the roster says; a time without an
        offset is read in the assignment's time zone.
    """

    student_id: str
    name: str
    email: str = ""
    submission: str = ""
    sis_id: str = ""
    login_id: str = ""
    section: str = ""
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Roster:
    """The students of a class, in the roster's order.

    Attributes
    ----------
    students : tuple of Student
    """

    students: tuple[Student, ...]

    def owner(self, submission: str, lms_user_id: str = "") -> Student | None:
        """The student a submission belongs to (see the module's rules), or ``None``.

        Parameters
        ----------
        submission : str
            The submission's gradebook name.
        lms_user_id : str, optional
            The user id its LMS file names carried (a Canvas bulk download).
        """
        by_submission, by_id, by_login = self._index
        return (
            by_submission.get(submission)
            or (by_id.get(lms_user_id) if lms_user_id else None)
            or by_id.get(submission)
            or by_login.get(submission)
        )

    @cached_property
    def _index(self) -> tuple[dict[str, Student], dict[str, Student], dict[str, Student]]:
        """The students by ``submission``, by ``student_id`` and by ``login_id``."""
        by_login: dict[str, Student] = {}
        for student in self.students:
            if student.login_id:
                by_login.setdefault(student.login_id, student)
        return (
            {s.submission: s for s in self.students if s.submission},
            {s.student_id: s for s in self.students},
            by_login,
        )


def _key(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def _columns(header: list[str]) -> dict[str, int]:
    """Which column of ``header`` holds each field of :data:`COLUMNS`."""
    found: dict[str, int] = {}
    keys = [_key(cell) for cell in header]
    for field, names in COLUMNS.items():
        for name in names:
            if name in keys:
                found[field] = keys.index(name)
                break
    if "student_id" not in found:
        raise RosterError(
            "the roster has no student_id column (Canvas's ID and Moodle's ID number are "
            f"accepted too); its columns are: {', '.join(header) or 'none'}"
        )
    if "name" not in found and not {"first_name", "last_name"} & set(found):
        raise RosterError("the roster has no name column (or First name and Last name)")
    return found


def _time(text: str, line: int) -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RosterError(
            f"line {line}: submitted_at {text!r} is not an ISO 8601 date and time, e.g. "
            "2026-10-17T09:30:00+01:00"
        ) from None


def parse_roster(text: str) -> Roster:
    """Read a roster's CSV text (see the module for its columns).

    Raises
    ------
    RosterError
        When a needed column is missing, a student id is given twice, two
        students name the same submission, or a time cannot be read.
    """
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    if not rows:
        raise RosterError("the roster is empty")
    columns = _columns(rows[0])
    students: list[Student] = []
    seen_ids: dict[str, int] = {}
    seen_submissions: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):

        def cell(field: str, row: list[str] = row) -> str:
            at = columns.get(field)
            return row[at].strip() if at is not None and at < len(row) else ""

        student_id = cell("student_id")
        if not student_id:  # a blank line, Canvas's "Points Possible" row
            continue
        if student_id in seen_ids:
            raise RosterError(
                f"line {line}: student id {student_id} is already on line {seen_ids[student_id]}"
            )
        seen_ids[student_id] = line
        name = cell("name") or " ".join(filter(None, [cell("first_name"), cell("last_name")]))
        submission = cell("submission")
        if submission:
            if submission in seen_submissions:
                raise RosterError(
                    f"line {line}: submission {submission} is already given to the student on "
                    f"line {seen_submissions[submission]}"
                )
            seen_submissions[submission] = line
        students.append(
            Student(
                student_id,
                name,
                cell("email"),
                submission,
                cell("sis_id"),
                cell("login_id"),
                cell("section"),
                _time(cell("submitted_at"), line),
            )
        )
    return Roster(tuple(students))


def read_roster(path: Path) -> Roster:
    """Read the roster at ``path`` (UTF-8, with or without the BOM spreadsheets write).

    Raises
    ------
    RosterError
        When it cannot be read, or :func:`parse_roster` refuses it; the
        message names the file.
    """
    return roster_of_text(path, read_roster_text(path))


def read_roster_text(path: Path) -> str:
    """The text of the roster at ``path``, within :data:`MAX_ROSTER_BYTES`.

    Raises
    ------
    RosterError
        When it cannot be read, is too large or is not UTF-8.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ROSTER_BYTES + 1)
    except OSError as error:
        raise RosterError(f"cannot read the roster {path}: {error.strerror or error}") from None
    if len(data) > MAX_ROSTER_BYTES:
        raise RosterError(f"the roster {path} is larger than {MAX_ROSTER_BYTES >> 20} MiB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"the roster {path} is not UTF-8; save it as CSV UTF-8") from None


def roster_of_text(path: Path, text: str) -> Roster:
    """:func:`parse_roster` of the text read from ``path``, its errors naming the file."""
    try:
        return parse_roster(text)
    except RosterError as error:
        raise RosterError(f"{path}: {error}") from None
