"""Exercise 2, gradients: everything the grader knows of it.

Its sections follow :mod:`autograder.course`; the types are in
:mod:`autograder.contract`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from autograder.contract.advice import Advice
from autograder.contract.calls import Call, below, call
from autograder.contract.cases import CASES_PER_TASK, Case
from autograder.contract.figures import Figure, approx, holds
from autograder.contract.mistakes import (
    BY_CHANGED_ARGUMENT,
    Mistake,
    floats,
)
from autograder.sandbox import functions
from reference import gradients as ref2

# -- figures --------------------------------------------------------------------

_LINE_X = [0, 1, 2, 3, 4]


_LINE_Y = [1, 3, 5, 7, 9]


def _gradient_check() -> Call:
    """The relative error between linear_gradient and numerical_gradient on fixed data."""
    rng = np.random.default_rng(7)
    X, y, w = rng.standard_normal((20, 3)), rng.standard_normal(20), rng.standard_normal(3)
    analytic = call("linear_gradient", w, X, y)
    numeric = call("numerical_gradient", functions.Function("mean_squared", X=X, y=y), w)
    return call("relative_error", analytic, numeric)


FIGURES = (
    Figure(
        "mse_gradients",
        "mse_gradients(2, 10, x, 2x + 1): dL/db",
        call("mse_gradients", 2.0, 10.0, _LINE_X, _LINE_Y)[1],
        approx("18.0"),
    ),
    Figure(
        "numerical_gradient",
        "relative error of linear_gradient against numerical_gradient",
        below(_gradient_check(), 1e-6),
        holds("below 1e-6"),
    ),
)


# -- cases ----------------------------------------------------------------------


def cases(rng: np.random.Generator) -> Iterator[Case]:
    """The valid and invalid cases, drawn from ``rng``."""
    for _ in range(CASES_PER_TASK):
        n, d = int(rng.integers(1, 30)), int(rng.integers(1, 5))
        x, y = rng.normal(0, 3, n), rng.normal(0, 3, n)
        yield Case("mse_gradients", f"n={n}", (float(rng.normal()), float(rng.normal()), x, y))
        X, w, t = rng.normal(size=(n, d)), rng.normal(size=d), rng.normal(size=n)
        yield Case("linear_gradient", f"X {X.shape}", (w, X, t))
        shape = [(), (d,), (2, d)][int(rng.integers(0, 3))]
        theta = rng.normal(size=shape)
        yield Case(
            "numerical_gradient",
            f"theta {shape}",
            (functions.wavy, theta),
            {"h": float(10.0 ** rng.uniform(-6, -3))},
        )
        a = rng.normal(size=(d,))
        yield Case("relative_error", f"shape ({d},)", (a, a + rng.normal(0, 1e-3, d)))
    yield Case("mse_gradients", "x and y of different lengths", (1.0, 1.0, [1, 2], [1]))
    yield Case(
        "linear_gradient", "w of the wrong length", (np.ones(3), np.ones((4, 2)), np.ones(4))
    )
    yield Case("numerical_gradient", "h = 0", (functions.wavy, np.ones(2)), {"h": 0.0})
    yield Case("relative_error", "zeros", (np.zeros(3), np.zeros(3)))
    yield Case("relative_error", "shapes differ", (np.zeros(3), np.zeros(2)))
    # Edges where a correct answer and a common slip part ways (found by mutation testing).
    yield Case("mse_gradients", "one example", (1.0, 0.0, [1.0], [2.0]))
    yield Case("linear_gradient", "one example", (np.ones(2), np.ones((1, 2)), np.ones(1)))
    # The statements' ValueErrors at their exact boundaries, including shapes
    # that NumPy would broadcast (mutation testing, second round).
    yield Case("mse_gradients", "x shorter than y", (1.0, 1.0, [1.0], [1.0, 2.0]))
    yield Case("mse_gradients", "empty x and y", (1.0, 1.0, [], []))
    yield Case("linear_gradient", "X without rows", (np.ones(2), np.ones((0, 2)), np.ones(0)))
    yield Case("linear_gradient", "y of length 1", (np.ones(2), np.ones((4, 2)), np.ones(1)))
    yield Case("numerical_gradient", "h < 0", (functions.wavy, np.ones(2)), {"h": -1e-5})
    for label, a, b in [
        ("a shorter than b", [1.0], [1.0, 2.0]),
        ("b shorter than a", [1.0, 2.0], [1.0]),
    ]:
        yield Case("relative_error", label, (np.array(a), np.array(b)))


# -- advice ---------------------------------------------------------------------

ADVICE = (
    Advice(
        "mse_gradients",
        (
            "x and y of different lengths",
            "x shorter than y",
            "empty x and y",
        ),
        "raise ValueError when x and y are not non-empty 1-D arrays of one length.",
    ),
    Advice(
        "linear_gradient",
        (
            "w of the wrong length",
            "X without rows",
            "y of length 1",
        ),
        "raise ValueError when X is not a 2-D array with rows, or y and w do not fit its shape.",
    ),
    Advice(
        "numerical_gradient",
        (
            "h = 0",
            "h < 0",
        ),
        "raise ValueError when h is not positive.",
    ),
    Advice(
        "relative_error",
        (
            "shapes differ",
            "a shorter than b",
            "b shorter than a",
        ),
        "raise ValueError when a and b differ in shape.",
    ),
)


# -- mistakes -------------------------------------------------------------------


def _gradients_half(w, b, x, y):
    x, y = floats(x, y)
    r = w * x + b - y
    return float(np.mean(r * x)), float(np.mean(r))


def _gradients_flipped(w, b, x, y):
    x, y = floats(x, y)
    r = y - (w * x + b)
    return float(2 * np.mean(r * x)), float(2 * np.mean(r))


def _gradients_sum(w, b, x, y):
    x, y = floats(x, y)
    r = w * x + b - y
    return float(2 * np.sum(r * x)), float(2 * np.sum(r))


def _linear_half(w, X, y):
    w, X, y = floats(w, X, y)
    return X.T @ (X @ w - y) / len(y)


def _linear_sum(w, X, y):
    w, X, y = floats(w, X, y)
    return 2 * X.T @ (X @ w - y)


def _numerical_forward(f, theta, h=1e-5):
    point = np.array(theta, dtype=np.float64)
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        plus = point.copy()
        plus[index] += h
        gradient[index] = (float(f(plus)) - float(f(point))) / h
    return gradient


def _numerical_in_place(f, theta, h=1e-5):
    point = np.asarray(theta, dtype=np.float64)  # the caller's own array, not a copy
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        point[index] += h
        plus = float(f(point))
        point[index] -= 2 * h
        minus = float(f(point))
        point[index] += h  # "restored", up to rounding
        gradient[index] = (plus - minus) / (2 * h)
    return gradient


def _numerical_double(f, theta, h=1e-5):
    return 2 * ref2.numerical_gradient(f, theta, h)


def _relative_mean(a, b):
    a, b = floats(a, b)
    return float(np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


MISTAKES = (
    Mistake(
        "missing factor 2",
        "mse_gradients",
        "your gradient is exactly half the expected one: the derivative of a square brings down "
        "a factor 2.",
        _gradients_half,
    ),
    Mistake(
        "flipped sign",
        "mse_gradients",
        "your gradient has the opposite sign: the residual is w*x + b - y (prediction minus "
        "target).",
        _gradients_flipped,
    ),
    Mistake(
        "sum instead of mean in the gradient",
        "mse_gradients",
        "your gradient is n times too large: the loss is a mean, so its gradient is a mean too.",
        _gradients_sum,
    ),
    Mistake(
        "linear gradient without factor 2",
        "linear_gradient",
        "your gradient is exactly half the expected one: 2 X.T (X w - y) / n has a factor 2.",
        _linear_half,
    ),
    Mistake(
        "linear gradient summed",
        "linear_gradient",
        "your gradient is n times too large: divide by the number of rows n.",
        _linear_sum,
    ),
    Mistake(
        "forward difference",
        "numerical_gradient",
        "you used a one-sided difference (f(theta + h) - f(theta)) / h; central differences use "
        "f(theta + h) - f(theta - h) over 2h.",
        _numerical_forward,
    ),
    Mistake(
        "theta changed in place",
        "numerical_gradient",
        "your function wrote into the caller's theta (np.asarray does not copy a float64 array) "
        "and left it changed: nudging theta[i] by +h, -2h and +h back does not restore it "
        "exactly in floating point. Work on a copy, np.array(theta, dtype=float).",
        _numerical_in_place,
        told_by=BY_CHANGED_ARGUMENT,
    ),
    Mistake(
        "divided by h instead of 2h",
        "numerical_gradient",
        "your estimate is exactly twice the expected one: central differences divide by 2h.",
        _numerical_double,
    ),
    Mistake(
        "mean instead of max",
        "relative_error",
        "you averaged the relative errors; the largest one over the elements is asked for.",
        _relative_mean,
    ),
)
