"""Exercise 3: house-price regression, written with explicit loops."""

import math

import numpy as np
from matplotlib.figure import Figure

SIZES = [1000, 1500, 2000, 2500, 3000]  # square feet
PRICES = [200, 280, 350, 400, 480]  # thousands of dollars


def _vector(values):
    arr = np.array(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("expected a non-empty 1-D array")
    return arr


def _pair(x, y):
    x = _vector(x)
    y = _vector(y)
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    return x, y


def predict(w, b, x):
    w = np.float64(w)
    b = np.float64(b)
    values = np.array(x, dtype=np.float64)
    out = [w * v + b for v in values.reshape(-1)]
    return np.array(out, dtype=np.float64).reshape(values.shape)


def _loss_and_grads(w, b, xs, ys):
    """MSE and its two partial derivatives at (w, b), one pass over the data."""
    n = len(xs)
    loss = 0.0
    dw = 0.0
    db = 0.0
    for xi, yi in zip(xs, ys, strict=True):
        r = w * xi + b - yi
        loss += r * r
        dw += r * xi
        db += r
    return loss / n, 2.0 * dw / n, 2.0 * db / n


def _descend(xs, ys, w, b, lr, steps):
    """Batch gradient descent; returns (w, b, losses) with steps + 1 losses."""
    if steps < 0:
        raise ValueError("steps must be >= 0")
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        w = np.float64(w)
        b = np.float64(b)
        lr = np.float64(lr)
        for _ in range(steps):
            loss, dw, db = _loss_and_grads(w, b, xs, ys)
            history.append(loss)
            w, b = w - lr * dw, b - lr * db  # both from the same old point
        history.append(_loss_and_grads(w, b, xs, ys)[0])
    return float(w), float(b), np.array(history, dtype=np.float64)


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    x, y = _pair(x, y)
    return _descend(list(x), list(y), w0, b0, lr, steps)


def standardize(x):
    x = _vector(x)
    values = [float(v) for v in x]
    if max(values) == min(values):
        raise ValueError("all values are equal: cannot standardise")
    n = len(values)
    mean = sum(values) / n
    spread = 0.0
    for v in values:
        spread += (v - mean) * (v - mean)
    std = math.sqrt(spread / n)
    z = [(v - mean) / std for v in values]
    return np.array(z, dtype=np.float64), mean, std


def fit_standardized(x, y, lr=0.1, steps=1000):
    z, mean, std = standardize(x)
    z, y = _pair(z, y)
    w_z, b_z, history = _descend(list(z), list(y), 0.0, 0.0, lr, steps)
    w = w_z / std
    b = b_z - w_z * mean / std
    return w, b, history


def plot_learning_curve(history, ax=None):
    if ax is None:
        ax = Figure().add_subplot()
    losses = [float(v) for v in np.asarray(history, dtype=np.float64).reshape(-1)]
    ax.plot(list(range(len(losses))), losses)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("MSE loss (log scale)")
    ax.set_title("Learning curve")
    return ax
