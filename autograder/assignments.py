"""The course's assignments: a typed, validated view of ``assignments.toml``.

An assignment is a set of exercises graded together, with a due date and a
late rule. The file sits beside ``exercises.toml`` and is read apart from it,
so that a term's calendar never changes a check (see the file's header).

The late rule works on the raw score, the points the tests gave:

.. math::

    d = \\left\\lceil \\frac{t - (\\mathrm{due} + \\mathrm{grace})}{1\\ \\mathrm{day}}
        \\right\\rceil_{+},
    \\qquad
    \\mathrm{final} = \\mathrm{raw} \\cdot \\left(1 - \\frac{\\min(d \\cdot
        \\mathrm{per\\_day}, \\mathrm{cap})}{100}\\right)

where :math:`t` is when the submission was handed in and :math:`d` the days
late, every started day counting whole.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from autograder.registry import RegistryError, load_registry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ASSIGNMENTS_FILE = Path(__file__).with_name("assignments.toml")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class LateRule:
    """How much of the raw score a late submission loses.

    Attributes
    ----------
    per_day : float
        Percent of the raw score taken off per day late (started days count whole).
    cap : float
        The most percent ever taken off, from 0 to 100.
    grace_minutes : float
        Minutes after the due date that still count as on time.
    """

    per_day: float
    cap: float
    grace_minutes: float = 0.0

    def days_late(self, submitted: datetime, due: datetime) -> int:
        """Whole days late, a started day counting whole; 0 when on time or within the grace."""
        late_by = submitted - due - timedelta(minutes=self.grace_minutes)
        if late_by <= timedelta(0):
            return 0
        return math.ceil(late_by / _DAY)

    def penalty_percent(self, days_late: int) -> float:
        """Percent of the raw score taken off for ``days_late`` days."""
        return min(days_late * self.per_day, self.cap)


@dataclass(frozen=True)
class Assignment:
    """Exercises graded together, with a due date and a late rule.

    Attributes
    ----------
    name : str
        What ``gdlab grade --assignment`` takes.
    title : str
        One line.
    exercises : tuple of str
        The exercises it holds, in grading order.
    due : datetime or None
        The due date, aware of its time zone; ``None`` for no deadline.
    late : LateRule or None
        ``None``: a late submission keeps its score (its lateness is still shown).
    """

    name: str
    title: str
    exercises: tuple[str, ...]
    due: datetime | None = None
    late: LateRule | None = None

    @property
    def max_points(self) -> int:
        """The points its exercises are worth together."""
        return sum(e.max_points for e in load_registry() if e.name in self.exercises)


def whole_course() -> Assignment:
    """Every exercise of the registry as one assignment with no deadline."""
    return Assignment("", "All exercises", tuple(e.name for e in load_registry()))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise RegistryError(f"{ASSIGNMENTS_FILE.name}: {message}")


def _parse_late(where: str, raw: object) -> LateRule:
    if not isinstance(raw, dict):
        raise RegistryError(f"{ASSIGNMENTS_FILE.name}: {where}: late is a table")
    allowed = {"per_day", "cap", "grace_minutes"}
    _require(
        {"per_day", "cap"} <= set(raw) <= allowed,
        f"{where}: late has the keys per_day and cap, and optionally grace_minutes",
    )
    for key in raw:
        value = raw[key]
        _require(
            isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0,
            f"{where}: late.{key} must be a number of at least 0",
        )
    _require(raw["cap"] <= 100, f"{where}: late.cap is a percent, at most 100")
    return LateRule(float(raw["per_day"]), float(raw["cap"]), float(raw.get("grace_minutes", 0)))


def _parse_assignment(raw: dict, known: list[str]) -> Assignment:
    name = raw.get("name", "?")
    where = f"assignment {name!r}"
    _require(
        isinstance(name, str) and bool(_NAME.fullmatch(name)),
        f"{where}: a name is letters, digits, - and _",
    )
    needed, allowed = {"name", "title", "exercises"}, {"name", "title", "exercises", "due", "late"}
    _require(
        needed <= set(raw) <= allowed,
        f"{where}: an assignment has name, title, exercises, and optionally due and late",
    )
    exercises = raw["exercises"]
    _require(
        isinstance(exercises, list) and bool(exercises) and all(e in known for e in exercises),
        f"{where}: exercises must list some of {', '.join(known)}",
    )
    _require(len(set(exercises)) == len(exercises), f"{where}: an exercise is listed twice")
    due = raw.get("due")
    if due is not None:
        _require(
            isinstance(due, datetime) and due.tzinfo is not None,
            f"{where}: due must be a date and time with its offset, e.g. "
            "2026-10-16T23:59:00+01:00",
        )
    late = _parse_late(where, raw["late"]) if "late" in raw else None
    _require(late is None or due is not None, f"{where}: a late rule needs a due date")
    order = [e for e in known if e in exercises]  # registry order, as the gradebook's columns
    return Assignment(name, str(raw["title"]), tuple(order), due, late)


def parse_assignments(text: str) -> tuple[Assignment, ...]:
    """Parse and validate the assignments file's text.

    Raises
    ------
    RegistryError
        When the text is not TOML, or an assignment breaks a rule.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"{ASSIGNMENTS_FILE.name} is not valid TOML: {error}") from None
    _require(set(data) <= {"assignment"}, "it holds [[assignment]] tables, nothing else")
    known = [exercise.name for exercise in load_registry()]
    assignments = tuple(_parse_assignment(raw, known) for raw in data.get("assignment", []))
    names = [assignment.name for assignment in assignments]
    _require(len(set(names)) == len(names), "two assignments share a name")
    return assignments


@cache
def load_assignments(path: Path = ASSIGNMENTS_FILE) -> tuple[Assignment, ...]:
    """The course's assignments (cached); none where the file is absent."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except OSError as error:
        raise RegistryError(f"cannot read {path}: {error}") from None
    return parse_assignments(text)


def get_assignment(name: str) -> Assignment:
    """The assignment called ``name``.

    Raises
    ------
    KeyError
        With the names there are, when there is none called ``name``.
    """
    for assignment in load_assignments():
        if assignment.name == name:
            return assignment
    known = ", ".join(a.name for a in load_assignments()) or "none"
    raise KeyError(f"no assignment called {name!r}; the course's assignments: {known}")
