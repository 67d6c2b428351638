"""Exercise 1: mean squared error and the loss landscape."""

import numpy as np


def squared_errors(y_true, y_pred):
    """Element-wise squared differences ``(y_true - y_pred) ** 2``."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"shapes differ: {y_true.shape} and {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("the inputs are empty")
    return (y_true - y_pred) ** 2


def mse(y_true, y_pred):
    """Mean squared error."""
    return float(np.mean(squared_errors(y_true, y_pred)))


def sse(y_true, y_pred):
    """Sum of squared errors."""
    return float(np.sum(squared_errors(y_true, y_pred)))


def loss_landscape(x, y, slopes):
    """MSE of the model ``s * x`` for every slope ``s``."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    losses = []
    for s in np.asarray(slopes, dtype=np.float64):
        losses.append(mse(y, s * x))
    return np.array(losses, dtype=np.float64)


def best_slope(x, y, slopes):
    """The slope of least MSE (the first one on ties)."""
    slopes = np.asarray(slopes, dtype=np.float64)
    losses = loss_landscape(x, y, slopes)
    return float(slopes[np.argmin(losses)])
