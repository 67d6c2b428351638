"""Exercise 2: gradients.

Gradient descent is a blindfolded hiker who cannot see the landscape but can
feel the slope underfoot. The slope is the gradient of the loss. Here you
derive it by hand for linear models and check it against a numerical estimate.

Check your work with ``gdlab check exercise2``.
"""

import numpy as np


def mse_gradients(w, b, x, y):
    r"""Gradient of the MSE of the line ``w * x + b``.

    With residuals :math:`r_i = w x_i + b - y_i` and
    :math:`L(w, b) = \frac{1}{n} \sum_i r_i^2`:

    .. math::

        \frac{\partial L}{\partial w} = \frac{2}{n} \sum_i r_i x_i, \qquad
        \frac{\partial L}{\partial b} = \frac{2}{n} \sum_i r_i

    Parameters
    ----------
    w, b : float
        Slope and intercept.
    x, y : array_like, same shape, non-empty
        Inputs and targets.

    Returns
    -------
    tuple of (float, float)
        ``(dL/dw, dL/db)``.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` differ in shape or are empty.
    """
    # TODO: compute the residuals r = w * x + b - y and return (2 * mean(r * x), 2 * mean(r)) as
    #       two floats.
    raise NotImplementedError


def linear_gradient(w, X, y):
    r"""Gradient of the MSE of a linear model ``X @ w``.

    .. math:: \nabla_w L = \frac{2}{n} X^\top (X w - y)

    Parameters
    ----------
    w : array_like, shape (d,)
        Weights.
    X : array_like, shape (n, d)
        Design matrix, one example per row, ``n >= 1``.
    y : array_like, shape (n,)
        Targets.

    Returns
    -------
    numpy.ndarray of float64, shape (d,)
        The gradient, shaped like ``w``.

    Raises
    ------
    ValueError
        If the shapes do not fit together as above.
    """
    # TODO: validate the shapes, then return 2 * X.T @ (X @ w - y) / n as a float64 array shaped
    #       like w.
    raise NotImplementedError


def numerical_gradient(f, theta, h=1e-5):
    r"""Central-difference estimate of the gradient of a scalar function.

    .. math::

        \frac{\partial f}{\partial \theta_i} \approx
        \frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h}

    Parameters
    ----------
    f : callable
        ``f(theta) -> float``, called with float64 arrays shaped like ``theta``.
    theta : array_like
        The point, any shape (a number gives a 0-d result). Never modified.
    h : float, optional
        Step, ``h > 0``.

    Returns
    -------
    numpy.ndarray of float64, shaped like ``theta``
        The estimated gradient.

    Raises
    ------
    ValueError
        If ``h <= 0``.
    """
    # TODO: for every component i, evaluate f at theta + h*e_i and theta - h*e_i on a float64 copy,
    #       and store (f_plus - f_minus) / (2 * h); never modify theta.
    raise NotImplementedError


def relative_error(a, b):
    r"""Largest element-wise relative difference between two arrays.

    .. math:: \max_i \frac{|a_i - b_i|}{\max(|a_i| + |b_i|, 10^{-12})}

    Parameters
    ----------
    a, b : array_like, same shape, non-empty
        Numbers or arrays to compare.

    Returns
    -------
    float
        The largest relative difference; 0.0 when the inputs are equal.

    Raises
    ------
    ValueError
        If the shapes differ or the inputs are empty.
    """
    # TODO: return the largest |a - b| / max(|a| + |b|, 1e-12) over the elements, as a float.
    raise NotImplementedError
