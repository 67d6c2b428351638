"""Exercise 2: gradients with matrix algebra."""

import numpy as np


def _same(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("inputs must be non-empty and of the same shape")
    return a, b


def mse_gradients(w, b, x, y):
    x, y = _same(x, y)
    r = np.float64(w) * x + np.float64(b) - y
    return np.float64(2 * np.mean(r * x)), np.float64(2 * np.mean(r))


def linear_gradient(w, X, y):
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError("X must be (n, d) with n >= 1")
    n, d = X.shape
    if w.shape != (d,) or y.shape != (n,):
        raise ValueError("w must be (d,) and y (n,)")
    return 2.0 / n * (X.T @ (X @ w - y))


def numerical_gradient(f, theta, h=1e-5):
    if not h > 0:
        raise ValueError("h must be > 0")
    theta = np.asarray(theta, dtype=np.float64)
    flat = theta.ravel()
    grad = np.empty(flat.size)
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += h
        down[i] -= h
        grad[i] = float(f(up.reshape(theta.shape))) - float(f(down.reshape(theta.shape)))
    grad /= 2 * h
    return grad.reshape(theta.shape)


def relative_error(a, b):
    a, b = _same(a, b)
    denominator = np.maximum(np.abs(a) + np.abs(b), 1e-12)
    return np.float64(np.max(np.abs(a - b) / denominator))
