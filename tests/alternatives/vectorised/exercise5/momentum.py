"""Exercise 5: momentum and random restarts, vectorised where it pays."""

import numpy as np


def f(x):
    return x**4 - 8 * x**2 + x


def grad(x):
    return 4 * x**3 - 16 * x + 1


def _start(x0, steps, limit):
    if steps < 0:
        raise ValueError("steps must be >= 0")
    if not (np.isfinite(limit) and limit > 0):
        raise ValueError("limit must be finite and > 0")
    x = np.array(x0, dtype=np.float64)
    if x.ndim > 1:
        raise ValueError("x0 must be a number or a 1-D array")
    return x[()] if x.ndim == 0 else x


def _escaped(x, limit):
    return not np.all(np.isfinite(x)) or np.any(np.abs(x) > limit)


def momentum_descent(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    x = _start(x0, steps, limit)
    v = np.zeros_like(x)[()]
    path = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        while len(path) <= steps and not _escaped(x, limit):
            v = beta * v + lr * grad(x)
            x = x - v
            path.append(x)
    return np.stack(path).astype(np.float64)


def gradient_descent(grad, x0, lr=0.01, steps=200, limit=1e6):
    x = _start(x0, steps, limit)
    path = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        while len(path) <= steps and not _escaped(x, limit):
            x = x - lr * grad(x)
            path.append(x)
    return np.stack(path).astype(np.float64)


def random_restarts(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    if n_restarts < 1:
        raise ValueError("n_restarts must be >= 1")
    rng = np.random.default_rng() if rng is None else rng
    starts = rng.uniform(low, high, size=n_restarts)
    ends = np.array([gradient_descent(grad, s, lr, steps)[-1] for s in starts])
    with np.errstate(over="ignore", invalid="ignore"):
        ok = np.isfinite(ends) & (np.abs(ends) <= 1e6)
        if not ok.any():
            return np.float64(np.nan), np.float64(np.nan)
        values = np.array([f(e) for e in ends[ok]], dtype=np.float64)
    best = np.argmin(values)  # first index on ties
    return np.float64(ends[ok][best]), np.float64(values[best])
