r"""Exercise 3: house-price regression.

Fit a line ``price = w * size + b`` to five houses by batch gradient descent.
Sizes in square feet are large numbers and the intercept is of order 100, so
the loss landscape is a long, narrow valley: the Hessian's eigenvalues are
about 9.0e6 and 0.222, forty million times apart. Plain descent must take
steps small enough for the steep direction and barely moves along the flat
one (mostly the intercept); standardising the sizes first makes the valley
round and descent fast.

Check your work with ``gdlab check exercise3``.
"""

import numpy as np

SIZES = [1000, 1500, 2000, 2500, 3000]  # square feet
PRICES = [200, 280, 350, 400, 480]  # thousands of dollars


def predict(w, b, x):
    """Predictions of the line ``w * x + b``.

    Parameters
    ----------
    w, b : float
        Slope and intercept.
    x : array_like, shape (n,)
        Inputs.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
    """
    # BEGIN SOLUTION
    return w * np.asarray(x, dtype=np.float64) + b
    # END SOLUTION


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    r"""Fit ``w * x + b`` by batch gradient descent on the MSE.

    Both parameters are updated simultaneously from the same old values:

    .. math::

        w_{k+1} = w_k - \eta \frac{2}{n} \sum_i r_i x_i, \qquad
        b_{k+1} = b_k - \eta \frac{2}{n} \sum_i r_i, \qquad
        r_i = w_k x_i + b_k - y_i

    Parameters
    ----------
    x, y : array_like, shape (n,), n >= 1
        Inputs and targets.
    w0, b0 : float, optional
        Starting slope and intercept.
    lr : float, optional
        Learning rate :math:`\eta`.
    steps : int, optional
        Number of updates, ``steps >= 0``.

    Returns
    -------
    w, b : float
        The parameters after ``steps`` updates.
    history : numpy.ndarray of float64, shape (steps + 1,)
        ``history[k]`` is the MSE after ``k`` updates; ``history[0]`` is the
        loss at ``(w0, b0)``. A diverging run is not stopped: its later entries
        may be ``inf`` or ``nan``, without warnings.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` are not non-empty 1-D arrays of one length, or
        ``steps < 0``.
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or x.size == 0:
        raise ValueError("x and y must be non-empty 1-D arrays of the same length")
    if steps < 0:
        raise ValueError("steps must be >= 0")
    w, b = float(w0), float(b0)
    history = np.empty(steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence must stay silent
        history[0] = np.mean((predict(w, b, x) - y) ** 2)
        for k in range(1, steps + 1):
            residuals = predict(w, b, x) - y
            grad_w = 2 * np.mean(residuals * x)
            grad_b = 2 * np.mean(residuals)
            w, b = w - lr * grad_w, b - lr * grad_b
            history[k] = np.mean((predict(w, b, x) - y) ** 2)
    return float(w), float(b), history
    # END SOLUTION


def standardize(x):
    r"""Rescale ``x`` to mean 0 and standard deviation 1.

    .. math:: z_i = \frac{x_i - \bar x}{\sigma}, \qquad
              \sigma = \sqrt{\frac{1}{n} \sum_i (x_i - \bar x)^2}

    Parameters
    ----------
    x : array_like, shape (n,), n >= 1
        Values, not all equal.

    Returns
    -------
    z : numpy.ndarray of float64, shape (n,)
        The standardised values.
    mean, std : float
        :math:`\bar x` and the population standard deviation :math:`\sigma`
        (``ddof=0``).

    Raises
    ------
    ValueError
        If ``x`` is empty, not 1-D, or all its values are equal.
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be a non-empty 1-D array")
    if np.all(x == x[0]):
        raise ValueError("x is constant: it cannot be standardised")
    mean = float(np.mean(x))
    std = float(np.std(x))
    return (x - mean) / std, mean, std
    # END SOLUTION


def fit_standardized(x, y, lr=0.1, steps=1000):
    r"""Fit the line by descent on standardised inputs, in original units.

    Descent runs on :math:`y \approx w_z z + b_z` from :math:`w_z = b_z = 0`,
    then the line is expressed in the units of ``x``:

    .. math:: w = \frac{w_z}{\sigma}, \qquad b = b_z - \frac{w_z \bar x}{\sigma}

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Inputs (not all equal) and targets.
    lr : float, optional
        Learning rate of the descent on standardised inputs.
    steps : int, optional
        Number of updates, ``steps >= 0``.

    Returns
    -------
    w, b : float
        The fitted line in original units: ``predict(w, b, x)`` is its
        prediction.
    history : numpy.ndarray of float64, shape (steps + 1,)
        The MSE after each update, ``history[0]`` at ``w = b = 0``. It is the
        same line in both units, so the same loss.

    Raises
    ------
    ValueError
        As :func:`standardize` and :func:`fit`.
    """
    # BEGIN SOLUTION
    z, mean, std = standardize(x)
    w_z, b_z, history = fit(z, y, w0=0.0, b0=0.0, lr=lr, steps=steps)
    w = w_z / std
    b = b_z - w_z * mean / std
    return float(w), float(b), history
    # END SOLUTION


def plot_learning_curve(history, ax=None):
    """Plot a loss history on a logarithmic loss axis.

    Parameters
    ----------
    history : array_like, shape (k,)
        Loss after each step, as returned by :func:`fit`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's Axes when omitted. No window is opened.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes, with one line of ``history`` against ``0 ... k - 1``, a
        logarithmic y axis, labelled axes and a title.
    """
    # BEGIN SOLUTION
    from matplotlib.figure import Figure

    if ax is None:
        ax = Figure().add_subplot()
    history = np.asarray(history, dtype=np.float64)
    ax.plot(np.arange(len(history)), history)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("MSE loss (log scale)")
    ax.set_title("Learning curve")
    return ax
    # END SOLUTION
