"""How a result is compared with the expected one, and how closely.

How closely a kind of result must match is a
:class:`~autograder.contract.tolerances.Tolerance` (the registry gives each
task one); :func:`difference` describes how two results differ in
value, :func:`type_difference` how a result's type breaks the contract's,
:func:`plot_difference` how a plot falls short, and :func:`same_types` whether
two results agree in type throughout. Each returns words for a student, or
``None`` when there is nothing to say.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np


def difference(a: Any, b: Any, rtol: float = 1e-7, atol: float = 1e-12) -> str | None:
    """Describe how two results differ, or return ``None`` when they agree.

    Numbers and arrays agree to ``rtol``/``atol`` (NaNs equal to NaNs, shapes
    equal); strings, ``None`` and integers must be equal; tuples and lists
    agree element by element.
    """
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        if not isinstance(a, (tuple, list)) or not isinstance(b, (tuple, list)):
            return f"{type(a).__name__} versus {type(b).__name__}"
        if len(a) != len(b):
            return f"{len(a)} items versus {len(b)}"
        for index, (left, right) in enumerate(zip(a, b, strict=True)):
            found = difference(left, right, rtol, atol)
            if found:
                return f"item {index}: {found}"
        return None
    if isinstance(a, dict) or isinstance(b, dict):
        if not isinstance(a, dict) or not isinstance(b, dict) or a.keys() != b.keys():
            return "different kinds of results"
        for key in a:
            found = difference(a[key], b[key], rtol, atol)
            if found:
                return f"{key}: {found}"
        return None
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return None if a == b else f"{_brief(a)} versus {_brief(b)}"
    left, right = _numbers(a), _numbers(b)
    if left is None or right is None:
        return f"{_brief(a)} versus {_brief(b)}: not both numbers or arrays of numbers"
    if left.shape != right.shape:
        found = f"shape {left.shape} versus {right.shape}"
        if left.ndim == right.ndim >= 1 and left.shape[1:] == right.shape[1:]:
            common = min(len(left), len(right))
            first = _first_departure(left[:common], right[:common], rtol, atol)
            found += (
                f"; the first {common} entries agree"
                if first is None
                else f"; they first differ at step {first}"
            )
        return found
    if not np.allclose(left, right, rtol=rtol, atol=atol, equal_nan=True):
        worst = np.nanmax(np.abs(left - right)) if left.size else 0.0
        found = f"values differ (largest difference {worst:.3g})"
        if left.ndim >= 1 and len(left) > 1:  # a trajectory or history: where it departs
            first = _first_departure(left, right, rtol, atol)
            found += (
                f"; they first differ at step {first}: {_entry(left[first])} versus "
                f"{_entry(right[first])}"
            )
        return found
    return None


def _numbers(value: Any) -> np.ndarray | None:
    """``value`` as a float64 array, or ``None`` when it is not numbers (a student's result
    may be anything: ragged lists, complex numbers, objects)."""
    if isinstance(value, (complex, np.complexfloating)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return np.asarray(value, dtype=np.float64)
    except Exception:  # TypeError, ValueError, ComplexWarning, ...
        return None


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _first_departure(left: np.ndarray, right: np.ndarray, rtol: float, atol: float) -> int | None:
    """The first index along the first axis where two arrays disagree."""
    if not len(left):
        return None
    close = np.isclose(left, right, rtol=rtol, atol=atol, equal_nan=True)
    rows = close.reshape(len(close), -1).all(axis=1)
    return None if rows.all() else int(np.argmin(rows))


def type_difference(actual: Any, expected: Any) -> str | None:
    """How the type of a result breaks the contract's, or ``None`` when it is right.

    The expected result is the reference's, whose types follow the contract: a
    scalar is a ``float`` (``np.float64`` is one), an array a float64
    ``ndarray``, a count an ``int``, a label a ``str``. Tuples are compared
    item by item (a list is accepted for a tuple).
    """
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            return None  # a difference of values, reported as such
        for index, (left, right) in enumerate(zip(actual, expected, strict=True)):
            found = type_difference(left, right)
            if found:
                return f"item {index}: {found}"
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            return f"a {type(actual).__name__} where the contract asks for a float64 ndarray"
        if actual.dtype != np.float64:
            return f"an ndarray of {actual.dtype} where the contract asks for float64"
        return None
    if isinstance(expected, float):
        if not isinstance(actual, float):
            return f"a {_type_name(actual)} where the contract asks for a float"
        return None
    if isinstance(expected, int) and not isinstance(expected, bool):
        if type(actual) is not int:
            return f"a {_type_name(actual)} where the contract asks for an int"
    return None


def _type_name(value: Any) -> str:
    kind = type(value)
    return f"NumPy {kind.__name__}" if kind.__module__ == "numpy" else kind.__name__


def _entry(value: np.ndarray) -> str:
    return f"{float(value):.6g}" if np.ndim(value) == 0 else np.array2string(value, precision=6)


def plot_difference(student: dict, expected: dict) -> str | None:
    """How a plot summary falls short of the expected one, or ``None``.

    The curves must hold the same data on a log scale; the labels and title
    must be present but their wording is free. How the figure was made
    (pyplot or not) is the student's choice: the contract leaves it open.
    """
    if student.get("lines") is None or len(student["lines"]) != len(expected["lines"]):
        return (
            f"expected {len(expected['lines'])} curve(s), found {len(student.get('lines') or [])}"
        )
    found = difference(student["lines"], expected["lines"])
    if found:
        return f"the plotted data differ ({found})"
    if student.get("yscale") != expected["yscale"]:
        return f"the loss axis is {student.get('yscale')!r}, expected {expected['yscale']!r}"
    missing = [part for part in ("xlabel", "ylabel", "title") if not student.get(part)]
    if missing:
        return f"missing {', '.join(missing)}"
    return None


def same_types(a: Any, b: Any) -> bool:
    """Whether two results have the same types throughout (dtypes for arrays).

    A variant names a mistake of type only when it also gives the student's
    type; ``float`` and ``np.float64`` count as one, as in the contract.
    """
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same_types(x, y) for x, y in zip(a, b, strict=True))
    return _kind(a) == _kind(b)


def _kind(value: Any) -> Any:
    """A result's type as the contract sees it: a float64 scalar is a float like any other."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str)
    if isinstance(value, float):
        return "float"
    return type(value)
