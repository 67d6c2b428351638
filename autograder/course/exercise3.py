"""Exercise 3, house-price regression: everything the grader knows of it.

Its sections follow :mod:`autograder.course`; the types are in
:mod:`autograder.contract`.

Over 300 lines on purpose: one exercise's grading material is read together.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autograder.contract.advice import Advice
from autograder.contract.calls import Call, call, grows_without_bound, nonincreasing
from autograder.contract.cases import CASES_PER_TASK, Case
from autograder.contract.figures import Figure, approx, holds
from autograder.contract.mistakes import (
    BY_CHANGED_ARGUMENT,
    BY_WARNING,
    Mistake,
    floats,
)
from autograder.contract.pictures import Picture, Series
from autograder.contract.properties import Property, first_rise, plot_summary
from reference import house_prices as ref3

# -- figures --------------------------------------------------------------------


def _fit(**kwargs: float) -> Call:
    """fit on the contract's houses."""
    return call("fit", ref3.SIZES, ref3.PRICES, **kwargs)


def _fit_standardized() -> Call:
    return call("fit_standardized", ref3.SIZES, ref3.PRICES)


FIGURES = (
    Figure(
        "fit",
        "fit(SIZES, PRICES): w",
        _fit()[0],
        approx("0.1448887"),
    ),
    Figure(
        "fit",
        "fit(SIZES, PRICES): b",
        _fit()[1],
        approx("50.000464"),
    ),
    Figure(
        "fit",
        "fit(SIZES, PRICES): history[0]",
        _fit()[2][0],
        approx("9160.0"),
    ),
    Figure(
        "fit",
        "fit(SIZES, PRICES): history[-1]",
        _fit()[2][-1],
        approx("92.44238"),
    ),
    Figure(
        "fit",
        "fit(SIZES, PRICES): the loss never increases",
        nonincreasing(_fit()[2]),
        holds("a non-increasing history"),
    ),
    Figure(
        "fit",
        "fit(SIZES, PRICES, lr=2.2e-7): still converges",
        nonincreasing(_fit(lr=2.2e-7)[2]),
        holds("a non-increasing history"),
    ),
    Figure(
        "fit",
        "fit(SIZES, PRICES, lr=2.3e-7): diverges",
        grows_without_bound(_fit(lr=2.3e-7)[2]),
        holds("a loss a million times above the start"),
    ),
    Figure(
        "fit_standardized",
        "fit_standardized(SIZES, PRICES): w",
        _fit_standardized()[0],
        approx("0.136"),
    ),
    Figure(
        "fit_standardized",
        "fit_standardized(SIZES, PRICES): b",
        _fit_standardized()[1],
        approx("70.0"),
    ),
    Figure(
        "fit_standardized",
        "fit_standardized(SIZES, PRICES): final loss",
        _fit_standardized()[2][-1],
        approx("48.0"),
    ),
    Figure(
        "fit_standardized",
        "fit_standardized(SIZES, PRICES): history[0]",
        _fit_standardized()[2][0],
        approx("126260.0"),
    ),
)


# -- cases ----------------------------------------------------------------------


