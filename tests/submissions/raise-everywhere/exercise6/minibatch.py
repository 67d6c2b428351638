"""Exercise 6, refusing every input: it "handles errors" everywhere and computes nothing."""

import numpy as np


def make_dataset(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    raise ValueError("refused")


def mse_loss(w, X, y):
    raise ValueError("refused")


def full_batch_gd(X, y, lr=0.01, epochs=100):
    raise ValueError("refused")


def minibatch_gd(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    raise ValueError("refused")


def epochs_to_threshold(history, threshold=1.0):
    raise ValueError("refused")


def _check_data(X, y):
    """Return ``X`` (n, d) and ``y`` (n,) as float64 arrays, or raise ValueError."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("X must be a 2-D array with at least one row")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},)")
    return X, y
