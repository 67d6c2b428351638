"""Exercise 4: the critical learning rate, NumPy all the way."""

import numpy as np

X_STAR = 2.0


def f(x):
    return x**2 - 4 * x + 5


def grad(x):
    return 2 * x - 4


def _checked(x0, steps, limit):
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


def run_gd(grad, x0, lr, steps=20, limit=1e6):
    x = _checked(x0, steps, limit)
    path = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        while len(path) <= steps and not _escaped(x, limit):
            x = x - lr * grad(x)
            path.append(x)
    return np.stack(path).astype(np.float64)


def classify(trajectory, x_star, tol=1e-2):
    t = np.asarray(trajectory, dtype=np.float64)
    if t.size == 0:
        raise ValueError("empty trajectory")
    if t.ndim < 2:
        t = t.reshape(-1, 1)
    errors = t - np.asarray(x_star, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        d = np.hypot.reduce(np.abs(errors), axis=1)  # Euclidean norm, overflow-safe
        if not np.isfinite(t).all() or d[-1] > d[0] * (1 + 1e-9):
            return "diverged"
        if d[-1] <= tol:
            return "converged"
        signs = np.sign(errors)
        alternating = np.all(signs[:-1] * signs[1:] == -1)
        if len(t) >= 3 and abs(d[-1] - d[0]) <= 1e-9 * d[0] and alternating:
            return "oscillating"
    return "converging"


def predict_behaviour(lr, curvature):
    if lr <= 0 or curvature <= 0:
        raise ValueError("lr and curvature must be > 0")
    q = np.float64(lr) * np.float64(curvature)
    if np.isclose(q, 2.0, rtol=1e-12, atol=0.0):
        return "oscillates"
    return "converges" if q < 2 else "diverges"


def critical_lr(hessian):
    H = np.asarray(hessian, dtype=np.float64)
    if H.ndim == 2 and H.shape[0] == H.shape[1] and H.size:
        if not np.isfinite(H).all():
            raise ValueError("non-finite Hessian")
        if np.abs(H - H.T).max() > 1e-12 * np.abs(H).max():
            raise ValueError("Hessian not symmetric")
        lam = np.linalg.eigvalsh(H)[-1]
    elif H.ndim == 0:
        if not np.isfinite(H):
            raise ValueError("non-finite curvature")
        lam = H[()]
    else:
        raise ValueError("expected a number or a square matrix")
    if lam <= 0:
        raise ValueError("lambda_max must be > 0")
    return np.float64(2.0 / lam)


def find_critical_lr(grad, x0, x_star, lo=0.0, hi=2.0, steps=100, iters=50):
    def diverged(rate):
        return classify(run_gd(grad, x0, rate, steps), x_star) == "diverged"

    if lo >= hi or diverged(lo) or not diverged(hi):
        raise ValueError("[lo, hi] does not bracket the critical rate")
    for _ in range(iters):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if diverged(mid) else (mid, hi)
    return np.float64((lo + hi) / 2)
