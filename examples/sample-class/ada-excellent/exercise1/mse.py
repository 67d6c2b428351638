"""Exercise 1 (Ada): squared errors and a scan of the loss landscape."""

import numpy as np


def _two_arrays(first, second, names):
    """Both inputs as float64 arrays of one, non-empty shape."""
    a = np.array(first, dtype=np.float64)
    b = np.array(second, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"{names[0]} has shape {a.shape} but {names[1]} has shape {b.shape}")
    if a.size == 0:
        raise ValueError(f"{names[0]} and {names[1]} are empty")
    return a, b


def _candidate_slopes(slopes):
    s = np.array(slopes, dtype=np.float64)
    if s.ndim != 1 or len(s) == 0:
        raise ValueError("slopes must be a non-empty 1-D sequence")
    return s


def squared_errors(y_true, y_pred):
    target, guess = _two_arrays(y_true, y_pred, ("y_true", "y_pred"))
    gap = target - guess
    return gap * gap


def mse(y_true, y_pred):
    errors = squared_errors(y_true, y_pred)
    return errors.sum() / errors.size  # an np.float64


def sse(y_true, y_pred):
    target, guess = _two_arrays(y_true, y_pred, ("y_true", "y_pred"))
    gap = (target - guess).ravel()
    return np.float64(np.dot(gap, gap))


def loss_landscape(x, y, slopes):
    inputs, targets = _two_arrays(x, y, ("x", "y"))
    candidates = _candidate_slopes(slopes)
    losses = np.zeros(len(candidates))
    for index, slope in enumerate(candidates):
        residual = (slope * inputs - targets).ravel()
        losses[index] = np.dot(residual, residual) / residual.size
    return losses


def best_slope(x, y, slopes):
    losses = loss_landscape(x, y, slopes)
    winner = 0
    for index in range(1, len(losses)):
        if losses[index] < losses[winner]:  # strict: the first slope wins a tie
            winner = index
    return np.float64(_candidate_slopes(slopes)[winner])