def cases(rng: np.random.Generator) -> Iterator[Case]:
    """The valid and invalid cases, drawn from ``rng``."""
    for _ in range(CASES_PER_TASK):
        n = int(rng.integers(2, 20))
        x = rng.uniform(0, 3, n)
        y = 2 * x + 1 + rng.normal(0, 0.3, n)
        yield Case("predict", f"n={n}", (float(rng.normal()), float(rng.normal()), x))
        steps = int(rng.integers(0, 200))
        yield Case(
            "fit",
            f"n={n}, {steps} steps",
            (x, y),
            {"w0": 0.0, "b0": 0.0, "lr": float(rng.uniform(0.01, 0.1)), "steps": steps},
        )
        yield Case("standardize", f"n={n}", (rng.integers(500, 5000, n),))
        yield Case(
            "fit_standardized",
            f"n={n}",
            (100 * x, y),
            {"lr": float(rng.uniform(0.05, 0.5)), "steps": int(rng.integers(1, 300))},
        )
        yield Case(
            "plot_learning_curve",
            f"{n} losses",
            (np.sort(rng.uniform(0.1, 9, n))[::-1],),
            plot=True,
        )
    yield Case("fit", "a diverging rate", ([1000.0, 2000.0], [1.0, 2.0]), {"lr": 1.0, "steps": 50})
    yield Case("standardize", "a constant input", ([3.0, 3.0, 3.0],))
    yield Case("standardize", "a constant input whose std rounds to 1e-17", ([0.1, 0.1, 0.1],))
    yield Case("fit", "x and y of different lengths", ([1.0, 2.0], [1.0]))
    # Edges where a correct answer and a common slip part ways (found by mutation testing).
    yield Case("fit", "no steps", ([1.0, 2.0], [1.0, 3.0], 0.0, 0.0, 0.1), {"steps": 0})
    yield Case("fit", "one example", ([1.0], [2.0]), {"steps": 20})
    yield Case("standardize", "one value", ([5.0],))
    # The statements' ValueErrors at their exact boundaries, including shapes
    # that NumPy would broadcast (mutation testing, second round).
    yield Case("fit", "x shorter than y", ([1.0], [1.0, 2.0]))
    yield Case("fit", "x and y as bare numbers", (2.0, 3.0))
    yield Case("fit", "x and y as matrices", ([[1.0, 2.0]], [[2.0, 3.0]]))
    yield Case("fit", "empty x and y", ([], []))
    yield Case("fit", "steps = -1", ([1.0, 2.0], [1.0, 3.0]), {"steps": -1})
    yield Case("standardize", "a bare number", (5.0,))
    yield Case("standardize", "a matrix", ([[1.0, 2.0], [3.0, 5.0]],))
    yield Case("standardize", "an empty input", ([],))
    # Types and untouched inputs: integer x for predict, a float64 x that must stay as it was.
    yield Case("predict", "an integer array", (2, 1, np.arange(6)))
    yield Case("standardize", "a float64 array", (rng.uniform(500, 5000, 7),))
    # Training loops never stop early, also once the loss is no longer finite.
    yield Case(
        "fit_standardized",
        "a diverging rate",
        ([1.0, 2.0, 4.0], [1.0, 2.0, 3.0]),
        {"lr": 5.0, "steps": 600},
    )


# -- properties -----------------------------------------------------------------


