"""The exercise registry: a typed, validated view of ``exercises.toml``.

The TOML file is the single declarative description of the course. This module
parses it once, checks that it is well formed, and exposes it as frozen
dataclasses, so the rest of the platform never reads the TOML directly.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from autograder.contract.tolerances import Tolerance

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

REGISTRY_FILE = Path(__file__).with_name("exercises.toml")


class RegistryError(ValueError):
    """The registry file is missing, not valid TOML, or breaks a rule."""


@dataclass(frozen=True)
class Task:
    """One graded function of an exercise.

    Attributes
    ----------
    function : str
        Name of the function in the student's module.
    points : int
        What the task is worth in all.
    public_points : int
        The share of ``points`` earned by the public tests; the hidden tests
        earn the rest.
    todo : str
        The sentence the stub shows in place of the answer.
    hint : str
        Shown to a student whose answer to this task fails.
    tolerance : Tolerance
        How closely its results must match the reference's.
    """

    function: str
    points: int
    public_points: int
    todo: str
    hint: str
    tolerance: Tolerance

    @property
    def hidden_points(self) -> int:
        """The share of ``points`` earned by the hidden tests."""
        return self.points - self.public_points


@dataclass(frozen=True)
class Exercise:
    """One exercise: a student module with graded tasks.

    Attributes
    ----------
    name : str
        ``"exercise1"`` ... ``"exercise6"``: the folder under ``exercises/``.
    title : str
        One-line title.
    module : str
        Module name; the student's file is ``exercises/<name>/<module>.py``.
    time_limit : float
        Wall-clock seconds allowed for grading the whole exercise.
    hints : tuple of str
        General hints for the exercise.
    tasks : tuple of Task
        The graded functions, in the order of the statement.

    How each task is checked (figures, cases, properties, advice, mistakes)
    is in the exercise's grader module, :mod:`autograder.course`.
    """

    name: str
    title: str
    module: str
    time_limit: float
    hints: tuple[str, ...]
    tasks: tuple[Task, ...]

    @property
    def filename(self) -> str:
        """The student's file name inside the exercise folder, e.g. ``"mse.py"``."""
        return f"{self.module}.py"

    @property
    def notebook_filename(self) -> str:
        """The notebook a student may hand in instead, e.g. ``"mse.ipynb"``."""
        return f"{self.module}.ipynb"

    @property
    def max_points(self) -> int:
        """The exercise's total points."""
        return sum(task.points for task in self.tasks)

    def task(self, function: str) -> Task:
        """Return the task for ``function``; ``KeyError`` if there is none."""
        for task in self.tasks:
            if task.function == function:
                return task
        raise KeyError(f"{self.name} has no task {function!r}")

    def tolerance_statement(self) -> str:
        """The statement's paragraph on how each task's results are compared.

        Returns
        -------
        str
            Markdown: one bullet per tolerance, listing its tasks.
        """
        groups: dict[Tolerance, list[str]] = {}
        for task in self.tasks:
            groups.setdefault(task.tolerance, []).append(f"`{task.function}`")
        lines = [
            "**Tolerances.** Your results are compared with a trusted reference implementation,"
            " each kind of result to its own tolerance:"
        ]
        for tolerance, functions in groups.items():
            if tolerance.rtol == 0 and tolerance.atol == 0:
                bound = "exactly"
            else:
                bound = f"to a relative {tolerance.rtol:g} and an absolute {tolerance.atol:g}"
            lines.append(f"- {', '.join(functions)}: {bound}, because {tolerance.why}.")
        return "\n".join(lines)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise RegistryError(message)


def _parse_tolerance(name: str, raw: dict) -> Tolerance:
    where = f"tolerance {name!r}"
    _require(
        isinstance(raw, dict) and set(raw) == {"rtol", "atol", "why"},
        f"{where}: a tolerance has exactly the keys atol, rtol, why",
    )
    for key in ("rtol", "atol"):
        _require(
            isinstance(raw[key], (int, float)) and 0 <= raw[key] < 1,
            f"{where}: {key} must be a number from 0 to 1",
        )
    return Tolerance(name, float(raw["rtol"]), float(raw["atol"]), str(raw["why"]).strip())


