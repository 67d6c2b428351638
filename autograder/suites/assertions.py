"""What the suites check, phrased for students.

Each helper calls the student's function through the ``submission`` proxy,
compares with what the contract expects (an :class:`Expectation`: the
reference's outcome, computed live for the hidden cases, or shipped as data
with the public checks) and fails with a :class:`Mismatch`: a message that
says what was called, what came back and what the contract asks for, and a
diagnosis when one is sure.
"""

from __future__ import annotations

import builtins
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.contract.cases import Case
from autograder.contract.compare import difference, plot_difference, type_difference
from autograder.contract.figures import Figure
from autograder.contract.tolerances import Tolerance
from autograder.registry import get_exercise
from autograder.sandbox import side_effects
from autograder.suites.diagnosis import (
    Diagnosis,
    Symptoms,
    Variant,
    changed_in_place,
    diagnose,
    matching_mistake,
    matching_raise,
    unused_generator,
    warned,
)

#: Between the exercise and the check in a test's id, e.g. ``exercise3/fit: n=5``.
ID_SEPARATOR = "/"


@dataclass(frozen=True)
class Expectation:
    """What the contract expects of one call, and what explains a wrong result.

    Attributes
    ----------
    kind : str
        ``"value"``, or ``"raises"`` when the call must raise.
    value : object
        The reference's result (a plot's summary for a plot), or the name of
        the exception type it raised.
    generators : dict
        For each generator argument, the state the reference's call left it in.
    parameters : list of str
        The task's parameter names, to name the arguments a call changed.
    variants : callable
        ``variants()`` gives the task's mistakes run on the same inputs
        (:class:`~autograder.suites.diagnosis.Variant`), asked for only when
        the check fails.
    symptoms : dict
        The task's mistakes told by a symptom.
    """

    kind: str
    value: Any
    generators: dict[str, dict] = field(default_factory=dict)
    parameters: list[str] = field(default_factory=list)
    variants: Callable[[], list[Variant]] = list
    symptoms: Symptoms = field(default_factory=dict)


@dataclass(frozen=True)
class FigureCheck:
    """A figure of the contract, with what the reference and the mistakes make of it.

    Attributes
    ----------
    figure : Figure
    reference : object
        The figure computed on the reference.
    variants : list of Variant
        The figure computed on each mistake of its task told by its result.
    """

    figure: Figure
    reference: Any
    variants: list[Variant]

    @property
    def task(self) -> str:
        return self.figure.task

    @property
    def claim(self) -> str:
        return self.figure.claim


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


def params(exercises: list[str], draw: Callable[[str], Any], name: Callable[[Any], str]) -> dict:
    """``pytest.mark.parametrize`` keywords for ``(exercise, item)`` pairs.

    Parameters
    ----------
    exercises : list of str
        The run's exercises, in order.
    draw : callable
        ``draw(exercise)`` gives the exercise's items (figures, cases, ...).
    name : callable
        ``name(item)``: the item's part of the test id, after ``exercise/``.
    """
    values, ids = [], []
    for exercise in exercises:
        for item in draw(exercise):
            values.append((exercise, item))
            ids.append(f"{exercise}{ID_SEPARATOR}{name(item)}")
    return {"argvalues": values, "ids": unique_ids(ids)}


def unique_ids(ids: list[str]) -> list[str]:
    """``ids`` with a counter after each one that is not unique, as pytest numbers them.

    Numbered here, not by pytest, so that a run without pytest
    (:mod:`autograder.suites.direct`) names every test as a pytest run does:
    ``random0``, ``random1``; ``n=5_0`` after a digit.
    """
    counts = Counter(ids)
    taken = set(ids)
    next_suffix: dict[str, int] = defaultdict(int)
    unique = []
    for ident in ids:
        if counts[ident] > 1:
            separator = "_" if ident[-1:].isdigit() else ""
            candidate = f"{ident}{separator}{next_suffix[ident]}"
            while candidate in taken:
                next_suffix[ident] += 1
                candidate = f"{ident}{separator}{next_suffix[ident]}"
            next_suffix[ident] += 1
            taken.add(candidate)
            ident = candidate
        unique.append(ident)
    return unique