def properties(rng: np.random.Generator) -> Iterator[Property]:
    """The promises of the mathematics, on inputs drawn from ``rng``."""
    n = int(rng.integers(4, 30))
    x = rng.uniform(0.5, 3.0, n)
    y = 2 * x + 1 + rng.normal(0, 0.3, n)
    critical = 2 / np.linalg.eigvalsh(ref3.mse_hessian(x))[-1]
    below, above = (
        float(rng.uniform(0.3, 0.95)) * critical,
        float(rng.uniform(1.1, 1.4)) * critical,
    )
    steps = int(rng.integers(60, 200))

    def never_rises(m: Any) -> str | None:
        history = m.fit(x, y, lr=below, steps=steps)[2]
        step = first_rise(history)
        if step is None:
            return None
        return (
            f"fit with lr = {below:.4g}, below the critical rate 2/λmax = {critical:.4g} of this "
            f"data, let the loss rise at step {step} ({history[step - 1]:.6g} -> "
            f"{history[step]:.6g}). Below the critical rate every step of batch gradient "
            "descent lowers a quadratic loss: check that w and b are updated together, from "
            "the gradient of the mean"
        )

    def grows_above(m: Any) -> str | None:
        history = np.asarray(m.fit(x, y, lr=above, steps=steps)[2], dtype=np.float64)
        if len(history) == steps + 1 and not history[-1] <= history[0]:
            return None
        return (
            f"fit with lr = {above:.4g}, above the critical rate {critical:.4g}, should diverge "
            f"over all {steps} steps (a history of {steps + 1} losses ending far above its "
            f"start), but the history has {len(history)} entries and ends at {history[-1]:.6g} "
            f"from {history[0]:.6g}"
        )

    sizes = rng.uniform(500, 5000, int(rng.integers(5, 30)))  # badly conditioned raw
    prices = 0.1 * sizes + 50 + rng.normal(0, 30, len(sizes))
    slope, intercept = np.polyfit(sizes, prices, 1)

    def least_squares(m: Any) -> str | None:
        w, b, _ = m.fit_standardized(sizes, prices)
        if np.isclose(w, slope, rtol=1e-6) and np.isclose(b, intercept, rtol=1e-6, atol=1e-6):
            return None
        return (
            f"on {len(sizes)} houses, fit_standardized should reach the least-squares line "
            f"w = {slope:.6g}, b = {intercept:.6g} (standardising makes the problem well "
            f"conditioned, so 1000 steps at lr = 0.1 get there), but returned w = {w:.6g}, "
            f"b = {b:.6g}. If the line is right in standardised units, check the conversion "
            "back: w = w_z / std and b = b_z - w_z * mean / std"
        )

    history = np.sort(rng.uniform(0.1, 9, int(rng.integers(3, 20))))[::-1]

    def leaves_pyplot_alone(m: Any) -> str | None:
        if not plot_summary(m, "plot_learning_curve", history)["pyplot_figures"]:
            return None
        return (
            "plot_learning_curve left a pyplot figure open: in a notebook or a long session "
            "every call then keeps one more figure in memory (and may show it). Build the "
            "figure with matplotlib.figure.Figure(), or close the pyplot figure you opened"
        )

    yield Property("fit", "the loss never rises below the critical rate", never_rises)
    yield Property("fit", "the loss grows above the critical rate", grows_above)
    yield Property("fit_standardized", "standardising reaches least squares", least_squares)
    yield Property("plot_learning_curve", "leaves pyplot's figures alone", leaves_pyplot_alone)


# -- advice ---------------------------------------------------------------------

ADVICE = (
    Advice(
        "fit",
        (
            "x and y of different lengths",
            "x shorter than y",
            "x and y as bare numbers",
            "x and y as matrices",
            "empty x and y",
            "steps = -1",
        ),
        "raise ValueError when x and y are not non-empty 1-D arrays of one length, or steps < 0.",
    ),
    Advice(
        "standardize",
        (
            "a bare number",
            "a matrix",
            "an empty input",
        ),
        "raise ValueError when x is not a non-empty 1-D array.",
    ),
    Advice(
        "standardize",
        ("a constant input whose std rounds to 1e-17",),
        "judge a constant input by its values (np.ptp(x) == 0), not by std == 0: the computed "
        "std of [0.1, 0.1, 0.1] is 1.4e-17, not 0.",
    ),
    Advice(
        "plot_learning_curve",
        ("leaves pyplot's figures alone",),
        "build the figure with matplotlib.figure.Figure() rather than pyplot, or close the "
        "pyplot figures you open.",
    ),
)


# -- mistakes -------------------------------------------------------------------


def _descent(x, y, w, b, lr, steps, simultaneous=True, factor=2.0, silent=True):
    x, y = floats(x, y)
    history = [float(np.mean((w * x + b - y) ** 2))]
    quiet = "ignore" if silent else "warn"
    with np.errstate(over=quiet, invalid=quiet):
        for _ in range(steps):
            r = w * x + b - y
            w_new = w - lr * factor * np.mean(r * x)
            if not simultaneous:  # the intercept's gradient sees the new slope
                r = w_new * x + b - y
            b = b - lr * factor * np.mean(r)
            w = w_new
            history.append(float(np.mean((w * x + b - y) ** 2)))
    return float(w), float(b), np.array(history)


