"""The generated notebooks, run top to bottom in a real Jupyter kernel (nbclient)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.notebooks.build import notebook_path, notebook_text
from autograder.notebooks.cells import TASK, module_cells
from autograder.paths import EXERCISES_DIR, solution_path
from autograder.registry import load_registry

EXERCISES = load_registry()
PICTURED = {"exercise3", "exercise4", "exercise5", "exercise6"}


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.name)
def test_the_committed_notebooks_are_up_to_date_and_valid(exercise):
    path = notebook_path(exercise)
    assert path.read_text(encoding="utf-8") == notebook_text(exercise), "run `gdlab dev build`"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    tasks = [cell.metadata.get("gdlab", {}).get("task") for cell in notebook.cells]
    assert [task for task in tasks if task] == [task.function for task in exercise.tasks]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A copy of the hand-out's exercises: stubs, statements, notebooks."""
    folder = tmp_path_factory.mktemp("course") / "exercises"
    shutil.copytree(EXERCISES_DIR, folder)
    return folder


def _run(path: Path) -> nbformat.NotebookNode:
    """Execute the notebook at ``path`` in place, as JupyterLab's Run All, and save it."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(notebook, path)
    return notebook


def _shown(cell: nbformat.NotebookNode) -> tuple[str, set[str]]:
    """The HTML or text a cell displayed, and the kinds of output it made."""
    texts, kinds = [], set()
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        kinds |= set(data)
        texts.append(data.get("text/html", "") + output.get("text", ""))
    return "\n".join(texts), kinds


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.name)
def test_the_stub_notebook_runs_and_reports_not_started(course, exercise):
    notebook = _run(notebook_path(exercise, course))
    shown, _ = _shown(notebook.cells[-1])
    assert shown.count("not started") == len(exercise.tasks), shown
    assert "0/" in shown


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.name)
def test_the_answer_key_in_the_notebook_passes_and_shows_its_picture(course, exercise, tmp_path):
    folder = tmp_path / "exercises"
    shutil.copytree(course / exercise.name, folder / exercise.name)
    path = notebook_path(exercise, folder)
    notebook = nbformat.read(path, as_version=4)
    key = solution_path(exercise).read_text(encoding="utf-8")
    tasks = [task.function for task in exercise.tasks]
    answers = {cell.task: cell.source for cell in module_cells(key, tasks) if cell.kind == TASK}
    for cell in notebook.cells:
        task = cell.metadata.get("gdlab", {}).get("task")
        if task:
            cell.source = answers[task]
    nbformat.write(notebook, path)
    ran = _run(path)
    shown, kinds = _shown(ran.cells[-1])
    public = sum(task.public_points for task in exercise.tasks)
    assert f"{public:g}/{public:g} public points" in shown, shown
    assert "FAIL" not in shown and "not started" not in shown
    assert ("image/png" in kinds) == (exercise.name in PICTURED)
