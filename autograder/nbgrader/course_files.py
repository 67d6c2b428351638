"""``gdlab nbgrader init COURSE_DIR``: an nbgrader course of the exercises, from the same sources.

It writes ``COURSE_DIR/nbgrader_config.py`` and, per exercise,
``COURSE_DIR/source/<assignment>/<module>.ipynb``:

- the statement as locked markdown cells, the given parts as locked code;
- per task, a solution cell holding the answer key's function, whose
  ``# BEGIN SOLUTION`` / ``# END SOLUTION`` region nbgrader's
  ``generate_assignment`` replaces with ``raise NotImplementedError``;
- per task, one locked autograder-test cell worth the registry's points
  (``grade_id`` ``test_<task>``, nbgrader schema 3): visibly it shows the
  task's public checks; between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS`` it asks gdlab's suites for the task's score, which
  the cell outputs, so nbgrader's partial credit gives the task gdlab's
  points (:mod:`autograder.nbgrader.kernel`).

The hidden part carries the seed of the hidden inputs, derived from the
course secret (``COURSE_DIR/.gdlab-secret``, made on the first ``init`` or
given with ``--secret``); released notebooks have no hidden part. A kernel
runs student cells and test cells together, so this route trusts the
notebooks: ``gdlab nbgrader autograde`` grades them in gdlab's sandbox.
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder.grading.run_settings import SECRET_FILE, course_secret, hidden_seed
from autograder.notebooks.build import make_cell, make_notebook, statement_sections
from autograder.notebooks.cells import DOCSTRING, FIXED, module_cells
from autograder.paths import EXERCISES_DIR, solution_path, statement_path
from autograder.registry import Exercise, get_exercise, load_registry

ASSIGNMENT = "gradient-descent"
#: Seconds nbgrader lets one cell run: above the longest exercise's time budget, whose
#: hidden cell grades that whole exercise in the sandbox.
CELL_TIMEOUT = 180

CONFIG = '''\
"""nbgrader's configuration of this course, written by `gdlab nbgrader init`."""

c = get_config()  # noqa: F821 - nbgrader provides it
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_assignments = [dict(name={assignment!r})]
# A solution region becomes the stub's body.
c.ClearSolutions.code_stub = dict(python="raise NotImplementedError")
# A test cell grades its exercise in gdlab's sandbox, on the exercise's time budget.
c.ExecutePreprocessor.timeout = {timeout}
c.Execute.timeout = {timeout}
'''


def _marks(grade_id: str, **marks: object) -> dict:
    nbgrader = {"grade": False, "solution": False, "locked": False, "task": False}
    return {"nbgrader": {**nbgrader, **marks, "grade_id": grade_id, "schema_version": 3}}


def test_cell_source(exercise: Exercise, task: str, seed: int) -> str:
    """A task's autograder-test cell: public checks in sight, gdlab's score hidden."""
    return (
        "from autograder.nbgrader.kernel import public_report\n"
        "\n"
        f'public_report("{exercise.name}", "{task}")\n'
        "### BEGIN HIDDEN TESTS\n"
        "from autograder.nbgrader.kernel import task_score\n"
        "\n"
        f'task_score("{exercise.name}", "{task}", seed={seed})\n'
        "### END HIDDEN TESTS"
    )


def source_notebook(exercise: Exercise, seed: int, root: Path = EXERCISES_DIR) -> dict:
    """The nbgrader source notebook of ``exercise`` (nbformat 4.5 data)."""
    statement = statement_path(exercise, root).read_text(encoding="utf-8")
    key = solution_path(exercise).read_text(encoding="utf-8")
    cells = []

    def add(kind: str, source: str, metadata: dict) -> None:
        index = len(cells) + 1
        cells.append(make_cell(kind, source, f"{exercise.name}-{index:02d}", metadata))

    for number, section in enumerate(statement_sections(statement), start=1):
        add("markdown", section, _marks(f"statement_{number}", locked=True))
    for number, part in enumerate(module_cells(key, [t.function for t in exercise.tasks]), 1):
        if part.kind == DOCSTRING:
            add("markdown", part.source, _marks(f"about_{number}", locked=True))
        elif part.kind == FIXED:
            add("code", part.source, _marks(f"given_{number}", locked=True))
        else:
            points = exercise.task(part.task).points
            add("code", part.source, _marks(f"{part.task}", solution=True))
            add(
                "code",
                test_cell_source(exercise, part.task, seed),
                _marks(f"test_{part.task}", grade=True, locked=True, points=points),
            )
    return make_notebook(cells)


def init_course(
    course: Path,
    assignment: str = ASSIGNMENT,
    secret: str | None = None,
    exercises: list[str] | None = None,
) -> list[Path]:
    """Write an nbgrader course of the exercises into ``course``; returns the files written.

    Parameters
    ----------
    course : Path
        The course folder (created if needed).
    assignment : str
        The nbgrader assignment holding one notebook per exercise.
    secret : str, optional
        The course secret; by default the one in ``course/.gdlab-secret``, made
        the first time.
    exercises : list of str, optional
        Which exercises; all of the registry's by default.
    """
    course.mkdir(parents=True, exist_ok=True)
    secret, _ = course_secret(course, secret)
    if not (course / SECRET_FILE).is_file():  # a given secret is kept for autograde too
        (course / SECRET_FILE).write_text(secret + "\n", encoding="utf-8")
        (course / SECRET_FILE).chmod(0o600)
    seed = hidden_seed(secret)
    chosen = [get_exercise(name) for name in exercises] if exercises else list(load_registry())
    written = [course / "nbgrader_config.py"]
    written[0].write_text(
        CONFIG.format(root=str(course.resolve()), assignment=assignment, timeout=CELL_TIMEOUT),
        encoding="utf-8",
    )
    folder = course / "source" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for exercise in chosen:
        path = folder / exercise.notebook_filename
        path.write_text(
            json.dumps(source_notebook(exercise, seed), indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        written.append(path)
    return written
