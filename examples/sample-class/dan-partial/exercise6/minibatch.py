"""Dan - exercise 6."""

import numpy as np


def _check(X, y):
    X = np.asarray(X, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if X.ndim != 2 or len(X) == 0 or y.shape != (len(X),):
        raise ValueError("X must be (n, d) with n >= 1 and y must be (n,)")
    return X, y


def make_dataset(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    if n_samples < 1:
        raise ValueError("n_samples must be at least 1")
    if rng is None:
        rng = np.random.default_rng()
    weights = np.array(w_true, dtype="float64")
    features = rng.standard_normal((n_samples, weights.size))  # first X ...
    noise_values = rng.standard_normal(n_samples)  # ... then the noise
    labels = features @ weights + noise * noise_values
    return features, labels


def mse_loss(w, X, y):
    X, y = _check(X, y)
    w = np.asarray(w, dtype="float64")
    if w.shape != (X.shape[1],):
        raise ValueError("w has the wrong length")
    errors = X @ w - y
    return float(np.mean(errors**2))


def full_batch_gd(X, y, lr=0.01, epochs=100):
    X, y = _check(X, y)
    if epochs < 0:
        raise ValueError("epochs can't be negative")
    n = len(X)
    w = np.zeros(X.shape[1])
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _epoch in range(epochs):
            gradient = 2 * X.T @ (X @ w - y) / n
            w = w - lr * gradient
            history.append(np.mean((X @ w - y) ** 2))
    return w, np.array(history, dtype="float64")


def minibatch_gd(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    X, y = _check(X, y)
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if epochs < 0:
        raise ValueError("epochs can't be negative")
    if rng is None:
        rng = np.random.default_rng()
    n = len(X)
    w = np.zeros(X.shape[1])
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _epoch in range(epochs):
            perm = rng.permutation(n)
            # only full batches, the few rows left over don't matter much
            for start in range(0, n - batch_size + 1, batch_size):
                rows = perm[start : start + batch_size]
                gradient = 2 * X[rows].T @ (X[rows] @ w - y[rows]) / batch_size
                w = w - lr * gradient
            history.append(np.mean((X @ w - y) ** 2))
    return w, np.array(history, dtype="float64")


def epochs_to_threshold(history, threshold=1.0):
    for i in range(len(history)):
        if history[i] < threshold:
            return i + 1
    return None
