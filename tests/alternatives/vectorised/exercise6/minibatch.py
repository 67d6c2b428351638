"""Exercise 6: mini-batch gradient descent with einsum and fancy indexing."""

import numpy as np


def _check_data(X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("X must be a 2-D array with at least one row")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},)")
    return X, y


def make_dataset(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    if n_samples < 1:
        raise ValueError("n_samples must be >= 1")
    rng = np.random.default_rng() if rng is None else rng
    w_true = np.asarray(w_true, dtype=np.float64)
    X = rng.standard_normal((n_samples, w_true.size))
    y = X @ w_true + noise * rng.standard_normal(n_samples)
    return X, y


def mse_loss(w, X, y):
    w = np.asarray(w, dtype=np.float64)
    X, y = _check_data(X, y)
    if w.shape != X.shape[1:]:
        raise ValueError("w must have shape (d,)")
    r = X @ w - y
    return np.float64(np.einsum("i,i->", r, r) / r.size)


def _gradient(w, Xb, yb):
    return np.einsum("ij,i->j", Xb, Xb @ w - yb) * (2.0 / yb.size)


def full_batch_gd(X, y, lr=0.01, epochs=100):
    X, y = _check_data(X, y)
    if epochs < 0:
        raise ValueError("epochs must be >= 0")
    w = np.zeros(X.shape[1])
    history = np.empty(epochs)
    with np.errstate(over="ignore", invalid="ignore"):
        for e in range(epochs):
            w = w - lr * _gradient(w, X, y)
            r = X @ w - y
            history[e] = r @ r / y.size
    return w, history


def minibatch_gd(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    X, y = _check_data(X, y)
    if epochs < 0 or batch_size < 1:
        raise ValueError("need epochs >= 0 and batch_size >= 1")
    rng = np.random.default_rng() if rng is None else rng
    n = y.size
    cuts = np.arange(batch_size, n, batch_size)  # batch boundaries in the shuffled order
    w = np.zeros(X.shape[1])
    history = np.empty(epochs)
    with np.errstate(over="ignore", invalid="ignore"):
        for e in range(epochs):
            perm = rng.permutation(n)
            Xs, ys = X[perm], y[perm]
            for Xb, yb in zip(np.split(Xs, cuts), np.split(ys, cuts), strict=True):
                w = w - lr * _gradient(w, Xb, yb)
            r = X @ w - y
            history[e] = r @ r / n
    return w, history


def epochs_to_threshold(history, threshold=1.0):
    below = np.flatnonzero(np.asarray(history, dtype=np.float64) < threshold)
    return int(below[0]) + 1 if below.size else None
