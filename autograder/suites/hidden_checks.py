"""The hidden checks: cases and properties drawn from the course secret, checked live.

Unlike the public checks (:mod:`autograder.suites.public_checks`), these are
never shipped: they draw their inputs from the grader modules
(:mod:`autograder.course`) with the run's seed, compute the reference's
outcome in the grader's process, and run the catalogue's mistakes on a
failure to explain it.
"""

from __future__ import annotations

import inspect
from typing import Any

from autograder.contract.cases import Case
from autograder.contract.properties import Property
from autograder.course import grading_of, reference_of
from autograder.sandbox.client import StudentFailure
from autograder.suites.assertions import Expectation, Mismatch, params, short
from autograder.suites.variants import symptoms_of, variants_of


def hidden_params(exercises: list[str], seed: int) -> dict:
    """Parametrize keywords for ``("exercise", "hidden_case")``: the cases drawn with ``seed``."""
    return params(exercises, lambda name: grading_of(name).cases(seed), _case_id)


def property_params(exercises: list[str], seed: int) -> dict:
    """Parametrize keywords for ``("exercise", "hidden_property")``: the properties drawn
    with ``seed``."""
    return params(
        exercises,
        lambda name: grading_of(name).properties(seed),
        lambda item: f"{item.task}: {item.claim}",
    )


def _case_id(case: Case) -> str:
    return f"{case.task}: {case.label}"


_EXPECTED: dict[int, tuple[Case, Expectation]] = {}


def expectation(case: Case, exercise: str) -> Expectation:
    """What the reference does on ``case`` (computed once per case), and how to explain a
    wrong result: the catalogue's mistakes, run on the same inputs when asked."""
    found = _EXPECTED.get(id(case))
    if found is None or found[0] is not case:
        found = _EXPECTED[id(case)] = (case, reference_expectation(case, exercise))
    return found[1]


def reference_expectation(case: Case, exercise: str) -> Expectation:
    """The reference's outcome on ``case``, with the task's live catalogue.

    A plot's expected value is the summary the contract asks for; a case
    that makes the reference raise expects that exception's type.
    """
    if case.plot:
        kind, value, kwargs = "value", case.expected_plot(), {}
    else:
        kind, value, kwargs = case.run(reference_of(exercise))
    function = getattr(reference_of(exercise), case.task)
    return Expectation(
        kind,
        value,
        {name: kwargs[name].bit_generator.state for name in case.seeds if name in kwargs},
        list(inspect.signature(function).parameters),
        lambda: variants_of(exercise, case.task, case.invoke),
        symptoms_of(exercise, case.task),
    )


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
