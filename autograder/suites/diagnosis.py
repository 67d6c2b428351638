"""Say what went wrong, in terms of the mathematics, and only when it is sure.

When a student's result differs from the reference, :func:`diagnose` looks
for an explanation: the one mistake of the catalogue whose variant reproduces
the result (value and type) on the same inputs, a random generator left
unused, or a real factor between the results (exactly -1, k or 1/k times the
expected one, k >= 2). The variants' outcomes come as data (:class:`Variant`):
run live by the hidden suite (:mod:`autograder.suites.variants`), or
computed when the public checks were built and shipped with them, so this
module holds no mistake's code. When no explanation is certain, none is given: a
wrong cause misleads more than none, and the failure's message still says
what differs.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.contract.compare import difference, same_types
from autograder.contract.mistakes import BY_CHANGED_ARGUMENT, BY_UNUSED_GENERATOR, BY_WARNING
from autograder.contract.tolerances import Tolerance


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


@dataclass(frozen=True)
class Variant:
    """What one mistake of the catalogue does on the inputs of a failing check.

    Attributes
    ----------
    mistake : str
        The catalogue's name of the mistake.
    explanation : str
        What a student who made it reads.
    kind : str
        ``"value"`` or ``"raises"``.
    value : object
        The variant's result, or the name of the exception type it raised.
    """

    mistake: str
    explanation: str
    kind: str
    value: Any


#: The mistakes of one task recognised by a symptom rather than a result: sign -> Variant
#: (its kind and value unused).
Symptoms = dict[str, Variant]


def _only(found: list[Variant]) -> Diagnosis | None:
    """The one matching mistake; none when several match (the result cannot tell them apart)."""
    if len(found) != 1:
        return None
    return Diagnosis(found[0].explanation, found[0].mistake)


def matching_mistake(
    actual: Any, variants: list[Variant], tolerance: Tolerance
) -> Diagnosis | None:
    """The mistake whose variant reproduces ``actual``.

    Parameters
    ----------
    actual : object
        The student's result.
    variants : list of Variant
        The task's mistakes told by their result, run on the same inputs.
    tolerance : Tolerance
        The task's tolerance.

    Returns
    -------
    Diagnosis or None
        The mistake whose variant gives the student's result, in value (to the
        task's tolerance) and in type; ``None`` when no variant or more than
        one does.
    """
    found = [
        variant
        for variant in variants
        if variant.kind == "value"
        and difference(actual, variant.value, tolerance.rtol, tolerance.atol) is None
        and same_types(actual, variant.value)
    ]
    return _only(found)


def matching_raise(error: str, variants: list[Variant]) -> Diagnosis | None:
    """The mistake whose variant raises ``error`` (an exception type's name) too."""
    return _only([v for v in variants if v.kind == "raises" and v.value == error])


def _by_symptom(symptoms: Symptoms, sign: str, otherwise: str) -> Diagnosis:
    """The catalogue's explanation of a symptom, or ``otherwise``."""
    found = symptoms.get(sign)
    return Diagnosis(found.explanation, found.mistake) if found else Diagnosis(otherwise)


def unused_generator(symptoms: Symptoms) -> Diagnosis:
    """The explanation for a generator that came back untouched."""
    return _by_symptom(
        symptoms, BY_UNUSED_GENERATOR, "your function did not draw from the rng it was given."
    )


def changed_in_place(symptoms: Symptoms, names: list[str]) -> Diagnosis:
    """The explanation for arguments a call changed although it must not."""
    return _by_symptom(
        symptoms,
        BY_CHANGED_ARGUMENT,
        f"your function wrote into {', '.join(names)}: work on a copy "
        "(np.array(x, dtype=np.float64) copies; np.asarray does not when x is already float64).",
    )


def warned(symptoms: Symptoms) -> Diagnosis:
    """The explanation for a RuntimeWarning a call let out."""
    return _by_symptom(
        symptoms,
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
    actual: Any, expected: Any, variants: list[Variant], tolerance: Tolerance
) -> Diagnosis | None:
    """The surest explanation of a wrong result, or ``None``.

    Parameters
    ----------
    actual, expected : object
        The student's result and the reference's.
    variants : list of Variant
        The task's mistakes run on the same inputs.
    tolerance : Tolerance
        The task's tolerance.

    Returns
    -------
    Diagnosis or None
    """
    return matching_mistake(actual, variants, tolerance) or relation(actual, expected)
