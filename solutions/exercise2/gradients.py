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
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.size == 0:
        raise ValueError("x and y must be non-empty and of the same shape")
    residuals = w * x + b - y
    return float(2 * np.mean(residuals * x)), float(2 * np.mean(residuals))
    # END SOLUTION


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
    # BEGIN SOLUTION
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("X must be a 2-D array with at least one row")
    n, d = X.shape
    if w.shape != (d,) or y.shape != (n,):
        raise ValueError(f"expected w of shape ({d},) and y of shape ({n},)")
    residuals = X @ w - y
    return 2 * X.T @ residuals / n
    # END SOLUTION


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
    # BEGIN SOLUTION
    if h <= 0:
        raise ValueError("h must be positive")
    point = np.array(theta, dtype=np.float64)  # a copy: theta stays untouched
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        plus = point.copy()
        plus[index] += h
        minus = point.copy()
        minus[index] -= h
        gradient[index] = (float(f(plus)) - float(f(minus))) / (2 * h)
    return gradient
    # END SOLUTION


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
    # BEGIN SOLUTION
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("a and b must be non-empty and of the same shape")
    denominator = np.maximum(np.abs(a) + np.abs(b), 1e-12)
    return float(np.max(np.abs(a - b) / denominator))
    # END SOLUTION
