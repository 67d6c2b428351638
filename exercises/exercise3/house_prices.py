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
    # TODO: return w * x + b as a float64 array.
    raise NotImplementedError


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
    # TODO: run batch gradient descent on the MSE from (w0, b0) with simultaneous updates,
    #       recording the loss before the first update and after every update; return (w, b,
    #       history).
    raise NotImplementedError


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
    # TODO: raise ValueError when all values of x are equal, otherwise return (z, mean, std) with
    #       the population standard deviation (ddof=0); mean and std as floats.
    raise NotImplementedError


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
    # TODO: standardize x, run the same descent as fit on (z, y) from w = b = 0, then convert the
    #       slope and intercept back to the original units.
    raise NotImplementedError


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
    # TODO: draw history against the step index on ax (or on a new Figure when ax is None), use a
    #       logarithmic loss axis, label both axes, add a title and return the Axes; never call
    #       plt.show().
    raise NotImplementedError
