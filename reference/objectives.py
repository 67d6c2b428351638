r"""The functions the contract gives: exercise 4's parabola and exercise 5's tilted double well.

Each comes with its derivative. :mod:`.learning_rate` and :mod:`.momentum`
expose them under the contract's names ``f`` and ``grad``.

They are the one definition of these formulas in the project: the grader's
sandbox evaluates the very same functions when a suite passes them to student
code by name (``autograder/sandbox/functions.py``), so both give the same
bits. That is why this module stands alone: no relative import and nothing but
the standard library (NumPy only for type hints), so that the same file can be
loaded as a top-level module beside the sandbox's worker. It holds only what
the contract hands to students anyway, none of the reference's answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the worker loads this file too: nothing imported at run time
    from numpy.typing import ArrayLike

__all__ = ["double_well", "double_well_grad", "parabola", "parabola_grad"]


def parabola(x: ArrayLike) -> ArrayLike:
    r"""Exercise 4's parabola, element-wise on numbers and arrays.

    Parameters
    ----------
    x : float or np.ndarray
        Point(s).

    Returns
    -------
    float or np.ndarray
        :math:`f(x)`, shaped like `x`.

    Notes
    -----
    .. math:: f(x) = x^2 - 4x + 5 = (x - 2)^2 + 1
    """
    return x**2 - 4 * x + 5


def parabola_grad(x: ArrayLike) -> ArrayLike:
    r"""The derivative of :func:`parabola`, element-wise on numbers and arrays.

    Parameters
    ----------
    x : float or np.ndarray
        Point(s).

    Returns
    -------
    float or np.ndarray
        :math:`f'(x)`, shaped like `x`.

    Notes
    -----
    .. math:: f'(x) = 2x - 4, \qquad f''(x) = 2
    """
    return 2 * x - 4


def double_well(x: ArrayLike) -> ArrayLike:
    r"""Exercise 5's tilted double well, element-wise on numbers and arrays.

    Parameters
    ----------
    x : float or np.ndarray
        Point(s); a NumPy scalar or array is returned for NumPy input.

    Returns
    -------
    float or np.ndarray
        :math:`f(x)`, shaped like `x`.

    Notes
    -----
    .. math:: f(x) = x^4 - 8x^2 + x
    """
    return x**4 - 8 * x**2 + x


def double_well_grad(x: ArrayLike) -> ArrayLike:
    r"""The derivative of :func:`double_well`, element-wise on numbers and arrays.

    Parameters
    ----------
    x : float or np.ndarray
        Point(s).

    Returns
    -------
    float or np.ndarray
        :math:`f'(x)`, shaped like `x`.

    Notes
    -----
    .. math:: f'(x) = 4x^3 - 16x + 1

    Its zeros are the two minima and the maximum near :math:`x \approx 0.0626`.
    """
    return 4 * x**3 - 16 * x + 1
