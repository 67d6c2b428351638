r"""Exercise 2 — gradients, analytic and numerical.

The gradient is the slope the blindfolded hiker feels underfoot: the direction
in which the loss rises fastest. This module derives it by hand for linear
models and checks it against central finite differences.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_array, as_callable, as_design, as_matching_pair, as_scalar

__all__ = ["linear_gradient", "mse_gradients", "numerical_gradient", "relative_error"]


def mse_gradients(w: float, b: float, x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    r"""Partial derivatives of the MSE of the line ``w * x + b``.

    Parameters
    ----------
    w : float
        Slope.
    b : float
        Intercept.
    x : array_like, any shape
        Inputs.
    y : array_like, same shape as `x`
        Targets.

    Returns
    -------
    (float, float)
        :math:`(\partial L/\partial w, \partial L/\partial b)`.

    Raises
    ------
    ValueError
        If `x` and `y` differ in shape or are empty, or `w` or `b` is not a
        single number.

    Notes
    -----
    With residuals :math:`r_i = w x_i + b - y_i` and
    :math:`L(w, b) = \frac{1}{n}\sum_i r_i^2`:

    .. math::
        \frac{\partial L}{\partial w} = \frac{2}{n} \sum_{i=1}^{n} r_i x_i,
        \qquad
        \frac{\partial L}{\partial b} = \frac{2}{n} \sum_{i=1}^{n} r_i

    The gradient of the *sum* of squares is :math:`n` times larger.
    """
    xs, ys = as_matching_pair(x, y, ("x", "y"))
    slope, intercept = as_scalar(w, "w"), as_scalar(b, "b")
    r = slope * xs + intercept - ys
    return float(2.0 * np.mean(r * xs)), float(2.0 * np.mean(r))


def linear_gradient(w: ArrayLike, X: ArrayLike, y: ArrayLike) -> np.ndarray:
    r"""Gradient of ``mean((X @ w - y) ** 2)`` with respect to ``w``.

    Parameters
    ----------
    w : array_like, shape (d,)
        Weights.
    X : array_like, shape (n, d)
        Design matrix, ``n >= 1`` rows.
    y : array_like, shape (n,)
        Targets.

    Returns
    -------
    np.ndarray, shape (d,), float64
        The gradient, shaped like `w`.

    Raises
    ------
    ValueError
        If `X` is not 2-D with at least one row, or `w`, `y` do not match it.

    Notes
    -----
    .. math:: \nabla_w \frac{1}{n}\lVert Xw - y\rVert^2
              = \frac{2}{n} X^\top (Xw - y)
    """
    X_arr, y_arr, w_arr = as_design(X, y, w)
    return 2.0 * (X_arr.T @ (X_arr @ w_arr - y_arr)) / X_arr.shape[0]


def numerical_gradient(
    f: Callable[[np.ndarray], float], theta: ArrayLike, h: float = 1e-5
) -> np.ndarray:
    r"""Central-difference estimate of the gradient of a scalar function.

    Parameters
    ----------
    f : callable
        ``f(theta) -> float``; it is called with a fresh float64 array shaped
        like `theta` (0-d for a number), so it may not keep or rely on it.
    theta : array_like, any shape
        The point; it is never written to.
    h : float, default 1e-5
        Step of the finite difference, a finite positive number.

    Returns
    -------
    np.ndarray, shape of `theta`, float64
        The estimated gradient (0-d when `theta` is a number).

    Raises
    ------
    ValueError
        If `h` is not a finite positive number.
    TypeError
        If `f` is not callable.

    Notes
    -----
    One pair of evaluations per component (the loop is over components, which
    is inherent: `f` takes one point at a time):

    .. math:: \frac{\partial f}{\partial \theta_i} \approx
              \frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h}

    The error is :math:`O(h^2)` for smooth :math:`f`, plus rounding of order
    :math:`\varepsilon |f| / h`; ``h = 1e-5`` balances the two.
    """
    func = as_callable(f, "f")
    step = as_scalar(h, "h")
    if not np.isfinite(step) or not step > 0:
        raise ValueError(f"h must be a finite positive number, got {h!r}")
    point = as_array(theta, "theta")
    flat = point.reshape(-1)
    estimate = np.empty(flat.size, dtype=np.float64)
    for i in range(flat.size):
        forward, backward = flat.copy(), flat.copy()  # fresh copies: theta stays untouched
        forward[i] += step
        backward[i] -= step
        upper = float(func(forward.reshape(point.shape)))
        lower = float(func(backward.reshape(point.shape)))
        estimate[i] = (upper - lower) / (2.0 * step)
    return estimate.reshape(point.shape)


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    r"""Largest element-wise relative difference between two arrays.

    Parameters
    ----------
    a : array_like, any shape (a number allowed)
        First value, e.g. an analytic gradient.
    b : array_like, same shape as `a`
        Second value, e.g. a numerical gradient.

    Returns
    -------
    float
        The maximum over elements of the quantity below.

    Raises
    ------
    ValueError
        If the inputs differ in shape or are empty.

    Notes
    -----
    .. math:: \max_i \frac{|a_i - b_i|}{\max(|a_i| + |b_i|,\ 10^{-12})}

    The floor on the denominator keeps two zeros from dividing by zero; it is
    taken element by element.
    """
    first, second = as_matching_pair(a, b, ("a", "b"))
    denominator = np.maximum(np.abs(first) + np.abs(second), 1e-12)
    return float(np.max(np.abs(first - second) / denominator))
