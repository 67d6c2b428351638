"""Exercise 5: momentum and random restarts.

Plain descent and the heavy ball are two ``Optimizer`` classes with a ``step``
method; one ``run`` function drives either of them with the stopping rule.
"""

from __future__ import annotations

import math

import numpy as np


def f(x):
    return x**4 - 8 * x**2 + x


def grad(x):
    return 4 * x**3 - 16 * x + 1


class Optimizer:
    """One update rule. Subclasses define ``step(x) -> new x``."""

    def __init__(self, grad, lr):
        self.grad = grad
        self.lr = lr

    def reset(self, x):
        """Forget any state from a previous run; ``x`` is the start."""

    def step(self, x):
        raise NotImplementedError


class PlainDescent(Optimizer):
    def step(self, x):
        return x - self.lr * self.grad(x)


class HeavyBall(Optimizer):
    def __init__(self, grad, lr, beta):
        super().__init__(grad, lr)
        self.beta = beta
        self.velocity = None

    def reset(self, x):
        self.velocity = np.zeros_like(x)[()]  # v0 = 0, shaped like x0

    def step(self, x):
        self.velocity = self.beta * self.velocity + self.lr * self.grad(x)
        return x - self.velocity


class Trajectory:
    """Collects iterates and knows when one has escaped."""

    def __init__(self, limit):
        if not (math.isfinite(limit) and limit > 0):
            raise ValueError("limit must be finite and positive")
        self.limit = limit
        self.points = []

    def add(self, x) -> bool:
        """Record ``x``; return True when the run must stop after it."""
        self.points.append(x)
        return bool(np.any(~np.isfinite(x)) or np.any(np.abs(x) > self.limit))

    def to_array(self) -> np.ndarray:
        return np.array(self.points, dtype=np.float64)


def _start(x0):
    x = np.array(x0, dtype=np.float64)
    if x.ndim > 1:
        raise ValueError("x0 must be a number or a 1-D array")
    return x[()] if x.ndim == 0 else x


def run(optimizer: Optimizer, x0, steps, limit) -> np.ndarray:
    if steps < 0:
        raise ValueError("steps must be >= 0")
    path = Trajectory(limit)
    x = _start(x0)
    optimizer.reset(x)
    if path.add(x):
        return path.to_array()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = optimizer.step(x)
            if path.add(x):
                break
    return path.to_array()


def gradient_descent(grad, x0, lr=0.01, steps=200, limit=1e6):
    return run(PlainDescent(grad, lr), x0, steps, limit)


def momentum_descent(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    return run(HeavyBall(grad, lr, beta), x0, steps, limit)


class Best:
    """Keeps the lowest value seen so far; the first one wins ties."""

    def __init__(self):
        self.x = math.nan
        self.value = math.nan
        self.empty = True

    def offer(self, x, value):
        if self.empty or value < self.value:
            self.x, self.value, self.empty = float(x), float(value), False


def random_restarts(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    if n_restarts < 1:
        raise ValueError("n_restarts must be >= 1")
    if rng is None:
        rng = np.random.default_rng()
    best = Best()
    for start in rng.uniform(low, high, size=n_restarts):
        end = gradient_descent(grad, start, lr, steps)[-1]
        if not np.isfinite(end) or abs(end) > 1e6:
            continue
        best.offer(end, f(end))
    return best.x, best.value
