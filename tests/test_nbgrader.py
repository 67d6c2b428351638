"""The nbgrader route end to end, with real nbgrader and real kernels.

``gdlab nbgrader init`` writes a course of two exercises; ``nbgrader
generate_assignment`` releases it; six students hand in (the answer keys, the
untouched release, two catalogue mistakes, a function that never returns, and
a notebook that forges its score); stock ``nbgrader autograde`` and ``nbgrader
export`` give every honest student ``gdlab grade``'s score for the same
notebooks; ``gdlab nbgrader autograde`` then writes gdlab's sandboxed scores
into the same gradebook, which undoes the forgery.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.dev.stubs import find_regions
from autograder.notebooks.cells import TASK, module_cells
from autograder.paths import solution_path
from autograder.registry import get_exercise

EXERCISES = [get_exercise("exercise1"), get_exercise("exercise2")]
ASSIGNMENT = "gradient-descent"
SECRET = "nbgrader-route-test"
FORGERY = (
    "import autograder.nbgrader.kernel as _kernel\n"
    "from autograder.registry import get_exercise as _get\n"
    "_kernel.task_score = lambda exercise, task, seed: float(_get(exercise).task(task).points)\n"
)


def _environment() -> dict:
    # nbgrader runs alembic, a script of this environment, by name.
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}


def _run(*command: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, cwd=cwd, env=_environment(), capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _answers(exercise) -> dict[str, str]:
    key = solution_path(exercise).read_text(encoding="utf-8")
    tasks = [task.function for task in exercise.tasks]
    return {cell.task: cell.source for cell in module_cells(key, tasks) if cell.kind == TASK}


def _hand_in(course: Path, student: str, change) -> None:
    """Copy the released notebooks, each task cell as ``change(exercise, task, answer)``."""
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    for exercise in EXERCISES:
        answers = _answers(exercise)
        released = course / "release" / ASSIGNMENT / f"{exercise.module}.ipynb"
        notebook = json.loads(released.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            task = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if task in answers:
                cell["source"] = change(exercise.name, task, answers[task], cell["source"])
        (folder / released.name).write_text(json.dumps(notebook), encoding="utf-8")


STUDENTS = {
    "keys": lambda exercise, task, answer, stub: answer,
    "stubs": lambda exercise, task, answer, stub: stub,
    "summer": lambda exercise, task, answer, stub: (
        answer.replace("np.mean(", "np.sum(") if task == "mse" else answer
    ),
    "meaner": lambda exercise, task, answer, stub: (
        answer.replace("np.sum(", "np.mean(") if task == "sse" else answer
    ),
    "hanger": lambda exercise, task, answer, stub: (
        answer.replace("# BEGIN SOLUTION\n", "# BEGIN SOLUTION\n    while True:\n        pass\n")
        if task == "squared_errors"
        else answer
    ),
    "forger": lambda exercise, task, answer, stub: (
        FORGERY + answer.replace("np.mean(", "np.sum(") if task == "mse" else answer
    ),
}


def _exported(course: Path) -> dict[str, float]:
    _run("nbgrader", "export", cwd=course)
    with open(course / "grades.csv", newline="", encoding="utf-8") as table:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(table)}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    chosen = [argument for exercise in EXERCISES for argument in ("--exercise", exercise.name)]
    _run(
        sys.executable, "-m", "autograder", "nbgrader", "init", str(course),
        "--secret", SECRET, *chosen, cwd=course.parent,
    )  # fmt: skip
    _run("nbgrader", "generate_assignment", ASSIGNMENT, "--force", cwd=course)
    for student, change in STUDENTS.items():
        _hand_in(course, student, change)
    return course


def test_the_release_holds_no_solution_and_no_hidden_test(course):
    for exercise in EXERCISES:
        released = (course / "release" / ASSIGNMENT / f"{exercise.module}.ipynb").read_text()
        source = (course / "source" / ASSIGNMENT / f"{exercise.module}.ipynb").read_text()
        assert "HIDDEN TESTS" in source and "task_score" in source
        assert "HIDDEN TESTS" not in released and "task_score" not in released
        assert "BEGIN SOLUTION" not in released
        key = solution_path(exercise).read_text(encoding="utf-8")
        lines = key.splitlines()
        for region in find_regions(key, exercise):
            for line in lines[region.begin + 1 : region.end]:
                code = line.strip()
                if len(code) > 12 and not code.startswith("#"):
                    assert json.dumps(code)[1:-1] not in released, code
        grades = [
            cell["metadata"]["nbgrader"]
            for cell in json.loads(source)["cells"]
            if cell["metadata"].get("nbgrader", {}).get("grade")
        ]
        assert [(g["grade_id"], g["points"]) for g in grades] == [
            (f"test_{task.function}", task.points) for task in exercise.tasks
        ]
        assert all(g["schema_version"] == 3 and g["locked"] for g in grades)


def test_stock_nbgrader_and_gdlab_grade_agree_then_gdlab_writes_the_gradebook(course, tmp_path):
    _run("nbgrader", "autograde", ASSIGNMENT, "--force", cwd=course, timeout=1200)
    stock = _exported(course)
    assert set(stock) == set(STUDENTS)

    classroom = tmp_path / "class"
    for student in STUDENTS:
        for exercise in EXERCISES:
            folder = classroom / student / exercise.name
            folder.mkdir(parents=True)
            shutil.copy(
                course / "submitted" / student / ASSIGNMENT / f"{exercise.module}.ipynb", folder
            )
    out = tmp_path / "gradebook"
    graded = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(classroom), "--out", str(out),
         "--secret", SECRET],
        capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert graded.returncode == 0, graded.stdout + graded.stderr
    with open(out / "grades.csv", newline="", encoding="utf-8") as table:
        gdlab = {row["submission"]: float(row["total"]) for row in csv.DictReader(table)}

    full = sum(exercise.max_points for exercise in EXERCISES)
    assert gdlab["keys"] == stock["keys"] == full
    assert gdlab["stubs"] == stock["stubs"] == 0
    for student in ("summer", "meaner", "hanger"):  # honest notebooks: the same score
        assert 0 < gdlab[student] < full
        assert stock[student] == pytest.approx(gdlab[student], abs=0.01), student
    # One kernel runs the student's cells and the tests: a notebook can forge its score.
    assert stock["forger"] == full > gdlab["forger"]

    written = _run(
        sys.executable, "-m", "autograder", "nbgrader", "autograde", str(course), ASSIGNMENT,
        cwd=course, timeout=1200,
    )  # fmt: skip
    assert "forger" in written.stdout
    sandboxed = _exported(course)
    assert sandboxed["forger"] == pytest.approx(gdlab["forger"], abs=0.01)
    for student in STUDENTS:
        assert sandboxed[student] == pytest.approx(gdlab[student], abs=0.01), student
