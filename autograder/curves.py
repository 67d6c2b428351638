"""The pictures in the feedback: a student's curves beside the reference's.

For the exercises whose answers are trajectories or learning curves, each
:class:`Curves` names the series to draw and how to compute them on a module
(the student's, through the sandbox, or the reference). The series travel as
plain data in the results; :func:`autograder.grading.plots.render` draws them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.sandbox import functions
from reference import house_prices as ref3
from reference import minibatch as ref6


@dataclass(frozen=True)
class Curves:
    """What to draw for one exercise.

    Attributes
    ----------
    title, xlabel, ylabel : str
        Labels of the picture.
    log : bool
        Logarithmic y axis (for losses).
    series : tuple of (str, callable)
        ``(label, compute)`` where ``compute(module)`` gives a 1-D sequence.
    """

    title: str
    xlabel: str
    ylabel: str
    log: bool
    series: tuple[tuple[str, Callable[[Any], Any]], ...]


def _dataset():
    return ref6.make_dataset(rng=np.random.default_rng(42))


CURVES: dict[str, Curves] = {
    "exercise3": Curves(
        "fit(SIZES, PRICES): learning curve",
        "step",
        "MSE loss",
        True,
        (("history", lambda m: m.fit(ref3.SIZES, ref3.PRICES)[2]),),
    ),
    "exercise4": Curves(
        "run_gd(grad, 0.0, lr): trajectories",
        "step",
        "x",
        False,
        tuple(
            (f"lr = {lr}", lambda m, lr=lr: m.run_gd(functions.parabola_grad, 0.0, lr))
            for lr in (0.1, 0.9, 1.0, 1.1)
        ),
    ),
    "exercise5": Curves(
        "from x0 = 3.0: plain descent and momentum",
        "step",
        "x",
        False,
        (
            ("gradient_descent", lambda m: m.gradient_descent(functions.double_well_grad, 3.0)),
            ("momentum_descent", lambda m: m.momentum_descent(functions.double_well_grad, 3.0)),
        ),
    ),
    "exercise6": Curves(
        "full batch and mini-batch: learning curves",
        "epoch",
        "MSE loss",
        True,
        (
            ("full_batch_gd", lambda m: m.full_batch_gd(*_dataset())[1]),
            (
                "minibatch_gd",
                lambda m: m.minibatch_gd(*_dataset(), rng=np.random.default_rng(0))[1],
            ),
        ),
    ),
}


def series_of(module: Any, exercise: str) -> list[dict]:
    """Compute an exercise's series on ``module``; a failing series is left out.

    Returns
    -------
    list of dict
        ``{"label": str, "values": list of float}`` per series that could be
        computed as a 1-D sequence of numbers.
    """
    found = []
    for label, compute in CURVES[exercise].series:
        try:
            values = np.asarray(compute(module), dtype=np.float64)
        except Exception:  # the student's function failed: the tests say why
            continue
        if values.ndim == 1 and values.size:
            found.append({"label": label, "values": values.tolist()})
    return found
