"""Exercise 4 (Ada): how long a stride the hiker can take."""

import numpy as np

X_STAR = 2.0


def f(x):
    return x**2 - 4 * x + 5


def grad(x):
    return 2 * x - 4


def _start(x0):
    """A np.float64 for a number, a float64 copy for a 1-D start."""
    if np.ndim(x0) == 0:
        return np.float64(x0)
    start = np.array(x0, dtype=np.float64)
    if start.ndim != 1 or start.size == 0:
        raise ValueError("x0 must be a number or a non-empty 1-D array")
    return start


def _blown_up(x, limit):
    return bool(np.any(~np.isfinite(x)) or np.any(np.abs(x) > limit))


def _check_budget(steps, limit):
    problems = []
    if steps < 0:
        problems.append(f"steps={steps} is negative")
    if not np.isfinite(limit) or limit <= 0:
        problems.append(f"limit={limit} is not a finite positive number")
    if problems:
        raise ValueError("; ".join(problems))


def run_gd(grad, x0, lr, steps=20, limit=1e6):
    _check_budget(steps, limit)
    x = _start(x0)
    path = [x]
    remaining = steps
    with np.errstate(over="ignore", invalid="ignore"):
        while remaining > 0 and not _blown_up(x, limit):
            x = x - lr * grad(x)
            path.append(x)
            remaining -= 1
    return np.array(path, dtype=np.float64)


def _distances(points, x_star):
    """Offsets x_k - x* and their lengths d_k (Euclidean for vector runs)."""
    offsets = points - np.array(x_star, dtype=np.float64)
    if offsets.ndim == 1:
        return offsets, np.abs(offsets)
    return offsets, np.sqrt(np.einsum("ij,ij->i", offsets, offsets))


def classify(trajectory, x_star, tol=1e-2):
    points = np.array(trajectory, dtype=np.float64)
    if len(points) == 0:
        raise ValueError("an empty trajectory says nothing")
    if not np.isfinite(points).all():
        return "diverged"
    offsets, d = _distances(points, x_star)
    grew = d[-1] > d[0] * (1 + 1e-9)
    if grew:
        return "diverged"
    if d[-1] <= tol:
        return "converged"
    same_distance = abs(d[-1] - d[0]) <= 1e-9 * d[0]
    if len(points) >= 3 and same_distance:
        flips = True
        for before, after in zip(offsets[:-1], offsets[1:], strict=True):
            if np.any(np.sign(before) * np.sign(after) != -1):  # same sign, or a zero
                flips = False
                break
        if flips:
            return "oscillating"
    return "converging"


def predict_behaviour(lr, curvature):
    if lr <= 0 or curvature <= 0:
        raise ValueError("lr and curvature must both be positive")
    q = lr * curvature
    if abs(q - 2) <= 2 * 1e-12:
        return "oscillates"
    if q < 2:
        return "converges"
    return "diverges"


def critical_lr(hessian):
    H = np.array(hessian, dtype=np.float64)
    if H.ndim not in (0, 2):
        raise ValueError(f"expected a number or a square matrix, got shape {H.shape}")
    H = np.atleast_2d(H)
    rows, cols = H.shape
    if rows != cols or rows == 0:
        raise ValueError(f"expected a square matrix, got shape {H.shape}")
    if np.count_nonzero(~np.isfinite(H)):
        raise ValueError("the Hessian has an entry that is not finite")
    mismatch = np.abs(np.triu(H) - np.tril(H).T).max()  # the largest |H_ij - H_ji|
    if mismatch > 1e-12 * np.abs(H).max():
        raise ValueError("the Hessian is not symmetric")
    steepest = np.linalg.eigvalsh(H).max()
    if steepest <= 0:
        raise ValueError("no positive curvature: no critical rate")
    return np.float64(2.0 / steepest)


def find_critical_lr(grad, x0, x_star, lo=0.0, hi=2.0, steps=100, iters=50):
    def _diverges(rate):
        return classify(run_gd(grad, x0, rate, steps), x_star) == "diverged"

    if not lo < hi:
        raise ValueError("the bracket needs lo < hi")
    if _diverges(lo):
        raise ValueError("the run at lo already diverges")
    if not _diverges(hi):
        raise ValueError("the run at hi does not diverge")
    for _ in range(iters):
        middle = 0.5 * (lo + hi)
        if _diverges(middle):
            hi = middle
        else:
            lo = middle
    return np.float64(0.5 * (lo + hi))
