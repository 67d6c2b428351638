"""Exercise 1: mean squared error and the loss landscape.

A model's loss turns "how wrong is it?" into one number. Seen as a function of
the model's parameters, the loss is a landscape; training looks for its lowest
point. Here you compute the loss of a set of predictions and scan the landscape
of a one-parameter model ``price = s * size``.

Check your work with ``gdlab check exercise1``.
"""

import numpy as np


def squared_errors(y_true, y_pred):
    r"""Element-wise squared differences between targets and predictions.

    Parameters
    ----------
    y_true : array_like, shape (...)
        Targets; any integer or float dtype.
    y_pred : array_like, same shape as ``y_true``
        Predictions.

    Returns
    -------
    numpy.ndarray of float64, same shape as ``y_true``
        :math:`(y_i - \hat y_i)^2` for every element.

    Raises
    ------
    ValueError
        If the shapes differ (no broadcasting) or the inputs are empty.
    """
    # BEGIN SOLUTION
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"shapes differ: {y_true.shape} and {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("the inputs are empty")
    return (y_true - y_pred) ** 2
    # END SOLUTION


def mse(y_true, y_pred):
    r"""Mean squared error.

    .. math:: \mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat y_i)^2

    Parameters
    ----------
    y_true, y_pred : array_like, same shape
        Targets and predictions.

    Returns
    -------
    float
        The mean of the squared errors.

    Raises
    ------
    ValueError
        As :func:`squared_errors`.
    """
    # BEGIN SOLUTION
    return float(np.mean(squared_errors(y_true, y_pred)))
    # END SOLUTION


def sse(y_true, y_pred):
    r"""Sum of squared errors, :math:`\sum_i (y_i - \hat y_i)^2`.

    Parameters
    ----------
    y_true, y_pred : array_like, same shape
        Targets and predictions.

    Returns
    -------
    float
        The sum of the squared errors.

    Raises
    ------
    ValueError
        As :func:`squared_errors`.
    """
    # BEGIN SOLUTION
    return float(np.sum(squared_errors(y_true, y_pred)))
    # END SOLUTION


def loss_landscape(x, y, slopes):
    r"""MSE of the model ``s * x`` (no intercept) for each candidate slope ``s``.

    .. math:: L(s) = \frac{1}{n} \sum_{i=1}^{n} (s x_i - y_i)^2

    Parameters
    ----------
    x, y : array_like, same shape, non-empty
        Inputs and targets.
    slopes : array_like, shape (m,), non-empty
        Candidate slopes.

    Returns
    -------
    numpy.ndarray of float64, shape (m,)
        ``L(slopes[j])`` for every ``j``.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` differ in shape or are empty, or ``slopes`` is not a
        non-empty 1-D sequence.
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    slopes = np.asarray(slopes, dtype=np.float64)
    if x.shape != y.shape or x.size == 0:
        raise ValueError("x and y must be non-empty and of the same shape")
    if slopes.ndim != 1 or slopes.size == 0:
        raise ValueError("slopes must be a non-empty 1-D sequence")
    losses = np.empty(len(slopes))
    for j, s in enumerate(slopes):
        losses[j] = mse(y, s * x)
    return losses
    # END SOLUTION


def best_slope(x, y, slopes):
    """The candidate slope of least MSE.

    Parameters
    ----------
    x, y : array_like, same shape, non-empty
        Inputs and targets.
    slopes : array_like, shape (m,), non-empty
        Candidate slopes.

    Returns
    -------
    float
        ``slopes[j]`` for the ``j`` of smallest :func:`loss_landscape`; the
        first such slope when several tie.

    Raises
    ------
    ValueError
        As :func:`loss_landscape`.
    """
    # BEGIN SOLUTION
    losses = loss_landscape(x, y, slopes)
    return float(np.asarray(slopes, dtype=np.float64)[np.argmin(losses)])
    # END SOLUTION
