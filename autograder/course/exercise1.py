"""Exercise 1, mean squared error and the loss landscape: everything the grader knows of it.

Its sections follow :mod:`autograder.course`; the types are in
:mod:`autograder.contract`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from autograder.contract.advice import Advice
from autograder.contract.calls import call
from autograder.contract.cases import CASES_PER_TASK, Case
from autograder.contract.figures import Figure, approx
from autograder.contract.mistakes import (
    Mistake,
    floats,
)
from reference import mse as ref1

# -- figures --------------------------------------------------------------------

_PRICES_ACTUAL = [185000, 210000, 145000, 320000, 165000]


_PRICES_PREDICTED = [200000, 195000, 160000, 300000, 175000]


_AREAS = [40, 60, 80, 100, 120]


_AREA_PRICES = [105000, 155000, 205000, 260000, 310000]


_SLOPES = list(range(1000, 4000, 100))


FIGURES = (
    Figure(
        "mse",
        "mse(actual prices, predicted prices)",
        call("mse", _PRICES_ACTUAL, _PRICES_PREDICTED),
        approx("235000000.0"),
    ),
    Figure(
        "best_slope",
        "best_slope(areas, prices, 1000, 1100, ..., 3900)",
        call("best_slope", _AREAS, _AREA_PRICES, _SLOPES),
        approx("2600.0"),
    ),
)


# -- cases ----------------------------------------------------------------------


def cases(rng: np.random.Generator) -> Iterator[Case]:
    """The valid and invalid cases, drawn from ``rng``."""
    for i in range(CASES_PER_TASK):
        n = int(rng.integers(1, 40))
        shape = (n,) if i % 3 else (n, int(rng.integers(1, 4)))
        y = rng.normal(0, 100, shape)
        p = y + rng.normal(0, 10, shape)
        if i % 4 == 1:
            y = rng.integers(100_000, 400_000, shape)  # euros: overflows int32 when squared
        args = (y.tolist(), p) if i % 2 else (y, p)
        for task in ("squared_errors", "mse", "sse"):
            yield Case(task, f"shape {shape}", args)
        x = rng.uniform(-5, 5, n)
        slopes = np.sort(rng.uniform(-3, 3, int(rng.integers(1, 30))))
        target = 1.5 * x + rng.normal(0, 1, n)
        for task in ("loss_landscape", "best_slope"):
            yield Case(task, f"{len(slopes)} slopes", (x, target, slopes))
    euros = rng.integers(100_000, 400_000, 12).astype(np.int32)
    guesses = (euros + rng.integers(-60_000, 60_000, 12)).astype(np.int32)
    for task in ("squared_errors", "mse", "sse"):
        # int32 differences of up to 60 000 euros overflow when squared in int32
        yield Case(task, "int32 prices in euros", (euros, guesses))
        yield Case(task, "shapes (5,) and (1,)", ([1, 2, 3, 4, 5], [1]))
        yield Case(task, "empty inputs", ([], []))
    yield Case("best_slope", "a tie between -1 and 1", ([1.0], [0.0], [-1.0, 1.0]))
    yield Case("best_slope", "no slopes", ([1.0], [1.0], []))
    yield Case("loss_landscape", "x and y of different lengths", ([1, 2], [1, 2, 3], [1.0]))
    # Edges where a correct answer and a common slip part ways (found by mutation testing).
    yield Case("squared_errors", "shapes (1,) and (2,)", ([1.0], [1.0, 2.0]))
    yield Case("loss_landscape", "one slope", ([1.0, 2.0], [2.0, 4.0], [2.0]))
    # The statements' ValueErrors at their exact boundaries, including shapes
    # that NumPy would broadcast (mutation testing, second round).
    for label, x, y in [
        ("x shorter than y", [1.0], [1.0, 2.0]),
        ("y shorter than x", [1.0, 2.0], [1.0]),
    ]:
        yield Case("best_slope", label, (x, y, [0.5, 1.5]))
    yield Case("best_slope", "empty x and y", ([], [], [1.0]))
    yield Case("best_slope", "slopes as a bare number", ([1.0, 2.0], [2.0, 4.0], 2.0))
    yield Case("best_slope", "slopes as a matrix", ([1.0, 2.0], [2.0, 4.0], [[1.0, 2.0]]))
    # Types the contract states: float results and float64 arrays from integer inputs.
    yield Case("best_slope", "integer slopes", ([1.0, 2.0], [2.0, 4.5], np.arange(-3, 4)))
    yield Case("squared_errors", "int64 arrays", (np.arange(5), np.arange(5)[::-1].copy()))


# -- advice ---------------------------------------------------------------------

ADVICE = (
    Advice(
        "loss_landscape",
        ("x and y of different lengths",),
        "raise ValueError when x and y differ in shape or are empty.",
    ),
    Advice(
        "best_slope",
        (
            "no slopes",
            "x shorter than y",
            "y shorter than x",
            "empty x and y",
            "slopes as a bare number",
            "slopes as a matrix",
        ),
        "raise ValueError when x and y differ in shape or are empty, or when slopes is not a "
        "non-empty 1-D array.",
    ),
)


# -- mistakes -------------------------------------------------------------------


def _mse_sum(y_true, y_pred):
    y_true, y_pred = floats(y_true, y_pred)
    return float(np.sum((y_true - y_pred) ** 2))


def _mse_root(y_true, y_pred):
    y_true, y_pred = floats(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def _mse_absolute(y_true, y_pred):
    y_true, y_pred = floats(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def _sse_mean(y_true, y_pred):
    return ref1.mse(y_true, y_pred)


def _squared_errors_unsquared(y_true, y_pred):
    y_true, y_pred = floats(y_true, y_pred)
    return y_true - y_pred


def _squared_errors_integers(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)  # int32 stays int32
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError("shapes differ or the inputs are empty")
    return ((y_true - y_pred) ** 2).astype(np.float64)


def _landscape_sum(x, y, slopes):
    x, y, slopes = floats(x, y, slopes)
    return np.array([np.sum((s * x - y) ** 2) for s in slopes])


def _best_index(x, y, slopes):
    return float(np.argmin(ref1.loss_landscape(x, y, slopes)))


def _best_last(x, y, slopes):
    losses = ref1.loss_landscape(x, y, slopes)
    return float(np.asarray(slopes, dtype=np.float64)[len(losses) - 1 - np.argmin(losses[::-1])])


def _best_slope_of_input_type(x, y, slopes):
    losses = ref1.loss_landscape(x, y, slopes)
    return np.asarray(slopes)[int(np.argmin(losses))]  # an integer slope stays an integer


MISTAKES = (
    Mistake(
        "sum instead of mean",
        "mse",
        "your loss is exactly n times too large: it looks like you summed the squared errors "
        "instead of averaging them.",
        _mse_sum,
    ),
    Mistake(
        "root mean squared error",
        "mse",
        "your loss is the square root of the expected one: that is the RMSE; the MSE has no "
        "square root.",
        _mse_root,
    ),
    Mistake(
        "mean absolute error",
        "mse",
        "your loss matches the mean of the absolute errors: the MSE squares each error instead.",
        _mse_absolute,
    ),
    Mistake(
        "mean instead of sum",
        "sse",
        "your result is n times too small: SSE sums the squared errors, it does not average them.",
        _sse_mean,
    ),
    Mistake(
        "integer overflow",
        "squared_errors",
        "your squared errors wrapped around to wrong (even negative) values: integer inputs such "
        "as int32 prices in euros overflow when squared. Convert with np.asarray(..., "
        "dtype=np.float64) before any arithmetic.",
        _squared_errors_integers,
    ),
    Mistake(
        "errors not squared",
        "squared_errors",
        "your values are the plain differences y_true - y_pred: each one must be squared.",
        _squared_errors_unsquared,
    ),
    Mistake(
        "sum of squared errors per slope",
        "loss_landscape",
        "each of your losses is n times too large: the landscape is the mean squared error of "
        "every slope, not the sum.",
        _landscape_sum,
    ),
    Mistake(
        "index instead of slope",
        "best_slope",
        "you returned the position of the best slope in the list, not the slope itself.",
        _best_index,
    ),
    Mistake(
        "last slope on ties",
        "best_slope",
        "on a tie you returned the last of the best slopes; the first one is asked for "
        "(np.argmin does that).",
        _best_last,
    ),
    Mistake(
        "a slope of the input's type",
        "best_slope",
        "your slope has the type of the slopes you were given (an integer for integer slopes): "
        "return it as a float, float(slopes[i]).",
        _best_slope_of_input_type,
    ),
)
