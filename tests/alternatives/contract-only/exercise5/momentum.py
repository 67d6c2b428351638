"""Exercise 5: momentum and random restarts."""

import numpy as np


def f(x):
    """The tilted double well :math:`f(x) = x^4 - 8x^2 + x`."""
    return x**4 - 8 * x**2 + x


def grad(x):
    """Its derivative :math:`f'(x) = 4x^3 - 16x + 1`."""
    return 4 * x**3 - 16 * x + 1


def gradient_descent(grad, x0, lr=0.01, steps=200, limit=1e6):
    """Plain gradient descent from the number ``x0``, stopped right after it blows up."""
    # np.float64, not a Python float: x**3 of a huge Python float raises OverflowError.
    x = np.float64(float(x0))
    trajectory = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = x - lr * grad(x)
            trajectory.append(x)
            if not np.isfinite(x) or abs(x) > limit:
                break
    return np.array(trajectory, dtype=np.float64)


def momentum_descent(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    """Heavy ball: ``v = beta*v + lr*grad(x)``, ``x = x - v``, from ``v = 0``."""
    x = np.float64(float(x0))
    v = np.float64(0.0)
    trajectory = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            v = beta * v + lr * grad(x)
            x = x - v
            trajectory.append(x)
            if not np.isfinite(x) or abs(x) > limit:
                break
    return np.array(trajectory, dtype=np.float64)


def random_restarts(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    """Best end point of plain descent from random starts; ``(nan, nan)`` if all diverged."""
    if rng is None:
        rng = np.random.default_rng()
    starts = rng.uniform(low, high, size=n_restarts)
    limit = 1e6  # gradient_descent's default
    best_x = float("nan")
    best_f = float("nan")
    for x0 in starts:
        x_end = gradient_descent(grad, x0, lr=lr, steps=steps, limit=limit)[-1]
        if not np.isfinite(x_end) or abs(x_end) > limit:
            continue  # this run diverged
        f_end = float(f(x_end))
        if np.isnan(best_f) or f_end < best_f:
            best_x = float(x_end)
            best_f = f_end
    return best_x, best_f
