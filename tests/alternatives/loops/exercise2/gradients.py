"""Exercise 2: gradients, with loops over the examples and the components."""

import math

import numpy as np


def _floats(values):
    return np.array(values, dtype=np.float64)


def _same_shape_nonempty(a, b):
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("inputs must not be empty")


def mse_gradients(w, b, x, y):
    x = _floats(x)
    y = _floats(y)
    _same_shape_nonempty(x, y)
    w = float(w)
    b = float(b)
    n = x.size
    sum_rx = 0.0
    sum_r = 0.0
    for xi, yi in zip(x.reshape(-1).tolist(), y.reshape(-1).tolist(), strict=True):
        r = w * xi + b - yi
        sum_rx += r * xi
        sum_r += r
    return 2.0 * sum_rx / n, 2.0 * sum_r / n


def linear_gradient(w, X, y):
    w = _floats(w)
    X = _floats(X)
    y = _floats(y)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    n, d = X.shape
    if n < 1:
        raise ValueError("X needs at least one row")
    if w.shape != (d,):
        raise ValueError(f"w must have shape ({d},)")
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},)")
    rows = X.tolist()
    weights = w.tolist()
    targets = y.tolist()
    residuals = []
    for i in range(n):
        prediction = 0.0
        for j in range(d):
            prediction += rows[i][j] * weights[j]
        residuals.append(prediction - targets[i])
    grad = []
    for j in range(d):
        total = 0.0
        for i in range(n):
            total += rows[i][j] * residuals[i]
        grad.append(2.0 * total / n)
    return np.array(grad, dtype=np.float64)


def numerical_gradient(f, theta, h=1e-5):
    if h <= 0:
        raise ValueError("h must be positive")
    point = _floats(theta)
    shape = point.shape
    flat_point = point.reshape(-1)
    slopes = []
    for i in range(flat_point.size):
        plus = flat_point.copy()
        plus[i] += h
        minus = flat_point.copy()
        minus[i] -= h
        f_plus = float(f(plus.reshape(shape)))
        f_minus = float(f(minus.reshape(shape)))
        slopes.append((f_plus - f_minus) / (2 * h))
    return np.array(slopes, dtype=np.float64).reshape(shape)


def relative_error(a, b):
    a = _floats(a)
    b = _floats(b)
    _same_shape_nonempty(a, b)
    worst = 0.0
    for u, v in zip(a.reshape(-1).tolist(), b.reshape(-1).tolist(), strict=True):
        scale = max(math.fabs(u) + math.fabs(v), 1e-12)
        ratio = math.fabs(u - v) / scale
        if ratio > worst or math.isnan(ratio):
            worst = ratio
    return worst
