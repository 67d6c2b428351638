r"""Exercise 5 — momentum and random restarts on a tilted double well.

:math:`f(x) = x^4 - 8x^2 + x` has two valleys. The ``+x`` tilt makes the left
one the global minimum (:math:`x \approx -2.03055`, :math:`f \approx -18.01539`)
and the right one a local minimum (:math:`x \approx 1.96799`,
:math:`f \approx -14.01588`); a maximum near :math:`x \approx 0.0626` separates
them. Plain descent stays in the valley it starts in; momentum can carry the
iterate over the ridge; restarts try several valleys and keep the best.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_array, as_callable, as_count, as_rng, as_scalar
from ._descent import DEFAULT_LIMIT, descend, escaped, gradient_step, momentum_step

# The contract's f and grad, defined once in .objectives (the sandbox evaluates them too).
from .objectives import double_well as f
from .objectives import double_well_grad as grad

__all__ = ["f", "grad", "gradient_descent", "momentum_descent", "random_restarts"]


def gradient_descent(
    grad: Callable, x0: ArrayLike, lr: float = 0.01, steps: int = 200, limit: float = DEFAULT_LIMIT
) -> np.ndarray:
    r"""Plain gradient descent from `x0`, stopped early when it escapes.

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns the gradient shaped like ``x``; it receives a
        np.float64 scalar (scalar start) or a float64 array of shape (d,).
    x0 : float or array_like of shape (d,)
        Start; it is the first iterate.
    lr : float, default 0.01
        Learning rate :math:`\eta`.
    steps : int, default 200
        Maximum number of updates, ``>= 0``.
    limit : float, default 1e6
        Divergence threshold, finite and positive.

    Returns
    -------
    np.ndarray, float64, shape (k,) or (k, d)
        The trajectory ``[x0, x1, ...]``, ``k = steps + 1`` unless it stopped
        right after an iterate with a component that is not finite or exceeds
        `limit` in absolute value. No NumPy warning escapes.

    Raises
    ------
    ValueError
        As ``run_gd`` of exercise 4 (same rules, same engine).
    TypeError
        If `grad` is not callable.

    Notes
    -----
    .. math:: x_{k+1} = x_k - \eta \nabla f(x_k)
    """
    return descend(gradient_step(grad, lr), x0, steps, limit)


def momentum_descent(
    grad: Callable,
    x0: ArrayLike,
    lr: float = 0.01,
    beta: float = 0.9,
    steps: int = 200,
    limit: float = DEFAULT_LIMIT,
) -> np.ndarray:
    r"""Gradient descent with (heavy-ball) momentum, stopped early when it escapes.

    Parameters
    ----------
    grad : callable
        As for :func:`gradient_descent`.
    x0 : float or array_like of shape (d,)
        Start; it is the first iterate. The velocity starts at zero.
    lr : float, default 0.01
        Learning rate :math:`\eta`.
    beta : float, default 0.9
        Momentum coefficient :math:`\beta` (the fraction of velocity kept).
    steps : int, default 200
        Maximum number of updates, ``>= 0``.
    limit : float, default 1e6
        Divergence threshold, finite and positive.

    Returns
    -------
    np.ndarray, float64, shape (k,) or (k, d)
        The trajectory of positions, with the same early-stopping rule as
        :func:`gradient_descent`.

    Raises
    ------
    ValueError
        As :func:`gradient_descent`.
    TypeError
        If `grad` is not callable.

    Notes
    -----
    .. math::
        v_0 = 0, \qquad
        v_{k+1} = \beta v_k + \eta \nabla f(x_k), \qquad
        x_{k+1} = x_k - v_{k+1}

    The velocity accumulates past gradients, so a run can coast through a
    shallow valley and over a ridge that would stop plain descent.
    """
    return descend(momentum_step(grad, lr, beta), x0, steps, limit)


def random_restarts(
    f: Callable,
    grad: Callable,
    n_restarts: int = 10,
    low: float = -4.0,
    high: float = 4.0,
    lr: float = 0.01,
    steps: int = 200,
    rng: np.random.Generator | None = None,
) -> tuple[float, float]:
    r"""Plain descent from several random starts; keep the lowest end point.

    Parameters
    ----------
    f : callable
        The function to minimise, called with each final iterate (a np.float64)
        of the runs that did not diverge.
    grad : callable
        Its derivative, called as in :func:`gradient_descent`.
    n_restarts : int, default 10
        Number of starts, ``>= 1``.
    low, high : float, default -4.0, 4.0
        Starts are drawn uniformly from ``[low, high)``.
    lr : float, default 0.01
        Learning rate of every run.
    steps : int, default 200
        Steps of every run, ``>= 0``.
    rng : numpy.random.Generator, optional
        Source of the starts; ``None`` means ``np.random.default_rng()``.
        Exactly one draw is made: ``rng.uniform(low, high, size=n_restarts)``.

    Returns
    -------
    best_x : float
        Final iterate of the winning run, or ``nan`` if every run diverged.
    best_f : float
        ``f(best_x)``, or ``nan`` if every run diverged.

    Raises
    ------
    ValueError
        If `n_restarts` is not a positive integer or `steps` is not a
        non-negative integer.
    TypeError
        If `f` or `grad` is not callable, or `rng` is not a Generator.

    Notes
    -----
    Run :math:`i` is :math:`x^{(i)}_{k+1} = x^{(i)}_k - \eta f'(x^{(i)}_k)`
    from :math:`x^{(i)}_0 \sim U[\text{low}, \text{high})`, with the stopping
    rule of :func:`gradient_descent` (default limit ``1e6``). Each start gets
    its own scalar run, exactly as the contract defines it: a run over an
    array of starts would be faster, but NumPy's vectorised ``x**3`` may
    differ from the scalar power in the last bit, and on chaotic runs (large
    ``lr``) that bit decides where the run ends. A run is
    diverged, and skipped, when its last iterate is not finite or exceeds
    ``1e6`` in absolute value. The winner is

    .. math:: i^\star = \min \operatorname*{arg\,min}_{i\ \text{not diverged}}
              f\bigl(x^{(i)}_{\text{last}}\bigr)

    (the first on ties; a ``nan`` value of `f` never beats a number).
    """
    func, gradient = as_callable(f, "f"), as_callable(grad, "grad")
    count = as_count(n_restarts, "n_restarts", minimum=1)
    generator = as_rng(rng)
    starts = generator.uniform(as_scalar(low, "low"), as_scalar(high, "high"), size=count)
    final = np.array(
        [descend(gradient_step(gradient, lr), start, steps, DEFAULT_LIMIT)[-1] for start in starts]
    )
    survivors = final[~escaped(final, DEFAULT_LIMIT)]
    if survivors.size == 0:
        return float("nan"), float("nan")
    # The survivors are finite and within the limit, but f (e.g. x**4) may
    # still overflow on them; inf is then an honest value, not a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.array([float(as_array(func(x), "f(x)")) for x in survivors])
    # argmin picks the first minimum (the tie rule); nan would win argmin, so
    # rank it after every number instead.
    best = int(np.argmin(np.where(np.isnan(values), np.inf, values)))
    return float(survivors[best]), float(values[best])