def check_figure(submission: Any, check: FigureCheck, exercise: str) -> None:
    """Fail unless the submission reproduces one figure of the contract."""
    figure = check.figure
    ok, actual = figure.check(submission)
    if not ok:
        tolerance = get_exercise(exercise).task(figure.task).tolerance
        raise Mismatch(
            f"{figure.claim}: you got {short(actual)}, the contract says "
            f"{figure.expected.description}.",
            diagnose(actual, check.reference, check.variants, tolerance),
        )


def check_case(submission: Any, case: Case, exercise: str, expected: Expectation) -> None:
    """Fail unless the submission does what the reference does on ``case``.

    On valid inputs the result must match the reference's in value (to the
    task's tolerance) and in type, leave every array argument unchanged, let
    out no warning, never show a plot (``plt.show()``) and draw from a
    generator exactly as the reference does. What a call changed, let out or
    showed is what the grader itself observed of it (see
    :mod:`autograder.sandbox.side_effects`), never what the worker reports.
    """
    kind, expected_value = expected.kind, expected.value
    args, kwargs = case.arguments()
    call = f"{case.task} ({case.label})"
    if kind == "raises":
        expected_type = getattr(builtins, expected_value, None)
        if not (isinstance(expected_type, type) and issubclass(expected_type, Exception)):
            expected_type = Exception
        try:
            actual = _invoke(submission, case, args, kwargs)
        except expected_type:
            return
        raise Mismatch(
            f"{call}: the contract requires {expected_value} here, but your function "
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
            None if case.plot else matching_raise(raised, expected.variants()),
        ) from None
    tolerance = get_exercise(exercise).task(case.task).tolerance
    if case.plot:
        problem = plot_difference(actual, expected_value)
    else:
        problem = difference(actual, expected_value, tolerance.rtol, tolerance.atol)
    if problem:
        raise Mismatch(
            f"{call}: {problem}; expected {short(expected_value)}, got {short(actual)} "
            f"({case.task}'s results are {tolerance.statement}).",
            _explain(case, kwargs, actual, expected, tolerance),
        )
    wrong_type = None if case.plot else type_difference(actual, expected_value)
    if wrong_type:
        raise Mismatch(
            f"{call}: the values are right, but your function returned {wrong_type}",
            matching_mistake(actual, expected.variants(), tolerance),
        )
    names = expected.parameters
    changed = side_effects.describe(
        getattr(submission, "changed_arguments", []),
        {**dict(enumerate(names)), **{name: name for name in names}},
    )
    if changed:
        raise Mismatch(
            f"{call}: the result is right, but your function changed {', '.join(changed)} in "
            "place, and the contract leaves every input unchanged",
            changed_in_place(expected.symptoms, changed),
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
            warned(expected.symptoms),
        )
    for name in case.seeds:  # the same numbers must come from the same draws
        if kwargs[name].bit_generator.state != expected.generators[name]:
            raise Mismatch(
                f"{call}: the result is right, but {name} was left in another state than "
                "the contract's draws leave it: draw exactly as the statement says"
            )


def _explain(
    case: Case, kwargs: dict, actual: Any, expected: Expectation, tolerance: Tolerance
) -> Diagnosis | None:
    """Why the student's result differs, when the diagnosis can tell."""
    for name, seed in case.seeds.items():
        # Every random case draws from its generator; one that comes back as it
        # left means the function drew its numbers elsewhere.
        untouched = np.random.default_rng(seed).bit_generator.state
        if kwargs[name].bit_generator.state == untouched:
            return unused_generator(expected.symptoms)
    if case.plot:
        return None
    return diagnose(actual, expected.value, expected.variants(), tolerance)


def _invoke(submission: Any, case: Case, args: list, kwargs: dict) -> Any:
    if case.plot:
        return submission.plot(case.task, *args, **kwargs)
    return getattr(submission, case.task)(*args, **kwargs)
