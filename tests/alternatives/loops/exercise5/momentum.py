"""Exercise 5: momentum and random restarts, with plain loops."""

import math

import numpy as np


def f(x):
    return x**4 - 8 * x**2 + x


def grad(x):
    return 4 * x**3 - 16 * x + 1


DIVERGENCE_LIMIT = 1e6


def _validate(steps, limit):
    if steps < 0:
        raise ValueError("steps must be >= 0")
    if not (math.isfinite(limit) and limit > 0):
        raise ValueError("limit must be finite and positive")


def _as_start(x0):
    start = np.array(x0, dtype=np.float64)
    if start.ndim == 0:
        return start[()]  # a np.float64, never a Python float
    if start.ndim != 1:
        raise ValueError("x0 must be a number or a 1-D array")
    return start


def _out_of_bounds(x, limit):
    for value in np.atleast_1d(x).tolist():
        if not math.isfinite(value) or abs(value) > limit:
            return True
    return False


def gradient_descent(grad, x0, lr=0.01, steps=200, limit=1e6):
    _validate(steps, limit)
    x = _as_start(x0)
    points = [x]
    if not _out_of_bounds(x, limit):
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(steps):
                x = x - lr * grad(x)
                points.append(x)
                if _out_of_bounds(x, limit):
                    break
    return np.array(points, dtype=np.float64)


def momentum_descent(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    _validate(steps, limit)
    x = _as_start(x0)
    velocity = np.float64(0.0) if np.ndim(x) == 0 else np.zeros(len(x))  # v0 = 0, like x0
    points = [x]
    if not _out_of_bounds(x, limit):
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(steps):
                velocity = beta * velocity + lr * grad(x)
                x = x - velocity
                points.append(x)
                if _out_of_bounds(x, limit):
                    break
    return np.array(points, dtype=np.float64)


def random_restarts(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    if n_restarts < 1:
        raise ValueError("n_restarts must be at least 1")
    if rng is None:
        rng = np.random.default_rng()
    starts = rng.uniform(low, high, size=n_restarts)
    best_x = math.nan
    best_f = math.nan
    found = False
    for start in starts:
        end = gradient_descent(grad, start, lr, steps)[-1]
        if _out_of_bounds(end, DIVERGENCE_LIMIT):
            continue
        value = float(f(end))
        if not found or value < best_f:
            best_x = float(end)
            best_f = value
            found = True
    return best_x, best_f
