"""Exercise 1: mean squared error and the loss landscape.

I wrote everything with plain loops so I can see each step.
"""

import numpy as np


def _as_floats(values):
    """Float64 copy of an array-like (never a view on the caller's data)."""
    return np.array(values, dtype=np.float64)


def _check_pair(a, b):
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("inputs are empty")


def _flat(values):
    """All elements of an array as a list of Python floats, in C order."""
    return [float(v) for v in values.reshape(-1)]


def _squared_list(a, b):
    out = []
    for u, v in zip(_flat(a), _flat(b), strict=True):
        diff = u - v
        out.append(diff * diff)
    return out


def _mean(values):
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def squared_errors(y_true, y_pred):
    a = _as_floats(y_true)
    b = _as_floats(y_pred)
    _check_pair(a, b)
    squares = _squared_list(a, b)
    return np.array(squares, dtype=np.float64).reshape(a.shape)


def mse(y_true, y_pred):
    squares = squared_errors(y_true, y_pred)
    return _mean(_flat(squares))


def sse(y_true, y_pred):
    total = 0.0
    for e in _flat(squared_errors(y_true, y_pred)):
        total += e
    return total


def _check_landscape(x, y, slopes):
    _check_pair(x, y)
    if slopes.ndim != 1:
        raise ValueError("slopes must be a 1-D sequence")
    if len(slopes) == 0:
        raise ValueError("slopes must not be empty")


def loss_landscape(x, y, slopes):
    x = _as_floats(x)
    y = _as_floats(y)
    slopes = _as_floats(slopes)
    _check_landscape(x, y, slopes)
    xs = _flat(x)
    ys = _flat(y)
    losses = []
    for s in _flat(slopes):
        total = 0.0
        for xi, yi in zip(xs, ys, strict=True):
            r = s * xi - yi
            total += r * r
        losses.append(total / len(xs))
    return np.array(losses, dtype=np.float64)


def best_slope(x, y, slopes):
    losses = loss_landscape(x, y, slopes)
    candidates = _flat(_as_floats(slopes))
    best_index = 0
    for j in range(1, len(losses)):
        if losses[j] < losses[best_index]:  # strictly lower: the first tie stays
            best_index = j
    return candidates[best_index]
