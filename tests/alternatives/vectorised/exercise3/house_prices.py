"""Exercise 3: house-price regression in matrix form.

The line is theta = (w, b) and the design matrix A = [x, 1], so the loss is
||A theta - y||^2 / n and its gradient 2 A^T (A theta - y) / n.
"""

import numpy as np
from matplotlib.figure import Figure

SIZES = [1000, 1500, 2000, 2500, 3000]  # square feet
PRICES = [200, 280, 350, 400, 480]  # thousands of dollars


def predict(w, b, x):
    return np.float64(w) * np.asarray(x, dtype=np.float64) + np.float64(b)


def _xy(x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or y.ndim != 1 or x.size == 0 or x.shape != y.shape:
        raise ValueError("x and y must be non-empty 1-D arrays of the same length")
    return x, y


def _gd(A, y, theta, lr, steps):
    if steps < 0:
        raise ValueError("steps must be >= 0")
    n = y.shape[0]
    history = np.empty(steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            r = A @ theta - y
            history[k] = np.dot(r, r) / n
            if k < steps:
                theta = theta - lr * (2.0 / n) * (A.T @ r)
    return theta, history


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    x, y = _xy(x, y)
    A = np.column_stack([x, np.ones_like(x)])
    theta, history = _gd(A, y, np.array([w0, b0], dtype=np.float64), lr, steps)
    return np.float64(theta[0]), np.float64(theta[1]), history


def standardize(x):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be a non-empty 1-D array")
    if np.ptp(x) == 0:
        raise ValueError("x is constant")
    mean, std = x.mean(), x.std()
    return (x - mean) / std, np.float64(mean), np.float64(std)


def fit_standardized(x, y, lr=0.1, steps=1000):
    z, mean, std = standardize(x)
    z, y = _xy(z, y)
    A = np.column_stack([z, np.ones_like(z)])
    (w_z, b_z), history = _gd(A, y, np.zeros(2), lr, steps)
    with np.errstate(over="ignore", invalid="ignore"):
        w = w_z / std
        b = b_z - w_z * mean / std
    return np.float64(w), np.float64(b), history


def plot_learning_curve(history, ax=None):
    ax = Figure().add_subplot() if ax is None else ax
    history = np.asarray(history, dtype=np.float64)
    ax.semilogy(np.arange(history.size), history)
    ax.set(xlabel="step", ylabel="MSE loss (log scale)", title="Learning curve")
    return ax
