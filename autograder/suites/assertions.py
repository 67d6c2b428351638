"""What the suites check, phrased for students.

Each helper calls the student's function through the ``submission`` proxy,
computes the expected outcome with the trusted reference in this process, and
fails with a :class:`Mismatch`: a message that says what was called, what
came back and what the contract asks for, and a diagnosis when one is sure.
"""

from __future__ import annotations

import builtins
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.contract.cases import Case
from autograder.contract.compare import difference, plot_difference, type_difference
from autograder.contract.figures import Figure
from autograder.contract.properties import Property
from autograder.course import grading_of, reference_of
from autograder.registry import get_exercise
from autograder.sandbox import side_effects
from autograder.sandbox.client import StudentFailure
from autograder.suites.diagnosis import (
    Diagnosis,
    changed_in_place,
    diagnose,
    matching_mistake,
    matching_raise,
    unused_generator,
    warned,
)

PUBLIC_SEED = 20_261_121
EXAMPLES_PER_TASK = 2
#: Between the exercise and the check in a test's id, e.g. ``exercise3/fit: n=5``.
ID_SEPARATOR = "/"


class Mismatch(AssertionError):
    """A check failed: the student's result breaks the contract.

    Parameters
    ----------
    message : str
        What was called, what came back, what the contract asks for.
    diagnosis : Diagnosis, optional
        Why, when the diagnosis is sure of it.
    """

    def __init__(self, message: str, diagnosis: Diagnosis | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnosis = diagnosis


def short(value: Any, width: int = 120) -> str:
    """A compact, bounded description of a value for a message."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, threshold=8, edgeitems=3):
            text = f"array{value.shape} {np.array2string(value, separator=', ')}"
    else:
        text = repr(value)
    text = " ".join(text.split())  # one line, whatever NumPy's layout
    return text if len(text) <= width else text[: width - 3] + "..."


def examples(exercise: str) -> list[Case]:
    """The public example cases of ``exercise``: the first few of each task, drawn with a fixed
    seed, so every student sees the same ones."""
    picked, per_task = [], {}
    for case in grading_of(exercise).cases(PUBLIC_SEED):
        if per_task.get(case.task, 0) < EXAMPLES_PER_TASK:
            picked.append(case)
            per_task[case.task] = per_task.get(case.task, 0) + 1
    return picked


def figure_params(exercises: list[str]) -> dict:
    """``pytest.mark.parametrize`` keywords for ``("exercise", "figure")``: the contract's
    figures of each exercise."""
    return _params(exercises, lambda name: grading_of(name).figures, lambda item: item.claim)


def example_params(exercises: list[str]) -> dict:
    """Parametrize keywords for ``("exercise", "example")``: the public example cases."""
    return _params(exercises, examples, _case_id)


def hidden_params(exercises: list[str], seed: int) -> dict:
    """Parametrize keywords for ``("exercise", "hidden_case")``: the cases drawn with ``seed``."""
    return _params(exercises, lambda name: grading_of(name).cases(seed), _case_id)


def property_params(exercises: list[str], seed: int) -> dict:
    """Parametrize keywords for ``("exercise", "hidden_property")``: the properties drawn
    with ``seed``."""
    return _params(
        exercises,
        lambda name: grading_of(name).properties(seed),
        lambda item: f"{item.task}: {item.claim}",
    )


def _case_id(case: Case) -> str:
    return f"{case.task}: {case.label}"


def _params(exercises: list[str], draw: Callable, name: Callable) -> dict:
    """``(exercise, item)`` pairs with ids ``exercise/name``; an exercise without items adds
    none."""
    values, ids = [], []
    for exercise in exercises:
        for item in draw(exercise):
            values.append((exercise, item))
            ids.append(f"{exercise}{ID_SEPARATOR}{name(item)}")
    return {"argvalues": values, "ids": ids}


def check_figure(submission: Any, figure: Figure, exercise: str) -> None:
    """Fail unless the submission reproduces one figure of the contract."""
    ok, actual = figure.check(submission)
    if not ok:
        expected = figure.compute(reference_of(exercise))
        raise Mismatch(
            f"{figure.claim}: you got {short(actual)}, the contract says "
            f"{figure.expected.description}.",
            diagnose(exercise, figure.task, actual, expected, figure.compute),
        )


_OUTCOMES: dict[int, tuple[Case, tuple[str, Any, dict]]] = {}


def reference_outcome(case: Case, exercise: str) -> tuple[str, Any, dict]:
    """What the reference does on ``case`` (computed once per case).

    Returns
    -------
    tuple
        As :meth:`Case.run`: ``("value", result, kwargs)`` or
        ``("raises", exception type name, kwargs)``; a plot's expected value
        is the summary the contract asks for.
    """
    found = _OUTCOMES.get(id(case))
    if found is None or found[0] is not case:
        if case.plot:
            outcome = ("value", case.expected_plot(), {})
        else:
            outcome = case.run(reference_of(exercise))
        found = _OUTCOMES[id(case)] = (case, outcome)
    return found[1]


def expects_error(case: Case, exercise: str) -> bool:
    """Whether the contract asks for an exception on ``case`` rather than a value."""
    return reference_outcome(case, exercise)[0] == "raises"


def check_case(submission: Any, case: Case, exercise: str) -> None:
    """Fail unless the submission does what the reference does on ``case``.

    On valid inputs the result must match the reference's in value (to the
    task's tolerance) and in type, leave every array argument unchanged, let
    out no warning, never show a plot (``plt.show()``) and draw from a
    generator exactly as the reference does. What a call changed, let out or
    showed is what the grader itself observed of it (see
    :mod:`autograder.sandbox.side_effects`), never what the worker reports.
    """
    kind, expected, reference_kwargs = reference_outcome(case, exercise)
    args, kwargs = case.arguments()
    call = f"{case.task} ({case.label})"
    if kind == "raises":
        expected_type = getattr(builtins, expected, None)
        if not (isinstance(expected_type, type) and issubclass(expected_type, Exception)):
            expected_type = Exception
        try:
            actual = _invoke(submission, case, args, kwargs)
        except expected_type:
            return
        raise Mismatch(
            f"{call}: the contract requires {expected} here, but your function "
            f"returned {short(actual)}"
        )
    try:
        actual = _invoke(submission, case, args, kwargs)
    except Exception as error:
        if not getattr(error, "from_student", False):
            raise
        raised = type(error).__name__
        raise Mismatch(
            f"{call}: your function raised {raised}: {short(str(error))}; the contract asks "
            f"for a result here",
            None if case.plot else matching_raise(exercise, case.task, raised, case.invoke),
        ) from None
    tolerance = get_exercise(exercise).task(case.task).tolerance
    if case.plot:
        problem = plot_difference(actual, expected)
    else:
        problem = difference(actual, expected, tolerance.rtol, tolerance.atol)
    if problem:
        raise Mismatch(
            f"{call}: {problem}; expected {short(expected)}, got {short(actual)} "
            f"({case.task}'s results are {tolerance.statement}).",
            _explain(exercise, case, kwargs, actual, expected),
        )
    wrong_type = None if case.plot else type_difference(actual, expected)
    if wrong_type:
        raise Mismatch(
            f"{call}: the values are right, but your function returned {wrong_type}",
            matching_mistake(exercise, case.task, actual, case.invoke),
        )
    changed = side_effects.describe(
        getattr(submission, "changed_arguments", []), _parameter_names(exercise, case.task)
    )
    if changed:
        raise Mismatch(
            f"{call}: the result is right, but your function changed {', '.join(changed)} in "
            "place, and the contract leaves every input unchanged",
            changed_in_place(exercise, case.task, changed),
        )
    if case.plot and getattr(submission, "show_called", False):
        raise Mismatch(
            f"{call}: the plot is right, but your function called plt.show(), which opens a "
            "window; the contract never lets a plotting function show its figure: return the "
            "Axes and let the caller show it"
        )
    warnings = getattr(submission, "warnings", [])
    if warnings:
        raise Mismatch(
            f"{call}: the result is right, but the call let a warning out ({warnings[0]}); "
            "the contract asks for silence, also when a run diverges",
            warned(exercise, case.task),
        )
    for name in case.seeds:  # the same numbers must come from the same draws
        if kwargs[name].bit_generator.state != reference_kwargs[name].bit_generator.state:
            raise Mismatch(
                f"{call}: the result is right, but {name} was left in another state than "
                "the contract's draws leave it: draw exactly as the statement says"
            )


def _parameter_names(exercise: str, task: str) -> dict:
    """Position or keyword -> parameter name of a task, from the reference's signature."""
    parameters = list(inspect.signature(getattr(reference_of(exercise), task)).parameters)
    return {**dict(enumerate(parameters)), **{name: name for name in parameters}}


def check_property(submission: Any, promise: Property) -> None:
    """Fail, in the property's own words, unless the submission keeps it."""
    try:
        problem = promise.check(submission)
    except StudentFailure:
        raise
    except Exception as error:
        if getattr(error, "from_student", False):
            raise
        # The property read the student's result and could not use it.
        raise Mismatch(
            f"{promise.task} returned a result that is not what the contract describes "
            f"({type(error).__name__}: {short(str(error))})"
        ) from None
    if problem:
        raise Mismatch(problem.rstrip(".") + ".")


def _explain(
    exercise: str, case: Case, kwargs: dict, actual: Any, expected: Any
) -> Diagnosis | None:
    """Why the student's result differs, when the diagnosis can tell."""
    for name, seed in case.seeds.items():
        # Every random case draws from its generator; one that comes back as it
        # left means the function drew its numbers elsewhere.
        untouched = np.random.default_rng(seed).bit_generator.state
        if kwargs[name].bit_generator.state == untouched:
            return unused_generator(exercise, case.task)
    if case.plot:
        return None
    return diagnose(exercise, case.task, actual, expected, case.invoke)


def _invoke(submission: Any, case: Case, args: list, kwargs: dict) -> Any:
    if case.plot:
        return submission.plot(case.task, *args, **kwargs)
    return getattr(submission, case.task)(*args, **kwargs)
