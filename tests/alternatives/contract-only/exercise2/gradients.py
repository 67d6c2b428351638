"""Exercise 2: gradients."""

import numpy as np


def mse_gradients(w, b, x, y):
    """``(dL/dw, dL/db)`` for ``L(w, b) = mean((w*x + b - y) ** 2)``."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    r = w * x + b - y
    return float(2 * np.mean(r * x)), float(2 * np.mean(r))


def linear_gradient(w, X, y):
    """Gradient of ``mean((X @ w - y) ** 2)``: ``2 X.T (X w - y) / n``."""
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = X.shape[0]
    return 2 * X.T @ (X @ w - y) / n


def numerical_gradient(f, theta, h=1e-5):
    """Central-difference gradient of a scalar function ``f`` at ``theta``."""
    theta = np.array(theta, dtype=np.float64)  # a copy: the caller's theta is left alone
    gradient = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        plus = theta.copy()
        plus[i] += h
        minus = theta.copy()
        minus[i] -= h
        gradient[i] = (f(plus) - f(minus)) / (2 * h)
    return gradient


def relative_error(a, b):
    """Largest ``|a - b| / max(|a| + |b|, 1e-12)`` over the elements."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denominator = np.maximum(np.abs(a) + np.abs(b), 1e-12)
    return float(np.max(np.abs(a - b) / denominator))
