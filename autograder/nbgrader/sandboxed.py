"""``gdlab nbgrader autograde COURSE_DIR ASSIGNMENT``: nbgrader's submissions, graded by gdlab.

Every ``submitted/<student>/<assignment>/<module>.ipynb`` of the course is
graded with ``gdlab grade``'s pipeline (student code in the sandbox, never in
this process; the course secret of ``COURSE_DIR/.gdlab-secret``), and each
task's score becomes the ``auto_score`` of its test cell (``test_<task>``) in
nbgrader's gradebook, written through nbgrader's own API, so formgrader and
``nbgrader export`` show it. gdlab's own gradebook (results, feedback) is
kept in ``COURSE_DIR/gdlab/<assignment>/``.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.batch import grade_class
from autograder.grading.run_settings import course_secret, decide_run, keep_secret
from autograder.registry import load_registry
from autograder.results import SubmissionResult


class NbgraderCourseError(LookupError):
    """The course, its assignment or its database is not there."""


@dataclass
class Written:
    """What :func:`autograde` did: per student, the total written, or why not."""

    totals: dict[str, float] = field(default_factory=dict)
    not_written: dict[str, str] = field(default_factory=dict)


def _classroom(course: Path, assignment: str, folder: Path) -> list[str]:
    """Lay the submitted notebooks out as a class of gdlab submissions; returns the students."""
    modules = {exercise.module: exercise.name for exercise in load_registry()}
    students = []
    for entry in sorted((course / "submitted").iterdir()):
        handed_in = entry / assignment
        if not handed_in.is_dir():
            continue
        students.append(entry.name)
        (folder / entry.name).mkdir(parents=True)
        for notebook in sorted(handed_in.glob("*.ipynb")):
            if notebook.stem in modules:
                target = folder / entry.name / modules[notebook.stem]
                target.mkdir(exist_ok=True)
                shutil.copyfile(notebook, target / notebook.name)
    return students


def _write(gradebook, assignment: str, result: SubmissionResult) -> float:
    """Set the auto score of every test cell of one submission; returns their total."""
    from nbgrader.api import MissingEntry

    student = result.submission
    gradebook.update_or_create_student(student)
    try:
        gradebook.find_submission(assignment, student)
    except MissingEntry:
        gradebook.add_submission(assignment, student)
    total = 0.0
    for exercise in load_registry():
        graded = result.exercises.get(exercise.name)
        for task in exercise.tasks:
            try:
                cell = gradebook.find_grade(
                    f"test_{task.function}", exercise.module, assignment, student
                )
            except MissingEntry:  # an exercise this assignment does not hold
                continue
            tests = graded.tests if graded is not None else []
            score = round(sum(test.score for test in tests if test.task == task.function), 6)
            cell.auto_score = score
            total += score
    gradebook.db.commit()
    return total


def autograde(course: Path, assignment: str, secret: str | None = None) -> Written:
    """Grade the course's submitted notebooks in gdlab's sandbox and write nbgrader's grades.

    Raises
    ------
    NbgraderCourseError
        When ``course`` has no ``gradebook.db`` (run ``nbgrader generate_assignment``
        first), no ``submitted/`` folder or no such assignment.
    """
    from nbgrader.api import Gradebook, MissingEntry

    database = course / "gradebook.db"
    if not database.is_file() or not (course / "submitted").is_dir():
        raise NbgraderCourseError(
            f"{course} has no gradebook.db or no submitted/ folder: run `nbgrader "
            "generate_assignment` and collect the submissions first"
        )
    secret, _ = course_secret(course, secret)
    out = course / "gdlab" / assignment
    written = Written()
    with Gradebook(f"sqlite:///{database.resolve()}") as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise NbgraderCourseError(f"the gradebook has no assignment {assignment!r}") from None
        with tempfile.TemporaryDirectory(prefix="gdlab-nbgrader-class-") as work:
            classroom = Path(work) / "class"
            classroom.mkdir()
            if not _classroom(course, assignment, classroom):
                return written
            settings = decide_run(out, secret, None)
            keep_secret(out, settings)
            report = grade_class(classroom, out, force=True, settings=settings)
        for outcome in report.outcomes:
            result = outcome.result
            if result.status == "needs regrade":
                written.not_written[outcome.name] = "the grader failed on it: regrade it"
                continue
            written.totals[outcome.name] = _write(gradebook, assignment, result)
    return written
