"""Notebooks graded as Jupyter users write them, through the real sandbox (``gdlab check``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from autograder.grading.student_check import check
from autograder.notebooks.cells import DOCSTRING, module_cells
from autograder.paths import EXERCISES_DIR, solution_path
from autograder.registry import get_exercise

EXERCISE = get_exercise("exercise1")


def _notebook(*cells: tuple[str, str]) -> str:
    """A notebook of ``(cell_type, source)`` cells, as JupyterLab saves one."""
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": source}
                | ({"outputs": [], "execution_count": None} if kind == "code" else {})
                for kind, source in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def _answer_cells() -> list[tuple[str, str]]:
    key = solution_path(EXERCISE).read_text(encoding="utf-8")
    tasks = [task.function for task in EXERCISE.tasks]
    return [("code", cell.source) for cell in module_cells(key, tasks) if cell.kind != DOCSTRING]


def _checked(tmp_path: Path, notebook: str, with_stub: bool = True):
    folder = tmp_path / "work"
    (folder / EXERCISE.name).mkdir(parents=True)
    if with_stub:  # the .py as handed out: the notebook is what gets graded
        shutil.copy(EXERCISES_DIR / EXERCISE.name / EXERCISE.filename, folder / EXERCISE.name)
    (folder / EXERCISE.name / f"{EXERCISE.module}.ipynb").write_text(notebook, "utf-8")
    return check(folder, [EXERCISE.name])


def test_an_ordinary_jupyter_notebook_beside_the_stub_earns_full_public_marks(tmp_path):
    answer = _answer_cells()
    notebook = _notebook(
        ("markdown", "# Exercise 1, my way"),
        ("code", "%matplotlib inline\nfrom IPython.display import display, Markdown"),
        *answer,
        ("code", "print('checking by hand')\ndisplay(Markdown('**mse**'), mse([1, 2], [1, 3]))"),
        ("code", "!pip list\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()"),
        ("code", "best_slope(undefined_name, [1], [1])  # an exploration that failed"),
    )
    result = _checked(tmp_path, notebook)
    entry = result.exercises[EXERCISE.name]
    assert entry.full_marks, [test.message for test in entry.tests if test.score < test.max_score]
    assert f"{EXERCISE.module}.ipynb was graded" in " ".join(result.notes)


def test_a_syntax_error_names_the_cell_and_its_line(tmp_path):
    answer = _answer_cells()
    broken = ("code", "def extra(x):\n    return (x\n")
    result = _checked(tmp_path, _notebook(("markdown", "title"), *answer, broken))
    messages = {test.message for test in result.exercises[EXERCISE.name].tests}
    cell = len(answer) + 2
    assert any(f"SyntaxError at cell {cell}, line 2" in message for message in messages), messages


def test_a_function_whose_cell_failed_to_load_says_which_cell(tmp_path):
    answer = _answer_cells()
    broken = [
        ("code", f"raise RuntimeError('oops')\n{source}")
        if "def mse(" in source
        else (kind, source)
        for kind, source in answer
    ]
    result = _checked(tmp_path, _notebook(*broken))
    failing = [test.message for test in result.exercises[EXERCISE.name].tests if test.score == 0]
    number = next(index for index, (_, s) in enumerate(broken, start=1) if "def mse(" in s)
    assert failing and any(
        f"cell {number} raised RuntimeError at line 1" in message for message in failing
    ), failing
