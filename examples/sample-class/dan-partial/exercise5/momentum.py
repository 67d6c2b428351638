"""Dan - exercise 5."""

import numpy as np


def f(x):
    return x**4 - 8 * x**2 + x


def grad(x):
    return 4 * x**3 - 16 * x + 1


def _too_far(x, limit):
    bad = ~np.isfinite(x) | (np.abs(x) > limit)
    return bool(np.any(bad))


def _start(x0, steps, limit):
    if steps < 0:
        raise ValueError("steps can't be negative")
    if not np.isfinite(limit) or limit <= 0:
        raise ValueError("limit must be a positive number")
    x = np.asarray(x0, dtype="float64")
    if x.ndim == 0:
        x = np.float64(x)
    return x


def gradient_descent(grad, x0, lr=0.01, steps=200, limit=1e6):
    x = _start(x0, steps, limit)
    xs = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        while len(xs) <= steps and not _too_far(x, limit):
            x = x - lr * grad(x)
            xs.append(x)
    return np.array(xs, dtype="float64")


def momentum_descent(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    x = _start(x0, steps, limit)
    v = x * 0.0
    xs = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        while len(xs) <= steps and not _too_far(x, limit):
            v = beta * v + grad(x)  # the velocity builds up from the gradient
            x = x - v
            xs.append(x)
    return np.array(xs, dtype="float64")


def random_restarts(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    if n_restarts < 1:
        raise ValueError("need at least one restart")
    generator = rng if rng is not None else np.random.default_rng()
    results = []  # (f at the end, end) of every run that stayed on the map
    for x0 in generator.uniform(low, high, size=n_restarts):
        last = gradient_descent(grad, x0, lr=lr, steps=steps)[-1]
        if not _too_far(last, 1e6):
            results.append((float(f(last)), float(last)))
    if len(results) == 0:
        return float("nan"), float("nan")
    lowest = results[0]
    for result in results[1:]:
        if result[0] < lowest[0]:
            lowest = result
    return lowest[1], lowest[0]
