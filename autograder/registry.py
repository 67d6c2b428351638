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

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

REGISTRY_FILE = Path(__file__).with_name("exercises.toml")


class RegistryError(ValueError):
    """The registry file is missing, not valid TOML, or breaks a rule."""


@dataclass(frozen=True)
class Tolerance:
    """How closely a kind of result must match the reference.

    Attributes
    ----------
    name : str
        The kind of quantity, e.g. ``"closed-form"``.
    rtol, atol : float
        Relative and absolute tolerance, as in :func:`numpy.isclose`:
        ``|actual - expected| <= atol + rtol * |expected|``.
    why : str
        Why this kind of result gets this tolerance, for students.
    """

    name: str
    rtol: float
    atol: float
    why: str

    @property
    def statement(self) -> str:
        """The tolerance in words, for messages."""
        if self.rtol == 0 and self.atol == 0:
            return f"compared exactly: {self.why}"
        return f"compared to a relative {self.rtol:g} and an absolute {self.atol:g}: {self.why}"


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
class Mistake:
    """A common mistake, implemented as a variant in :mod:`autograder.mistakes`.

    Attributes
    ----------
    name : str
        Its name, also the key of its variant.
    task : str
        The function it concerns.
    explanation : str
        What a student whose result matches it reads.
    """

    name: str
    task: str
    explanation: str


@dataclass(frozen=True)
class Advice:
    """A recommendation outside the contract's graded domain, checked for 0 points.

    Attributes
    ----------
    task : str
        The function it concerns.
    checks : tuple of str
        The labels of the checks (hidden cases or properties of ``task``) that
        test it; they are reported as advice and never change a score.
    recommendation : str
        What the statement recommends, in one sentence.
    """

    task: str
    checks: tuple[str, ...]
    recommendation: str


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
    mistakes : tuple of Mistake
        The catalogue of common mistakes for the exercise.
    advice : tuple of Advice
        The checks outside the graded domain: recommendations worth 0 points.
    """

    name: str
    title: str
    module: str
    time_limit: float
    hints: tuple[str, ...]
    tasks: tuple[Task, ...]
    mistakes: tuple[Mistake, ...] = ()
    advice: tuple[Advice, ...] = ()

    @property
    def filename(self) -> str:
        """The student's file name inside the exercise folder, e.g. ``"mse.py"``."""
        return f"{self.module}.py"

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

    def advice_for(self, task: str, check: str) -> Advice | None:
        """The advice that check ``check`` of ``task`` belongs to, or ``None`` when graded."""
        for advice in self.advice:
            if advice.task == task and check in advice.checks:
                return advice
        return None

    def advice_statement(self) -> str:
        """The statement's paragraph listing the recommendations that earn no points.

        Returns
        -------
        str
            Markdown: one bullet per recommendation.
        """
        lines = [
            "**Advice, 0 points.** Grading checks these recommendations too and reports them as"
            " advice, but they are outside the contract's graded domain and never change your"
            " score:"
        ]
        lines += [f"- `{advice.task}`: {advice.recommendation}" for advice in self.advice]
        return "\n".join(lines)

    def mistake(self, name: str) -> Mistake:
        """Return the mistake called ``name``; ``KeyError`` if there is none."""
        for mistake in self.mistakes:
            if mistake.name == name:
                return mistake
        raise KeyError(f"{self.name} has no mistake {name!r}")


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


def _parse_mistake(exercise: str, functions: list[str], raw: dict) -> Mistake:
    where = f"{exercise}, mistake {raw.get('name', '?')!r}"
    _require(
        set(raw) == {"name", "task", "explanation"},
        f"{where}: a mistake has exactly the keys name, task, explanation",
    )
    _require(raw["task"] in functions, f"{where}: {raw['task']!r} is not a task of {exercise}")
    return Mistake(raw["name"], raw["task"], raw["explanation"].strip())


def _parse_advice(exercise: str, functions: list[str], raw: dict) -> Advice:
    where = f"{exercise}, advice for {raw.get('task', '?')!r}"
    _require(
        set(raw) == {"task", "checks", "recommendation"},
        f"{where}: an advice has exactly the keys task, checks, recommendation",
    )
    _require(raw["task"] in functions, f"{where}: {raw['task']!r} is not a task of {exercise}")
    checks = raw["checks"]
    _require(
        isinstance(checks, list) and checks and all(isinstance(c, str) for c in checks),
        f"{where}: checks must be a non-empty list of check labels",
    )
    _require(bool(str(raw["recommendation"]).strip()), f"{where}: the recommendation is empty")
    return Advice(raw["task"], tuple(checks), raw["recommendation"].strip())


def _parse_exercise(raw: dict, tolerances: dict[str, Tolerance]) -> Exercise:
    name = raw.get("name", "?")
    keys = {"name", "title", "module", "time_limit", "hints", "task"}
    _require(
        keys <= set(raw) <= keys | {"mistake", "advice"},
        f"{name}: an exercise has the keys {sorted(keys)} and optionally 'mistake', 'advice'",
    )
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
    mistakes = tuple(_parse_mistake(name, functions, item) for item in raw.get("mistake", []))
    names = [mistake.name for mistake in mistakes]
    _require(len(set(names)) == len(names), f"{name}: a mistake is listed twice")
    advice = tuple(_parse_advice(name, functions, item) for item in raw.get("advice", []))
    labels = [(item.task, check) for item in advice for check in item.checks]
    _require(len(set(labels)) == len(labels), f"{name}: a check is listed as advice twice")
    return Exercise(
        name,
        raw["title"],
        raw["module"],
        float(raw["time_limit"]),
        tuple(raw["hints"]),
        tasks,
        mistakes,
        advice,
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
