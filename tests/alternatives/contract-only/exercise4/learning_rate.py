"""Exercise 4: the critical learning rate."""

import numpy as np

X_STAR = 2.0


def f(x):
    """The quadratic :math:`f(x) = x^2 - 4x + 5`, minimal at ``X_STAR``."""
    return x**2 - 4 * x + 5


def grad(x):
    """The derivative :math:`f'(x) = 2x - 4` (curvature 2)."""
    return 2 * x - 4


def run_gd(grad, x0, lr, steps=20, limit=1e6):
    """Gradient descent from the number ``x0``, stopped right after it blows up."""
    # A NumPy float rather than a Python float: it overflows to inf instead of
    # raising OverflowError, and the warning is silenced below.
    x = np.float64(float(x0))
    trajectory = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = x - lr * grad(x)
            trajectory.append(x)
            if not np.isfinite(x) or abs(x) > limit:
                break
    return np.array(trajectory, dtype=np.float64)


def classify(trajectory, x_star, tol=1e-2):
    """``"diverged"``, ``"converged"``, ``"oscillating"`` or ``"converging"``."""
    trajectory = np.asarray(trajectory, dtype=np.float64)
    if not np.all(np.isfinite(trajectory)):
        return "diverged"
    errors = trajectory - x_star
    d = np.abs(errors)
    if d[-1] > d[0] * (1 + 1e-9):
        return "diverged"
    if d[-1] <= tol:
        return "converged"
    signs = np.sign(errors)
    if (
        len(trajectory) >= 3
        and abs(d[-1] - d[0]) <= 1e-9 * d[0]
        and np.all(signs != 0)
        and np.all(signs[1:] == -signs[:-1])
    ):
        return "oscillating"
    return "converging"


def predict_behaviour(lr, curvature):
    """Fate of descent on a quadratic, from ``q = lr * curvature`` alone."""
    if lr <= 0 or curvature <= 0:
        raise ValueError("lr and curvature must be positive")
    q = lr * curvature
    if abs(q - 2) <= 1e-12 * 2:
        return "oscillates"
    if q < 2:
        return "converges"
    return "diverges"


def critical_lr(hessian):
    """``2 / lambda_max`` of a curvature or a square symmetric Hessian."""
    h = np.asarray(hessian, dtype=np.float64)
    if h.ndim == 0:
        h = h.reshape(1, 1)
    if h.ndim != 2 or h.shape[0] != h.shape[1]:
        raise ValueError("the Hessian must be a number or a square matrix")
    if np.max(np.abs(h - h.T)) > 1e-12 * np.max(np.abs(h)):
        raise ValueError("the Hessian must be symmetric")
    lam_max = np.linalg.eigvalsh(h)[-1]
    if lam_max <= 0:
        raise ValueError("the largest eigenvalue must be positive")
    return float(2 / lam_max)


def find_critical_lr(grad, x0, x_star, lo=0.0, hi=2.0, steps=100, iters=50):
    """Bisection on experiments: ``lo`` never diverges, ``hi`` always does."""
    for _ in range(iters):
        mid = (lo + hi) / 2
        if classify(run_gd(grad, x0, mid, steps=steps), x_star) == "diverged":
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2
