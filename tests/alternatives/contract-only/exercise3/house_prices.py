"""Exercise 3: house-price regression."""

import matplotlib.pyplot as plt
import numpy as np

SIZES = [1000, 1500, 2000, 2500, 3000]  # square feet
PRICES = [200, 280, 350, 400, 480]  # thousands of dollars


def predict(w, b, x):
    """Predictions of the line ``w * x + b``."""
    x = np.asarray(x, dtype=np.float64)
    return w * x + b


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    """Batch gradient descent on the MSE, simultaneous updates of ``w`` and ``b``."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.float64(w0)
    b = np.float64(b0)
    # A diverging run is not stopped: its losses become inf or nan, silently.
    with np.errstate(over="ignore", invalid="ignore"):
        history = [np.mean((w * x + b - y) ** 2)]
        for _ in range(steps):
            r = w * x + b - y
            dw = 2 * np.mean(r * x)
            db = 2 * np.mean(r)
            w, b = w - lr * dw, b - lr * db
            history.append(np.mean((w * x + b - y) ** 2))
    return float(w), float(b), np.array(history, dtype=np.float64)


def standardize(x):
    """``(z, mean, std)`` with ``z = (x - mean) / std`` and the population std."""
    x = np.asarray(x, dtype=np.float64)
    mean = np.mean(x)
    std = np.std(x)
    if std == 0:
        raise ValueError("cannot standardize a constant input")
    z = (x - mean) / std
    return z, float(mean), float(std)


def fit_standardized(x, y, lr=0.1, steps=1000):
    """Descent on standardized ``x`` from ``w = b = 0``, line returned in original units."""
    z, mean, std = standardize(x)
    wz, bz, history = fit(z, y, w0=0.0, b0=0.0, lr=lr, steps=steps)
    with np.errstate(over="ignore", invalid="ignore"):
        w = np.float64(wz) / std
        b = np.float64(bz) - w * mean
    return float(w), float(b), history


def plot_learning_curve(history, ax=None):
    """Loss against step index on a logarithmic loss axis; returns the Axes."""
    history = np.asarray(history, dtype=np.float64)
    if ax is None:
        fig, ax = plt.subplots()
    ax.plot(np.arange(len(history)), history)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (MSE)")
    ax.set_title("Learning curve")
    return ax
