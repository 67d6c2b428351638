"""Say what went wrong, in terms of the mathematics.

When a student's result differs from the reference, :func:`diagnose` looks
for an explanation: a mistake of the catalogue whose variant reproduces the
result on the same inputs, a random generator left unused, or a simple
relation (a result exactly -1, 2, 1/2, n or 1/n times the expected one).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.cases import difference
from autograder.mistakes import (
    CHANGED_IN_PLACE,
    RNG_NOT_USED,
    UNUSED_GENERATOR,
    WARNS,
    variant_module,
)
from autograder.registry import get_exercise

# Mistakes told by what a call did rather than by its result.
BY_SYMPTOM = UNUSED_GENERATOR | CHANGED_IN_PLACE | WARNS


def _quietly(function: Callable[[], Any]) -> tuple[bool, Any]:
    """Run trusted variant code; a failure or warning just means no match."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return True, function()
    except Exception:  # a variant may refuse inputs its correct twin accepts
        return False, None


def matching_mistake(
    exercise: str, task: str, actual: Any, compute: Callable[[Any], Any]
) -> str | None:
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
    str or None
        ``"<name>: <explanation>"``, or ``None`` when no variant matches.
    """
    tolerance = get_exercise(exercise).task(task).tolerance  # a mistake made the student's way
    for mistake in get_exercise(exercise).mistakes:
        if mistake.task != task or (exercise, mistake.name) in BY_SYMPTOM:
            continue
        ok, value = _quietly(
            lambda mistake=mistake: compute(variant_module(exercise, mistake.name))
        )
        if ok and difference(actual, value, tolerance.rtol, tolerance.atol) is None:
            return f"{mistake.name}: {mistake.explanation}"
    return None


def _by_symptom(exercise: str, task: str, symptom: set, otherwise: str) -> str:
    """The catalogue's explanation of a symptom of ``task``, or ``otherwise``."""
    for mistake in get_exercise(exercise).mistakes:
        if mistake.task == task and (exercise, mistake.name) in symptom:
            return f"{mistake.name}: {mistake.explanation}"
    return otherwise


def unused_generator(exercise: str, task: str) -> str:
    """The explanation for a generator that came back untouched."""
    return _by_symptom(
        exercise,
        task,
        UNUSED_GENERATOR,
        f"{RNG_NOT_USED}: your function did not draw from the rng it was given.",
    )


def changed_in_place(exercise: str, task: str, names: list[str]) -> str:
    """The explanation for arguments a call changed although it must not."""
    return _by_symptom(
        exercise,
        task,
        CHANGED_IN_PLACE,
        f"your function wrote into {', '.join(names)}: work on a copy.",
    )


def warned(exercise: str, task: str) -> str:
    """The explanation for a RuntimeWarning a call let out."""
    return _by_symptom(
        exercise,
        task,
        WARNS,
        "stop before the values overflow, or compute inside "
        "np.errstate(over='ignore', invalid='ignore').",
    )


def relation(actual: Any, expected: Any) -> str | None:
    """A simple factor between two numeric results, in words, or ``None``."""
    try:
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
    if not np.allclose(ratios, factor, rtol=1e-9, atol=0) or factor == 1.0:
        return None
    if np.isclose(factor, -1.0, rtol=1e-9):
        return "your result has the opposite sign of the expected one: check the sign convention."
    if factor > 1 and np.isclose(factor, round(factor), rtol=1e-9):
        return (
            f"your result is exactly {round(factor)} times the expected one: a factor too "
            f"many (2 from a square, or n from a sum instead of a mean?)."
        )
    if 0 < factor < 1 and np.isclose(1 / factor, round(1 / factor), rtol=1e-9):
        return (
            f"your result is exactly 1/{round(1 / factor)} of the expected one: a factor "
            f"missing (2 from a square, or n from a mean instead of a sum?)."
        )
    return None


def diagnose(
    exercise: str, task: str, actual: Any, expected: Any, compute: Callable[[Any], Any]
) -> str | None:
    """The best explanation of a wrong result, or ``None``.

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
    str or None
        A sentence for the student.
    """
    return matching_mistake(exercise, task, actual, compute) or relation(actual, expected)
