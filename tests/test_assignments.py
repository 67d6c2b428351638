"""Assignments: the registry's calendar, grading one assignment, and the late rule."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta, timezone

import pytest
from conftest import SAMPLE_CLASS, SAMPLE_ROSTER, run_gdlab

from autograder.assignments import LateRule, load_assignments, parse_assignments
from autograder.registry import RegistryError, get_exercise

DUE = datetime(2026, 10, 16, 23, 59, tzinfo=timezone(timedelta(hours=1)))


def _rows(path) -> dict[str, dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return {row["submission"] or row.get("student_id", ""): row for row in rows}


def test_the_course_declares_assignments_of_known_exercises():
    assignments = {a.name: a for a in load_assignments()}
    assert {"week1", "week2", "week3", "project"} <= set(assignments)
    for assignment in assignments.values():
        assert assignment.due is not None and assignment.due.tzinfo is not None
        points = sum(get_exercise(name).max_points for name in assignment.exercises)
        assert assignment.max_points == points
    assert assignments["week1"].exercises == ("exercise1", "exercise2")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('[[assignment]]\nname = "w"\ntitle = "t"\nexercises = ["exercise9"]', "exercises must"),
        ('[[assignment]]\nname = "w"\ntitle = "t"\nexercises = ["exercise1"]\n'
         "due = 2026-10-16T23:59:00", "with its offset"),
        ('[[assignment]]\nname = "w"\ntitle = "t"\nexercises = ["exercise1"]\n'
         "late = { per_day = 10, cap = 50 }", "needs a due date"),
        ('[[assignment]]\nname = "w"\ntitle = "t"\nexercises = ["exercise1"]\n'
         "due = 2026-10-16T23:59:00Z\nlate = { per_day = 10, cap = 150 }", "at most 100"),
        ('[[assignment]]\nname = "w w"\ntitle = "t"\nexercises = ["exercise1"]', "a name is"),
        ('[[assignment]]\nname = "w"\ntitle = "t"\nexercises = ["exercise1"]\n'
         '[[assignment]]\nname = "w"\ntitle = "u"\nexercises = ["exercise2"]', "share a name"),
    ],
)
def test_a_broken_assignment_is_refused_with_its_reason(text, complaint):
    with pytest.raises(RegistryError, match=complaint):
        parse_assignments(text)


@pytest.mark.parametrize(
    ("late_by", "days", "percent"),
    [
        (timedelta(minutes=-5), 0, 0),  # early
        (timedelta(minutes=15), 0, 0),  # within the grace
        (timedelta(minutes=16), 1, 10),  # a started day counts whole
        (timedelta(days=1, minutes=15), 1, 10),
        (timedelta(days=1, minutes=16), 2, 20),
        (timedelta(days=30), 30, 50),  # capped
    ],
)
def test_the_late_rule_counts_started_days_after_the_grace_and_caps(late_by, days, percent):
    rule = LateRule(per_day=10, cap=50, grace_minutes=15)
    assert rule.days_late(DUE + late_by, DUE) == days
    assert rule.penalty_percent(days) == percent


def test_late_days_are_counted_across_time_zones():
    rule = LateRule(per_day=10, cap=50)
    utc = DUE.astimezone(timezone.utc) + timedelta(hours=2)  # the same instant, plus 2 h
    assert rule.days_late(utc, DUE) == 1


def test_grading_an_assignment_grades_its_exercises_only_and_applies_the_late_rule(tmp_path):
    out = tmp_path / "week1"
    done = run_gdlab(
        "grade", str(SAMPLE_CLASS), "--out", str(out), "--assignment", "week1",
        "--roster", str(SAMPLE_ROSTER),
    )
    assert done.returncode == 1, done.stderr
    assert "for week1 (exercise1, exercise2)" in done.stdout
    with open(out / "grades.csv", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [
        "submission", "student_id", "name", "email", "exercise1", "exercise2", "total",
        "max_total", "handed_in", "days_late", "penalty_percent", "final", "status",
    ]
    rows = _rows(out / "grades.csv")
    ada = rows["ada-excellent"]
    assert (ada["total"], ada["max_total"]) == ("20", "20")
    result = json.loads((out / "results" / "ada-excellent.json").read_text(encoding="utf-8"))
    assert list(result["exercises"]) == ["exercise1", "exercise2"]
    assert result["assignment"] == "week1" and result["max_total"] == 20
    # kai handed in exercises 1 and 2 only: nothing of week1 is missing
    assert rows["kai-missing"]["total"] == "20"
    # The roster's times are the project's (December): week1 was due in October.
    ben = rows["ben-notebooks"]
    assert int(ben["days_late"]) > 50 and ben["penalty_percent"] == "50"
    assert float(ben["final"]) == pytest.approx(float(ben["total"]) / 2)
    # The zips carry their members' times (2024): on time, nothing taken off.
    nia = rows["nia-zipped"]
    assert nia["handed_in"].startswith("2024-") and nia["days_late"] == "0"
    assert nia["final"] == nia["total"] == "20"
    # Omar is on the roster and handed nothing in.
    omar = rows["2015"]
    assert omar["status"] == "no submission" and omar["total"] == omar["final"] == ""
    assert "On the roster without a submission (1): Omar Haddad (2015)" in done.stdout

    # The folder remembers its assignment: a rerun without --assignment keeps it, and
    # reuses every result; another assignment is refused before anything is written.
    again = run_gdlab("grade", str(SAMPLE_CLASS), "--out", str(out))
    assert "for week1" in again.stdout and "0 graded, 14 unchanged" in again.stdout
    other = run_gdlab("grade", str(SAMPLE_CLASS), "--out", str(out), "--assignment", "week2")
    assert other.returncode == 2 and "graded for week1" in other.stderr
    assert "Traceback" not in other.stderr


def test_an_unknown_assignment_is_a_usage_error(tmp_path):
    done = run_gdlab("grade", str(SAMPLE_CLASS), "--out", str(tmp_path / "x"), "--assignment",
                     "week9")
    assert done.returncode == 2
    assert "no assignment called 'week9'" in done.stderr and "week1" in done.stderr
    assert not (tmp_path / "x" / "grades.csv").exists()
