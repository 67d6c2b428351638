"""What a new exercise's files say, for ``gdlab dev new``.

The registry entry of a new exercise, and the skeletons of its answer key,
reference module, grader module and statement: each skeleton is a template
file in ``autograder/dev/templates/`` whose ``$fields`` are filled in from the
registry entry. What only the instructor can write is marked
``TODO(instructor)``. :mod:`autograder.dev.scaffold` checks and writes them.
"""

from __future__ import annotations

import json
from pathlib import Path
from string import Template

from autograder.contract.cases import Case
from autograder.course import Grading
from autograder.registry import Exercise

#: What ``gdlab dev new`` marks for the instructor to write.
TODO = "TODO(instructor)"
TIME_LIMIT = 10
POINTS = 2
PUBLIC_POINTS = 1
TOLERANCE = "closed-form"
#: The skeletons' template files.
TEMPLATES = Path(__file__).with_name("templates")


def registry_entry(name: str, title: str, module: str, task: str) -> str:
    """The registry entry of a new exercise with one task, as TOML text.

    Parameters
    ----------
    name, title, module, task : str
        As :func:`~autograder.dev.scaffold.scaffold_exercise` takes them.

    Returns
    -------
    str
        Starts with a blank line and ends with a newline.
    """

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string

    return (
        "\n[[exercise]]\n"
        f"name = {quoted(name)}\n"
        f"title = {quoted(title)}\n"
        f"module = {quoted(module)}\n"
        f"time_limit = {TIME_LIMIT}\n"
        "hints = []\n"
        "\n[[exercise.task]]\n"
        f"function = {quoted(task)}\n"
        f"points = {POINTS}\n"
        f"public_points = {PUBLIC_POINTS}\n"
        f"todo = {quoted(f'write {task} as the statement says.')}\n"
        f"hint = {quoted(f'Reread the graded rules of {task} in the statement.')}\n"
        f"tolerance = {quoted(TOLERANCE)}\n"
    )


def _render(template: str, exercise: Exercise, **fields: object) -> str:
    """The template file ``template`` filled in for ``exercise``'s first task.

    Its ``$fields`` are ``number``, ``name``, ``module``, ``task``, ``todo``,
    ``title`` (without its final period) and those given as ``fields``.
    """
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return Template(text).substitute(
        {
            "number": exercise.name[len("exercise") :],
            "name": exercise.name,
            "module": exercise.module,
            "task": exercise.tasks[0].function,
            "todo": TODO,
            "title": exercise.title.rstrip("."),
            **fields,
        }
    )


def answer_key_text(exercise: Exercise) -> str:
    """The answer key's skeleton: its one task raises ``NotImplementedError``."""
    return _render("answer_key.py.tmpl", exercise)


def reference_text(exercise: Exercise) -> str:
    """The reference module's skeleton: same signature, raises ``NotImplementedError``."""
    return _render("reference.py.tmpl", exercise)


def grader_text(exercise: Exercise) -> str:
    """The grader module's skeleton, in the sections' order of the other exercises."""
    return _render("grader.py.tmpl", exercise)


def statement_text(exercise: Exercise) -> str:
    """The statement's skeleton, with every paragraph the registry's checks ask for.

    The points table, the time limit, the tolerances and the advice (none yet)
    are generated from the registry entry; the prose is marked ``TODO(instructor)``.
    """
    rows = "\n".join(
        f"| `{task.function}(x)` | {task.points} | {TODO}: what it must do and return. |"
        for task in exercise.tasks
    )
    return _render(
        "statement.md.tmpl",
        exercise,
        title=exercise.title,
        folder=f"{exercise.name}/{exercise.filename}",
        max_points=exercise.max_points,
        rows=rows,
        time_limit=f"{exercise.time_limit:g}",
        tolerances=exercise.tolerance_statement(),
        no_advice=Grading(exercise.name, (), _no_cases).advice_statement(),
        no_figures=Grading(exercise.name, (), _no_cases).figures_statement(),
    )


def _no_cases(rng: object) -> tuple[Case, ...]:
    return ()
