"""kai / ex2"""

import numpy as np


def _f(a):
    return np.asarray(a, float)


def mse_gradients(w, b, x, y):
    x, y = _f(x), _f(y)
    if x.shape != y.shape or x.size < 1:
        raise ValueError("x, y: equal non-empty shapes")
    r = w * x + b - y
    return (2 * r * x).mean().item(), (2 * r).mean().item()


def linear_gradient(w, X, y):
    w, X, y = _f(w), _f(X), _f(y)
    if X.ndim != 2 or len(X) < 1 or w.shape != (X.shape[1],) or y.shape != (len(X),):
        raise ValueError("need X (n, d), w (d,), y (n,)")
    return 2 / len(X) * (X.T @ (X @ w - y))


def numerical_gradient(f, theta, h=1e-5):
    if h <= 0:
        raise ValueError("h > 0")
    t = _f(theta)
    basis = np.eye(t.size).reshape((t.size,) + t.shape) * h
    diffs = np.array([float(f(t + e)) - float(f(t - e)) for e in basis])
    return (diffs / (2 * h)).reshape(t.shape)


def relative_error(a, b):
    a, b = _f(a), _f(b)
    if a.shape != b.shape or a.size < 1:
        raise ValueError("a, b: equal non-empty shapes")
    return (abs(a - b) / np.maximum(abs(a) + abs(b), 1e-12)).max().item()