def _parse_task(exercise: str, raw: dict, tolerances: dict[str, Tolerance]) -> Task:
    where = f"{exercise}, task {raw.get('function', '?')!r}"
    keys = {"function", "points", "public_points", "todo", "hint", "tolerance"}
    _require(set(raw) == keys, f"{where}: a task has exactly the keys {sorted(keys)}")
    _require(str(raw["function"]).isidentifier(), f"{where}: function must be an identifier")
    _require(
        isinstance(raw["points"], int) and raw["points"] > 0,
        f"{where}: points must be a positive integer",
    )
    _require(
        isinstance(raw["public_points"], int) and 0 <= raw["public_points"] <= raw["points"],
        f"{where}: public_points must be an integer from 0 to points",
    )
    _require(bool(str(raw["todo"]).strip()), f"{where}: the TODO text is empty")
    _require(
        raw["tolerance"] in tolerances,
        f"{where}: tolerance must be one of {sorted(tolerances)}",
    )
    return Task(
        raw["function"],
        raw["points"],
        raw["public_points"],
        raw["todo"].strip(),
        raw["hint"].strip(),
        tolerances[raw["tolerance"]],
    )


def _parse_exercise(raw: dict, tolerances: dict[str, Tolerance]) -> Exercise:
    name = raw.get("name", "?")
    keys = {"name", "title", "module", "time_limit", "hints", "task"}
    _require(set(raw) == keys, f"{name}: an exercise has exactly the keys {sorted(keys)}")
    _require(
        name.startswith("exercise") and name[len("exercise") :].isdigit(),
        f"{name}: names are 'exercise' followed by a number",
    )
    _require(raw["module"].isidentifier(), f"{name}: module must be an identifier")
    _require(
        isinstance(raw["time_limit"], (int, float)) and raw["time_limit"] > 0,
        f"{name}: time_limit must be a positive number of seconds",
    )
    tasks = tuple(_parse_task(name, task, tolerances) for task in raw["task"])
    _require(bool(tasks), f"{name}: an exercise needs at least one task")
    functions = [task.function for task in tasks]
    _require(len(set(functions)) == len(functions), f"{name}: a function is listed twice")
    return Exercise(
        name,
        raw["title"],
        raw["module"],
        float(raw["time_limit"]),
        tuple(raw["hints"]),
        tasks,
    )


def parse_registry(text: str) -> tuple[Exercise, ...]:
    """Parse and validate registry TOML text.

    Parameters
    ----------
    text : str
        The contents of a registry file.

    Returns
    -------
    tuple of Exercise
        The exercises in file order.

    Raises
    ------
    RegistryError
        When the text is not TOML or breaks one of the registry's rules.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"the registry is not valid TOML: {error}") from None
    _require(
        set(data) == {"tolerance", "exercise"},
        "the registry holds [tolerance.*] and [[exercise]] tables, nothing else",
    )
    _require(isinstance(data["tolerance"], dict), "tolerance must be a table of tables")
    tolerances = {name: _parse_tolerance(name, raw) for name, raw in data["tolerance"].items()}
    exercises = tuple(_parse_exercise(raw, tolerances) for raw in data["exercise"])
    names = [exercise.name for exercise in exercises]
    _require(len(set(names)) == len(names), "two exercises share a name")
    return exercises


@cache
def load_registry(path: Path = REGISTRY_FILE) -> tuple[Exercise, ...]:
    """Load the course's registry (cached).

    Parameters
    ----------
    path : Path, optional
        Registry file; the bundled ``exercises.toml`` by default.

    Returns
    -------
    tuple of Exercise
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RegistryError(f"cannot read the registry {path}: {error}") from None
    return parse_registry(text)


def get_exercise(name: str) -> Exercise:
    """Return the exercise called ``name``.

    Raises
    ------
    KeyError
        With the list of known names, when there is no such exercise.
    """
    for exercise in load_registry():
        if exercise.name == name:
            return exercise
    known = ", ".join(exercise.name for exercise in load_registry())
    raise KeyError(f"no exercise called {name!r}; known exercises: {known}")
