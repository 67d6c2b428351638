"""Test cases on random and invalid inputs, and agreement between implementations.

For every task of every exercise this module draws cases: valid inputs of
random sizes, values and dtypes, plus invalid ones that the contract says must
raise ``ValueError``. Two implementations (an answer key and the reference)
agree on a case when both return equal values (to a relative ``1e-7``) or both
raise the same exception type.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.sandbox import functions
from autograder.sandbox.axes import axes_summary
from autograder.sandbox.functions import bowl_grad, quadratic_grad
from reference import learning_rate as ref4

CASES_PER_TASK = 8


@dataclass(frozen=True)
class Case:
    """One call of one task.

    Attributes
    ----------
    task : str
        The function to call.
    label : str
        A short description for messages.
    args, kwargs
        The arguments; each call gets deep copies, and generators are rebuilt
        from ``seeds`` so that both sides see the same random stream.
    seeds : dict
        Keyword arguments to pass as ``np.random.default_rng(seed)``.
    plot : bool
        The result is a matplotlib Axes, compared through :func:`axes_summary`.
    """

    task: str
    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    seeds: dict = field(default_factory=dict)
    plot: bool = False

    def arguments(self) -> tuple[list, dict]:
        """Fresh copies of the arguments, with new generators from ``seeds``."""
        kwargs = copy.deepcopy(self.kwargs)
        kwargs.update({name: np.random.default_rng(seed) for name, seed in self.seeds.items()})
        return list(copy.deepcopy(self.args)), kwargs

    def run(self, module: Any) -> tuple[str, Any, dict]:
        """Run the case on ``module`` and keep the keyword arguments it was given.

        Returns
        -------
        tuple
            ``(kind, value, kwargs)``: ``("value", result, ...)`` (a plot as
            :func:`axes_summary`) or ``("raises", exception type name, ...)``;
            ``kwargs`` holds the generators as the call left them.
        """
        args, kwargs = self.arguments()
        try:
            result = getattr(module, self.task)(*args, **kwargs)
        except Exception as error:  # the exception type is the outcome being compared
            return "raises", type(error).__name__, kwargs
        return "value", axes_summary(result) if self.plot else result, kwargs

    def invoke(self, module: Any) -> Any:
        """Call the case on ``module`` with fresh arguments; its exceptions propagate."""
        args, kwargs = self.arguments()
        return getattr(module, self.task)(*args, **kwargs)

    def call(self, module: Any) -> tuple[str, Any]:
        """Run the case on ``module``: ``(kind, value)`` as :meth:`run` gives them."""
        kind, value, _ = self.run(module)
        return kind, value

    def expected_plot(self) -> dict:
        """The summary of the plot the contract asks for, without drawing it.

        ``plot_learning_curve(history)`` draws one line of ``history`` against
        ``0 ... len(history) - 1`` on a log scale, with labels and a title; the
        graders compare with this rather than import matplotlib themselves.
        """
        (history,), _ = self.arguments()
        history = np.asarray(history, dtype=np.float64)
        return {
            "lines": [(np.arange(len(history), dtype=np.float64), history)],
            "yscale": "log",
            "xlabel": "step",
            "ylabel": "loss",
            "title": "learning curve",
        }


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


def _exercise1(rng: np.random.Generator) -> Iterator[Case]:
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


def _exercise2(rng: np.random.Generator) -> Iterator[Case]:
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


def _exercise3(rng: np.random.Generator) -> Iterator[Case]:
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


def _exercise4(rng: np.random.Generator) -> Iterator[Case]:
    for i in range(CASES_PER_TASK):
        a, c = float(rng.uniform(0.6, 4)), float(rng.normal(0, 3))
        lr = float(rng.uniform(0.05, 1.2) / a)
        x0 = float(rng.normal(0, 5))
        yield Case(
            "run_gd",
            f"a={a:.3g}, lr={lr:.3g}",
            (quadratic_grad(a, c), x0, lr),
            {"steps": int(rng.integers(0, 60))},
        )
        H = rng.normal(size=(2, 2))
        H = H @ H.T + 0.1 * np.eye(2)
        centre = rng.normal(size=2)
        yield Case(
            "run_gd",
            "a 2-D quadratic",
            (
                bowl_grad(H, centre),
                rng.normal(size=2),
                float(rng.uniform(0.1, 2.5) / np.linalg.eigvalsh(H)[-1]),
            ),
        )
        rate = [0.3, 0.9, 1.0, 1.1, 0.5][i % 5]  # in units of 1/a: converging ... diverged
        a_exact = 2.0 ** int(rng.integers(-2, 3))  # powers of two make lr = 1/a exact
        trajectory = ref4.run_gd(quadratic_grad(a_exact, c), x0, rate / a_exact, steps=30)
        yield Case("classify", f"lr = {rate}/a", (trajectory, c))
        yield Case(
            "predict_behaviour",
            "random",
            (float(rng.uniform(0.01, 3)), float(rng.uniform(0.1, 3))),
        )
        yield Case(
            "critical_lr",
            "a random symmetric matrix",
            (H - float(rng.uniform(0, 0.05)) * np.eye(2),),
        )
        yield Case(
            "find_critical_lr",
            f"a={a:.3g}",
            (quadratic_grad(a, c), x0, c),
            # short runs keep the bisection quick
            {"steps": int(rng.integers(20, 40)), "iters": int(rng.integers(6, 14))},
        )
    for _ in range(2):  # bisection on a 2-D bowl lands on 2 / lambda_max
        H = rng.normal(size=(2, 2))
        H = H @ H.T + 0.5 * np.eye(2)
        H *= 1.5 / np.linalg.eigvalsh(H)[-1]  # lambda_max = 1.5: the rate 4/3 lies in (0, 2)
        centre = rng.normal(size=2)
        yield Case(
            "find_critical_lr",
            "a random symmetric 2x2 Hessian",
            (bowl_grad(H, centre), centre + rng.normal(size=2), centre),
            {"steps": 30, "iters": 12},
        )
    yield Case("predict_behaviour", "q exactly 2", (0.25, 8.0))
    yield Case("predict_behaviour", "lr = 0", (0.0, 1.0))
    yield Case("critical_lr", "a non-symmetric matrix", ([[1.0, 2.0], [0.0, 1.0]],))
    yield Case("critical_lr", "a negative curvature", (-1.0,))
    yield Case("classify", "a run that does not move", ([3.0, 3.0, 3.0], 2.0))
    yield Case("run_gd", "a start beyond the limit", (functions.parabola_grad, 2e6, 0.1))
    # Edges where a correct answer and a common slip part ways (found by mutation testing).
    grad = functions.parabola_grad
    yield Case("run_gd", "a small limit", (grad, 0.0, 0.1), {"steps": 3, "limit": 0.5})
    yield Case("run_gd", "a start exactly at the limit", (grad, 1e6, 0.1), {"steps": 3})
    for label, run, x_star in [
        ("within tol after moving", [0.0, 1.0, 1.995], 2.0),
        ("lr = 1.0 from 0.2, rounding", ref4.run_gd(grad, 0.2, 1.0), 2.0),
        ("starting at the minimum", [2.0, 2.0], 2.0),
        ("exactly tol away", [1.0, 0.01], 0.0),
        ("three iterates bouncing", [0.0, 4.0, 0.0], 2.0),
        ("two iterates bouncing", [0.0, 4.0], 2.0),
        ("bouncing, 5e-10 relative drift", [100.0, -100.0, 99.99999995], 0.0),
        ("bouncing on the same side", [1.0, 1.5, 1.0], 2.0),
        ("one iterate", [3.0], 2.0),
    ]:
        yield Case("classify", label, (run, x_star))
    for lr, curvature in [(0.1, 0.0), (0.1, -0.5), (-0.1, 1.0)]:
        yield Case("predict_behaviour", f"lr={lr}, curvature={curvature}", (lr, curvature))
    yield Case("critical_lr", "a zero curvature", (0.0,))
    yield Case(
        "find_critical_lr",
        "a bracket whose top only oscillates",
        (grad, 0.0, 2.0),
        {"lo": 0.0, "hi": 1.0},
    )
    yield Case(
        "find_critical_lr",
        "a bracket without the critical rate",
        (functions.parabola_grad, 0.0, 2.0),
        {"lo": 0.0, "hi": 0.5},
    )
    # The statements' ValueErrors at their exact boundaries (mutation testing, second round).
    for label, keywords in [
        ("steps = -1", {"steps": -1}),
        ("limit = 0", {"limit": 0.0}),
        ("a negative limit", {"limit": -1.0}),
        ("an infinite limit", {"limit": float("inf")}),
    ]:
        yield Case("run_gd", label, (grad, 0.0, 0.1), keywords)
    yield Case("predict_behaviour", "q = 4", (1.0, 4.0))
    yield Case("classify", "an empty trajectory", ([], 2.0))
    yield Case("critical_lr", "a 1-D array of one value", (np.array([2.0]),))
    yield Case("critical_lr", "a 2x3 matrix", (np.ones((2, 3)),))
    yield Case("critical_lr", "a 3x2 matrix", (np.ones((3, 2)),))
    for lo, hi in [(0.5, 0.5), (1.0, 0.5)]:
        yield Case(
            "find_critical_lr", f"lo = {lo}, hi = {hi}", (grad, 0.0, 2.0), {"lo": lo, "hi": hi}
        )
    # An integer start must not truncate the iterates.
    yield Case("run_gd", "an integer start", (grad, 3, 0.1), {"steps": 5})


def _exercise5(rng: np.random.Generator) -> Iterator[Case]:
    for i in range(CASES_PER_TASK):
        x0, lr = float(rng.uniform(-3, 3)), float(rng.uniform(0.001, 0.02))
        steps = int(rng.integers(0, 80))  # each call runs them in the worker
        yield Case(
            "gradient_descent",
            f"x0={x0:.3g}",
            (functions.double_well_grad, x0),
            {"lr": lr, "steps": steps},
        )
        yield Case(
            "momentum_descent",
            f"x0={x0:.3g}",
            (functions.double_well_grad, x0),
            {"lr": lr, "beta": float(rng.uniform(0.5, 0.95)), "steps": steps},
        )
        yield Case(
            "random_restarts",
            f"seed {i}",
            (functions.double_well, functions.double_well_grad),
            {
                "n_restarts": int(rng.integers(1, 6)),
                "steps": int(rng.integers(10, 60)),
                "lr": float(rng.choice([0.01, 0.05, 0.1])),
            },
            seeds={"rng": int(rng.integers(0, 2**31))},
        )
    yield Case(
        "gradient_descent", "a diverging rate", (functions.double_well_grad, 3.0), {"lr": 0.1}
    )
    yield Case(
        "momentum_descent", "a diverging rate", (functions.double_well_grad, 3.0), {"lr": 0.1}
    )
    yield Case(
        "random_restarts",
        "every run diverges",
        (functions.double_well, functions.double_well_grad),
        {"lr": 1.0, "low": 5.0, "high": 6.0, "n_restarts": 3},
        seeds={"rng": 3},
    )
    well = functions.double_well_grad
    # Edges where a correct answer and a common slip part ways (found by mutation testing).
    yield Case("gradient_descent", "no steps", (well, 1.0), {"steps": 0})
    yield Case("gradient_descent", "a start at the limit", (well, 1e6), {"steps": 3})
    yield Case("momentum_descent", "a small limit", (well, 0.1), {"limit": 0.5, "steps": 3})
    yield Case(
        "random_restarts",
        "a flat function: the first start wins the tie",
        (functions.Function("constant"), functions.Function("constant")),
        {"n_restarts": 3, "steps": 5},
        seeds={"rng": 0},
    )
    yield Case(
        "random_restarts",
        "one start at the limit, no steps",
        (functions.double_well, well),
        {"n_restarts": 1, "low": 1e6, "high": 1e6, "steps": 0},
        seeds={"rng": 0},
    )
    yield Case(
        "random_restarts",
        "no restarts",
        (functions.double_well, functions.double_well_grad),
        {"n_restarts": 0},
        seeds={"rng": 3},
    )
    # The statements' ValueErrors at their exact boundaries (mutation testing, second round).
    for label, keywords in [
        ("steps = -1", {"steps": -1}),
        ("limit = 0", {"limit": 0.0}),
        ("a negative limit", {"limit": -1.0}),
        ("an infinite limit", {"limit": float("inf")}),
    ]:
        yield Case("momentum_descent", label, (well, 1.0), keywords)
    # An integer start, a limit of the caller's, and iterates past the float maximum:
    # the run stops early and never raises (Python floats would raise OverflowError).
    for task in ("gradient_descent", "momentum_descent"):
        yield Case(task, "an integer start", (well, 3), {"steps": 20})
        yield Case(
            task, "a limit near the float maximum", (well, 3.0), {"lr": 0.1, "limit": 1e300}
        )
    yield Case("gradient_descent", "a small limit", (well, 0.1), {"limit": 0.5, "steps": 3})


def _exercise6(rng: np.random.Generator) -> Iterator[Case]:
    for i in range(CASES_PER_TASK):
        n, d = int(rng.integers(1, 60)), int(rng.integers(1, 4))
        w_true = tuple(rng.normal(size=d))
        yield Case(
            "make_dataset",
            f"n={n}",
            (),
            {"n_samples": n, "w_true": w_true, "noise": 0.3},
            seeds={"rng": i},
        )
        X, y = rng.normal(size=(n, d)), rng.normal(size=n)
        yield Case("mse_loss", f"X {X.shape}", (rng.normal(size=d), X, y))
        epochs = int(rng.integers(0, 30))
        yield Case("full_batch_gd", f"X {X.shape}", (X, y), {"lr": 0.05, "epochs": epochs})
        yield Case(
            "minibatch_gd",
            f"X {X.shape}",
            (X, y),
            {"batch_size": int(rng.integers(1, n + 3)), "lr": 0.05, "epochs": epochs},
            seeds={"rng": i},
        )
        # At least one epoch: an empty history is outside the graded domain (advice).
        history = np.sort(rng.uniform(0, 3, max(epochs, 1)))[::-1]
        yield Case(
            "epochs_to_threshold",
            f"{len(history)} epochs",
            (history,),
            {"threshold": float(rng.uniform(0, 3))},
        )
    yield Case(
        "minibatch_gd",
        "10 examples in batches of 4: the last has 2",
        (rng.normal(size=(10, 2)), rng.normal(size=10)),
        {"batch_size": 4, "lr": 0.1, "epochs": 5},
        seeds={"rng": int(rng.integers(0, 2**31))},
    )
    yield Case("epochs_to_threshold", "never below", ([5.0, 4.0],))
    yield Case("epochs_to_threshold", "an empty history", ([],))
    # Edges where a correct answer and a common slip part ways (found by mutation testing).
    yield Case("epochs_to_threshold", "a loss equal to the threshold", ([2.0, 1.0, 0.5],))
    X, y = rng.normal(size=(6, 2)), rng.normal(size=6)
    yield Case(
        "minibatch_gd",
        "batches of one (stochastic)",
        (X, y),
        {"batch_size": 1, "epochs": 3},
        seeds={"rng": int(rng.integers(0, 2**31))},
    )
    yield Case("full_batch_gd", "no epochs", (X, y), {"epochs": 0})
    yield Case("minibatch_gd", "no epochs", (X, y), {"epochs": 0}, seeds={"rng": 0})
    yield Case("make_dataset", "one example", (), {"n_samples": 1}, seeds={"rng": 0})
    yield Case(
        "minibatch_gd",
        "batch_size 0",
        (np.ones((3, 1)), np.ones(3)),
        {"batch_size": 0},
        seeds={"rng": 0},
    )
    yield Case(
        "full_batch_gd", "a diverging rate", (np.ones((4, 2)) * 10, np.ones(4)), {"lr": 5.0}
    )
    # The statements' ValueErrors at their exact boundaries (mutation testing, second round).
    yield Case("make_dataset", "no examples", (), {"n_samples": 0}, seeds={"rng": 0})
    yield Case("full_batch_gd", "epochs = -1", (X, y), {"epochs": -1})
    yield Case("minibatch_gd", "epochs = -1", (X, y), {"epochs": -1}, seeds={"rng": 0})
    yield Case(
        "minibatch_gd",
        "a diverging rate",
        (np.ones((4, 2)) * 30, np.ones(4)),
        {"batch_size": 2, "lr": 5.0, "epochs": 200},
        seeds={"rng": 0},
    )


CASES = {
    "exercise1": _exercise1,
    "exercise2": _exercise2,
    "exercise3": _exercise3,
    "exercise4": _exercise4,
    "exercise5": _exercise5,
    "exercise6": _exercise6,
}


def cases_for(exercise: str, seed: int = 0) -> list[Case]:
    """Draw the agreement cases of one exercise.

    Parameters
    ----------
    exercise : str
        ``"exercise1"`` ... ``"exercise6"``.
    seed : int, optional
        Seed of the case generator; the same seed gives the same cases.

    Returns
    -------
    list of Case
    """
    return list(CASES[exercise](np.random.default_rng(seed)))


def disagreements(left: Any, right: Any, cases: list[Case]) -> list[str]:
    """Run every case on two modules and describe each disagreement.

    Parameters
    ----------
    left, right : module
        Two implementations of the same exercise.
    cases : list of Case

    Returns
    -------
    list of str
        One line per case on which they disagree; empty when they agree.
    """
    found = []
    for case in cases:
        (kind_left, left_value), (kind_right, right_value) = case.call(left), case.call(right)
        if kind_left != kind_right:
            what = {"value": "returns", "raises": "raises"}
            found.append(
                f"{case.task} ({case.label}): one {what[kind_left]} {left_value!r:.60}, "
                f"the other {what[kind_right]} {right_value!r:.60}"
            )
        elif kind_left == "raises":
            if left_value != right_value:
                found.append(f"{case.task} ({case.label}): {left_value} versus {right_value}")
        else:
            compare = plot_difference if case.plot else difference
            problem = compare(left_value, right_value)
            if problem:
                found.append(f"{case.task} ({case.label}): {problem}")
    return found
