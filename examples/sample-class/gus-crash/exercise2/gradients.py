"""Gus, exercise 2."""

import numpy as np


def _pair(u, v, label):
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if u.shape != v.shape or u.size == 0:
        raise ValueError(f"{label}: shapes {u.shape} and {v.shape} (must match, non-empty)")
    return u, v


def mse_gradients(w, b, x, y):
    x, y = _pair(x, y, "x, y")
    r = np.ravel(w * x + b - y)
    features = np.stack([np.ravel(x), np.ones(r.size)])  # rows: d/dw and d/db of each residual
    d_w, d_b = 2.0 * (features @ r) / r.size
    return float(d_w), float(d_b)


def linear_gradient(w, X, y):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError("X must be (n, d) with n >= 1")
    w = np.asarray(w, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if w.shape != X.shape[1:] or y.shape != X.shape[:1]:
        raise ValueError("w must be (d,) and y (n,)")
    return np.matmul(np.subtract(np.matmul(X, w), y), X) * 2.0 / X.shape[0]


def numerical_gradient(f, theta, h=1e-5):
    if h <= 0:
        raise ValueError("h must be positive")
    base = np.asarray(theta, dtype=np.float64)
    estimate = np.zeros_like(base)
    for index in np.ndindex(*base.shape):
        shifted = [base.copy(), base.copy()]
        shifted[0][index] += h
        shifted[1][index] -= h
        estimate[index] = (float(f(shifted[0])) - float(f(shifted[1]))) / (2.0 * h)
    return estimate


def relative_error(a, b):
    a, b = _pair(a, b, "a, b")
    ratios = np.abs(a - b) / np.fmax(np.abs(a) + np.abs(b), 1e-12)
    return float(ratios.max())
