"""Dan - exercise 1."""

import numpy as np


def squared_errors(y_true, y_pred):
    actual = np.asarray(y_true, dtype="float64")
    predicted = np.asarray(y_pred, dtype="float64")
    # no broadcasting allowed, and empty input makes no sense
    if actual.shape != predicted.shape or actual.size == 0:
        raise ValueError("y_true and y_pred need the same non-empty shape")
    errors = actual - predicted
    return errors**2


def mse(y_true, y_pred):
    se = squared_errors(y_true, y_pred)
    total = float(se.sum())
    return total / se.size


def sse(y_true, y_pred):
    se = squared_errors(y_true, y_pred)
    return float(se.sum())


def loss_landscape(x, y, slopes):
    sizes = np.asarray(x, dtype="float64")
    prices = np.asarray(y, dtype="float64")
    if sizes.shape != prices.shape or sizes.size == 0:
        raise ValueError("x and y need the same non-empty shape")
    slope_list = np.asarray(slopes, dtype="float64")
    if slope_list.ndim != 1 or slope_list.size == 0:
        raise ValueError("give at least one slope, as a flat list")
    result = []
    for s in slope_list:
        result.append(mse(prices, s * sizes))
    return np.array(result)


def best_slope(x, y, slopes):
    losses = loss_landscape(x, y, slopes)
    best_index = int(np.argmin(losses))  # argmin gives the first one if there is a tie
    return float(slopes[best_index])
