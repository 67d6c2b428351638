r"""Exercise 4: the critical learning rate.

The hiker's stride is the learning rate. On a quadratic bowl of curvature
:math:`c` every step multiplies the distance to the minimum by
:math:`1 - \eta c`: a short stride creeps in, a stride of exactly
:math:`2 / c` bounces between two points forever, and anything longer throws
the hiker further out at every step. For a bowl in several dimensions the
steepest direction decides: the critical rate is :math:`2 / \lambda_{\max}` of
the Hessian.

Check your work with ``gdlab check exercise4``.
"""

import numpy as np

X_STAR = 2.0


def f(x):
    """The quadratic :math:`f(x) = x^2 - 4x + 5`, minimal at ``X_STAR``."""
    return x**2 - 4 * x + 5


def grad(x):
    """The derivative :math:`f'(x) = 2x - 4` (curvature 2)."""
    return 2 * x - 4


def run_gd(grad, x0, lr, steps=20, limit=1e6):
    r"""Gradient descent from ``x0``, stopped early when it blows up.

    .. math:: x_{k+1} = x_k - \eta \nabla f(x_k)

    Parameters
    ----------
    grad : callable
        ``grad(x)``: the gradient at ``x`` (a float64 number or array).
    x0 : float or array_like of shape (d,)
        Start.
    lr : float
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
        The iterates ``x0, x1, ...``, with ``k = steps + 1`` unless the run
        stopped early, in which case the last row is the offending iterate.

    Raises
    ------
    ValueError
        If ``steps < 0`` or ``limit`` is not finite and positive.
    """
    # TODO: iterate x = x - lr * grad(x) from x0 for at most steps steps, stopping right after the
    #       first iterate that is not finite or exceeds limit in absolute value; return the
    #       trajectory including x0.
    raise NotImplementedError


def classify(trajectory, x_star, tol=1e-2):
    r"""Say what a descent run did, from its distances to the minimum.

    With :math:`d_k = |x_k - x^*|` (the Euclidean norm for vectors), the first
    rule that applies wins:

    1. ``"diverged"``: an iterate is not finite, or
       :math:`d_{last} > d_0 (1 + 10^{-9})`;
    2. ``"converged"``: :math:`d_{last} \le` ``tol``;
    3. ``"oscillating"``: at least 3 iterates,
       :math:`|d_{last} - d_0| \le 10^{-9} d_0`, and every two consecutive
       :math:`x_k - x^*` have opposite, non-zero signs (component-wise);
    4. ``"converging"``: anything else, a run that does not move included.

    The :math:`10^{-9}` absorbs rounding: at ``lr = 1.0`` the distance may
    grow by one unit in the last place.

    Parameters
    ----------
    trajectory : array_like, shape (k,) or (k, d), k >= 1
        Iterates, as returned by :func:`run_gd`.
    x_star : float or array_like of shape (d,)
        The minimum.
    tol : float, optional
        Distance under which the run counts as converged.

    Returns
    -------
    str
        One of ``"diverged"``, ``"converged"``, ``"oscillating"``,
        ``"converging"``.

    Raises
    ------
    ValueError
        If the trajectory is empty.
    """
    # TODO: compute the distances d_k = |x_k - x_star| and apply the four rules in the order of the
    #       statement: diverged, converged, oscillating, converging.
    raise NotImplementedError


def predict_behaviour(lr, curvature):
    r"""Predict a quadratic descent's fate from :math:`q = \eta c` alone.

    Each step multiplies the distance to the minimum by :math:`1 - q`, so the
    run converges for :math:`0 < q < 2`, oscillates for :math:`q = 2` and
    diverges for :math:`q > 2`.

    Parameters
    ----------
    lr : float
        Learning rate, ``> 0``.
    curvature : float
        Second derivative of the quadratic, ``> 0``.

    Returns
    -------
    str
        ``"converges"``, ``"oscillates"`` (``q`` equal to 2 to ``1e-12``
        relative) or ``"diverges"``.

    Raises
    ------
    ValueError
        If ``lr <= 0`` or ``curvature <= 0``.
    """
    # TODO: raise ValueError for lr <= 0 or curvature <= 0, then classify q = lr * curvature: below
    #       2 converges, 2 (to 1e-12 relative) oscillates, above 2 diverges.
    raise NotImplementedError


def critical_lr(hessian):
    r"""The largest stable learning rate, :math:`2 / \lambda_{\max}`.

    Parameters
    ----------
    hessian : float or array_like of shape (d, d)
        A curvature, or a square symmetric Hessian (``1x1`` included).

    Returns
    -------
    float
        :math:`2 / \lambda_{\max}`, with :math:`\lambda_{\max}` the largest
        eigenvalue.

    Raises
    ------
    ValueError
        If the input is neither a number nor a square matrix, has a non-finite
        entry, is not symmetric to ``1e-12`` relative, or
        :math:`\lambda_{\max} \le 0`.
    """
    # TODO: accept a number or a square symmetric matrix, find the largest eigenvalue, raise
    #       ValueError when it is not positive, and return 2 / lambda_max.
    raise NotImplementedError


def find_critical_lr(grad, x0, x_star, lo=0.0, hi=2.0, steps=100, iters=50):
    """Locate the critical learning rate by bisection on experiments.

    A rate is judged by running :func:`run_gd` for ``steps`` steps and asking
    :func:`classify` whether the run ``"diverged"``. Each of the ``iters``
    rounds halves the bracket, keeping ``lo`` not diverged and ``hi`` diverged.

    Parameters
    ----------
    grad : callable
        Gradient of the function.
    x0 : float or array_like of shape (d,)
        Start of every run.
    x_star : float or array_like of shape (d,)
        The minimum.
    lo, hi : float, optional
        A bracket: the run at ``lo`` must not diverge, the run at ``hi`` must.
    steps : int, optional
        Length of each run.
    iters : int, optional
        Number of halvings.

    Returns
    -------
    float
        ``(lo + hi) / 2`` of the final bracket.

    Raises
    ------
    ValueError
        If ``lo >= hi``, the run at ``lo`` diverges or the run at ``hi`` does
        not.
    """
    # TODO: check that lo does not diverge and hi does, then bisect iters times, keeping lo not
    #       diverged and hi diverged, and return (lo + hi) / 2.
    raise NotImplementedError
