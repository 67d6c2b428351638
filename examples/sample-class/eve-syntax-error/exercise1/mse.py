"""Eve's exercise 1."""

import math

import numpy as np


def _validated(y_true, y_pred):
    pair = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if pair[0].shape != pair[1].shape:
        raise ValueError("shape mismatch")
    if pair[0].size == 0:
        raise ValueError("empty input")
    return pair


def squared_errors(y_true, y_pred):
    actual, predicted = _validated(y_true, y_pred)
    return np.power(np.subtract(actual, predicted), 2)


def sse(y_true, y_pred):
    return math.fsum(squared_errors(y_true, y_pred).flat)


def mse(y_true, y_pred):
    errors = squared_errors(y_true, y_pred)
    return math.fsum(errors.flat) / errors.size


def loss_landscape(x, y, slopes):
    x, y = _validated(x, y)
    grid = np.asarray(slopes, dtype=np.float64)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError("slopes must be a non-empty 1-D sequence")
    return np.array([mse(y, slope * x) for slope in grid])


def best_slope(x, y, slopes):
    losses = list(loss_landscape(x, y, slopes))
    position = losses.index(min(losses))  # index() finds the first of equal minima
    return float(np.asarray(slopes, dtype=np.float64)[position])
