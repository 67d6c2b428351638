r"""The one descent engine shared by exercises 4 and 5.

``run_gd`` (exercise 4), ``gradient_descent`` and ``momentum_descent``
(exercise 5) differ only in how one iterate becomes the next. Each builds an
*advance* function with :func:`gradient_step` or :func:`momentum_step` and
hands it to :func:`descend`, which owns the rest: conversion of the start,
validation of ``steps`` and ``limit``, warning suppression, the trajectory,
and the early-stopping rule. The stopping rule itself is :func:`escaped`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_array, as_callable, as_count, as_limit, as_scalar

__all__ = [
    "DEFAULT_LIMIT",
    "descend",
    "escaped",
    "gradient_step",
    "momentum_step",
    "start_point",
]

#: Default divergence threshold on the absolute value of an iterate.
DEFAULT_LIMIT = 1e6

# An iterate: a np.float64 scalar for a scalar descent, a (d,) array otherwise.
Iterate = np.float64 | np.ndarray
Advance = Callable[[Iterate], Iterate]


def escaped(x: ArrayLike, limit: float) -> np.ndarray:
    r"""Element-wise early-stopping test: not finite, or beyond ``limit``.

    This is the single stopping rule of the package: an iterate stops a run
    when any of its components is flagged here.

    Notes
    -----
    .. math:: \text{escaped}(x_i) \iff x_i \notin \mathbb{R}
              \ \lor\ |x_i| > \text{limit}
    """
    values = np.asarray(x)
    # abs(nan) > limit is False, hence the explicit isfinite test.
    return ~np.isfinite(values) | (np.abs(values) > limit)


def start_point(x0: ArrayLike) -> Iterate:
    """Convert a start to an iterate: a np.float64 scalar or a 1-D float64 array.

    Iterates are NumPy objects, never Python floats, so that an overflow
    inside a user's gradient yields ``inf`` instead of raising OverflowError.
    """
    x = as_array(x0, "x0")
    if x.ndim == 0:
        return x[()]  # the np.float64 scalar
    if x.ndim == 1 and x.size > 0:
        return x.copy()
    raise ValueError(f"x0 must be a number or a non-empty 1-D array, got shape {x.shape}")


def _gradient_at(grad: Callable, x: Iterate) -> Iterate:
    """Call ``grad(x)`` and check that it returns a value shaped like ``x``."""
    g = np.asarray(grad(x), dtype=np.float64)
    if g.shape != np.shape(x):
        raise ValueError(f"grad returned shape {g.shape} for an iterate of shape {np.shape(x)}")
    return g[()] if g.ndim == 0 else g


def gradient_step(grad: Callable, lr: float) -> Advance:
    r"""Build the plain gradient-descent update ``x -> x - lr * grad(x)``.

    Notes
    -----
    .. math:: x_{k+1} = x_k - \eta \nabla f(x_k)
    """
    grad = as_callable(grad, "grad")
    rate = as_scalar(lr, "lr")

    def advance(x: Iterate) -> Iterate:
        return x - rate * _gradient_at(grad, x)

    return advance


def momentum_step(grad: Callable, lr: float, beta: float) -> Advance:
    r"""Build the heavy-ball update; the velocity lives in the returned closure.

    The velocity starts at the number 0, which broadcasts to the shape of the
    first iterate, so it equals ``v_0 = 0`` shaped like ``x_0``. Build a new
    advance function for every run.

    Notes
    -----
    .. math::
        v_{k+1} = \beta v_k + \eta \nabla f(x_k), \qquad
        x_{k+1} = x_k - v_{k+1}, \qquad v_0 = 0
    """
    grad = as_callable(grad, "grad")
    rate = as_scalar(lr, "lr")
    damping = as_scalar(beta, "beta")
    velocity: Iterate = np.float64(0.0)

    def advance(x: Iterate) -> Iterate:
        nonlocal velocity
        velocity = damping * velocity + rate * _gradient_at(grad, x)
        return x - velocity

    return advance


def descend(advance: Advance, x0: ArrayLike, steps: int, limit: float) -> np.ndarray:
    """Run ``advance`` from ``x0`` for at most ``steps`` steps; return the trajectory.

    The trajectory starts with ``x0`` and stops right after the first iterate
    for which :func:`escaped` flags any component (``x0`` included: then the
    trajectory is ``[x0]``). Shape ``(k,)`` for a scalar start, ``(k, d)`` for
    a 1-D start, ``k <= steps + 1``, dtype float64. Never raises on divergence.
    """
    count = as_count(steps, "steps")
    bound = as_limit(limit)
    x = start_point(x0)
    trajectory = [x]
    # Overflow (x**3 of a huge iterate) and inf - inf are the expected
    # symptoms of divergence, which the stopping rule below handles: keep
    # NumPy from warning about them (tests run with warnings as errors).
    with np.errstate(over="ignore", invalid="ignore"):
        if not escaped(x, bound).any():
            for _ in range(count):
                x = advance(x)
                trajectory.append(x)
                if escaped(x, bound).any():
                    break
    return np.array(trajectory, dtype=np.float64)
