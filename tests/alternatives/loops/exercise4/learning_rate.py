"""Exercise 4: the critical learning rate, step by step with loops."""

import math

import numpy as np

X_STAR = 2.0


def f(x):
    return x**2 - 4 * x + 5


def grad(x):
    return 2 * x - 4


def _check_run_args(steps, limit):
    if steps < 0:
        raise ValueError("steps must be >= 0")
    if not (math.isfinite(limit) and limit > 0):
        raise ValueError("limit must be finite and positive")


def _start(x0):
    """x0 as a np.float64 (number) or a float64 vector copy."""
    start = np.array(x0, dtype=np.float64)
    if start.ndim == 0:
        return start[()]
    if start.ndim != 1:
        raise ValueError("x0 must be a number or a 1-D array")
    return start


def _blown_up(x, limit):
    for value in np.atleast_1d(x).tolist():
        if not math.isfinite(value) or abs(value) > limit:
            return True
    return False


def run_gd(grad, x0, lr, steps=20, limit=1e6):
    _check_run_args(steps, limit)
    x = _start(x0)
    trajectory = [x]
    if _blown_up(x, limit):
        return np.array(trajectory, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = x - lr * grad(x)
            trajectory.append(x)
            if _blown_up(x, limit):
                break
    return np.array(trajectory, dtype=np.float64)


def _distance(point, x_star):
    differences = []
    for p, s in zip(point, x_star, strict=True):
        differences.append(p - s)
    return math.hypot(*differences)


def _rows(trajectory):
    """The iterates as lists of Python floats (a number iterate is a 1-list)."""
    arr = np.array(trajectory, dtype=np.float64)
    if arr.size == 0:
        raise ValueError("the trajectory is empty")
    if arr.ndim <= 1:
        return [[v] for v in arr.reshape(-1).tolist()]
    return arr.tolist()


def classify(trajectory, x_star, tol=1e-2):
    rows = _rows(trajectory)
    star = np.array(x_star, dtype=np.float64).reshape(-1).tolist()
    if len(star) == 1 and len(rows[0]) > 1:
        star = star * len(rows[0])
    for row in rows:
        for value in row:
            if not math.isfinite(value):
                return "diverged"
    d_first = _distance(rows[0], star)
    d_last = _distance(rows[-1], star)
    if d_last > d_first * (1 + 1e-9):
        return "diverged"
    if d_last <= tol:
        return "converged"
    if len(rows) >= 3 and abs(d_last - d_first) <= 1e-9 * d_first:
        alternating = True
        for k in range(len(rows) - 1):
            for p, q, s in zip(rows[k], rows[k + 1], star, strict=True):
                before = p - s
                after = q - s
                if before == 0 or after == 0 or (before > 0) == (after > 0):
                    alternating = False
        if alternating:
            return "oscillating"
    return "converging"


def predict_behaviour(lr, curvature):
    if lr <= 0 or curvature <= 0:
        raise ValueError("lr and curvature must be positive")
    q = lr * curvature
    if abs(q - 2) <= 2e-12:
        return "oscillates"
    if q < 2:
        return "converges"
    return "diverges"


def critical_lr(hessian):
    H = np.array(hessian, dtype=np.float64)
    if H.ndim == 0:
        lam_max = float(H)
        if not math.isfinite(lam_max):
            raise ValueError("the curvature must be finite")
    else:
        if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
            raise ValueError("the Hessian must be a non-empty square matrix")
        rows = H.tolist()
        size = len(rows)
        biggest = 0.0
        for i in range(size):
            for j in range(size):
                if not math.isfinite(rows[i][j]):
                    raise ValueError("the Hessian has a non-finite entry")
                biggest = max(biggest, abs(rows[i][j]))
        asymmetry = 0.0
        for i in range(size):
            for j in range(size):
                asymmetry = max(asymmetry, abs(rows[i][j] - rows[j][i]))
        if asymmetry > 1e-12 * biggest:
            raise ValueError("the Hessian is not symmetric")
        lam_max = float(np.linalg.eigvalsh(H)[-1])
    if lam_max <= 0:
        raise ValueError("the largest eigenvalue must be positive")
    return 2 / lam_max


def _diverges(grad, x0, x_star, rate, steps):
    return classify(run_gd(grad, x0, rate, steps), x_star) == "diverged"


def find_critical_lr(grad, x0, x_star, lo=0.0, hi=2.0, steps=100, iters=50):
    if lo >= hi:
        raise ValueError("need lo < hi")
    if _diverges(grad, x0, x_star, lo, steps):
        raise ValueError("the run at lo already diverges")
    if not _diverges(grad, x0, x_star, hi, steps):
        raise ValueError("the run at hi does not diverge")
    for _ in range(iters):
        mid = (lo + hi) / 2
        if _diverges(grad, x0, x_star, mid, steps):
            hi = mid
        else:
            lo = mid
    return float((lo + hi) / 2)
