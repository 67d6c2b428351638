"""Exercise 6: mini-batch gradient descent, rows and batches walked by hand."""

import numpy as np


def _check_data(X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("X must be a 2-D array with at least one row")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},)")
    return X, y


def _dot(row, w):
    total = 0.0
    for a, b in zip(row, w, strict=True):
        total += a * b
    return total


def _loss(rows, targets, w):
    total = 0.0
    for row, t in zip(rows, targets, strict=True):
        r = _dot(row, w) - t
        total += r * r
    return total / len(rows)


def _step(rows, targets, indices, w, lr):
    """One gradient step on the rows listed in ``indices``; returns the new w."""
    d = len(w)
    g = [0.0] * d
    for i in indices:
        r = _dot(rows[i], w) - targets[i]
        for j in range(d):
            g[j] += rows[i][j] * r
    m = len(indices)
    return [w[j] - lr * (2.0 * g[j] / m) for j in range(d)]


def make_dataset(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    if n_samples < 1:
        raise ValueError("n_samples must be at least 1")
    if rng is None:
        rng = np.random.default_rng()
    weights = np.asarray(w_true, dtype=np.float64).tolist()
    X = rng.standard_normal((n_samples, len(weights)))
    eps = rng.standard_normal(n_samples)
    y = []
    for i in range(n_samples):
        y.append(_dot(X[i].tolist(), weights) + noise * float(eps[i]))
    return X, np.array(y, dtype=np.float64)


def mse_loss(w, X, y):
    X = np.asarray(X, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    n, d = X.shape
    if w.shape != (d,) or y.shape != (n,):
        raise ValueError("w must have shape (d,) and y shape (n,)")
    if n == 0:
        raise ValueError("X has no rows")
    return _loss(X.tolist(), y.tolist(), w.tolist())


def full_batch_gd(X, y, lr=0.01, epochs=100):
    X, y = _check_data(X, y)
    if epochs < 0:
        raise ValueError("epochs must be >= 0")
    rows = X.tolist()
    targets = y.tolist()
    everyone = list(range(len(rows)))
    w = [0.0] * X.shape[1]
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            w = _step(rows, targets, everyone, w, lr)
            history.append(_loss(rows, targets, w))
    return np.array(w, dtype=np.float64), np.array(history, dtype=np.float64)


def minibatch_gd(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    X, y = _check_data(X, y)
    if epochs < 0:
        raise ValueError("epochs must be >= 0")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if rng is None:
        rng = np.random.default_rng()
    rows = X.tolist()
    targets = y.tolist()
    n = len(rows)
    w = [0.0] * X.shape[1]
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            perm = rng.permutation(n).tolist()
            for start in range(0, n, batch_size):
                batch = perm[start : start + batch_size]
                w = _step(rows, targets, batch, w, lr)
            history.append(_loss(rows, targets, w))
    return np.array(w, dtype=np.float64), np.array(history, dtype=np.float64)


def epochs_to_threshold(history, threshold=1.0):
    losses = np.asarray(history, dtype=np.float64).reshape(-1).tolist()
    for epoch, loss in enumerate(losses, start=1):
        if loss < threshold:
            return epoch
    return None
