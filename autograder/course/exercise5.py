"""Exercise 5, momentum and random restarts: everything the grader knows of it.

Its sections follow :mod:`autograder.course`; the types are in
:mod:`autograder.contract`.

Over 300 lines on purpose: one exercise's grading material is read together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from autograder.contract.advice import Advice
from autograder.contract.calls import call, seeded
from autograder.contract.cases import CASES_PER_TASK, Case
from autograder.contract.figures import Figure, approx, within
from autograder.contract.mistakes import (
    BY_UNUSED_GENERATOR,
    Mistake,
)
from autograder.contract.pictures import Picture, Series
from autograder.contract.properties import Property
from autograder.sandbox import functions
from autograder.sandbox.functions import double_well, double_well_grad
from reference import momentum as ref5

# -- figures --------------------------------------------------------------------

FIGURES = (
    Figure(
        "gradient_descent",
        "gradient_descent(grad, 3.0)[-1]: local minimum",
        call("gradient_descent", functions.double_well_grad, 3.0)[-1],
        approx("1.96799"),
    ),
    Figure(
        "momentum_descent",
        "momentum_descent(grad, 3.0)[-1]: global minimum",
        call("momentum_descent", functions.double_well_grad, 3.0)[-1],
        approx("-2.03050"),
    ),
    Figure(
        "gradient_descent",
        "gradient_descent(grad, -3.0)[-1]: global minimum",
        call("gradient_descent", functions.double_well_grad, -3.0)[-1],
        within(-2.03055, 1e-3),
    ),
    Figure(
        "momentum_descent",
        "momentum_descent(grad, -3.0)[-1]: global minimum",
        call("momentum_descent", functions.double_well_grad, -3.0)[-1],
        within(-2.03055, 1e-3),
    ),
    Figure(
        "gradient_descent",
        "gradient_descent(grad, 3.0, lr=0.1): stops early",
        call("gradient_descent", functions.double_well_grad, 3.0, lr=0.1),
        approx("3", "-3.1", "3.7564", "-11.535", "583.88", "-7.96e7"),
    ),
    Figure(
        "random_restarts",
        "random_restarts(f, grad, rng=default_rng(0)): (best_x, best_f)",
        call("random_restarts", functions.double_well, functions.double_well_grad, rng=seeded(0)),
        approx("-2.03055", "-18.01539"),
    ),
)


# -- cases ----------------------------------------------------------------------


def cases(rng: np.random.Generator) -> Iterator[Case]:
    """The valid and invalid cases, drawn from ``rng``."""
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


# -- properties -----------------------------------------------------------------


# The stationary points of the double well, to the digits of the contract.
GLOBAL_MINIMUM, LOCAL_MINIMUM, GLOBAL_VALUE = -2.0305466, 1.9679854, -18.015392


def properties(rng: np.random.Generator) -> Iterator[Property]:
    """The promises of the mathematics, on inputs drawn from ``rng``."""
    right, left = float(rng.uniform(0.3, 3.5)), float(rng.uniform(-3.5, -0.2))

    def settles(x0: float, minimum: float, which: str) -> Callable[[Any], str | None]:
        def check(m: Any) -> str | None:
            end = float(m.gradient_descent(double_well_grad, x0)[-1])
            if abs(end - minimum) < 1e-4:
                return None
            return (
                f"from x0 = {x0:.4g}, plain descent (lr = 0.01, 200 steps) should settle in the "
                f"nearest minimum, the {which} one at x ≈ {minimum:.6g}, but it ended at "
                f"{end:.6g}"
            )

        return check

    seed = int(rng.integers(0, 2**31))
    while not np.isclose(  # a seed whose starts reach the global well, for the reference
        ref5.random_restarts(double_well, double_well_grad, rng=np.random.default_rng(seed))[0],
        GLOBAL_MINIMUM,
        atol=1e-4,
    ):
        seed += 1

    def finds_global(m: Any) -> str | None:
        best_x, best_f = m.random_restarts(
            double_well, double_well_grad, rng=np.random.default_rng(seed)
        )
        if abs(best_x - GLOBAL_MINIMUM) < 1e-4 and abs(best_f - GLOBAL_VALUE) < 1e-4:
            return None
        return (
            f"with rng = np.random.default_rng({seed}), at least one of the 10 starts lies in "
            f"the left well, so restarts should find the global minimum x ≈ {GLOBAL_MINIMUM}, "
            f"f ≈ {GLOBAL_VALUE}, but returned ({best_x:.6g}, {best_f:.6g}): keep the run with "
            "the lowest final f"
        )

    seeds = [int(s) for s in rng.integers(0, 2**31, 2)]
    short = {"n_restarts": 3, "steps": 5}  # unfinished runs: different starts, different ends

    def reproducible(m: Any) -> str | None:
        def run(seed: int) -> tuple:
            rng = np.random.default_rng(seed)
            return m.random_restarts(double_well, double_well_grad, rng=rng, **short)

        first, again, other = run(seeds[0]), run(seeds[0]), run(seeds[1])
        if first != again:
            return (
                f"two calls with np.random.default_rng({seeds[0]}) gave {first} and {again}: "
                "the same seed must give the same result, so draw only from rng, never from "
                "NumPy's global random state"
            )
        if first == other:
            return (
                f"generators seeded {seeds[0]} and {seeds[1]} gave the same result {first}: "
                "different seeds must give different starts, so draw them from rng"
            )
        return None

    yield Property(
        "gradient_descent",
        "from the right settles in the local minimum",
        settles(right, LOCAL_MINIMUM, "right-hand (local)"),
    )
    yield Property(
        "gradient_descent",
        "from the left settles in the global minimum",
        settles(left, GLOBAL_MINIMUM, "left-hand (global)"),
    )
    yield Property("random_restarts", "finds the global minimum", finds_global)
    yield Property("random_restarts", "same seed, same result; other seed, other", reproducible)


# -- advice ---------------------------------------------------------------------

ADVICE = (
    Advice(
        "momentum_descent",
        (
            "steps = -1",
            "limit = 0",
            "a negative limit",
            "an infinite limit",
        ),
        "raise ValueError when steps < 0 or limit is not a finite positive number.",
    ),
    Advice(
        "random_restarts",
        ("no restarts",),
        "raise ValueError when n_restarts < 1.",
    ),
)


# -- mistakes -------------------------------------------------------------------


def _heavy_ball(grad, x0, steps, limit, update):
    x, velocity = np.float64(x0), np.float64(0.0)
    trajectory = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            if not np.isfinite(x) or abs(x) > limit:
                break
            velocity = update(velocity, grad(x))
            x = x - velocity
            trajectory.append(x)
    return np.array(trajectory)


def _best_of(f, grad, starts, lr, steps):
    best_x, best_f = float("nan"), float("nan")
    for start in starts:
        end = ref5.gradient_descent(grad, start, lr, steps)[-1]
        if np.isfinite(end) and abs(end) <= 1e6 and (np.isnan(best_f) or f(end) < best_f):
            best_x, best_f = float(end), float(f(end))
    return best_x, best_f


def _momentum_no_lr(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    return _heavy_ball(grad, x0, steps, limit, lambda v, g: beta * v + g)


def _momentum_reset(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    return _heavy_ball(grad, x0, steps, limit, lambda v, g: lr * g)


def _restarts_highest(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    ends = [
        ref5.gradient_descent(grad, start, lr, steps)[-1]
        for start in rng.uniform(low, high, size=n_restarts)
    ]
    kept = [x for x in ends if np.isfinite(x) and abs(x) <= 1e6]
    if not kept:
        return float("nan"), float("nan")
    best = max(kept, key=lambda x: float(f(x)))
    return float(best), float(f(best))


# Its result is random: it is diagnosed by the generator coming back unused.
def _restarts_fresh(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    starts = [np.random.default_rng().uniform(low, high) for _ in range(n_restarts)]
    return _best_of(f, grad, starts, lr, steps)


def _gradient_descent_default_limit(grad, x0, lr=0.01, steps=200, limit=1e6):
    return ref5.gradient_descent(grad, x0, lr=lr, steps=steps)  # always 1e6


def _gradient_descent_python_floats(grad, x0, lr=0.01, steps=200, limit=1e6):
    x = float(x0)
    trajectory = [x]
    for _ in range(steps):
        x = float(x - lr * grad(x))  # x**3 of a huge Python float raises OverflowError
        trajectory.append(x)
        if not np.isfinite(x) or abs(x) > limit:
            break
    return np.array(trajectory)


MISTAKES = (
    Mistake(
        "momentum without the learning rate",
        "momentum_descent",
        "your velocity adds the raw gradient: the update is v = beta * v + lr * grad(x).",
        _momentum_no_lr,
    ),
    Mistake(
        "velocity reset each step",
        "momentum_descent",
        "your velocity does not carry over from step to step, so this is plain gradient descent: "
        "keep v between steps.",
        _momentum_reset,
    ),
    Mistake(
        "highest f wins",
        "random_restarts",
        "you kept the end point with the highest f: the lowest one is the best.",
        _restarts_highest,
    ),
    Mistake(
        "rng not used",
        "random_restarts",
        "your function did not draw from the rng it was given (a new generator, or NumPy's "
        "global one?): draw the starts with rng.uniform(low, high, size=n_restarts).",
        _restarts_fresh,
        told_by=BY_UNUSED_GENERATOR,
    ),
    Mistake(
        "limit ignored",
        "gradient_descent",
        "your run stops at 1e6 whatever limit it was given: compare |x| with the limit argument.",
        _gradient_descent_default_limit,
    ),
    Mistake(
        "Python floats overflow",
        "gradient_descent",
        "your run raised OverflowError: with Python floats, x**3 past about 1e103 raises instead "
        "of giving inf. Compute with np.float64 inside np.errstate(over='ignore', "
        "invalid='ignore').",
        _gradient_descent_python_floats,
        raises_on_valid=True,
    ),
)


# -- picture --------------------------------------------------------------------

PICTURE = Picture(
    "from x0 = 3.0: plain descent and momentum",
    "step",
    "x",
    False,
    (
        Series("gradient_descent", call("gradient_descent", functions.double_well_grad, 3.0)),
        Series("momentum_descent", call("momentum_descent", functions.double_well_grad, 3.0)),
    ),
)
