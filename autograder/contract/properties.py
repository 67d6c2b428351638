"""What the mathematics promises, as checks on inputs drawn for each student.

The hidden cases compare results with the reference value by value. A
:class:`Property` checks behaviour instead (the loss never rises below the
critical rate, a run above it diverges and stops early, the same seed gives
the same result) and fails with a message in those terms, so a student learns
which promise their code broke. Each exercise's grader module draws its
properties from the grader's generator in ``properties(rng)``.

A property is ``check(module) -> None | str``: ``None`` when the module keeps
the promise, otherwise the explanation. ``module`` is the student's module
behind the sandbox, or any implementation (the project's tests run the
reference and the answer keys through the same properties).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

from autograder.sandbox.axes import axes_summary, open_figures

SLACK = 1e-12  # relative: a loss "never increases" up to rounding in its last digits


@dataclass(frozen=True)
class Property:
    """One promise of a task, on inputs already drawn.

    Attributes
    ----------
    task : str
        The function whose promise it is (its hidden points pay for it).
    claim : str
        The promise in a few words, the test's id.
    check : callable
        ``check(module) -> None | str``: the explanation when broken.
    """

    task: str
    claim: str
    check: Callable[[Any], str | None]


def plot_summary(m: Any, name: str, *args: Any) -> dict:
    """The plain summary of the Axes that plotting function ``name`` of ``m`` returns.

    A sandboxed submission summarises the plot in its worker; a trusted module
    (the reference, an answer key) is called here.
    """
    if isinstance(m, (ModuleType, SimpleNamespace)):
        before = open_figures()
        return axes_summary(getattr(m, name)(*args), before)
    return m.plot(name, *args)


def first_rise(values: np.ndarray) -> int | None:
    """The first index where ``values`` rises by more than rounding, if any."""
    values = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        return int(np.argmin(np.isfinite(values)))
    rises = values[1:] > values[:-1] * (1 + SLACK) + SLACK
    return int(np.argmax(rises)) + 1 if rises.any() else None
