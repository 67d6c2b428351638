"""Dan - exercise 2."""

import numpy as np


def mse_gradients(w, b, x, y):
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if x.shape != y.shape or x.size == 0:
        raise ValueError("x and y need the same non-empty shape")
    n = x.size
    error = w * x + b - y
    grad_w = 2 / n * np.sum(error * x)
    grad_b = 2 / n * np.sum(error)
    return float(grad_w), float(grad_b)


def linear_gradient(w, X, y):
    X = np.asarray(X, dtype="float64")
    if X.ndim != 2 or len(X) == 0:
        raise ValueError("X should be a matrix with at least one row")
    rows, columns = X.shape
    weights = np.asarray(w, dtype="float64").reshape(-1)
    targets = np.asarray(y, dtype="float64").reshape(-1)
    if np.ndim(w) != 1 or len(weights) != columns:
        raise ValueError("w needs one weight per column of X")
    if np.ndim(y) != 1 or len(targets) != rows:
        raise ValueError("y needs one value per row of X")
    prediction = X @ weights
    return 2 / rows * (X.T @ (prediction - targets))


def numerical_gradient(f, theta, h=1e-5):
    if h <= 0:
        raise ValueError("h has to be positive")
    theta = np.array(theta, dtype="float64")  # np.array makes a copy
    result = np.zeros(theta.shape)
    for i in range(theta.size):
        up = theta.copy()
        down = theta.copy()
        up.flat[i] = up.flat[i] + h
        down.flat[i] = down.flat[i] - h
        result.flat[i] = (float(f(up)) - float(f(down))) / (2 * h)
    return result


def relative_error(a, b):
    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    if a.shape != b.shape or a.size == 0:
        raise ValueError("a and b need the same non-empty shape")
    bottom = np.abs(a) + np.abs(b)
    bottom = np.where(bottom < 1e-12, 1e-12, bottom)
    return float(np.max(np.abs(a - b) / bottom))
