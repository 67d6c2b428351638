"""Exercise 6: mini-batch gradient descent.

``Batches`` is an iterator over the index slices of one epoch; a
``LinearRegressionSGD`` object holds the weights and takes the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _check_data(X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("X must be a 2-D array with at least one row")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},)")
    return X, y


class Batches:
    """Consecutive slices of one permutation: ``perm[i:i + size]``."""

    def __init__(self, perm: np.ndarray, size: int):
        self.perm = perm
        self.size = size
        self.start = 0

    def __iter__(self):
        return self

    def __next__(self) -> np.ndarray:
        if self.start >= len(self.perm):
            raise StopIteration
        batch = self.perm[self.start : self.start + self.size]
        self.start += self.size
        return batch


@dataclass
class LinearRegressionSGD:
    X: np.ndarray
    y: np.ndarray
    lr: float
    w: np.ndarray = field(init=False)
    history: list = field(init=False, default_factory=list)

    def __post_init__(self):
        self.X, self.y = _check_data(self.X, self.y)
        self.w = np.zeros(self.X.shape[1])

    def loss(self) -> float:
        return mse_loss(self.w, self.X, self.y)

    def step(self, rows: np.ndarray | slice):
        Xb, yb = self.X[rows], self.y[rows]
        g = 2 * Xb.T @ (Xb @ self.w - yb) / len(yb)
        self.w = self.w - self.lr * g

    def end_epoch(self):
        self.history.append(self.loss())

    def result(self):
        return self.w, np.array(self.history, dtype=np.float64)


def make_dataset(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    if n_samples < 1:
        raise ValueError("n_samples must be >= 1")
    if rng is None:
        rng = np.random.default_rng()
    w_true = np.asarray(w_true, dtype=np.float64)
    X = rng.standard_normal((n_samples, len(w_true)))
    y = X @ w_true + noise * rng.standard_normal(n_samples)
    return X, y


def mse_loss(w, X, y):
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or w.shape != (X.shape[1],) or y.shape != (X.shape[0],):
        raise ValueError("need X (n, d), w (d,) and y (n,)")
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean((X @ w - y) ** 2))


def _check_epochs(epochs):
    if epochs < 0:
        raise ValueError("epochs must be >= 0")


def full_batch_gd(X, y, lr=0.01, epochs=100):
    model = LinearRegressionSGD(X, y, lr)
    _check_epochs(epochs)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            model.step(slice(None))
            model.end_epoch()
    return model.result()


def minibatch_gd(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    model = LinearRegressionSGD(X, y, lr)
    _check_epochs(epochs)
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if rng is None:
        rng = np.random.default_rng()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            for batch in Batches(rng.permutation(len(model.y)), batch_size):
                model.step(batch)
            model.end_epoch()
    return model.result()


def epochs_to_threshold(history, threshold=1.0):
    for epoch, loss in enumerate(np.asarray(history, dtype=np.float64), start=1):
        if loss < threshold:
            return epoch
    return None
