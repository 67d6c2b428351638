"""Exercise 2 (Ada): gradients of linear models, by hand and by finite differences."""

import numpy as np


def _matching(first, second, what):
    a = np.array(first, dtype=np.float64)
    b = np.array(second, dtype=np.float64)
    if a.shape != b.shape or a.size == 0:
        raise ValueError(f"{what}: need one non-empty shape, got {a.shape} and {b.shape}")
    return a, b


def mse_gradients(w, b, x, y):
    inputs, targets = _matching(x, y, "x and y")
    residual = (w * inputs + b - targets).ravel()
    n = residual.size
    d_w = 2.0 * np.dot(residual, inputs.ravel()) / n
    d_b = 2.0 * residual.sum() / n
    return np.float64(d_w), np.float64(d_b)


def linear_gradient(w, X, y):
    design = np.array(X, dtype=np.float64)
    weights = np.array(w, dtype=np.float64)
    targets = np.array(y, dtype=np.float64)
    if design.ndim != 2 or design.shape[0] < 1:
        raise ValueError("X must be a 2-D array with at least one row")
    rows, cols = design.shape
    if weights.shape != (cols,):
        raise ValueError(f"w must have shape ({cols},), got {weights.shape}")
    if targets.shape != (rows,):
        raise ValueError(f"y must have shape ({rows},), got {targets.shape}")
    residual = np.einsum("ij,j->i", design, weights) - targets
    return np.einsum("ij,i->j", design, residual) * (2.0 / rows)


def numerical_gradient(f, theta, h=1e-5):
    if not h > 0:
        raise ValueError("the step h must be positive")
    point = np.array(theta, dtype=np.float64)  # our own copy: theta is never touched
    flat = point.ravel()
    slopes = np.empty(flat.size)
    for i in range(flat.size):
        nudge = np.zeros(flat.size)
        nudge[i] = h
        ahead = float(f((flat + nudge).reshape(point.shape)))
        behind = float(f((flat - nudge).reshape(point.shape)))
        slopes[i] = (ahead - behind) / (2 * h)
    return slopes.reshape(point.shape)


def relative_error(a, b):
    left, right = _matching(a, b, "a and b")
    worst = 0.0
    for u, v in zip(left.ravel(), right.ravel(), strict=True):
        worst = max(worst, abs(u - v) / max(abs(u) + abs(v), 1e-12))
    return np.float64(worst)
