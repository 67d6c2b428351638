"""Say what went wrong, in terms of the mathematics, and only when it is sure.

When a student's result differs from the reference, :func:`diagnose` looks
for an explanation: the one mistake of the catalogue whose variant reproduces
the result (value and type) on the same inputs, a random generator left
unused, or a real factor between the results (exactly -1, k or 1/k times the
expected one, k >= 2). When no explanation is certain, none is given: a
wrong cause misleads more than none, and the failure's message still says
what differs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.contract.compare import difference, same_types
from autograder.contract.mistakes import (
    BY_CHANGED_ARGUMENT,
    BY_RESULT,
    BY_UNUSED_GENERATOR,
    BY_WARNING,
)
from autograder.course import grading_of
from autograder.registry import get_exercise


@dataclass(frozen=True)
class Diagnosis:
    """Why a result is wrong.

    Attributes
    ----------
    text : str
        The explanation a student reads.
    mistake : str
        The catalogue's name of the mistake, when a variant reproduced the
        result; empty for an explanation from a relation or a symptom alone.
    """

    text: str
    mistake: str = ""


def _quietly(function: Callable[[], Any]) -> tuple[str, Any]:
    """Run trusted variant code: ``("value", result)`` or ``("raises", type name)``."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return "value", function()
    except Exception as error:  # a variant may refuse inputs its correct twin accepts
        return "raises", type(error).__name__


def _candidates(exercise: str, task: str) -> list:
    """The mistakes of ``task`` told by their result (the others by a symptom)."""
    return [
        mistake
        for mistake in grading_of(exercise).mistakes
        if mistake.task == task and mistake.told_by == BY_RESULT
    ]


def _only(found: list) -> Diagnosis | None:
    """The one matching mistake; none when several match (the result cannot tell them apart)."""
    if len(found) != 1:
        return None
    return Diagnosis(found[0].explanation, found[0].name)


def matching_mistake(
    exercise: str, task: str, actual: Any, compute: Callable[[Any], Any]
) -> Diagnosis | None:
    """The catalogue mistake of ``task`` whose variant reproduces ``actual``.

    Parameters
    ----------
    exercise, task : str
        Where the failure is.
    actual : object
        The student's result.
    compute : callable
        ``compute(module)``: the failing computation, run on each variant.

    Returns
    -------
    Diagnosis or None
        The mistake whose variant gives the student's result, in value (to the
        task's tolerance) and in type; ``None`` when no variant or more than
        one does.
    """
    tolerance = get_exercise(exercise).task(task).tolerance
    found = []
    for mistake in _candidates(exercise, task):
        kind, value = _quietly(
            lambda mistake=mistake: compute(grading_of(exercise).variant(mistake.name))
        )
        if (
            kind == "value"
            and difference(actual, value, tolerance.rtol, tolerance.atol) is None
            and same_types(actual, value)
        ):
            found.append(mistake)
    return _only(found)


def matching_raise(
    exercise: str, task: str, error: str, compute: Callable[[Any], Any]
) -> Diagnosis | None:
    """The catalogue mistake of ``task`` whose variant raises ``error`` (a type name) too."""
    found = [
        mistake
        for mistake in _candidates(exercise, task)
        if _quietly(lambda mistake=mistake: compute(grading_of(exercise).variant(mistake.name)))
        == ("raises", error)
    ]
    return _only(found)


def _by_symptom(exercise: str, task: str, symptom: str, otherwise: str) -> Diagnosis:
    """The catalogue's explanation of a symptom of ``task``, or ``otherwise``."""
    for mistake in grading_of(exercise).mistakes:
        if mistake.task == task and mistake.told_by == symptom:
            return Diagnosis(mistake.explanation, mistake.name)
    return Diagnosis(otherwise)


def unused_generator(exercise: str, task: str) -> Diagnosis:
    """The explanation for a generator that came back untouched."""
    return _by_symptom(
        exercise,
        task,
        BY_UNUSED_GENERATOR,
        "your function did not draw from the rng it was given.",
    )


def changed_in_place(exercise: str, task: str, names: list[str]) -> Diagnosis:
    """The explanation for arguments a call changed although it must not."""
    return _by_symptom(
        exercise,
        task,
        BY_CHANGED_ARGUMENT,
        f"your function wrote into {', '.join(names)}: work on a copy "
        "(np.array(x, dtype=np.float64) copies; np.asarray does not when x is already float64).",
    )


def warned(exercise: str, task: str) -> Diagnosis:
    """The explanation for a RuntimeWarning a call let out."""
    return _by_symptom(
        exercise,
        task,
        BY_WARNING,
        "stop before the values overflow, or compute inside "
        "np.errstate(over='ignore', invalid='ignore').",
    )


def relation(actual: Any, expected: Any) -> Diagnosis | None:
    """A real factor between two numeric results, in words, or ``None``.

    Only -1 and exact integer factors k or 1/k with k >= 2 count, and the
    same factor must hold for every comparable entry.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            student = np.asarray(actual, dtype=np.float64)
            correct = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if student.shape != correct.shape or not correct.size:
        return None
    usable = np.isfinite(student) & np.isfinite(correct) & (correct != 0)
    if not usable.any() or not np.all(usable | (student == correct)):
        return None
    ratios = student[usable] / correct[usable]
    factor = float(ratios[0])
    if not np.allclose(ratios, factor, rtol=1e-9, atol=0):
        return None
    if np.isclose(factor, -1.0, rtol=1e-9, atol=0):
        return Diagnosis(
            "your result has the opposite sign of the expected one: check the sign convention."
        )
    if factor >= 1.5 and np.isclose(factor, round(factor), rtol=1e-9, atol=0):
        return Diagnosis(
            f"your result is exactly {round(factor)} times the expected one: a factor too "
            f"many (2 from a square, or n from a sum instead of a mean?)."
        )
    if 0 < factor <= 2 / 3 and np.isclose(1 / factor, round(1 / factor), rtol=1e-9, atol=0):
        return Diagnosis(
            f"your result is exactly 1/{round(1 / factor)} of the expected one: a factor "
            f"missing (2 from a square, or n from a mean instead of a sum?)."
        )
    return None


def diagnose(
    exercise: str, task: str, actual: Any, expected: Any, compute: Callable[[Any], Any]
) -> Diagnosis | None:
    """The surest explanation of a wrong result, or ``None``.

    Parameters
    ----------
    exercise, task : str
        Where the failure is.
    actual, expected : object
        The student's result and the reference's.
    compute : callable
        ``compute(module)`` reproduces the failing computation on a module.

    Returns
    -------
    Diagnosis or None
    """
    return matching_mistake(exercise, task, actual, compute) or relation(actual, expected)
