r"""Exercise 1 — mean squared error and the loss landscape.

A model's loss is one number that says how wrong its predictions are. Drawn
against the model's parameter it becomes a *landscape*; here the model is the
line through the origin :math:`\hat y = s x` and the landscape is the MSE as a
function of the slope :math:`s`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_matching_pair, as_vector

__all__ = ["best_slope", "loss_landscape", "mse", "squared_errors", "sse"]


def squared_errors(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r"""Element-wise squared errors.

    Parameters
    ----------
    y_true : array_like, any shape
        Observed values (any integer or float dtype).
    y_pred : array_like, same shape as `y_true`
        Predicted values.

    Returns
    -------
    np.ndarray, shape of `y_true`, float64
        :math:`(y_i - \hat y_i)^2` for each element.

    Raises
    ------
    ValueError
        If the inputs differ in shape (nothing is broadcast) or are empty.

    Notes
    -----
    .. math:: e_i = (y_i - \hat y_i)^2
    """
    truth, pred = as_matching_pair(y_true, y_pred, ("y_true", "y_pred"))
    return (truth - pred) ** 2


def mse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean squared error.

    Parameters
    ----------
    y_true : array_like, any shape
        Observed values.
    y_pred : array_like, same shape as `y_true`
        Predicted values.

    Returns
    -------
    float
        The mean of the squared errors.

    Raises
    ------
    ValueError
        If the inputs differ in shape or are empty.

    Notes
    -----
    .. math:: \mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat y_i)^2
    """
    return float(np.mean(squared_errors(y_true, y_pred)))


def sse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Sum of squared errors.

    Parameters
    ----------
    y_true : array_like, any shape
        Observed values.
    y_pred : array_like, same shape as `y_true`
        Predicted values.

    Returns
    -------
    float
        The sum of the squared errors.

    Raises
    ------
    ValueError
        If the inputs differ in shape or are empty.

    Notes
    -----
    .. math:: \mathrm{SSE} = \sum_{i=1}^{n} (y_i - \hat y_i)^2 = n \cdot \mathrm{MSE}
    """
    return float(np.sum(squared_errors(y_true, y_pred)))


def loss_landscape(x: ArrayLike, y: ArrayLike, slopes: ArrayLike) -> np.ndarray:
    r"""MSE of the no-intercept model ``s * x`` for every slope ``s`` at once.

    Parameters
    ----------
    x : array_like, any shape
        Inputs (e.g. sizes in m²).
    y : array_like, same shape as `x`
        Targets.
    slopes : array_like, shape (m,)
        Candidate slopes, a non-empty 1-D sequence.

    Returns
    -------
    np.ndarray, shape (m,), float64
        Entry ``i`` is ``mean((slopes[i] * x - y) ** 2)``.

    Raises
    ------
    ValueError
        If `x` and `y` differ in shape or are empty, or `slopes` is not a
        non-empty 1-D array-like.

    Notes
    -----
    Computed by broadcasting an ``(m, 1)`` column of slopes against a
    ``(1, n)`` row of data, so there is no loop over slopes:

    .. math:: L(s_j) = \frac{1}{n} \sum_{i=1}^{n} (s_j x_i - y_i)^2,
              \qquad j = 1, \dots, m
    """
    xs, ys = as_matching_pair(x, y, ("x", "y"))
    s = as_vector(slopes, "slopes")
    residuals = s[:, np.newaxis] * xs.reshape(1, -1) - ys.reshape(1, -1)  # (m, n)
    return np.mean(residuals**2, axis=1)


def best_slope(x: ArrayLike, y: ArrayLike, slopes: ArrayLike) -> float:
    r"""The candidate slope of least MSE (the first one on ties).

    Parameters
    ----------
    x : array_like, any shape
        Inputs.
    y : array_like, same shape as `x`
        Targets.
    slopes : array_like, shape (m,)
        Candidate slopes, a non-empty 1-D sequence.

    Returns
    -------
    float
        ``slopes[j]`` for the smallest ``j`` minimising :func:`loss_landscape`.

    Raises
    ------
    ValueError
        As :func:`loss_landscape`.

    Notes
    -----
    .. math:: s^\star = \operatorname*{arg\,min}_{s_j} L(s_j)

    ``np.argmin`` returns the first index of the minimum, which is the tie
    rule. The exact least-squares slope without intercept, for comparison, is
    :math:`\sum x_i y_i / \sum x_i^2`.
    """
    losses = loss_landscape(x, y, slopes)
    return float(as_vector(slopes, "slopes")[np.argmin(losses)])
