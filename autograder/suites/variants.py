"""The catalogue's mistakes run on a check's inputs: the data a diagnosis reads.

For a failing computation, each mistake of its task that is told by its
result runs as a variant of the reference (:meth:`Grading.variant
<autograder.course.Grading.variant>`), and its outcome becomes a
:class:`~autograder.suites.diagnosis.Variant`. The hidden suite does this
live, on a failure; the public checks do it once, when they are built
(:mod:`autograder.dev.public_data`), and ship the outcomes as data.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.contract.mistakes import BY_RESULT, SIGNS
from autograder.course import grading_of
from autograder.suites.diagnosis import Symptoms, Variant


def _quietly(function: Callable[[], Any]) -> tuple[str, Any]:
    """Run trusted variant code: ``("value", result)`` or ``("raises", type name)``."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return "value", function()
    except Exception as error:  # a variant may refuse inputs its correct twin accepts
        return "raises", type(error).__name__


def variants_of(exercise: str, task: str, compute: Callable[[Any], Any]) -> list[Variant]:
    """What each mistake of ``task`` told by its result gives for ``compute``.

    Parameters
    ----------
    exercise, task : str
        Where the failing check is.
    compute : callable
        ``compute(module)``: the check's computation, run on each variant.

    Returns
    -------
    list of Variant
        In the catalogue's order.
    """
    grading = grading_of(exercise)
    found = []
    for mistake in grading.mistakes:
        if mistake.task == task and mistake.told_by == BY_RESULT:
            variant = grading.variant(mistake.name)
            kind, value = _quietly(lambda variant=variant: compute(variant))
            found.append(Variant(mistake.name, mistake.explanation, kind, value))
    return found


def symptoms_of(exercise: str, task: str) -> Symptoms:
    """The mistakes of ``task`` told by a symptom: sign -> the first such mistake."""
    found: Symptoms = {}
    for mistake in grading_of(exercise).mistakes:
        if mistake.task == task and mistake.told_by != BY_RESULT and mistake.told_by in SIGNS:
            found.setdefault(mistake.told_by, Variant(mistake.name, mistake.explanation, "", None))
    return found
