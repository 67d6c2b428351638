r"""Exercise 5: momentum and random restarts.

The landscape :math:`f(x) = x^4 - 8x^2 + x` has two valleys. The ``+x`` term
tilts it, so the left valley (near :math:`x = -2.03`) is deeper: that is the
global minimum, and the right valley (near :math:`x = 1.97`) is only a local
one. A hiker who only follows the slope stays in whichever valley they start
in. Two remedies: momentum, a heavy ball whose speed carries it over the hump,
and random restarts, many hikers dropped at random places.

Check your work with ``gdlab check exercise5``.
"""

import numpy as np


def f(x):
    """The tilted double well :math:`f(x) = x^4 - 8x^2 + x`."""
    return x**4 - 8 * x**2 + x


def grad(x):
    """Its derivative :math:`f'(x) = 4x^3 - 16x + 1`."""
    return 4 * x**3 - 16 * x + 1


def gradient_descent(grad, x0, lr=0.01, steps=200, limit=1e6):
    r"""Plain gradient descent, stopped early when it blows up.

    .. math:: x_{k+1} = x_k - \eta \nabla f(x_k)

    Parameters
    ----------
    grad : callable
        ``grad(x)``: the gradient at ``x`` (a float64 number or array).
    x0 : float or array_like of shape (d,)
        Start.
    lr : float, optional
        Learning rate :math:`\eta`.
    steps : int, optional
        Most updates to make, ``steps >= 0``.
    limit : float, optional
        A finite positive bound: the run stops right after the first iterate
        that is not finite or has a component beyond ``limit`` in absolute
        value (``x0`` included).

    Returns
    -------
    numpy.ndarray of float64, shape (k,) or (k, d)
        The iterates, ``k = steps + 1`` unless the run stopped early.

    Raises
    ------
    ValueError
        If ``steps < 0`` or ``limit`` is not finite and positive.
    """
    # BEGIN SOLUTION
    return momentum_descent(grad, x0, lr=lr, beta=0.0, steps=steps, limit=limit)
    # END SOLUTION


def momentum_descent(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    r"""Gradient descent with momentum (the heavy ball).

    .. math::

        v_0 = 0, \qquad
        v_{k+1} = \beta v_k + \eta \nabla f(x_k), \qquad
        x_{k+1} = x_k - v_{k+1}

    Parameters
    ----------
    grad : callable
        ``grad(x)``: the gradient at ``x``.
    x0 : float or array_like of shape (d,)
        Start.
    lr : float, optional
        Learning rate :math:`\eta`.
    beta : float, optional
        Momentum :math:`\beta`; ``0`` gives plain gradient descent.
    steps : int, optional
        Most updates to make, ``steps >= 0``.
    limit : float, optional
        Stopping bound, as in :func:`gradient_descent`.

    Returns
    -------
    numpy.ndarray of float64, shape (k,) or (k, d)
        The iterates, ``k = steps + 1`` unless the run stopped early.

    Raises
    ------
    ValueError
        If ``steps < 0`` or ``limit`` is not finite and positive.
    """
    # BEGIN SOLUTION
    if steps < 0:
        raise ValueError("steps must be >= 0")
    if not (np.isfinite(limit) and limit > 0):
        raise ValueError("limit must be finite and positive")
    x = np.asarray(x0, dtype=np.float64)
    if x.ndim == 0:
        x = np.float64(x)  # a NumPy scalar overflows to inf instead of raising
    velocity = np.zeros_like(x)
    trajectory = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            if not np.all(np.isfinite(x)) or np.any(np.abs(x) > limit):
                break
            velocity = beta * velocity + lr * grad(x)
            x = x - velocity
            trajectory.append(x)
    return np.array(trajectory, dtype=np.float64)
    # END SOLUTION


def random_restarts(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    """Run plain descent from random starts and keep the best end point.

    Parameters
    ----------
    f : callable
        The function to minimise.
    grad : callable
        Its gradient.
    n_restarts : int, optional
        Number of starts, ``>= 1``.
    low, high : float, optional
        The starts are drawn uniformly from ``[low, high)``.
    lr : float, optional
        Learning rate of every run.
    steps : int, optional
        Steps of every run.
    rng : numpy.random.Generator, optional
        Source of the starts: exactly one call,
        ``rng.uniform(low, high, size=n_restarts)``. A fresh
        ``np.random.default_rng()`` when omitted.

    Returns
    -------
    best_x, best_f : float
        The end point of lowest ``f`` among the runs that did not diverge (the
        first on ties) and its value; ``(nan, nan)`` when every run diverged.

    Raises
    ------
    ValueError
        If ``n_restarts < 1``.
    """
    # BEGIN SOLUTION
    if n_restarts < 1:
        raise ValueError("n_restarts must be >= 1")
    if rng is None:
        rng = np.random.default_rng()
    starts = rng.uniform(low, high, size=n_restarts)
    best_x, best_f = float("nan"), float("nan")
    for start in starts:
        end = gradient_descent(grad, start, lr=lr, steps=steps)[-1]
        if not np.isfinite(end) or abs(end) > 1e6:
            continue  # this run diverged
        value = float(f(end))
        if np.isnan(best_f) or value < best_f:
            best_x, best_f = float(end), value
    return best_x, best_f
    # END SOLUTION
