"""Exercise 5 (Ada): a heavy ball and a crowd of hikers on a tilted double well."""

import numpy as np


def f(x):
    return x**4 - 8 * x**2 + x


def grad(x):
    return 4 * x**3 - 16 * x + 1


def _checked_start(x0, steps, limit):
    if steps < 0:
        raise ValueError(f"cannot take {steps} steps")
    if not np.isfinite(limit) or limit <= 0:
        raise ValueError(f"limit={limit}: it must be positive and finite")
    if np.ndim(x0) == 0:
        return np.float64(x0)
    start = np.array(x0, dtype=np.float64)
    if start.ndim != 1 or start.size == 0:
        raise ValueError("x0 must be a number or a non-empty 1-D array")
    return start


def _out_of_bounds(x, limit):
    return not np.all(np.isfinite(x)) or bool(np.any(np.abs(x) > limit))


def gradient_descent(grad, x0, lr=0.01, steps=200, limit=1e6):
    x = _checked_start(x0, steps, limit)
    visited = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        while len(visited) <= steps and not _out_of_bounds(x, limit):
            x = x - lr * grad(x)
            visited.append(x)
    return np.array(visited, dtype=np.float64)


def momentum_descent(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    x = _checked_start(x0, steps, limit)
    velocity = np.zeros_like(x)
    visited = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        while len(visited) <= steps and not _out_of_bounds(x, limit):
            velocity = beta * velocity + lr * grad(x)
            x = x - velocity
            visited.append(x)
    return np.array(visited, dtype=np.float64)


def random_restarts(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    if n_restarts < 1:
        raise ValueError("at least one restart is needed")
    generator = np.random.default_rng() if rng is None else rng
    starts = generator.uniform(low, high, size=n_restarts)
    ends = np.array([gradient_descent(grad, s, lr=lr, steps=steps)[-1] for s in starts])
    on_map = np.isfinite(ends) & (np.abs(ends) <= 1e6)  # hikers who did not fall off
    if not on_map.any():
        return np.float64(np.nan), np.float64(np.nan)
    survivors = ends[on_map]
    heights = np.array([f(end) for end in survivors], dtype=np.float64)
    winner = int(np.argmin(heights))  # argmin keeps the first of equal heights
    return survivors[winner], heights[winner]
