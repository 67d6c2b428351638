"""Exercise 2: gradients, organised around a small model class."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _floats(values) -> np.ndarray:
    return np.array(values, dtype=np.float64)


@dataclass(frozen=True)
class LinearModel:
    """Data for the model ``X @ w`` with the loss ``mean((X @ w - y) ** 2)``."""

    X: np.ndarray
    y: np.ndarray

    @classmethod
    def from_data(cls, X, y) -> LinearModel:
        X, y = _floats(X), _floats(y)
        if X.ndim != 2 or X.shape[0] < 1:
            raise ValueError("X must be 2-D of shape (n, d) with n >= 1")
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},)")
        return cls(X, y)

    @property
    def n(self) -> int:
        return self.X.shape[0]

    def residuals(self, w: np.ndarray) -> np.ndarray:
        w = _floats(w)
        if w.shape != (self.X.shape[1],):
            raise ValueError(f"w must have shape ({self.X.shape[1]},)")
        return self.X @ w - self.y

    def gradient(self, w) -> np.ndarray:
        return 2 * self.X.T @ self.residuals(w) / self.n


@dataclass(frozen=True)
class CentralDifference:
    """Numerical derivative operator with step ``h``."""

    h: float = 1e-5

    def __post_init__(self):
        if self.h <= 0:
            raise ValueError("h must be positive")

    def nudged(self, theta: np.ndarray, index: int, sign: int) -> np.ndarray:
        point = np.array(theta, dtype=np.float64)  # a fresh copy each time
        point.reshape(-1)[index] += sign * self.h
        return point

    def __call__(self, f, theta) -> np.ndarray:
        theta = _floats(theta)
        out = np.zeros(theta.shape, dtype=np.float64)
        flat = out.reshape(-1)
        for i in range(theta.size):
            f_plus = float(f(self.nudged(theta, i, +1)))
            f_minus = float(f(self.nudged(theta, i, -1)))
            flat[i] = (f_plus - f_minus) / (2 * self.h)
        return out


def mse_gradients(w, b, x, y):
    x, y = _floats(x), _floats(y)
    if x.shape != y.shape or x.size == 0:
        raise ValueError("x and y must be non-empty and of the same shape")
    # the line is the linear model with columns x and 1
    model = LinearModel(np.column_stack([x.ravel(), np.ones(x.size)]), y.ravel())
    dw, db = model.gradient([w, b])
    return float(dw), float(db)


def linear_gradient(w, X, y):
    return LinearModel.from_data(X, y).gradient(w)


def numerical_gradient(f, theta, h=1e-5):
    return CentralDifference(h)(f, theta)


def relative_error(a, b):
    a, b = _floats(a), _floats(b)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("a and b must be non-empty and of the same shape")
    scale = np.maximum(np.abs(a) + np.abs(b), 1e-12)
    return float(np.max(np.abs(a - b) / scale))
