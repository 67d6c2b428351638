"""What a call did besides returning: arrays changed in place, warnings let out.

The worker receives its own copies of the grader's arrays, so a function that
writes into its input (``theta[i] += h`` without restoring it exactly) leaves
no trace the grader could see; nor does a NumPy overflow warning, since the
worker's output goes nowhere. The worker therefore keeps a copy of each array
argument and records the warnings of each call, and reports both. Only the
standard library and NumPy are imported (the worker loads this file beside
itself).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

MAX_WARNINGS = 3

Key = int | str  # a position, or a keyword


def _arrays(args: list | tuple, kwargs: dict) -> dict[Key, np.ndarray]:
    found: dict[Key, np.ndarray] = {i: a for i, a in enumerate(args) if type(a) is np.ndarray}
    found.update({k: a for k, a in kwargs.items() if type(a) is np.ndarray})
    return found


def snapshot(args: list | tuple, kwargs: dict) -> dict[Key, np.ndarray]:
    """Copies of the array arguments, by position or keyword."""
    return {key: array.copy() for key, array in _arrays(args, kwargs).items()}


def changed(args: list | tuple, kwargs: dict, before: dict[Key, np.ndarray]) -> list[Key]:
    """The keys of :func:`snapshot` whose arrays no longer hold the same values.

    NaNs compare equal to NaNs; a change of shape or dtype counts as a change.
    """
    now = _arrays(args, kwargs)
    found = []
    for key, copy in before.items():
        array = now.get(key)
        try:
            same = (
                array is not None
                and array.dtype == copy.dtype
                and np.array_equal(array, copy, equal_nan=copy.dtype.kind in "fc")
            )
        except Exception:  # noqa: BLE001 - an array the student broke counts as changed
            same = False
        if not same:
            found.append(key)
    return found


def describe(keys: Any, names: dict[Key, str]) -> list[str]:
    """The names of changed arguments that must stay unchanged.

    Parameters
    ----------
    keys : object
        What a call reported (validated here: a list of ints and strings).
    names : dict
        Position or keyword -> the parameter's name, for the arguments the
        contract says are left unchanged.
    """
    if not isinstance(keys, list):
        return []
    return [names[key] for key in keys if isinstance(key, (int, str)) and key in names]


@contextlib.contextmanager
def recorded_warnings() -> Iterator[list[str]]:
    """Record the ``RuntimeWarning``s (NumPy's overflow, invalid value, ...) raised inside.

    Yields
    ------
    list of str
        Filled on exit with up to :data:`MAX_WARNINGS` distinct descriptions.
    """
    found: list[str] = []

    def note(message: Any, category: type, *_: Any, **__: Any) -> None:
        # Counted as they come rather than all kept: a loop may warn millions of times.
        text = f"{category.__name__}: {str(message)[:200]}"
        if issubclass(category, RuntimeWarning) and text not in found:
            if len(found) < MAX_WARNINGS:
                found.append(text)

    with warnings.catch_warnings():
        warnings.simplefilter("always", RuntimeWarning)
        warnings.showwarning = note
        yield found
