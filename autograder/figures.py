"""The contract's figures, as data.

Every number that ``EXERCISES.md`` says a correct answer reproduces is one
:class:`Figure`: a computation on a module that offers the contract's functions
(an answer key, the reference, or later a student's submission) and the value
expected of it. Fixed parts of the exercises (``grad``, ``SIZES``, ...) come from
the reference, so a figure only ever calls the graded functions.

Expected decimals are written as the contract prints them; the tolerance is
half a unit of the last printed digit, so ``"0.1448887"`` accepts
``0.14488865 ... 0.14488875``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from autograder.sandbox import functions
from reference import house_prices as ref3
from reference import learning_rate as ref4
from reference import minibatch as ref6


@dataclass(frozen=True)
class Expected:
    """What a figure must come out as.

    Attributes
    ----------
    description : str
        The expected value in words, as the contract states it.
    matches : callable
        ``matches(actual) -> bool``.
    """

    description: str
    matches: Callable[[Any], bool]


def approx(*printed: str) -> Expected:
    """A number, or a sequence of numbers, as the contract prints them.

    Parameters
    ----------
    *printed : str
        Decimal literals such as ``"0.1448887"`` or ``"-7.96e7"``.

    Returns
    -------
    Expected
        Accepts values within half a unit of each literal's last digit; a
        single literal expects a scalar, several expect a 1-D sequence.
    """
    values = np.array([float(text) for text in printed])
    tolerances = np.array([0.5 * 10.0 ** Decimal(text).as_tuple().exponent for text in printed])

    def matches(actual: Any) -> bool:
        try:
            actual = np.asarray(actual, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        if len(printed) == 1 and actual.shape != ():
            return False
        if len(printed) > 1 and actual.shape != values.shape:
            return False
        return bool(
            np.all(
                np.abs(actual - (values if len(printed) > 1 else values[0]))
                <= tolerances * (1 + 1e-12)
            )
        )

    shown = printed[0] if len(printed) == 1 else "[" + ", ".join(printed) + "]"
    return Expected(shown, matches)


def exactly(value: Any) -> Expected:
    """A string, integer or ``None`` that must be equal (and of the same type)."""
    return Expected(repr(value), lambda actual: type(actual) is type(value) and actual == value)


def within(target: float, tol: float) -> Expected:
    """A number within ``tol`` of ``target``."""

    def matches(actual: Any) -> bool:
        try:
            return abs(float(actual) - target) <= tol
        except (TypeError, ValueError):
            return False

    return Expected(f"within {tol:g} of {target:g}", matches)


def holds(description: str) -> Expected:
    """A property computed by the figure itself, which must be ``True``."""
    return Expected(description, lambda actual: actual is True)


@dataclass(frozen=True)
class Figure:
    """One figure of the contract.

    Attributes
    ----------
    exercise : str
        ``"exercise1"`` ... ``"exercise6"``.
    task : str
        The graded function the figure exercises.
    claim : str
        What is computed, in the contract's terms.
    compute : callable
        ``compute(module)``: the computed value, from the module's functions.
    expected : Expected
        What it must come out as.
    """

    exercise: str
    task: str
    claim: str
    compute: Callable[[Any], Any]
    expected: Expected

    def check(self, module: Any) -> tuple[bool, Any]:
        """Compute the figure on ``module``.

        Returns
        -------
        ok : bool
            Whether the value matches.
        actual : object
            The computed value.
        """
        actual = self.compute(module)
        return self.expected.matches(actual), actual


def _is_nonincreasing(history: Sequence[float]) -> bool:
    history = np.asarray(history, dtype=np.float64)
    return bool(np.all(np.isfinite(history)) and np.all(np.diff(history) <= 0))


def _grows_without_bound(history: Sequence[float]) -> bool:
    history = np.asarray(history, dtype=np.float64)
    return bool(not np.isfinite(history[-1]) or history[-1] > 1e6 * history[0])


_PRICES_ACTUAL = [185000, 210000, 145000, 320000, 165000]
_PRICES_PREDICTED = [200000, 195000, 160000, 300000, 175000]
_AREAS = [40, 60, 80, 100, 120]
_AREA_PRICES = [105000, 155000, 205000, 260000, 310000]
_SLOPES = list(range(1000, 4000, 100))
_LINE_X = [0, 1, 2, 3, 4]
_LINE_Y = [1, 3, 5, 7, 9]


def _gradient_check(m: Any) -> float:
    """Relative error between linear_gradient and numerical_gradient on fixed data."""
    rng = np.random.default_rng(7)
    X, y, w = rng.standard_normal((20, 3)), rng.standard_normal(20), rng.standard_normal(3)
    analytic = m.linear_gradient(w, X, y)
    numeric = m.numerical_gradient(functions.Function("mean_squared", X=X, y=y), w)
    return m.relative_error(analytic, numeric)


def _dataset() -> tuple[np.ndarray, np.ndarray]:
    return ref6.make_dataset(rng=np.random.default_rng(42))


def _full_batch(m: Any):
    return m.full_batch_gd(*_dataset())


def _minibatch(m: Any):
    return m.minibatch_gd(*_dataset(), rng=np.random.default_rng(0))


def _batch_of_n_is_full_batch(m: Any) -> bool:
    X, y = _dataset()
    w_full, history_full = m.full_batch_gd(X, y)
    w_mini, history_mini = m.minibatch_gd(X, y, batch_size=len(y), rng=np.random.default_rng(1))
    return bool(
        np.allclose(w_mini, w_full, rtol=0, atol=1e-12)
        and np.allclose(history_mini, history_full, rtol=1e-12, atol=0)
    )


# (lr, last iterate, class) from x0 = 0 over 20 steps.
_LR_TABLE = [
    ("0.01", "0.66478", "converging"),
    ("0.1", "1.97694", "converging"),
    ("0.5", "2.0", "converged"),
    ("0.9", "1.97694", "converging"),
    ("1.0", "0.0", "oscillating"),
    ("1.1", "-74.675", "diverged"),
    ("1.5", "1048578.0", "diverged"),
]


def _lr_table_figures() -> list[Figure]:
    figures = []
    for lr_text, last, label in _LR_TABLE:
        lr = float(lr_text)
        figures.append(
            Figure(
                "exercise4",
                "run_gd",
                f"run_gd(grad, 0.0, lr={lr_text})[-1]",
                lambda m, lr=lr: m.run_gd(functions.parabola_grad, 0.0, lr)[-1],
                approx(last),
            )
        )
        figures.append(
            Figure(
                "exercise4",
                "classify",
                f"classify(run_gd(grad, 0.0, lr={lr_text}), 2.0)",
                lambda m, lr=lr: m.classify(ref4.run_gd(ref4.grad, 0.0, lr), 2.0),
                exactly(label),
            )
        )
    return figures


FIGURES: tuple[Figure, ...] = (
    # exercise1
    Figure(
        "exercise1",
        "mse",
        "mse(actual prices, predicted prices)",
        lambda m: m.mse(_PRICES_ACTUAL, _PRICES_PREDICTED),
        approx("235000000.0"),
    ),
    Figure(
        "exercise1",
        "best_slope",
        "best_slope(areas, prices, 1000, 1100, ..., 3900)",
        lambda m: m.best_slope(_AREAS, _AREA_PRICES, _SLOPES),
        approx("2600.0"),
    ),
    # exercise2
    Figure(
        "exercise2",
        "mse_gradients",
        "mse_gradients(2, 10, x, 2x + 1): dL/db",
        lambda m: m.mse_gradients(2.0, 10.0, _LINE_X, _LINE_Y)[1],
        approx("18.0"),
    ),
    Figure(
        "exercise2",
        "numerical_gradient",
        "relative error of linear_gradient against numerical_gradient",
        lambda m: bool(float(_gradient_check(m)) < 1e-6),
        holds("below 1e-6"),
    ),
    # exercise3
    Figure(
        "exercise3",
        "fit",
        "fit(SIZES, PRICES): w",
        lambda m: m.fit(ref3.SIZES, ref3.PRICES)[0],
        approx("0.1448887"),
    ),
    Figure(
        "exercise3",
        "fit",
        "fit(SIZES, PRICES): b",
        lambda m: m.fit(ref3.SIZES, ref3.PRICES)[1],
        approx("50.000464"),
    ),
    Figure(
        "exercise3",
        "fit",
        "fit(SIZES, PRICES): history[0]",
        lambda m: m.fit(ref3.SIZES, ref3.PRICES)[2][0],
        approx("9160.0"),
    ),
    Figure(
        "exercise3",
        "fit",
        "fit(SIZES, PRICES): history[-1]",
        lambda m: m.fit(ref3.SIZES, ref3.PRICES)[2][-1],
        approx("92.44238"),
    ),
    Figure(
        "exercise3",
        "fit",
        "fit(SIZES, PRICES): the loss never increases",
        lambda m: _is_nonincreasing(m.fit(ref3.SIZES, ref3.PRICES)[2]),
        holds("a non-increasing history"),
    ),
    Figure(
        "exercise3",
        "fit",
        "fit(SIZES, PRICES, lr=2.2e-7): still converges",
        lambda m: _is_nonincreasing(m.fit(ref3.SIZES, ref3.PRICES, lr=2.2e-7)[2]),
        holds("a non-increasing history"),
    ),
    Figure(
        "exercise3",
        "fit",
        "fit(SIZES, PRICES, lr=2.3e-7): diverges",
        lambda m: _grows_without_bound(m.fit(ref3.SIZES, ref3.PRICES, lr=2.3e-7)[2]),
        holds("a loss a million times above the start"),
    ),
    Figure(
        "exercise3",
        "fit_standardized",
        "fit_standardized(SIZES, PRICES): w",
        lambda m: m.fit_standardized(ref3.SIZES, ref3.PRICES)[0],
        approx("0.136"),
    ),
    Figure(
        "exercise3",
        "fit_standardized",
        "fit_standardized(SIZES, PRICES): b",
        lambda m: m.fit_standardized(ref3.SIZES, ref3.PRICES)[1],
        approx("70.0"),
    ),
    Figure(
        "exercise3",
        "fit_standardized",
        "fit_standardized(SIZES, PRICES): final loss",
        lambda m: m.fit_standardized(ref3.SIZES, ref3.PRICES)[2][-1],
        approx("48.0"),
    ),
    Figure(
        "exercise3",
        "fit_standardized",
        "fit_standardized(SIZES, PRICES): history[0]",
        lambda m: m.fit_standardized(ref3.SIZES, ref3.PRICES)[2][0],
        approx("126260.0"),
    ),
    # exercise4
    *_lr_table_figures(),
    Figure(
        "exercise4",
        "run_gd",
        "run_gd(grad, 0.0, lr=1.5): iterates before stopping",
        lambda m: len(m.run_gd(functions.parabola_grad, 0.0, 1.5)),
        exactly(20),
    ),
    Figure(
        "exercise4", "critical_lr", "critical_lr(2.0)", lambda m: m.critical_lr(2.0), approx("1.0")
    ),
    Figure(
        "exercise4",
        "critical_lr",
        "critical_lr(house-price Hessian)",
        lambda m: m.critical_lr(ref3.mse_hessian(ref3.SIZES)),
        approx("2.2222e-7"),
    ),
    Figure(
        "exercise4",
        "find_critical_lr",
        "find_critical_lr(grad, 0.0, 2.0)",
        lambda m: m.find_critical_lr(functions.parabola_grad, 0.0, 2.0),
        within(1.0, 1e-3),
    ),
    # exercise5
    Figure(
        "exercise5",
        "gradient_descent",
        "gradient_descent(grad, 3.0)[-1]: local minimum",
        lambda m: m.gradient_descent(functions.double_well_grad, 3.0)[-1],
        approx("1.96799"),
    ),
    Figure(
        "exercise5",
        "momentum_descent",
        "momentum_descent(grad, 3.0)[-1]: global minimum",
        lambda m: m.momentum_descent(functions.double_well_grad, 3.0)[-1],
        approx("-2.03050"),
    ),
    Figure(
        "exercise5",
        "gradient_descent",
        "gradient_descent(grad, -3.0)[-1]: global minimum",
        lambda m: m.gradient_descent(functions.double_well_grad, -3.0)[-1],
        within(-2.03055, 1e-3),
    ),
    Figure(
        "exercise5",
        "momentum_descent",
        "momentum_descent(grad, -3.0)[-1]: global minimum",
        lambda m: m.momentum_descent(functions.double_well_grad, -3.0)[-1],
        within(-2.03055, 1e-3),
    ),
    Figure(
        "exercise5",
        "gradient_descent",
        "gradient_descent(grad, 3.0, lr=0.1): stops early",
        lambda m: m.gradient_descent(functions.double_well_grad, 3.0, lr=0.1),
        approx("3", "-3.1", "3.7564", "-11.535", "583.88", "-7.96e7"),
    ),
    Figure(
        "exercise5",
        "random_restarts",
        "random_restarts(f, grad, rng=default_rng(0)): (best_x, best_f)",
        lambda m: m.random_restarts(
            functions.double_well, functions.double_well_grad, rng=np.random.default_rng(0)
        ),
        approx("-2.03055", "-18.01539"),
    ),
    # exercise6
    Figure(
        "exercise6",
        "full_batch_gd",
        "full batch: first epoch with loss < 1.0",
        lambda m: m.epochs_to_threshold(_full_batch(m)[1]),
        exactly(54),
    ),
    Figure(
        "exercise6",
        "full_batch_gd",
        "full batch: final loss",
        lambda m: _full_batch(m)[1][-1],
        approx("0.35838"),
    ),
    Figure(
        "exercise6",
        "full_batch_gd",
        "full batch: final w",
        lambda m: _full_batch(m)[0],
        approx("1.74761", "-1.28870", "0.42943"),
    ),
    Figure(
        "exercise6",
        "minibatch_gd",
        "mini-batch (rng 0): first epoch with loss < 1.0",
        lambda m: m.epochs_to_threshold(_minibatch(m)[1]),
        exactly(2),
    ),
    Figure(
        "exercise6",
        "minibatch_gd",
        "mini-batch (rng 0): final loss",
        lambda m: _minibatch(m)[1][-1],
        approx("0.23650"),
    ),
    Figure(
        "exercise6",
        "minibatch_gd",
        "mini-batch with batch_size = n equals full batch",
        _batch_of_n_is_full_batch,
        holds("equal to 1e-12"),
    ),
    Figure(
        "exercise6",
        "make_dataset",
        "make_dataset(rng=default_rng(42)): least-squares loss",
        lambda m: _least_squares_loss(*m.make_dataset(rng=np.random.default_rng(42))),
        approx("0.23642"),
    ),
)


def _least_squares_loss(X: np.ndarray, y: np.ndarray) -> float:
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    return float(np.mean((X @ w - y) ** 2))


def figures_for(exercise: str) -> list[Figure]:
    """The figures of one exercise, in contract order."""
    return [figure for figure in FIGURES if figure.exercise == exercise]