def _fit_loud(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    return _descent(x, y, w0, b0, lr, steps, silent=False)


def _fit_sequential(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    return _descent(x, y, w0, b0, lr, steps, simultaneous=False)


def _fit_short(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    w, b, history = _descent(x, y, w0, b0, lr, steps)
    return w, b, history[1:]


def _fit_half(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    return _descent(x, y, w0, b0, lr, steps, factor=1.0)


def _standardize_ddof(x):
    x = np.asarray(x, dtype=np.float64)
    mean, std = float(np.mean(x)), float(np.std(x, ddof=1))
    return (x - mean) / std, mean, std


def _fit_standardized_raw_intercept(x, y, lr=0.1, steps=1000):
    z, mean, std = ref3.standardize(x)
    w_z, b_z, history = ref3.fit(z, y, w0=0.0, b0=0.0, lr=lr, steps=steps)
    return float(w_z / std), float(b_z), history


def _fit_standardized_raw_slope(x, y, lr=0.1, steps=1000):
    z, mean, std = ref3.standardize(x)
    w_z, b_z, history = ref3.fit(z, y, w0=0.0, b0=0.0, lr=lr, steps=steps)
    return float(w_z), float(b_z - w_z * mean / std), history


def _predict_integers(w, b, x):
    return w * np.asarray(x) + b  # integer inputs give an integer array


def _standardize_in_place(x):
    x = np.asarray(x, dtype=np.float64)  # the caller's own array when it is float64
    mean, std = float(np.mean(x)), float(np.std(x))
    if np.ptp(x) == 0:
        raise ValueError("x is constant")
    x -= mean
    x /= std
    return x, mean, std


def _fit_stops(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    w, b, history = _descent(x, y, w0, b0, lr, steps)
    finite = np.isfinite(history)
    return w, b, history if finite.all() else history[: int(np.argmin(finite))]


MISTAKES = (
    Mistake(
        "overflow warnings on divergence",
        "fit",
        "when the rate is too large the losses overflow to inf and NumPy warns; the contract "
        "wants a diverging fit to stay silent. Compute the updates inside "
        "np.errstate(over='ignore', invalid='ignore').",
        _fit_loud,
        told_by=BY_WARNING,
    ),
    Mistake(
        "non-simultaneous updates",
        "fit",
        "your intercept's gradient uses the already updated slope: compute both gradients from "
        "the same old (w, b), then update both.",
        _fit_sequential,
    ),
    Mistake(
        "history off by one",
        "fit",
        "your history is missing its first entry: history[0] is the loss before any update, so "
        "it has steps + 1 entries.",
        _fit_short,
    ),
    Mistake(
        "gradient without factor 2",
        "fit",
        "your descent takes steps half as long as expected: the MSE gradient has a factor 2.",
        _fit_half,
    ),
    Mistake(
        "sample standard deviation",
        "standardize",
        "you used the sample standard deviation (ddof=1); the population one (ddof=0, np.std's "
        "default) is asked for.",
        _standardize_ddof,
    ),
    Mistake(
        "intercept not converted back",
        "fit_standardized",
        "your intercept is still the one for standardised inputs: in original units b = bz - wz "
        "* mean / std.",
        _fit_standardized_raw_intercept,
    ),
    Mistake(
        "slope not converted back",
        "fit_standardized",
        "your slope is still the one for standardised inputs: in original units w = wz / std.",
        _fit_standardized_raw_slope,
    ),
    Mistake(
        "integer predictions",
        "predict",
        "your predictions keep the integer type of an integer x: convert x with np.asarray(x, "
        "dtype=np.float64) first.",
        _predict_integers,
    ),
    Mistake(
        "x standardised in place",
        "standardize",
        "your function wrote the standardised values into the caller's x (np.asarray does not "
        "copy a float64 array): compute z = (x - mean) / std into a new array.",
        _standardize_in_place,
        told_by=BY_CHANGED_ARGUMENT,
    ),
    Mistake(
        "training stopped at divergence",
        "fit",
        "your history stops once the loss is no longer finite; training loops never stop early: "
        "history always has steps + 1 entries, inf or nan after a divergence.",
        _fit_stops,
    ),
)


# -- picture --------------------------------------------------------------------

PICTURE = Picture(
    "fit and fit_standardized on (SIZES, PRICES): learning curves",
    "step",
    "MSE loss",
    True,
    (
        Series("fit", _fit()[2]),
        Series("fit_standardized", _fit_standardized()[2]),
    ),
)
