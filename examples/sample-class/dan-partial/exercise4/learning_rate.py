"""Dan - exercise 4."""

import numpy as np

X_STAR = 2.0


def f(x):
    return x**2 - 4 * x + 5


def grad(x):
    return 2 * x - 4


def _blew_up(x, limit):
    return bool(np.any(~np.isfinite(x) | (np.abs(x) > limit)))


def run_gd(grad, x0, lr, steps=20, limit=1e6):
    if steps < 0 or not np.isfinite(limit) or limit <= 0:
        raise ValueError("steps can't be negative and limit must be a positive number")
    start = np.asarray(x0, dtype="float64")
    x = np.float64(start) if start.ndim == 0 else start.copy()
    xs = [x]
    if _blew_up(x, limit):
        return np.array(xs, dtype="float64")
    with np.errstate(over="ignore", invalid="ignore"):
        for _step in range(steps):
            x = x - lr * grad(x)
            xs.append(x)
            if _blew_up(x, limit):
                break  # blew up, stop here
    return np.array(xs, dtype="float64")


def classify(trajectory, x_star, tol=1e-2):
    xs = np.asarray(trajectory, dtype="float64")
    if len(xs) == 0:
        raise ValueError("empty trajectory")
    # I think 1000 is big enough to say it blew up
    if np.any(~np.isfinite(xs)) or np.max(np.abs(xs)) > 1000:
        return "diverged"
    diffs = xs - np.asarray(x_star, dtype="float64")
    if diffs.ndim == 1:
        dist = np.abs(diffs)
    else:
        dist = np.linalg.norm(diffs, axis=1)
    if dist[-1] <= tol:
        return "converged"
    if len(xs) >= 3 and abs(dist[-1] - dist[0]) <= 1e-9 * dist[0]:
        signs = np.sign(diffs)
        if np.all(signs != 0) and np.all(signs[1:] * signs[:-1] < 0):
            return "oscillating"
    return "converging"


def predict_behaviour(lr, curvature):
    if lr <= 0 or curvature <= 0:
        raise ValueError("lr and curvature must be positive")
    q = lr * curvature
    if abs(q - 2) <= 1e-12 * 2:
        return "oscillates"
    elif q < 2:
        return "converges"
    else:
        return "diverges"


def critical_lr(hessian):
    H = np.asarray(hessian, dtype="float64")
    if H.ndim == 0:
        H = np.array([[float(H)]])
    square = H.ndim == 2 and len(H) > 0 and H.shape == (len(H), len(H))
    if not square:
        raise ValueError("the Hessian must be a number or a square matrix")
    if np.isnan(H).any() or np.isinf(H).any():
        raise ValueError("the Hessian has inf or nan in it")
    asymmetry = abs(H - H.T).max()
    if asymmetry > 1e-12 * abs(H).max():
        raise ValueError("the Hessian must be symmetric")
    eigenvalues = np.linalg.eigvalsh(H)
    biggest = max(eigenvalues)
    if biggest <= 0:
        raise ValueError("the biggest eigenvalue must be positive")
    return float(2 / biggest)


def find_critical_lr(grad, x0, x_star, lo=0.0, hi=2.0, steps=100, iters=50):
    if lo >= hi:
        raise ValueError("lo must be smaller than hi")
    if classify(run_gd(grad, x0, lo, steps), x_star) == "diverged":
        raise ValueError("lo already diverges")
    if classify(run_gd(grad, x0, hi, steps), x_star) != "diverged":
        raise ValueError("hi does not diverge")
    for _i in range(iters):
        mid = (lo + hi) / 2
        if classify(run_gd(grad, x0, mid, steps), x_star) == "diverged":
            hi = mid
        else:
            lo = mid
    return float((lo + hi) / 2)
