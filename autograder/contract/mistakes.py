"""Common mistakes, each a small wrong variant of the reference.

A grader module lists its exercise's mistakes in ``MISTAKES``: each one the
function a student who made that mistake would have written, and what that
student reads. The grader uses the catalogue twice:

- to diagnose a failing test, by running the task's variants on the same
  inputs and naming the one that reproduces the student's result (see
  :mod:`autograder.suites.diagnosis`);
- as a test of the suites themselves: each variant must lose points on its
  exercise and be diagnosed by name (``gdlab dev mistakes``).

Variants are the project's own trusted code and run in the grader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

# How a mistake is recognised in a student's call.
BY_RESULT = "result"  # its variant gives the student's result on the same inputs
BY_UNUSED_GENERATOR = "unused generator"  # the rng came back without a single draw
BY_CHANGED_ARGUMENT = "changed argument"  # an input array was written into
BY_WARNING = "warning"  # a RuntimeWarning got out of the call
SIGNS = (BY_RESULT, BY_UNUSED_GENERATOR, BY_CHANGED_ARGUMENT, BY_WARNING)


@dataclass(frozen=True)
class Mistake:
    """One common mistake of one task.

    Attributes
    ----------
    name : str
        Its name, unique within the exercise; a diagnosis reports it.
    task : str
        The function it concerns.
    explanation : str
        What a student whose call shows the mistake reads.
    variant : callable
        The task as the mistake writes it, with the task's signature.
    told_by : str
        How it is recognised, one of :data:`SIGNS`: by its result (the
        default), or, for a mistake whose result is random or right, by the
        generator coming back unused, an argument changed in place, or a
        warning let out.
    raises_on_valid : bool
        The variant raises on some valid inputs instead of returning a wrong
        value (its sign there is the exception).
    """

    name: str
    task: str
    explanation: str
    variant: Callable[..., Any]
    told_by: str = BY_RESULT
    raises_on_valid: bool = False


def floats(*values: Any) -> list[np.ndarray]:
    """Each value as a float64 array: how most variants read their inputs."""
    return [np.asarray(value, dtype=np.float64) for value in values]


def variant_module(correct: ModuleType, mistake: Mistake) -> SimpleNamespace:
    """The module ``correct`` (the reference) with one mistake in it.

    Functions of ``correct`` that call the mistaken task keep calling the
    correct one: a variant isolates a single mistake.

    Parameters
    ----------
    correct : module
        The reference module of the mistake's exercise.
    mistake : Mistake

    Returns
    -------
    types.SimpleNamespace
        The module's public names, with ``mistake.task`` replaced by the variant.
    """
    names = {key: getattr(correct, key) for key in dir(correct) if not key.startswith("_")}
    names[mistake.task] = mistake.variant
    return SimpleNamespace(**names)
