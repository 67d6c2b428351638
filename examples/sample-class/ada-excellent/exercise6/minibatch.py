"""Exercise 6 (Ada): full-batch and mini-batch descent on synthetic data."""

import numpy as np


def _data(X, y):
    design = np.array(X, dtype=np.float64)
    targets = np.array(y, dtype=np.float64)
    if design.ndim != 2 or len(design) == 0:
        raise ValueError("X must be 2-D with at least one row")
    if targets.shape != (len(design),):
        raise ValueError(f"y must have shape ({len(design)},), got {targets.shape}")
    return design, targets


def _step(w, X, y, lr):
    """One descent step on the rows given: w - lr * 2 X.T (X w - y) / n."""
    residual = np.einsum("ij,j->i", X, w) - y
    return w - lr * (2.0 / len(y)) * np.einsum("ij,i->j", X, residual)


def _loss(w, X, y):
    residual = X @ w - y
    return np.dot(residual, residual) / len(y)


def make_dataset(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    if n_samples < 1:
        raise ValueError("n_samples must be >= 1")
    if rng is None:
        rng = np.random.default_rng()
    weights = np.array(w_true, dtype=np.float64)
    X = rng.standard_normal((n_samples, weights.size))
    y = X @ weights + noise * rng.standard_normal(n_samples)
    return X, y


def mse_loss(w, X, y):
    design, targets = _data(X, y)
    weights = np.array(w, dtype=np.float64)
    if weights.shape != (design.shape[1],):
        raise ValueError(f"w must have shape ({design.shape[1]},), got {weights.shape}")
    return np.float64(_loss(weights, design, targets))


def full_batch_gd(X, y, lr=0.01, epochs=100):
    design, targets = _data(X, y)
    if epochs < 0:
        raise ValueError("epochs must be >= 0")
    w = np.zeros(design.shape[1])
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            w = _step(w, design, targets, lr)
            losses.append(_loss(w, design, targets))
    return w, np.array(losses, dtype=np.float64)


def minibatch_gd(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    design, targets = _data(X, y)
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if epochs < 0:
        raise ValueError("epochs must be >= 0")
    if rng is None:
        rng = np.random.default_rng()
    n = len(targets)
    w = np.zeros(design.shape[1])
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(n)
            start = 0
            while start < n:  # the last, smaller batch is used too
                rows = order[start : start + batch_size]
                w = _step(w, design[rows], targets[rows], lr)
                start += batch_size
            losses.append(_loss(w, design, targets))
    return w, np.array(losses, dtype=np.float64)


def epochs_to_threshold(history, threshold=1.0):
    below = np.flatnonzero(np.array(history, dtype=np.float64) < threshold)
    return int(below[0]) + 1 if below.size else None
