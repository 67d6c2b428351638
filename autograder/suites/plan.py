"""The tests of a run as a plain list: which test function checks what, on which exercise.

The suites are two generic test files (``public/test_public.py`` and
``hidden/test_hidden.py``) whose tests take an ``exercise`` and one check
parameter (``figure``, ``example``, ``hidden_case`` or ``hidden_property``).
Both ways of running them read those parameters here: pytest's
parametrization (:mod:`autograder.suites.plugin`) and the run without pytest
that ``gdlab check`` and ``gdlab watch`` use (:mod:`autograder.suites.direct`).
So both name, order and check every test alike.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from autograder.paths import SUITES_DIR
from autograder.suites import public_checks
from autograder.suites.assertions import ID_SEPARATOR

#: The check parameters of the suites' tests, in the order pytest parametrizes them.
CHECK_PARAMETERS = ("figure", "example", "hidden_case", "hidden_property")


def check_params(parameter: str, exercises: list[str], seed: Callable[[], int]) -> dict:
    """``pytest.mark.parametrize`` keywords for ``("exercise", parameter)``.

    Parameters
    ----------
    parameter : str
        One of :data:`CHECK_PARAMETERS`.
    exercises : list of str
        The run's exercises, in order.
    seed : callable
        Gives the seed of the hidden cases; called only for a hidden parameter,
        so that a public run never reads it.
    """
    if parameter == "figure":
        return public_checks.figure_params(exercises)
    if parameter == "example":
        return public_checks.example_params(exercises)
    # Only where the hidden suite runs: the student package has neither it nor the course.
    from autograder.suites import hidden_checks

    if parameter == "hidden_case":
        return hidden_checks.hidden_params(exercises, seed())
    if parameter == "hidden_property":
        return hidden_checks.property_params(exercises, seed())
    raise ValueError(f"unknown check parameter {parameter!r}")


@dataclass(frozen=True)
class PlannedTest:
    """One test of a run, ready to call.

    Attributes
    ----------
    exercise : str
    suite : str
        ``"public"`` or ``"hidden"``.
    name : str
        As a pytest run names it, without the exercise:
        ``test_example[fit: n=5]``.
    check : object or None
        The figure, example, case or property it checks; ``None`` for a test
        written by hand for one exercise.
    function : callable
        The suite's test function.
    parameter : str
        The name under which ``function`` takes ``check`` (empty without one).
    task : str
        The function of the student's module it tests.
    """

    exercise: str
    suite: str
    name: str
    check: Any
    function: Callable[..., None]
    parameter: str
    task: str

    def run(self, submission: Any) -> None:
        """Call the test on ``submission``; it raises when the check fails."""
        keywords: dict[str, Any] = {"submission": submission}
        wanted = inspect.signature(self.function).parameters
        if "exercise" in wanted:
            keywords["exercise"] = self.exercise
        if self.parameter:
            keywords[self.parameter] = self.check
        self.function(**keywords)


@cache
def suite_functions(suite: str) -> tuple[Callable[..., None], ...]:
    """The test functions of ``suite``'s file, in the order they are written.

    The file is loaded as a plain module (its tests raise their own
    failures; none relies on pytest rewriting ``assert``).
    """
    path = SUITES_DIR / suite / f"test_{suite}.py"
    spec = importlib.util.spec_from_file_location(f"gdlab_suite_{suite}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the {suite} suite from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    functions = [
        value
        for name, value in vars(module).items()
        if name.startswith("test_") and inspect.isfunction(value)
    ]
    return tuple(sorted(functions, key=lambda function: function.__code__.co_firstlineno))


#: What a test function may ask for to run without pytest: the student's module, its
#: exercise and one check.
DIRECT_PARAMETERS = frozenset({"submission", "exercise", *CHECK_PARAMETERS})


def marks_of(function: Callable[..., None]) -> dict[str, tuple]:
    """A test function's pytest marks: name -> arguments (read, not evaluated, by pytest)."""
    return {mark.name: tuple(mark.args) for mark in getattr(function, "pytestmark", [])}


def runs_directly(suites: tuple[str, ...]) -> bool:
    """Whether every test of ``suites`` can run without pytest.

    The generic tests can, and so can a test written by hand for one
    exercise (``@pytest.mark.exercise`` and ``@pytest.mark.task``) that takes
    only ``submission``; a test that asks for other fixtures or is
    parametrized by hand needs pytest.
    """
    for suite in suites:
        for function in suite_functions(suite):
            parameters = set(inspect.signature(function).parameters)
            if not parameters <= DIRECT_PARAMETERS or "parametrize" in marks_of(function):
                return False
            if not parameters & set(CHECK_PARAMETERS):
                marks = marks_of(function)
                if not marks.get("exercise") or not marks.get("task"):
                    return False
    return True


def planned_tests(
    exercises: list[str], suites: tuple[str, ...], seed: Callable[[], int] = lambda: 0
) -> list[PlannedTest]:
    """Every test of ``suites`` on ``exercises``, in the order a grading run runs them.

    That order is pytest's, then the plugin's: exercise by exercise, and
    within one the suites', functions' and checks' order. Call it only where
    :func:`runs_directly` holds.
    """
    tests = []
    for suite in suites:
        for function in suite_functions(suite):
            parameters = inspect.signature(function).parameters
            found = [name for name in CHECK_PARAMETERS if name in parameters]
            if not found:  # written by hand for one exercise and task
                marks = marks_of(function)
                exercise, task = marks["exercise"][0], marks["task"][0]
                if exercise in exercises:
                    tests.append(
                        PlannedTest(exercise, suite, function.__name__, None, function, "", task)
                    )
                continue
            parameter = found[0]
            keywords = check_params(parameter, exercises, seed)
            for (exercise, check), ident in zip(
                keywords["argvalues"], keywords["ids"], strict=True
            ):
                shown = ident.removeprefix(f"{exercise}{ID_SEPARATOR}")
                name = f"{function.__name__}[{shown}]"
                tests.append(
                    PlannedTest(exercise, suite, name, check, function, parameter, check.task)
                )
    order = {name: index for index, name in enumerate(exercises)}
    return sorted(tests, key=lambda test: order[test.exercise])  # stable: the rest stays
