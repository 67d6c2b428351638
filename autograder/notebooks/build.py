"""Build each exercise's notebook from its statement and its stub.

``exercises/<exercise>/<module>.ipynb`` holds, in order: the statement
(``README.md``) as markdown cells, one per level-2 section; the stub's
docstring as markdown; its fixed parts as locked code cells; one code cell
per task with the stub's function (docstring and TODO); and a last cell that
checks the work in place (:mod:`autograder.notebooks.inline`). ``gdlab dev
build`` writes them after the stubs, and ``gdlab dev check`` says when one
is stale, as for the stubs: edit the answer key or the statement, never the
notebook.

The bytes are deterministic (sorted keys, fixed cell ids, no outputs), so a
rebuild of unchanged sources changes nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.grading.sources import CHECK_CELL
from autograder.notebooks.cells import DOCSTRING, FIXED, module_cells
from autograder.paths import EXERCISES_DIR, statement_path, stub_path
from autograder.registry import Exercise

if TYPE_CHECKING:  # course_check lists the step below, so it imports this module
    from autograder.dev.course_check import StepResult

#: Given parts cannot be edited or deleted in JupyterLab.
LOCKED = {"deletable": False, "editable": False}


def notebook_path(exercise: Exercise, root: Path = EXERCISES_DIR) -> Path:
    """Where the notebook of ``exercise`` lives: beside its stub."""
    return root / exercise.name / exercise.notebook_filename


def check_cell_source(exercise: Exercise) -> str:
    """The last cell: check the notebook in place (it is never part of the graded module)."""
    return (
        f"{CHECK_CELL} (this cell is not part of your module; save the notebook first)\n"
        "from autograder.notebooks.inline import check\n"
        "\n"
        f'check("{exercise.name}")'
    )


def statement_sections(statement: str) -> list[str]:
    """The statement cut before each level-2 heading."""
    parts = re.split(r"\n(?=## )", statement.strip("\n"))
    return [part.strip("\n") for part in parts if part.strip()]


def make_cell(kind: str, source: str, identity: str, metadata: dict) -> dict:
    """One nbformat 4.5 cell, without outputs."""
    cell = {"cell_type": kind, "id": identity, "metadata": metadata, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def notebook_of(exercise: Exercise, root: Path = EXERCISES_DIR) -> dict:
    """The notebook of ``exercise`` as nbformat 4.5 data, from its statement and stub."""
    statement = statement_path(exercise, root).read_text(encoding="utf-8")
    stub = stub_path(exercise, root).read_text(encoding="utf-8")
    parts: list[tuple[str, str, dict]] = [
        ("markdown", section, LOCKED) for section in statement_sections(statement)
    ]
    for cell in module_cells(stub, [task.function for task in exercise.tasks]):
        if cell.kind == DOCSTRING:
            parts.append(("markdown", cell.source, LOCKED))
        elif cell.kind == FIXED:
            parts.append(("code", cell.source, {**LOCKED, "gdlab": {"part": "given"}}))
        else:
            parts.append(("code", cell.source, {"gdlab": {"task": cell.task}}))
    parts.append(("code", check_cell_source(exercise), {**LOCKED, "gdlab": {"part": "check"}}))
    return make_notebook(
        [
            make_cell(kind, source, f"{exercise.name}-{index:02d}", metadata)
            for index, (kind, source, metadata) in enumerate(parts, start=1)
        ]
    )


def make_notebook(cells: list[dict]) -> dict:
    """An nbformat 4.5 notebook of ``cells`` for a Python 3 kernel."""
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_text(exercise: Exercise, root: Path = EXERCISES_DIR) -> str:
    """The notebook file's text, as ``gdlab dev build`` writes it."""
    return json.dumps(notebook_of(exercise, root), indent=1, sort_keys=True) + "\n"


def write_notebook(exercise: Exercise, root: Path = EXERCISES_DIR) -> Path:
    """Write the notebook of ``exercise`` beside its stub; returns its path."""
    path = notebook_path(exercise, root)
    path.write_text(notebook_text(exercise, root), encoding="utf-8")
    return path


def check_notebooks_fresh(
    exercises: tuple[Exercise, ...], solutions: Path | None = None, stubs: Path = EXERCISES_DIR
) -> StepResult:
    """A step of ``gdlab dev check``: each notebook is what its statement and stub make."""
    from autograder.dev.course_check import StepResult

    problems = []
    for exercise in exercises:
        path = notebook_path(exercise, stubs)
        if not path.is_file():
            problems.append(f"{exercise.name}: no notebook at {path}")
        elif path.read_text(encoding="utf-8") != notebook_text(exercise, stubs):
            problems.append(f"{exercise.name}: {path} is stale")
    return StepResult("notebooks are up to date", tuple(problems), "run `gdlab dev build`")
