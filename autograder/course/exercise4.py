"""Exercise 4, the critical learning rate: everything the grader knows of it.

Its sections follow :mod:`autograder.course`; the types are in
:mod:`autograder.contract`.

Over 300 lines on purpose: one exercise's grading material is read together.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autograder.contract.advice import Advice
from autograder.contract.calls import call, length
from autograder.contract.cases import CASES_PER_TASK, Case
from autograder.contract.figures import Figure, approx, exactly, within
from autograder.contract.mistakes import (
    Mistake,
)
from autograder.contract.pictures import CURVE, Picture, Series
from autograder.contract.properties import Property, first_rise
from autograder.sandbox import functions
from autograder.sandbox.functions import bowl_grad, quadratic_grad
from reference import house_prices as ref3
from reference import learning_rate as ref4

# -- figures --------------------------------------------------------------------

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
                "run_gd",
                f"run_gd(grad, 0.0, lr={lr_text})[-1]",
                call("run_gd", functions.parabola_grad, 0.0, lr)[-1],
                approx(last),
            )
        )
        figures.append(
            Figure(
                "classify",
                f"classify(run_gd(grad, 0.0, lr={lr_text}), 2.0)",
                call("classify", ref4.run_gd(ref4.grad, 0.0, lr), 2.0),
                exactly(label),
            )
        )
    return figures


FIGURES = (
    *_lr_table_figures(),
    Figure(
        "run_gd",
        "run_gd(grad, 0.0, lr=1.5): iterates before stopping",
        length(call("run_gd", functions.parabola_grad, 0.0, 1.5)),
        exactly(20),
    ),
    Figure("critical_lr", "critical_lr(2.0)", call("critical_lr", 2.0), approx("1.0")),
    Figure(
        "critical_lr",
        "critical_lr(house-price Hessian)",
        call("critical_lr", ref3.mse_hessian(ref3.SIZES)),
        approx("2.2222e-7"),
    ),
    Figure(
        "find_critical_lr",
        "find_critical_lr(grad, 0.0, 2.0)",
        call("find_critical_lr", functions.parabola_grad, 0.0, 2.0),
        within(1.0, 1e-3),
    ),
)


# -- cases ----------------------------------------------------------------------


def cases(rng: np.random.Generator) -> Iterator[Case]:
    """The valid and invalid cases, drawn from ``rng``."""
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


# -- properties -----------------------------------------------------------------


def properties(rng: np.random.Generator) -> Iterator[Property]:
    """The promises of the mathematics, on inputs drawn from ``rng``."""
    a, c = float(rng.uniform(0.6, 4)), float(rng.normal(0, 3))
    x0 = c + float(rng.choice([-1, 1]) * rng.uniform(1, 3))
    grad = quadratic_grad(a, c)
    where = f"on a·(x - c)² with a = {a:.4g}, c = {c:.4g}, from x0 = {x0:.4g}"
    slow, fast = float(rng.uniform(0.1, 0.95)) / a, float(rng.uniform(1.2, 2.0)) / a

    def approaches(m: Any) -> str | None:
        trajectory = np.asarray(m.run_gd(grad, x0, slow, steps=50), dtype=np.float64)
        step = first_rise(np.abs(trajectory - c))
        if len(trajectory) == 51 and step is None:
            return None
        return (
            f"run_gd {where} with lr = {slow:.4g}, below the critical rate 1/a = {1 / a:.4g}: "
            "every step must bring x closer to the minimum c for all 50 steps, but "
            + (
                f"it returned {len(trajectory)} iterates"
                if step is None
                else f"step {step} moved away ({trajectory[step - 1]:.6g} -> "
                f"{trajectory[step]:.6g})"
            )
        )

    def stops_early(m: Any) -> str | None:
        trajectory = np.asarray(m.run_gd(grad, x0, fast, steps=500), dtype=np.float64)
        beyond = ~(np.abs(trajectory) <= 1e6)
        if beyond[-1] and not beyond[:-1].any():
            return None
        return (
            f"run_gd {where} with lr = {fast:.4g}, above the critical rate 1/a = {1 / a:.4g}, "
            "diverges: it must stop right after the first iterate beyond limit = 1e6 and "
            f"return it last, but it returned {len(trajectory)} iterates ending at "
            f"{trajectory[-1]:.6g}"
        )

    a_exact = 2.0 ** int(rng.integers(-2, 3))  # a power of two makes lr = 1/a exact
    grad_exact, steps = quadratic_grad(a_exact, c), int(rng.integers(20, 60))
    bounce = f"with lr = 1/a exactly (a = {a_exact:g}, c = {c:.4g}, x0 = {x0:.4g})"

    def bounces(m: Any) -> str | None:
        trajectory = np.asarray(m.run_gd(grad_exact, x0, 1 / a_exact, steps=steps), np.float64)
        if (
            len(trajectory) == steps + 1
            and np.allclose(trajectory[0::2], x0, rtol=1e-12)
            and np.allclose(trajectory[1::2], 2 * c - x0, rtol=1e-12)
        ):
            return None
        return (
            f"run_gd {bounce} should bounce between x0 and 2c - x0 = {2 * c - x0:.6g} for all "
            f"{steps} steps (each step overshoots the minimum by exactly as much as it was "
            f"away), but returned {len(trajectory)} iterates: {trajectory[:4]} ..."
        )

    exact_run = [x0, 2 * c - x0] * 10 + [x0]

    def names_oscillation(m: Any) -> str | None:
        label = m.classify(exact_run, c)
        if label == "oscillating":
            return None
        return (
            f"a run {bounce} bounces between {x0:.6g} and {2 * c - x0:.6g} for ever: its "
            f"distance to the minimum neither grows nor shrinks, so it is 'oscillating', but "
            f"classify said {label!r}"
        )

    start = c + float(rng.choice([-1, 1]) * rng.uniform(0.5, 2))
    creeping = [start]
    for _ in range(20):  # lr = 1.1/a: each step multiplies the distance by -1.2
        creeping.append(c - 1.2 * (creeping[-1] - c))

    def names_slow_divergence(m: Any) -> str | None:
        label = m.classify(creeping, c)
        if label == "diverged":
            return None
        return (
            f"a 20-step run with lr = 1.1/a from {start:.4g} towards c = {c:.4g} ends at "
            f"{creeping[-1]:.4g}: |x| is still below 1000, yet its distance to the minimum "
            f"grew 1.2 times each step, so it has diverged; classify said {label!r}. Compare "
            "the last distance with the first one, not |x| with a threshold"
        )

    def finds_one_over_a(m: Any) -> str | None:
        found = m.find_critical_lr(grad, x0, c)
        if np.isclose(found, 1 / a, rtol=1e-6):
            return None
        return (
            f"find_critical_lr {where} should land on the critical rate 1/a = {1 / a:.8g} "
            f"(curvature 2a, critical rate 2 / curvature), but returned {found:.8g}"
        )

    H = rng.normal(size=(2, 2))
    H = H @ H.T + 0.5 * np.eye(2)
    H *= 1.5 / np.linalg.eigvalsh(H)[-1]  # lambda_max = 1.5: 2 / lambda_max = 4/3
    vectors = np.linalg.eigh(H)[1]
    centre = rng.normal(size=2)
    # Start mostly along the steepest direction, so 100 steps show a divergence
    # there clearly and the bisection's answer is sharp.
    corner = centre + vectors[:, 1] * rng.uniform(1, 3) + vectors[:, 0] * rng.uniform(-0.3, 0.3)

    def finds_two_over_lambda(m: Any) -> str | None:
        found = m.find_critical_lr(bowl_grad(H, centre), corner, centre)
        if np.isclose(found, 4 / 3, rtol=1e-3):
            return None
        return (
            f"find_critical_lr on a 2-D bowl with Hessian {np.round(H, 4).tolist()} should land "
            f"on 2/λmax = {4 / 3:.6g} (the steepest direction decides), but returned {found:.6g}"
        )

    yield Property("run_gd", "below the critical rate each step gets closer", approaches)
    yield Property("run_gd", "above the critical rate the run stops early", stops_early)
    yield Property("run_gd", "lr = 1/a bounces for ever", bounces)
    yield Property("classify", "lr = 1/a is oscillating", names_oscillation)
    yield Property("classify", "lr = 1.1/a has diverged below |x| = 1000", names_slow_divergence)
    yield Property("find_critical_lr", "lands on 1/a", finds_one_over_a)
    yield Property("find_critical_lr", "lands on 2/λmax in 2-D", finds_two_over_lambda)


# -- advice ---------------------------------------------------------------------

ADVICE = (
    Advice(
        "run_gd",
        ("a 2-D quadratic",),
        "accept vector starts x0 (NumPy arrays) as well as numbers.",
    ),
    Advice(
        "run_gd",
        (
            "a start beyond the limit",
            "steps = -1",
            "limit = 0",
            "a negative limit",
            "an infinite limit",
        ),
        "raise ValueError when steps < 0 or limit is not a finite positive number, and return "
        "[x0] for a start already beyond limit.",
    ),
    Advice(
        "classify",
        ("an empty trajectory",),
        "raise ValueError for an empty trajectory.",
    ),
    Advice(
        "critical_lr",
        ("a 1-D array of one value",),
        "raise ValueError for a 1-D array such as [2.0]: it is neither a number, nor a 1×1 "
        "array, nor a square matrix.",
    ),
    Advice(
        "find_critical_lr",
        (
            "a random symmetric 2x2 Hessian",
            "lands on 2/λmax in 2-D",
        ),
        "accept vector starts x0, so that bisection finds 2 / λmax of a matrix.",
    ),
    Advice(
        "find_critical_lr",
        (
            "a bracket whose top only oscillates",
            "a bracket without the critical rate",
            "lo = 0.5, hi = 0.5",
            "lo = 1.0, hi = 0.5",
        ),
        "raise ValueError unless lo < hi, the run at lo does not diverge and the run at hi does.",
    ),
)


# -- mistakes -------------------------------------------------------------------


def _classify_threshold(trajectory, x_star, tol=1e-2):
    """The classic classifier: a run has diverged when |x| grew past a fixed bound."""
    trajectory = np.asarray(trajectory, dtype=np.float64)
    offsets = trajectory - x_star
    distances = np.abs(offsets)
    if not np.all(np.isfinite(trajectory)) or np.any(np.abs(trajectory) > 1000):
        return "diverged"
    if distances[-1] <= tol:
        return "converged"
    signs = np.sign(offsets)
    if (
        len(trajectory) >= 3
        and abs(distances[-1] - distances[0]) <= 1e-9 * distances[0]
        and np.all(signs != 0)
        and np.all(signs[1:] == -signs[:-1])
    ):
        return "oscillating"
    return "converging"


def _critical_half(hessian):
    return ref4.critical_lr(hessian) / 2


def _critical_smallest(hessian):
    matrix = np.atleast_2d(np.asarray(hessian, dtype=np.float64))
    return float(2 / np.linalg.eigvalsh(matrix)[0])


def _run_gd_no_start(grad, x0, lr, steps=20, limit=1e6):
    return ref4.run_gd(grad, x0, lr, steps, limit)[1:]


def _behaviour_boundary(lr, curvature):
    q = lr * curvature
    return "converges" if q < 2 else "diverges"


def _run_gd_truncated(grad, x0, lr, steps=20, limit=1e6):
    trajectory = np.zeros(steps + 1, dtype=np.asarray(x0).dtype)  # int for an int start
    trajectory[0] = x0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            x = trajectory[k] - lr * grad(trajectory[k])
            if not np.isfinite(x) or abs(x) > limit:
                return np.append(trajectory[: k + 1], x).astype(np.float64)
            trajectory[k + 1] = x
    return trajectory.astype(np.float64)


MISTAKES = (
    Mistake(
        "fixed-threshold divergence test",
        "classify",
        "you judged divergence by |x| passing a fixed threshold: compare the last distance to "
        "the minimum with the first one instead.",
        _classify_threshold,
    ),
    Mistake(
        "1/lambda instead of 2/lambda",
        "critical_lr",
        "your rate is exactly half the expected one: the critical learning rate is 2 / "
        "lambda_max.",
        _critical_half,
    ),
    Mistake(
        "smallest eigenvalue",
        "critical_lr",
        "you used the smallest eigenvalue; the steepest direction, lambda_max, decides the "
        "critical rate.",
        _critical_smallest,
    ),
    Mistake(
        "trajectory without x0",
        "run_gd",
        "your trajectory is missing x0: it starts with the starting point.",
        _run_gd_no_start,
    ),
    Mistake(
        "q = 2 counted as diverging",
        "predict_behaviour",
        "at q = 2 exactly the run bounces forever: that is 'oscillates', not 'diverges'.",
        _behaviour_boundary,
    ),
    Mistake(
        "integer start truncated",
        "run_gd",
        "your iterates are truncated to integers when x0 is an integer: store them in a float64 "
        "array (np.float64(x0) or dtype=np.float64).",
        _run_gd_truncated,
    ),
)


# -- picture --------------------------------------------------------------------


# The parabola's minimiser is x* = 2; each module judges its own trajectory.
_CLASSIFY = call("classify", CURVE, 2.0)


PICTURE = Picture(
    "run_gd(grad, 0.0, lr): trajectories and classify(trajectory, 2.0)",
    "step",
    "x",
    False,
    tuple(
        Series(
            f"lr = {lr}",
            call("run_gd", functions.parabola_grad, 0.0, lr),
            note=_CLASSIFY,
        )
        for lr in (0.1, 0.9, 1.0, 1.1)
    ),
)
