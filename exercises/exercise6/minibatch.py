r"""Exercise 6: mini-batch gradient descent.

Full-batch descent looks at every example before taking one careful step.
Mini-batch descent shuffles the data each epoch and takes a quick step after
every small batch: each step is noisier, but an epoch holds many of them, so
far fewer epochs reach a good fit.

Check your work with ``gdlab check exercise6``.
"""

import numpy as np


def make_dataset(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    r"""Draw a synthetic linear-regression data set.

    .. math:: y = X w_{true} + \sigma \varepsilon, \qquad
              X_{ij}, \varepsilon_i \sim \mathcal{N}(0, 1)

    Parameters
    ----------
    n_samples : int, optional
        Number of rows ``n >= 1``.
    w_true : array_like, shape (d,), optional
        The true weights.
    noise : float, optional
        Standard deviation :math:`\sigma` of the noise.
    rng : numpy.random.Generator, optional
        Source of randomness; draws ``X`` first, then the noise. A fresh
        ``np.random.default_rng()`` when omitted.

    Returns
    -------
    X : numpy.ndarray of float64, shape (n, d)
    y : numpy.ndarray of float64, shape (n,)

    Raises
    ------
    ValueError
        If ``n_samples < 1``.
    """
    # TODO: draw X = rng.standard_normal((n_samples, len(w_true))), then the noise
    #       rng.standard_normal(n_samples), in that order, and return (X, X @ w_true + noise * that
    #       noise).
    raise NotImplementedError


def mse_loss(w, X, y):
    r"""Mean squared error of the linear model, :math:`\frac{1}{n}\|Xw - y\|^2`.

    Parameters
    ----------
    w : array_like, shape (d,)
    X : array_like, shape (n, d)
    y : array_like, shape (n,)

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes do not fit together.
    """
    # TODO: return mean((X @ w - y) ** 2) as a float.
    raise NotImplementedError


def full_batch_gd(X, y, lr=0.01, epochs=100):
    r"""Gradient descent with one update per epoch on all the data.

    .. math:: w \leftarrow w - \eta \frac{2}{n} X^\top (X w - y),
              \qquad w_0 = 0

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    lr : float, optional
        Learning rate :math:`\eta`.
    epochs : int, optional
        Number of epochs, ``>= 0``.

    Returns
    -------
    w : numpy.ndarray of float64, shape (d,)
    history : numpy.ndarray of float64, shape (epochs,)
        ``history[e]`` is the full-data loss after epoch ``e + 1``.

    Raises
    ------
    ValueError
        If the shapes do not fit together or ``epochs < 0``.
    """
    # TODO: start from w = 0 and, once per epoch, step along the gradient of the loss on all the
    #       data; record the full-data loss after every epoch.
    raise NotImplementedError


def minibatch_gd(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    r"""Mini-batch gradient descent over shuffled consecutive batches.

    Each epoch draws ``perm = rng.permutation(n)`` once and updates on the
    rows ``perm[i : i + batch_size]`` for ``i = 0, batch_size, ...``; the last
    batch may be smaller and is used too. For a batch :math:`B`:

    .. math:: w \leftarrow w - \eta \frac{2}{|B|} X_B^\top (X_B w - y_B)

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    batch_size : int, optional
        Rows per batch, ``>= 1``; above ``n`` there is one batch of ``n``.
    lr : float, optional
        Learning rate :math:`\eta`.
    epochs : int, optional
        Number of epochs, ``>= 0``.
    rng : numpy.random.Generator, optional
        Source of the permutations (one call per epoch, nothing else). A fresh
        ``np.random.default_rng()`` when omitted.

    Returns
    -------
    w : numpy.ndarray of float64, shape (d,)
    history : numpy.ndarray of float64, shape (epochs,)
        ``history[e]`` is the full-data loss after epoch ``e + 1``.

    Raises
    ------
    ValueError
        If the shapes do not fit together, ``batch_size < 1`` or ``epochs < 0``.
    """
    # TODO: each epoch draw perm = rng.permutation(n) once, update w on consecutive slices of perm
    #       of batch_size rows (the last one may be smaller), then record the full-data loss.
    raise NotImplementedError


def epochs_to_threshold(history, threshold=1.0):
    """The first epoch whose loss is strictly below a threshold.

    Parameters
    ----------
    history : array_like, shape (epochs,)
        ``history[e]`` is the loss after epoch ``e + 1``.
    threshold : float, optional

    Returns
    -------
    int or None
        The 1-based epoch, or ``None`` when no loss is below ``threshold``.
    """
    # TODO: return the 1-based index of the first epoch whose loss is strictly below threshold, as
    #       an int, or None.
    raise NotImplementedError


def _check_data(X, y):
    """Return ``X`` (n, d) and ``y`` (n,) as float64 arrays, or raise ValueError."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("X must be a 2-D array with at least one row")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},)")
    return X, y
