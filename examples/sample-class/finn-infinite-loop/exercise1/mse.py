"""Finn: exercise 1."""

import numpy as np


def squared_errors(y_true, y_pred):
    truth = np.asarray(y_true, dtype=np.float64)
    guess = np.asarray(y_pred, dtype=np.float64)
    if truth.shape != guess.shape:
        raise ValueError(f"cannot compare shapes {truth.shape} and {guess.shape}")
    if not truth.size:
        raise ValueError("cannot compare empty inputs")
    flat = [(t - g) ** 2 for t, g in zip(truth.flat, guess.flat, strict=True)]
    return np.array(flat, dtype=np.float64).reshape(truth.shape)


def mse(y_true, y_pred):
    return float(squared_errors(y_true, y_pred).mean())


def sse(y_true, y_pred):
    return float(squared_errors(y_true, y_pred).sum())


def loss_landscape(x, y, slopes):
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    ss = np.asarray(slopes, dtype=np.float64)
    if xs.shape != ys.shape or not xs.size:
        raise ValueError("x and y must be non-empty and shaped alike")
    if ss.ndim != 1 or not ss.size:
        raise ValueError("slopes must be a non-empty flat sequence")
    return np.array([mse(ys, s * xs) for s in ss], dtype=np.float64)


def best_slope(x, y, slopes):
    losses = loss_landscape(x, y, slopes)
    ranked = sorted(range(len(losses)), key=lambda j: losses[j])  # sorted() is stable
    return float(np.asarray(slopes, dtype=np.float64)[ranked[0]])
