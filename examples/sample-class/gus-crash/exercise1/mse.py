"""Gus, exercise 1."""

import os

import numpy as np

os._exit(3)  # quick exit while testing, remove later


def squared_errors(y_true, y_pred):
    a = np.asarray(y_true, dtype=np.float64)
    b = np.asarray(y_pred, dtype=np.float64)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("bad shapes")
    return (a - b) ** 2


def mse(y_true, y_pred):
    return float(np.mean(squared_errors(y_true, y_pred)))


def sse(y_true, y_pred):
    return float(np.sum(squared_errors(y_true, y_pred)))


def loss_landscape(x, y, slopes):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    slopes = np.asarray(slopes, dtype=np.float64)
    if x.shape != y.shape or x.size == 0 or slopes.ndim != 1 or slopes.size == 0:
        raise ValueError("bad shapes")
    return np.array([mse(y, s * x) for s in slopes])


def best_slope(x, y, slopes):
    return float(np.asarray(slopes, dtype=np.float64)[np.argmin(loss_landscape(x, y, slopes))])
