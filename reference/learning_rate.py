r"""Exercise 4 — the critical learning rate.

On the parabola :math:`f(x) = x^2 - 4x + 5` (curvature 2, minimum at 2) each
step multiplies the distance to the minimum by :math:`1 - 2\eta`: the run
creeps, converges, bounces for ever, or blows up according to where
:math:`q = \eta \cdot \text{curvature}` sits relative to 2. The same
threshold, :math:`2/\lambda_{\max}`, governs any quadratic loss.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_array, as_callable, as_count, as_scalar
from ._descent import DEFAULT_LIMIT, descend, gradient_step

# The contract's f and grad, defined once in .objectives (the sandbox evaluates them too).
from .objectives import parabola as f
from .objectives import parabola_grad as grad

__all__ = [
    "X_STAR",
    "classify",
    "critical_lr",
    "f",
    "find_critical_lr",
    "grad",
    "predict_behaviour",
    "run_gd",
]

#: The minimiser of :func:`f`.
X_STAR = 2.0

# Relative slack that absorbs rounding: at lr = 1.0 some starts end one ulp
# farther from x_star than they began, which must not count as divergence.
_RTOL = 1e-9


def run_gd(
    grad: Callable, x0: ArrayLike, lr: float, steps: int = 20, limit: float = DEFAULT_LIMIT
) -> np.ndarray:
    r"""Gradient descent from `x0`, stopped early when it escapes.

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns the gradient at ``x``, shaped like ``x``; it
        receives a np.float64 scalar (scalar start) or a float64 array of
        shape (d,) (vector start).
    x0 : float or array_like of shape (d,)
        Start; it is the first iterate.
    lr : float
        Learning rate :math:`\eta`.
    steps : int, default 20
        Maximum number of updates, ``>= 0``.
    limit : float, default 1e6
        Divergence threshold, finite and positive.

    Returns
    -------
    np.ndarray, float64, shape (k,) for a scalar start or (k, d) for a vector
        The trajectory ``[x0, x1, ...]``, ``k = steps + 1`` unless it stopped
        early: right after the first iterate with a component that is not
        finite or exceeds `limit` in absolute value (then ``k <= steps + 1``
        and that iterate is the last row). Never raises on divergence and
        never emits a NumPy warning.

    Raises
    ------
    ValueError
        If `steps` is not a non-negative integer, `limit` is not finite and
        positive, `x0` is neither a number nor a non-empty 1-D array, or
        `grad` returns a value of another shape.
    TypeError
        If `grad` is not callable.

    Notes
    -----
    .. math:: x_{k+1} = x_k - \eta \nabla f(x_k)

    The run stops after :math:`x_k` when
    :math:`\exists i:\ x_{k,i} \notin \mathbb{R} \lor |x_{k,i}| > \text{limit}`.
    """
    return descend(gradient_step(grad, lr), x0, steps, limit)


def classify(trajectory: ArrayLike, x_star: ArrayLike, tol: float = 1e-2) -> str:
    r"""Name the behaviour of a descent trajectory.

    Parameters
    ----------
    trajectory : array_like, shape (k,) or (k, d)
        Iterates, one per row, ``k >= 1``.
    x_star : float or array_like of shape (d,)
        The minimiser (a number for a 1-D trajectory).
    tol : float, default 1e-2
        Distance below which the run counts as converged.

    Returns
    -------
    str
        ``"diverged"``, ``"converged"``, ``"oscillating"`` or ``"converging"``.

    Raises
    ------
    ValueError
        If `trajectory` is empty or not 1-D/2-D, or `x_star` is not finite
        or does not fit one iterate.

    Notes
    -----
    With errors :math:`e_k = x_k - x^\star` and distances
    :math:`d_k = \lVert e_k \rVert` (absolute value for scalars, Euclidean
    norm per row for vectors), the first rule that holds wins:

    1. ``"diverged"`` if some iterate is not finite or
       :math:`d_{\text{last}} > d_0 (1 + 10^{-9})`;
    2. ``"converged"`` if :math:`d_{\text{last}} \le \text{tol}`;
    3. ``"oscillating"`` if :math:`k \ge 3`,
       :math:`|d_{\text{last}} - d_0| \le 10^{-9} d_0`, and every pair of
       consecutive errors has opposite, non-zero signs
       (:math:`\operatorname{sign} e_{k,i} \cdot \operatorname{sign} e_{k+1,i} = -1`
       for every component :math:`i`);
    4. ``"converging"`` otherwise (including a run that never moves).

    The relative slack :math:`10^{-9}` absorbs rounding; comparing
    :math:`|x|` with a fixed threshold instead would misname lr = 1.0 and 1.1
    on :func:`f`.
    """
    traj = as_array(trajectory, "trajectory")
    if traj.ndim not in (1, 2) or traj.size == 0:
        raise ValueError(
            f"trajectory must be a non-empty 1-D or 2-D array, got shape {traj.shape}"
        )
    star = as_array(x_star, "x_star")
    valid_star = star.ndim == 0 or (traj.ndim == 2 and star.shape == traj.shape[1:])
    if not valid_star or not np.all(np.isfinite(star)):
        raise ValueError(
            f"x_star of shape {star.shape} does not fit iterates of shape {traj.shape[1:]}"
        )
    tolerance = as_scalar(tol, "tol")

    if not np.all(np.isfinite(traj)):
        return "diverged"
    # A finite but huge trajectory may overflow in the norm; inf there is the
    # right answer (it reads as diverged), so the warning is not wanted.
    with np.errstate(over="ignore", invalid="ignore"):
        errors = traj - star
        dist = np.abs(errors) if traj.ndim == 1 else np.linalg.norm(errors, axis=1)
    d0, d_last = dist[0], dist[-1]
    if d_last > d0 * (1 + _RTOL):
        return "diverged"
    if d_last <= tolerance:
        return "converged"
    signs = np.sign(errors)
    alternating = bool(np.all(signs[1:] * signs[:-1] == -1))  # -1 only for opposite non-zero signs
    if len(traj) >= 3 and abs(d_last - d0) <= _RTOL * d0 and alternating:
        return "oscillating"
    return "converging"


def predict_behaviour(lr: float, curvature: float) -> str:
    r"""Predict the fate of gradient descent on a quadratic from ``q = lr * curvature``.

    Parameters
    ----------
    lr : float
        Learning rate, ``> 0``.
    curvature : float
        Second derivative (an eigenvalue of the Hessian), ``> 0``.

    Returns
    -------
    str
        ``"converges"``, ``"oscillates"`` or ``"diverges"``.

    Raises
    ------
    ValueError
        If `lr` or `curvature` is not positive (nan included).

    Notes
    -----
    On a quadratic of curvature :math:`c` the error evolves as
    :math:`e_{k+1} = (1 - q)\, e_k` with :math:`q = \eta c`, so

    .. math::
        0 < q < 2 \Rightarrow \text{converges}, \qquad
        q = 2 \Rightarrow \text{oscillates}, \qquad
        q > 2 \Rightarrow \text{diverges},

    where :math:`q = 2` is tested as :math:`|q - 2| \le 2 \cdot 10^{-12}`.
    """
    rate, c = as_scalar(lr, "lr"), as_scalar(curvature, "curvature")
    # `not ... > 0` refuses nan as well as non-positive values.
    if not rate > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    if not c > 0:
        raise ValueError(f"curvature must be positive, got {curvature!r}")
    q = rate * c
    if abs(q - 2.0) <= 2.0 * 1e-12:
        return "oscillates"
    return "converges" if q < 2.0 else "diverges"


def critical_lr(hessian: ArrayLike) -> float:
    r"""The largest stable learning rate, :math:`2 / \lambda_{\max}`.

    Parameters
    ----------
    hessian : float or array_like of shape (d, d)
        A curvature (a number) or a square symmetric matrix (1×1 included).

    Returns
    -------
    float
        :math:`2 / \lambda_{\max}(H)`.

    Raises
    ------
    ValueError
        If `hessian` is neither a number nor a non-empty square matrix, has a
        non-finite entry, is not symmetric (to ``1e-12`` relative to its
        largest entry), or its largest eigenvalue is not positive.

    Notes
    -----
    Along each eigenvector of :math:`H` gradient descent multiplies the error
    by :math:`1 - \eta \lambda_i`; all of them shrink iff
    :math:`|1 - \eta\lambda_i| < 1` for every :math:`i`, i.e.

    .. math:: \eta < \eta_c = \frac{2}{\lambda_{\max}(H)}

    For exercise 3,
    :math:`H = 2 \begin{pmatrix} \overline{x^2} & \bar x \\ \bar x & 1 \end{pmatrix}`
    gives :math:`\eta_c \approx 2.2222 \cdot 10^{-7}`.
    """
    H = as_array(hessian, "hessian")
    if H.ndim == 0:
        lam_max = float(H)
    else:
        if H.ndim != 2 or H.shape[0] != H.shape[1] or H.size == 0:
            raise ValueError(f"hessian must be a number or a square matrix, got shape {H.shape}")
        if not np.all(np.isfinite(H)):
            raise ValueError("hessian has a non-finite entry")
        if np.max(np.abs(H - H.T)) > 1e-12 * np.max(np.abs(H)):
            raise ValueError("hessian is not symmetric")
        lam_max = float(np.linalg.eigvalsh(H)[-1])  # eigvalsh sorts ascending
    if not np.isfinite(lam_max):
        raise ValueError("hessian has a non-finite entry")
    if lam_max <= 0:
        raise ValueError(f"the largest eigenvalue must be positive, got {lam_max}")
    return float(2.0 / lam_max)


def find_critical_lr(
    grad: Callable,
    x0: ArrayLike,
    x_star: ArrayLike,
    lo: float = 0.0,
    hi: float = 2.0,
    steps: int = 100,
    iters: int = 50,
) -> float:
    r"""Locate the critical learning rate by bisection on experiments.

    Parameters
    ----------
    grad : callable
        Gradient, as for :func:`run_gd`.
    x0 : float or array_like of shape (d,)
        Start of every run.
    x_star : float or array_like of shape (d,)
        The minimiser, as for :func:`classify`.
    lo : float, default 0.0
        A rate whose run does not diverge.
    hi : float, default 2.0
        A rate whose run diverges, ``> lo``.
    steps : int, default 100
        Steps of each run.
    iters : int, default 50
        Number of bisection halvings, ``>= 0``.

    Returns
    -------
    float
        The midpoint ``(lo + hi) / 2`` of the final bracket.

    Raises
    ------
    ValueError
        If ``lo >= hi``, the run at `lo` diverges, the run at `hi` does not
        (the bracket must contain the critical rate), or `iters` is not a
        non-negative integer.

    Notes
    -----
    A rate :math:`\eta` *diverges* when
    ``classify(run_gd(grad, x0, eta, steps), x_star) == "diverged"``. The
    invariant is "lo does not diverge, hi does"; each iteration halves the
    bracket:

    .. math:: m = \tfrac{1}{2}(lo + hi); \quad
              \text{diverges}(m) \Rightarrow hi \leftarrow m, \quad
              \text{otherwise } lo \leftarrow m

    After :math:`n` iterations the bracket is :math:`(hi - lo)/2^n` wide.
    """
    gradient = as_callable(grad, "grad")
    low, high = as_scalar(lo, "lo"), as_scalar(hi, "hi")
    halvings = as_count(iters, "iters")
    if not low < high:
        raise ValueError(f"need lo < hi, got lo={lo!r}, hi={hi!r}")

    def diverges(rate: float) -> bool:
        return classify(run_gd(gradient, x0, rate, steps), x_star) == "diverged"

    # The bisection invariant must hold at the start, or the answer is garbage.
    if diverges(low):
        raise ValueError(f"the run at lo={low} diverges: the bracket must hold the critical rate")
    if not diverges(high):
        raise ValueError(f"the run at hi={high} does not diverge: the bracket must hold it")
    for _ in range(halvings):
        mid = (low + high) / 2
        if diverges(mid):
            high = mid
        else:
            low = mid
    return float((low + high) / 2)
