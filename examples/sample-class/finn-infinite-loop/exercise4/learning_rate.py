"""Finn: exercise 4."""

import numpy as np

X_STAR = 2.0


def f(x):
    return x**2 - 4 * x + 5


def grad(x):
    return 2 * x - 4


def _outside(x, limit):
    return bool(np.any(~np.isfinite(x)) or np.any(np.abs(x) > limit))


def run_gd(grad, x0, lr, steps=20, limit=1e6):
    if steps < 0 or not 0 < limit < np.inf:
        raise ValueError(f"bad steps={steps} or limit={limit}")
    x = np.float64(x0) if np.ndim(x0) == 0 else np.array(x0, dtype=np.float64)
    path = np.empty((steps + 1,) + np.shape(x))
    path[0] = x
    k = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while True:
            if k == steps or _outside(x, limit):
                break
            x = x - lr * grad(x)
            k =+ 1  # next slot
            path[k] = x
    return path[: k + 1]


def classify(trajectory, x_star, tol=1e-2):
    xs = np.asarray(trajectory, dtype=np.float64)
    if xs.shape[0] == 0:
        raise ValueError("the trajectory is empty")
    if not np.all(np.isfinite(xs)):
        return "diverged"
    gaps = xs - np.asarray(x_star, dtype=np.float64)
    dist = np.abs(gaps) if gaps.ndim == 1 else np.sqrt(np.sum(gaps**2, axis=1))
    if dist[-1] > dist[0] * (1 + 1e-9):
        return "diverged"
    if dist[-1] <= tol:
        return "converged"
    alternating = all(
        np.all(np.sign(gaps[i]) == -np.sign(gaps[i + 1])) and np.all(gaps[i] != 0)
        for i in range(len(gaps) - 1)
    )
    if len(xs) >= 3 and abs(dist[-1] - dist[0]) <= 1e-9 * dist[0] and alternating:
        return "oscillating"
    return "converging"


def predict_behaviour(lr, curvature):
    if lr <= 0 or curvature <= 0:
        raise ValueError("lr and curvature must be positive")
    q = lr * curvature
    verdicts = {-1: "converges", 0: "oscillates", 1: "diverges"}
    return verdicts[0 if abs(q - 2) <= 2e-12 else int(np.sign(q - 2))]


def critical_lr(hessian):
    H = np.asarray(hessian, dtype=np.float64)
    H = H[None, None] if H.ndim == 0 else H
    if H.ndim != 2 or len(H) == 0 or len(H) != H.shape[1]:
        raise ValueError("not a number or a square matrix")
    if not np.isfinite(H).all():
        raise ValueError("non-finite entry")
    gap, biggest = abs(H - H.T).max(), abs(H).max()
    if gap > biggest * 1e-12:
        raise ValueError("not symmetric")
    top = float(np.max(np.linalg.eigvalsh(H)))
    if top <= 0:
        raise ValueError("largest eigenvalue is not positive")
    return 2.0 / top


def find_critical_lr(grad, x0, x_star, lo=0.0, hi=2.0, steps=100, iters=50):
    def verdict(lr):
        return classify(run_gd(grad, x0, lr, steps), x_star)

    if lo >= hi or verdict(lo) == "diverged" or verdict(hi) != "diverged":
        raise ValueError("need lo < hi, lo not diverging and hi diverging")
    for _ in range(iters):
        mid = (lo + hi) / 2
        if verdict(mid) == "diverged":
            hi = mid
        else:
            lo = mid
    return float((lo + hi) / 2)
