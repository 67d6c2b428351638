r"""Exercise 6 — full-batch versus mini-batch gradient descent.

Linear regression :math:`y \approx Xw` on synthetic data. Full-batch descent
takes one exact step per epoch; mini-batch descent takes many cheap, noisy
steps per epoch (one per batch of a fresh shuffle) and so needs far fewer
epochs, at a higher cost per epoch.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_array, as_count, as_design, as_rng, as_scalar, as_vector

__all__ = ["epochs_to_threshold", "full_batch_gd", "make_dataset", "minibatch_gd", "mse_loss"]


def _gradient(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``2 X.T (X w - y) / n`` for already validated arrays (n = rows of X)."""
    return 2.0 * (X.T @ (X @ w - y)) / X.shape[0]


def _loss(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """``mean((X w - y)**2)`` for already validated arrays, as a dot product."""
    r = X @ w - y
    return (r @ r) / X.shape[0]


def make_dataset(
    n_samples: int = 1000,
    w_true: ArrayLike = (2.0, -1.5, 0.5),
    noise: float = 0.5,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Draw a synthetic linear-regression data set.

    Parameters
    ----------
    n_samples : int, default 1000
        Number of rows ``n``, ``>= 1``.
    w_true : array_like, shape (d,), default (2.0, -1.5, 0.5)
        The true weights, a non-empty 1-D sequence.
    noise : float, default 0.5
        Standard deviation of the Gaussian noise on `y`.
    rng : numpy.random.Generator, optional
        Source of randomness; ``None`` means ``np.random.default_rng()``.

    Returns
    -------
    X : np.ndarray, shape (n, d), float64
        Standard normal features.
    y : np.ndarray, shape (n,), float64
        Noisy targets.

    Raises
    ------
    ValueError
        If `n_samples` is not a positive integer or `w_true` is not a
        non-empty 1-D sequence.
    TypeError
        If `rng` is not a Generator.

    Notes
    -----
    Exactly two draws, in this order (so a seeded `rng` fixes the data):

    .. math:: X_{ij} \sim \mathcal N(0, 1), \qquad
              y = X w_{\text{true}} + \sigma \varepsilon,\quad
              \varepsilon_i \sim \mathcal N(0, 1)
    """
    n = as_count(n_samples, "n_samples", minimum=1)
    w = as_vector(w_true, "w_true")
    sigma = as_scalar(noise, "noise")
    generator = as_rng(rng)
    X = generator.standard_normal((n, w.size))
    y = X @ w + sigma * generator.standard_normal(n)
    return X, y


def mse_loss(w: ArrayLike, X: ArrayLike, y: ArrayLike) -> float:
    r"""Mean squared error of the linear model ``X @ w``.

    Parameters
    ----------
    w : array_like, shape (d,)
        Weights.
    X : array_like, shape (n, d)
        Features, ``n >= 1``.
    y : array_like, shape (n,)
        Targets.

    Returns
    -------
    float
        :math:`\frac{1}{n}\lVert Xw - y\rVert^2`.

    Raises
    ------
    ValueError
        If the shapes do not fit together.

    Notes
    -----
    .. math:: L(w) = \frac{1}{n} \sum_{i=1}^{n} (x_i^\top w - y_i)^2
                   = \frac{1}{n} r^\top r, \quad r = Xw - y
    """
    X_arr, y_arr, w_arr = as_design(X, y, w)
    return float(_loss(w_arr, X_arr, y_arr))


def full_batch_gd(
    X: ArrayLike, y: ArrayLike, lr: float = 0.01, epochs: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    r"""Batch gradient descent: one update per epoch on all the data.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features, ``n >= 1``.
    y : array_like, shape (n,)
        Targets.
    lr : float, default 0.01
        Learning rate :math:`\eta`.
    epochs : int, default 100
        Number of epochs (= updates), ``>= 0``.

    Returns
    -------
    w : np.ndarray, shape (d,), float64
        Final weights, starting from zeros.
    history : np.ndarray, shape (epochs,), float64
        ``history[e]`` is the full-data loss after epoch ``e + 1``. Never
        stops early; entries may be ``inf``/``nan`` after a divergence,
        without warnings.

    Raises
    ------
    ValueError
        If the shapes do not fit or `epochs` is not a non-negative integer.

    Notes
    -----
    .. math:: w_0 = 0, \qquad
              w_{e+1} = w_e - \eta \, \frac{2}{n} X^\top (X w_e - y)
    """
    X_arr, y_arr, _ = as_design(X, y)
    rate = as_scalar(lr, "lr")
    n_epochs = as_count(epochs, "epochs")
    w = np.zeros(X_arr.shape[1])
    history = np.empty(n_epochs, dtype=np.float64)
    # Training loops never stop early: a too-large rate must end in inf/nan
    # losses, not in RuntimeWarnings.
    with np.errstate(over="ignore", invalid="ignore"):
        for e in range(n_epochs):
            w = w - rate * _gradient(w, X_arr, y_arr)
            history[e] = _loss(w, X_arr, y_arr)
    return w, history


def minibatch_gd(
    X: ArrayLike,
    y: ArrayLike,
    batch_size: int = 32,
    lr: float = 0.01,
    epochs: int = 100,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Mini-batch gradient descent with one reshuffle per epoch.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features, ``n >= 1``.
    y : array_like, shape (n,)
        Targets.
    batch_size : int, default 32
        Rows per batch, ``>= 1``; a size above ``n`` gives one batch of ``n``.
    lr : float, default 0.01
        Learning rate :math:`\eta`.
    epochs : int, default 100
        Number of epochs, ``>= 0``.
    rng : numpy.random.Generator, optional
        Source of the shuffles; ``None`` means ``np.random.default_rng()``.
        Exactly one draw per epoch: ``rng.permutation(n)``.

    Returns
    -------
    w : np.ndarray, shape (d,), float64
        Final weights, starting from zeros.
    history : np.ndarray, shape (epochs,), float64
        ``history[e]`` is the full-data loss after epoch ``e + 1``. Never
        stops early; may hold ``inf``/``nan`` after a divergence, without
        warnings.

    Raises
    ------
    ValueError
        If the shapes do not fit, `batch_size` is not a positive integer or
        `epochs` is not a non-negative integer.
    TypeError
        If `rng` is not a Generator.

    Notes
    -----
    Each epoch draws a permutation :math:`\pi` of the rows and walks its
    consecutive slices :math:`B = \pi[i : i + \text{batch\_size}]`,
    :math:`i = 0, \text{batch\_size}, 2\,\text{batch\_size}, \dots` (the last,
    smaller batch included). Each batch's gradient is a mean over that
    batch's own size:

    .. math:: w \leftarrow w - \eta \, \frac{2}{|B|} X_B^\top (X_B w - y_B)

    With ``batch_size >= n`` this is :func:`full_batch_gd` with shuffled rows,
    equal to it up to rounding.
    """
    X_arr, y_arr, _ = as_design(X, y)
    size = as_count(batch_size, "batch_size", minimum=1)
    rate = as_scalar(lr, "lr")
    n_epochs = as_count(epochs, "epochs")
    generator = as_rng(rng)
    n = X_arr.shape[0]
    w = np.zeros(X_arr.shape[1])
    history = np.empty(n_epochs, dtype=np.float64)
    # Same reason as in full_batch_gd: divergence yields inf/nan, silently.
    with np.errstate(over="ignore", invalid="ignore"):
        for e in range(n_epochs):
            perm = generator.permutation(n)
            for start in range(0, n, size):
                batch = perm[start : start + size]
                w = w - rate * _gradient(w, X_arr[batch], y_arr[batch])
            history[e] = _loss(w, X_arr, y_arr)
    return w, history


def epochs_to_threshold(history: ArrayLike, threshold: float = 1.0) -> int | None:
    r"""First epoch (1-based) whose loss is strictly below `threshold`.

    Parameters
    ----------
    history : array_like, shape (epochs,)
        Loss after each epoch, as returned by :func:`full_batch_gd`.
    threshold : float, default 1.0
        The loss to beat.

    Returns
    -------
    int or None
        :math:`\min\{e : \text{history}[e - 1] < \text{threshold}\}`, or
        ``None`` when no entry is below it (an empty history included).

    Raises
    ------
    ValueError
        If `history` is not 1-D.

    Notes
    -----
    ``nan`` entries never count as below the threshold.
    """
    losses = as_array(history, "history")
    if losses.ndim != 1:
        raise ValueError(f"history must be 1-D, got shape {losses.shape}")
    below = np.flatnonzero(losses < as_scalar(threshold, "threshold"))
    return int(below[0]) + 1 if below.size else None
