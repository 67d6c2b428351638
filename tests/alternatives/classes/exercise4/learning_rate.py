"""Exercise 4: the critical learning rate.

A ``Descent`` object runs gradient descent and a ``Run`` object judges a
trajectory. The module-level functions are thin wrappers around them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

X_STAR = 2.0


def f(x):
    return x**2 - 4 * x + 5


def grad(x):
    return 2 * x - 4


@dataclass(frozen=True)
class Descent:
    grad: object
    lr: float
    steps: int
    limit: float = 1e6

    def __post_init__(self):
        if self.steps < 0:
            raise ValueError("steps must be >= 0")
        if not (math.isfinite(self.limit) and self.limit > 0):
            raise ValueError("limit must be a finite positive number")

    def out_of_bounds(self, x) -> bool:
        return bool(np.any(~np.isfinite(x)) or np.any(np.abs(x) > self.limit))

    def iterates(self, x0):
        """Yield x0, x1, ... and stop right after the first out-of-bounds iterate."""
        x = np.array(x0, dtype=np.float64)
        if x.ndim > 1:
            raise ValueError("x0 must be a number or a 1-D array")
        if x.ndim == 0:
            x = x[()]
        yield x
        if self.out_of_bounds(x):
            return
        for _ in range(self.steps):
            with np.errstate(over="ignore", invalid="ignore"):
                x = x - self.lr * self.grad(x)
            yield x
            if self.out_of_bounds(x):
                return

    def run(self, x0) -> np.ndarray:
        return np.array(list(self.iterates(x0)), dtype=np.float64)


@dataclass(frozen=True)
class Run:
    errors: np.ndarray  # (k, d): every iterate minus the minimum

    @classmethod
    def of(cls, trajectory, x_star) -> Run:
        points = np.array(trajectory, dtype=np.float64)
        if points.size == 0:
            raise ValueError("the trajectory is empty")
        if points.ndim < 2:
            points = points.reshape(-1, 1)
        with np.errstate(over="ignore", invalid="ignore"):
            return cls(points - np.asarray(x_star, dtype=np.float64))

    @property
    def distances(self) -> np.ndarray:
        # hypot never overflows on a large but finite error, unlike sqrt(sum(e**2))
        return np.hypot.reduce(np.abs(self.errors), axis=1)

    def blew_up(self) -> bool:
        d = self.distances
        return not np.all(np.isfinite(self.errors)) or d[-1] > d[0] * (1 + 1e-9)

    def bounces(self) -> bool:
        d = self.distances
        if len(d) < 3 or abs(d[-1] - d[0]) > 1e-9 * d[0]:
            return False
        signs = np.sign(self.errors)
        return bool(np.all(signs[1:] == -signs[:-1]) and np.all(signs != 0))

    def verdict(self, tol: float) -> str:
        if self.blew_up():
            return "diverged"
        if self.distances[-1] <= tol:
            return "converged"
        if self.bounces():
            return "oscillating"
        return "converging"


def run_gd(grad, x0, lr, steps=20, limit=1e6):
    return Descent(grad, lr, steps, limit).run(x0)


def classify(trajectory, x_star, tol=1e-2):
    return Run.of(trajectory, x_star).verdict(tol)


def predict_behaviour(lr, curvature):
    if lr <= 0 or curvature <= 0:
        raise ValueError("lr and curvature must both be positive")
    q = lr * curvature
    if abs(q - 2) <= 2e-12:
        return "oscillates"
    return "converges" if q < 2 else "diverges"


def critical_lr(hessian):
    H = np.array(hessian, dtype=np.float64)
    if H.ndim == 0:
        H = H.reshape(1, 1)
    elif H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError("the Hessian must be a number or a non-empty square matrix")
    if not np.all(np.isfinite(H)):
        raise ValueError("the Hessian has non-finite entries")
    if np.max(np.abs(H - H.T)) > 1e-12 * np.max(np.abs(H)):
        raise ValueError("the Hessian is not symmetric")
    lam_max = np.linalg.eigvalsh(H)[-1]
    if lam_max <= 0:
        raise ValueError("the largest eigenvalue is not positive")
    return float(2 / lam_max)


@dataclass
class Bracket:
    lo: float
    hi: float

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2


def find_critical_lr(grad, x0, x_star, lo=0.0, hi=2.0, steps=100, iters=50):
    def diverged(rate):
        return classify(run_gd(grad, x0, rate, steps), x_star) == "diverged"

    bracket = Bracket(lo, hi)
    if bracket.lo >= bracket.hi:
        raise ValueError("lo must be below hi")
    if diverged(bracket.lo):
        raise ValueError("the run at lo diverges")
    if not diverged(bracket.hi):
        raise ValueError("the run at hi does not diverge")
    for _ in range(iters):
        mid = bracket.mid
        if diverged(mid):
            bracket.hi = mid
        else:
            bracket.lo = mid
    return float(bracket.mid)
