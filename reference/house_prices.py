r"""Exercise 3 — house-price regression by batch gradient descent.

Fits the line ``price = w * size + b`` to five houses. On raw square feet the
problem is badly conditioned (Hessian eigenvalues about ``0.222`` and
``9.0e6``): any learning rate small enough for the steep direction leaves the
intercept almost frozen. Standardizing the input fixes the conditioning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_array, as_count, as_matching_pair, as_scalar, as_vector

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "PRICES",
    "SIZES",
    "fit",
    "fit_standardized",
    "mse_hessian",
    "plot_learning_curve",
    "predict",
    "standardize",
]

#: House sizes in square feet.
SIZES = [1000, 1500, 2000, 2500, 3000]
#: House prices in thousands of dollars.
PRICES = [200, 280, 350, 400, 480]


def predict(w: float, b: float, x: ArrayLike) -> np.ndarray:
    r"""Predictions of the line ``w * x + b``.

    Parameters
    ----------
    w : float
        Slope.
    b : float
        Intercept.
    x : array_like, any shape
        Inputs.

    Returns
    -------
    np.ndarray, shape of `x`, float64
        :math:`\hat y = w x + b`.

    Raises
    ------
    ValueError
        If `w` or `b` is not a single number.
    """
    return as_scalar(w, "w") * as_array(x, "x") + as_scalar(b, "b")


def _line_descent(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, steps: int
) -> tuple[float, float, np.ndarray]:
    """Batch gradient descent on the MSE of ``w * x + b`` (inputs already checked)."""
    n = x.size
    history = np.empty(steps + 1, dtype=np.float64)
    # A training loop never stops early: after a divergence the losses
    # become inf/nan, which is the documented outcome, not a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            r = w * x + b - y
            history[k] = (r @ r) / n  # the loss after k updates
            if k == steps:
                break
            # Both partial derivatives from the same residuals, so the
            # update is simultaneous.
            dw, db = 2.0 * (r @ x) / n, 2.0 * np.sum(r) / n
            w, b = w - lr * dw, b - lr * db
    return float(w), float(b), history


def fit(
    x: ArrayLike,
    y: ArrayLike,
    w0: float = 0.1,
    b0: float = 50.0,
    lr: float = 1e-7,
    steps: int = 1000,
) -> tuple[float, float, np.ndarray]:
    r"""Fit ``y ≈ w * x + b`` by batch gradient descent on the MSE.

    Parameters
    ----------
    x : array_like, shape (n,)
        Inputs, non-empty.
    y : array_like, shape (n,)
        Targets.
    w0, b0 : float
        Starting slope and intercept.
    lr : float, default 1e-7
        Learning rate :math:`\eta`.
    steps : int, default 1000
        Number of updates, ``>= 0``.

    Returns
    -------
    w : float
        Final slope.
    b : float
        Final intercept.
    history : np.ndarray, shape (steps + 1,), float64
        ``history[k]`` is the MSE after ``k`` updates (``history[0]`` at
        ``(w0, b0)``). It may hold ``inf``/``nan`` after a divergence; the
        loop never stops early and never warns.

    Raises
    ------
    ValueError
        If `x`, `y` are not 1-D of the same non-zero length, or `steps` is
        not a non-negative integer.

    Notes
    -----
    With :math:`r_i = w_k x_i + b_k - y_i`, both parameters move at once:

    .. math::
        w_{k+1} = w_k - \eta \frac{2}{n} \sum_i r_i x_i, \qquad
        b_{k+1} = b_k - \eta \frac{2}{n} \sum_i r_i

    The Hessian of the loss is
    :math:`H = 2 \begin{pmatrix} \overline{x^2} & \bar x \\ \bar x & 1 \end{pmatrix}`;
    the descent converges iff :math:`\eta < 2 / \lambda_{\max}(H)`
    (``2.2222e-7`` for `SIZES`).
    """
    xs, ys = _check_xy(x, y)
    w, b = as_scalar(w0, "w0"), as_scalar(b0, "b0")
    return _line_descent(xs, ys, w, b, as_scalar(lr, "lr"), as_count(steps, "steps"))


def mse_hessian(x: ArrayLike) -> np.ndarray:
    r"""Hessian of the MSE of the line ``w * x + b`` with respect to ``(w, b)``.

    Parameters
    ----------
    x : array_like, shape (n,)
        The inputs; the targets do not enter (the loss is quadratic).

    Returns
    -------
    np.ndarray, shape (2, 2), float64
        .. math:: H = 2 \begin{pmatrix} \overline{x^2} & \bar{x} \\ \bar{x} & 1 \end{pmatrix}

        Gradient descent on this loss converges exactly when the learning
        rate is below :math:`2 / \lambda_{max}(H)`.
    """
    x = as_vector(x, "x")
    return 2 * np.array([[np.mean(x**2), np.mean(x)], [np.mean(x), 1.0]])


def standardize(x: ArrayLike) -> tuple[np.ndarray, float, float]:
    r"""Centre and scale ``x`` to mean 0 and population standard deviation 1.

    Parameters
    ----------
    x : array_like, shape (n,)
        Non-empty 1-D data, not all equal.

    Returns
    -------
    z : np.ndarray, shape (n,), float64
        :math:`(x - \mu) / \sigma`.
    mean : float
        :math:`\mu`.
    std : float
        :math:`\sigma`, with ``ddof=0``.

    Raises
    ------
    ValueError
        If `x` is not a non-empty 1-D array, or all its values are equal.

    Notes
    -----
    .. math:: \mu = \frac{1}{n}\sum_i x_i, \qquad
              \sigma = \sqrt{\frac{1}{n}\sum_i (x_i - \mu)^2}, \qquad
              z_i = \frac{x_i - \mu}{\sigma}
    """
    xs = as_vector(x, "x")
    # Constant data is detected with ptp, which is exact: np.std of e.g.
    # [0.1, 0.1, 0.1] can come out as a tiny non-zero number because the
    # computed mean is rounded, so `std == 0` would miss it.
    if np.ptp(xs) == 0:
        raise ValueError("x is constant: it cannot be standardized")
    mean, std = float(np.mean(xs)), float(np.std(xs))
    return (xs - mean) / std, mean, std


def fit_standardized(
    x: ArrayLike, y: ArrayLike, lr: float = 0.1, steps: int = 1000
) -> tuple[float, float, np.ndarray]:
    r"""Fit the line on standardized ``x``, then express it in original units.

    Parameters
    ----------
    x : array_like, shape (n,)
        Inputs, non-empty and not constant.
    y : array_like, shape (n,)
        Targets.
    lr : float, default 0.1
        Learning rate on the standardized problem.
    steps : int, default 1000
        Number of updates, ``>= 0``.

    Returns
    -------
    w : float
        Slope in original units.
    b : float
        Intercept in original units, so that ``predict(w, b, x)`` is the
        fitted line.
    history : np.ndarray, shape (steps + 1,), float64
        Loss after ``k`` updates of the standardized descent, started at
        ``w = b = 0``. The standardized and converted lines are the same line,
        so these are also the losses in original units.

    Raises
    ------
    ValueError
        As :func:`fit`, or if `x` is constant.

    Notes
    -----
    The descent of :func:`fit` runs on :math:`z = (x - \mu)/\sigma`, where
    the Hessian is :math:`2\,\mathrm{diag}(1, 1)`. Its result
    :math:`\hat y = w_z z + b_z` is rewritten in ``x``:

    .. math:: w = \frac{w_z}{\sigma}, \qquad b = b_z - \frac{w_z \mu}{\sigma}
    """
    xs, ys = _check_xy(x, y)
    z, mean, std = standardize(xs)
    wz, bz, history = _line_descent(z, ys, 0.0, 0.0, as_scalar(lr, "lr"), as_count(steps, "steps"))
    return float(wz / std), float(bz - wz * mean / std), history


def plot_learning_curve(history: ArrayLike, ax: Axes | None = None) -> Axes:
    r"""Draw a learning curve: loss against update step, on a log loss axis.

    Parameters
    ----------
    history : array_like, shape (k,)
        Losses, e.g. the history returned by :func:`fit`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on. When None, a new ``matplotlib.figure.Figure`` is
        built without pyplot, so no window opens and no global figure state
        is touched.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one line of ``history[k]`` against ``k = 0 …
        k - 1``, logarithmic y axis, labelled axes and a title.

    Raises
    ------
    ValueError
        If `history` is not 1-D.
    """
    losses = as_array(history, "history")
    if losses.ndim != 1:
        raise ValueError(f"history must be 1-D, got shape {losses.shape}")
    if ax is None:
        # Imported here so the numerical functions work without matplotlib.
        from matplotlib.figure import Figure

        ax = Figure().add_subplot()
    ax.plot(np.arange(losses.size), losses)
    ax.set_yscale("log")
    ax.set_xlabel("Update step")
    ax.set_ylabel("MSE loss (log scale)")
    ax.set_title("Learning curve")
    return ax


def _check_xy(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return ``x`` and ``y`` as 1-D float64 arrays of the same non-zero length."""
    xs, ys = as_matching_pair(x, y, ("x", "y"))
    if xs.ndim != 1:
        raise ValueError(f"x and y must be 1-D, got shape {xs.shape}")
    return xs, ys
