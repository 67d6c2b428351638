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
    # BEGIN SOLUTION
    if steps < 0:
        raise ValueError("steps must be >= 0")
    if not (np.isfinite(limit) and limit > 0):
        raise ValueError("limit must be finite and positive")
    x = np.asarray(x0, dtype=np.float64)
    if x.ndim == 0:
        x = np.float64(x)  # a NumPy scalar overflows to inf instead of raising
    trajectory = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            if not np.all(np.isfinite(x)) or np.any(np.abs(x) > limit):
                break
            x = x - lr * grad(x)
            trajectory.append(x)
    return np.array(trajectory, dtype=np.float64)
    # END SOLUTION


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
    # BEGIN SOLUTION
    trajectory = np.asarray(trajectory, dtype=np.float64)
    if len(trajectory) == 0:
        raise ValueError("the trajectory is empty")
    if not np.all(np.isfinite(trajectory)):
        return "diverged"
    offsets = trajectory - np.asarray(x_star, dtype=np.float64)
    if offsets.ndim == 1:
        distances = np.abs(offsets)
    else:
        distances = np.linalg.norm(offsets, axis=1)
    first, last = distances[0], distances[-1]
    if last > first * (1 + 1e-9):
        return "diverged"
    if last <= tol:
        return "converged"
    if len(trajectory) >= 3 and abs(last - first) <= 1e-9 * first:
        signs = np.sign(offsets)
        if np.all(signs != 0) and np.all(signs[1:] == -signs[:-1]):
            return "oscillating"
    return "converging"
    # END SOLUTION


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
    # BEGIN SOLUTION
    if lr <= 0 or curvature <= 0:
        raise ValueError("lr and curvature must be positive")
    q = lr * curvature
    if abs(q - 2) <= 2e-12:
        return "oscillates"
    return "converges" if q < 2 else "diverges"
    # END SOLUTION


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
    # BEGIN SOLUTION
    H = np.asarray(hessian, dtype=np.float64)
    if H.ndim == 0:
        H = H.reshape(1, 1)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.size == 0:
        raise ValueError("the Hessian must be a number or a square matrix")
    if not np.all(np.isfinite(H)):
        raise ValueError("the Hessian has a non-finite entry")
    if np.max(np.abs(H - H.T)) > 1e-12 * np.max(np.abs(H)):
        raise ValueError("the Hessian is not symmetric")
    lambda_max = np.linalg.eigvalsh(H)[-1]
    if lambda_max <= 0:
        raise ValueError("the largest eigenvalue must be positive")
    return float(2 / lambda_max)
    # END SOLUTION


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
    # BEGIN SOLUTION

    def diverges(lr):
        return classify(run_gd(grad, x0, lr, steps), x_star) == "diverged"

    if lo >= hi:
        raise ValueError("need lo < hi")
    if diverges(lo) or not diverges(hi):
        raise ValueError("the bracket must hold the critical rate: lo stable, hi diverging")
    for _ in range(iters):
        mid = (lo + hi) / 2
        if diverges(mid):
            hi = mid
        else:
            lo = mid
    return float((lo + hi) / 2)
    # END SOLUTION
