"""Pure functions that the grader passes to student code by name.

Descent exercises take a function argument (``grad``, ``f``). A grader-side
callable is served by calling back over the pipe, about 200 µs a call, and a
descent makes thousands of calls. The functions the suites pass are simple
formulas, so they travel as ``Function(name, params)`` instead and the worker
rebuilds them from this table: the same formula in both processes gives the
same bits, at native speed.

The contract's own functions (exercise 4's parabola and exercise 5's tilted
double well, with their derivatives) are not written here: the table holds
the very functions of ``reference/objectives.py``, which the reference
exposes as ``learning_rate.f``, ``learning_rate.grad``, ``momentum.f`` and
``momentum.grad``. In the grader they come from the ``reference`` package
(in the student package, which has no reference, from a copy of that one
file beside this module);
the worker loads that one file as the top-level module ``objectives`` beside
this one (see ``levels.WORKER_FILES``) and never sees the rest of the
reference. The other formulas serve only the grader's own checks.

Nothing is lost by evaluating them in the worker: student code runs there and
could return any number it likes anyway; grading compares results. Only the
standard library, NumPy and ``objectives`` are imported (the worker loads this
file beside itself).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Chosen by where this module lives, not by trying the package first: with the
# project installed in the library folder the worker reads NumPy from, trying
# ``from reference import ...`` would load the whole oracle into the worker.
if __package__:  # in the grader, as autograder.sandbox.functions
    try:  # the student package: a copy of the reference's file beside this one
        from autograder.sandbox import objectives
    except ImportError:  # the project: the reference's own file
        from reference import objectives
else:  # in the worker, a top-level module beside objectives.py
    import objectives


def _quadratic_grad(x: Any, a: float, c: float) -> Any:
    return 2 * a * (x - c)  # of a * (x - c)**2 + k: curvature 2a, minimum at c


def _bowl_grad(x: Any, H: np.ndarray, c: np.ndarray) -> Any:
    return H @ (x - c)  # of (x - c) @ H @ (x - c) / 2


def _constant(x: Any) -> float:
    return 0.0  # a flat function, whose gradient is itself: every start ties


def _wavy(theta: Any) -> float:
    theta = np.asarray(theta, dtype=np.float64)
    return float(np.sum(np.sin(theta)) + np.sum(theta**2) * np.cos(np.sum(theta)))


def _mean_squared(w: Any, X: np.ndarray, y: np.ndarray) -> float:
    residual = X @ w - y  # written apart from exercise 6's answer, which ships nowhere
    return float(residual @ residual) / len(y)


FORMULAS = {
    # The contract's formulas: the reference's own f and grad of exercises 4 and 5.
    "parabola": objectives.parabola,
    "parabola_grad": objectives.parabola_grad,
    "double_well": objectives.double_well,
    "double_well_grad": objectives.double_well_grad,
    "quadratic_grad": _quadratic_grad,
    "bowl_grad": _bowl_grad,
    "constant": _constant,
    "wavy": _wavy,
    "mean_squared": _mean_squared,
}


class Function:
    """One formula of :data:`FORMULAS` with fixed parameters.

    Parameters
    ----------
    name : str
        A key of :data:`FORMULAS`.
    **params
        Plain-data parameters (numbers, arrays) of the formula.

    Examples
    --------
    >>> grad = Function("quadratic_grad", a=2.0, c=1.0)
    >>> grad(3.0)
    8.0
    """

    def __init__(self, name: str, **params: Any) -> None:
        if name not in FORMULAS:
            raise ValueError(f"unknown function {name!r}")
        self.name, self.params, self._formula = name, params, FORMULAS[name]

    def __call__(self, x: Any) -> Any:
        return self._formula(x, **self.params)

    def __repr__(self) -> str:
        return self.name if not self.params else f"{self.name}(...)"


def quadratic_grad(a: float, c: float) -> Function:
    """Gradient of ``a * (x - c)**2 + k``: curvature ``2a``, minimum at ``c``."""
    return Function("quadratic_grad", a=float(a), c=float(c))


def bowl_grad(H: np.ndarray, c: np.ndarray) -> Function:
    """Gradient ``H (x - c)`` of a quadratic bowl with Hessian ``H`` and centre ``c``."""
    return Function("bowl_grad", H=np.asarray(H, dtype=np.float64), c=np.asarray(c, np.float64))


parabola = Function("parabola")
parabola_grad = Function("parabola_grad")
double_well = Function("double_well")
double_well_grad = Function("double_well_grad")
wavy = Function("wavy")
