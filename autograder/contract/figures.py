"""The contract's figures, as data.

Every number that ``EXERCISES.md`` says a correct answer reproduces is one
:class:`Figure`: a computation on a module that offers the contract's functions
(an answer key, the reference, or a student's submission behind the sandbox)
and the value expected of it. Each exercise's grader module lists its figures
in ``FIGURES``.

Expected decimals are written as the contract prints them (:func:`approx`);
the tolerance is half a unit of the last printed digit, so ``"0.1448887"``
accepts ``0.14488865 ... 0.14488875``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from autograder.contract.calls import Expr


@dataclass(frozen=True)
class Expected:
    """What a figure must come out as.

    Attributes
    ----------
    description : str
        The expected value in words, as the contract states it.
    matches : callable
        ``matches(actual) -> bool``.
    spec : tuple
        How it was made, as data: the name of the function of this module
        that made it and its arguments (see :func:`expected_from_spec`).
    """

    description: str
    matches: Callable[[Any], bool]
    spec: tuple = ()


def approx(*printed: str) -> Expected:
    """A number, or a sequence of numbers, as the contract prints them.

    Parameters
    ----------
    *printed : str
        Decimal literals such as ``"0.1448887"`` or ``"-7.96e7"``.

    Returns
    -------
    Expected
        Accepts values within half a unit of each literal's last digit; a
        single literal expects a scalar, several expect a 1-D sequence.
    """
    values = np.array([float(text) for text in printed])
    tolerances = np.array([0.5 * 10.0 ** Decimal(text).as_tuple().exponent for text in printed])

    def matches(actual: Any) -> bool:
        try:
            actual = np.asarray(actual, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        if len(printed) == 1 and actual.shape != ():
            return False
        if len(printed) > 1 and actual.shape != values.shape:
            return False
        return bool(
            np.all(
                np.abs(actual - (values if len(printed) > 1 else values[0]))
                <= tolerances * (1 + 1e-12)
            )
        )

    shown = printed[0] if len(printed) == 1 else "[" + ", ".join(printed) + "]"
    return Expected(shown, matches, ("approx", *printed))


def exactly(value: Any) -> Expected:
    """A string, integer or ``None`` that must be equal (and of the same type)."""
    return Expected(
        repr(value),
        lambda actual: type(actual) is type(value) and actual == value,
        ("exactly", value),
    )


def within(target: float, tol: float) -> Expected:
    """A number within ``tol`` of ``target``."""

    def matches(actual: Any) -> bool:
        try:
            return abs(float(actual) - target) <= tol
        except (TypeError, ValueError):
            return False

    return Expected(f"within {tol:g} of {target:g}", matches, ("within", target, tol))


def holds(description: str) -> Expected:
    """A property computed by the figure itself, which must be ``True``."""
    return Expected(description, lambda actual: actual is True, ("holds", description))


def expected_from_spec(spec: list | tuple) -> Expected:
    """The :class:`Expected` that ``Expected.spec`` describes (read back from data)."""
    makers = {"approx": approx, "exactly": exactly, "within": within, "holds": holds}
    if not spec or spec[0] not in makers:
        raise ValueError(f"not an expected value: {spec!r}")
    return makers[spec[0]](*spec[1:])


@dataclass(frozen=True)
class Figure:
    """One figure of the contract.

    Attributes
    ----------
    task : str
        The graded function the figure exercises.
    claim : str
        What is computed, in the contract's terms.
    compute : Expr
        The computation, as data (:mod:`autograder.contract.calls`):
        ``compute(module)`` gives the value from the module's functions.
    expected : Expected
        What it must come out as.
    """

    task: str
    claim: str
    compute: Expr
    expected: Expected

    def check(self, module: Any) -> tuple[bool, Any]:
        """Compute the figure on ``module``.

        Returns
        -------
        ok : bool
            Whether the value matches.
        actual : object
            The computed value.
        """
        actual = self.compute(module)
        return self.expected.matches(actual), actual
