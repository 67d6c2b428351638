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
    # TODO: convert both inputs to float64 arrays, raise ValueError when their shapes differ or
    #       they are empty, and return the element-wise squared differences.
    raise NotImplementedError


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
    # TODO: return the mean of the squared errors as a float (reuse squared_errors).
    raise NotImplementedError


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
    # TODO: return the sum of the squared errors as a float (reuse squared_errors).
    raise NotImplementedError


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
    # TODO: validate the inputs, then return a float64 array holding, for every slope s, the MSE of
    #       the model s * x against y.
    raise NotImplementedError


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
    # TODO: return the slope whose loss in loss_landscape is smallest, as a float; keep the first
    #       one on ties.
    raise NotImplementedError
