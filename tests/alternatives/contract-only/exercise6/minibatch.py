"""Exercise 6: mini-batch gradient descent."""

import numpy as np


def make_dataset(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    """``X`` standard normal, then ``y = X @ w_true + noise * N(0, 1)``, in that order."""
    if rng is None:
        rng = np.random.default_rng()
    w_true = np.asarray(w_true, dtype=np.float64)
    X = rng.standard_normal((n_samples, len(w_true)))
    y = X @ w_true + noise * rng.standard_normal(n_samples)
    return X, y


def mse_loss(w, X, y):
    """``mean((X @ w - y) ** 2)``."""
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean((X @ w - y) ** 2))


def full_batch_gd(X, y, lr=0.01, epochs=100):
    """One gradient step on all the data per epoch, from ``w = 0``."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    w = np.zeros(d)
    history = []
    # Never stopped early: after a divergence the losses are inf or nan, silently.
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            gradient = 2 * X.T @ (X @ w - y) / n
            w = w - lr * gradient
            history.append(mse_loss(w, X, y))
    return w, np.array(history, dtype=np.float64)


def minibatch_gd(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    """Shuffle once per epoch, then step on consecutive batches (the last may be smaller)."""
    if rng is None:
        rng = np.random.default_rng()
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    w = np.zeros(d)
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            perm = rng.permutation(n)
            for start in range(0, n, batch_size):
                batch = perm[start : start + batch_size]
                X_b = X[batch]
                y_b = y[batch]
                gradient = 2 * X_b.T @ (X_b @ w - y_b) / len(batch)
                w = w - lr * gradient
            history.append(mse_loss(w, X, y))
    return w, np.array(history, dtype=np.float64)


def epochs_to_threshold(history, threshold=1.0):
    """The 1-based first epoch whose loss is strictly below ``threshold``, or ``None``."""
    for epoch, loss in enumerate(history, start=1):
        if loss < threshold:
            return epoch
    return None


def _check_data(X, y):
    """Return ``X`` (n, d) and ``y`` (n,) as float64 arrays, or raise ValueError."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("X must be a 2-D array with at least one row")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},)")
    return X, y
