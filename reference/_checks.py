"""Shared input validation and conversion for the reference package.

Every public function of the reference converts its inputs here, so the
project's decisions on validation (decisions G1, G2 and G5) are applied in one
place: array-likes become float64 arrays (never written to), inputs that must
agree in shape are never broadcast, and bad sizes or counts are a
``ValueError``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "as_array",
    "as_callable",
    "as_count",
    "as_design",
    "as_limit",
    "as_matching_pair",
    "as_rng",
    "as_scalar",
    "as_vector",
]


def as_array(value: ArrayLike, name: str) -> np.ndarray:
    """Return ``value`` as a float64 array (a view or copy, never modified)."""
    # float64 from the start, so integer inputs (prices in euros) cannot
    # overflow once they are squared.
    return np.asarray(value, dtype=np.float64)


def as_scalar(value: ArrayLike, name: str) -> float:
    """Return a single number as a Python float; anything else is a ValueError."""
    arr = as_array(value, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single number, got shape {arr.shape}")
    return float(arr)


def as_vector(value: ArrayLike, name: str) -> np.ndarray:
    """Return a non-empty 1-D float64 array; any other shape is a ValueError."""
    arr = as_array(value, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    return arr


def as_matching_pair(
    a: ArrayLike, b: ArrayLike, names: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Return two float64 arrays of one and the same non-empty shape.

    Raises ``ValueError`` on a shape mismatch (nothing is broadcast) or when
    the arrays are empty.
    """
    first, second = as_array(a, names[0]), as_array(b, names[1])
    if first.shape != second.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, "
            f"got {first.shape} and {second.shape}"
        )
    if first.size == 0:
        raise ValueError(f"{names[0]} and {names[1]} must not be empty")
    return first, second


def as_design(
    X: ArrayLike, y: ArrayLike, w: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate a linear-regression problem ``X (n, d)``, ``y (n,)``, ``w (d,)``.

    ``X`` must be 2-D with at least one row, ``y`` 1-D with one entry per row
    of ``X`` and, when given, ``w`` 1-D with one entry per column of ``X``.
    Returns the three as float64 arrays (``None`` for a missing ``w``).
    """
    X_arr, y_arr = as_array(X, "X"), as_array(y, "y")
    if X_arr.ndim != 2 or X_arr.shape[0] == 0:
        raise ValueError(f"X must be a 2-D array with at least one row, got shape {X_arr.shape}")
    n, d = X_arr.shape
    if y_arr.shape != (n,):
        raise ValueError(f"y must have shape ({n},) to match X, got {y_arr.shape}")
    if w is None:
        return X_arr, y_arr, None
    w_arr = as_array(w, "w")
    if w_arr.shape != (d,):
        raise ValueError(f"w must have shape ({d},) to match X, got {w_arr.shape}")
    return X_arr, y_arr, w_arr


def as_count(value: int, name: str, minimum: int = 0) -> int:
    """Return an integer count that is at least ``minimum``, else ValueError.

    Floats (even ``20.0``) and booleans are refused: a count is an integer.
    """
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an integer, got a boolean")
    try:
        count = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
    if count < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {count}")
    return count


def as_limit(limit: float) -> float:
    """Return the divergence threshold: a finite positive number, else ValueError."""
    value = as_scalar(limit, "limit")
    # `not value > 0` also refuses nan, which every comparison rejects.
    if not np.isfinite(value) or not value > 0:
        raise ValueError(f"limit must be a finite positive number, got {limit!r}")
    return value


def as_callable(func: Callable, name: str) -> Callable:
    """Return ``func`` if it can be called, else raise TypeError."""
    if not callable(func):
        raise TypeError(f"{name} must be callable, got {type(func).__name__}")
    return func


def as_rng(rng: np.random.Generator | None) -> np.random.Generator:
    """Return ``rng``, or a fresh ``np.random.default_rng()`` when it is None.

    NumPy's global random state is never used; anything other than a
    ``np.random.Generator`` (or None) is a TypeError.
    """
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}")
    return rng
