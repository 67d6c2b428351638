"""Advice: checks outside the contract's graded domain, worth 0 points.

``EXERCISES.md`` ("What is graded") gives points only for what the contract
states. A statement may recommend more (raise ``ValueError`` on empty input,
return ``None`` for an empty history); those checks still run and are
reported as advice, but never change a score. A grader module lists them in
``ADVICE``: the one place that says which checks are advice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Advice:
    """A recommendation of the statement, checked for 0 points.

    Attributes
    ----------
    task : str
        The function it concerns.
    checks : tuple of str
        The labels of the checks (hidden cases or properties of ``task``) that
        test it, as in the test ids.
    recommendation : str
        What the statement recommends, in one sentence.
    """

    task: str
    checks: tuple[str, ...]
    recommendation: str
