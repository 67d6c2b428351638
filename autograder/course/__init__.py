"""The course: one grader module per exercise, and the one way to read them.

``autograder/course/<exercise>.py`` holds everything the grader knows of
that exercise, in this order:

=============== ======================================== ========
name            what                                     required
=============== ======================================== ========
``FIGURES``     the contract's figures (public tests)    yes
``cases``       ``cases(rng)`` yields valid and invalid  yes
                :class:`~autograder.contract.cases.Case`
``properties``  ``properties(rng)`` yields the promises  no
                of the mathematics (hidden tests)
``ADVICE``      checks worth 0 points                    no
``MISTAKES``    the catalogue of common mistakes         no
``PICTURE``     the curves drawn in the feedback         no
=============== ======================================== ========

The registry (``exercises.toml``) says what an exercise is worth; this
package says how it is checked. :func:`grading_of` reads a module once and
:func:`problems_of` says what a module lacks or gets wrong (``gdlab dev
check`` reports it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from types import ModuleType, SimpleNamespace

import numpy as np

from autograder.contract.advice import Advice
from autograder.contract.cases import Case
from autograder.contract.figures import Figure
from autograder.contract.mistakes import SIGNS, Mistake, variant_module
from autograder.contract.pictures import Picture
from autograder.contract.properties import Property
from autograder.registry import Exercise, get_exercise

REQUIRED = ("FIGURES", "cases")

# Each exercise's properties draw from their own stream of the seed, apart
# from the cases', so adding a case never moves a property's inputs.
PROPERTY_STREAM = 4


class CourseError(LookupError):
    """An exercise has no grader module, or its module lacks what grading needs."""


@dataclass(frozen=True)
class Grading:
    """What the grader knows of one exercise, read from its grader module.

    Attributes
    ----------
    exercise : str
        The exercise's name, as in the registry.
    figures : tuple of Figure
    draw_cases : callable
        ``draw_cases(rng)`` yields the exercise's cases.
    draw_properties : callable or None
        ``draw_properties(rng)`` yields its properties; None when it has none.
    advice : tuple of Advice
    mistakes : tuple of Mistake
    picture : Picture or None
    """

    exercise: str
    figures: tuple[Figure, ...]
    draw_cases: Callable[[np.random.Generator], Iterable[Case]]
    draw_properties: Callable[[np.random.Generator], Iterable[Property]] | None = None
    advice: tuple[Advice, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    picture: Picture | None = None

    def cases(self, seed: int = 0) -> list[Case]:
        """Draw the cases: the same seed gives the same cases."""
        return list(self.draw_cases(np.random.default_rng(seed)))

    def properties(self, seed: int = 0) -> list[Property]:
        """Draw the properties (none for an exercise without them)."""
        if self.draw_properties is None:
            return []
        return list(self.draw_properties(np.random.default_rng([seed, PROPERTY_STREAM])))

    def advice_for(self, task: str, check: str) -> Advice | None:
        """The advice that check ``check`` of ``task`` belongs to, or ``None`` when graded."""
        for advice in self.advice:
            if advice.task == task and check in advice.checks:
                return advice
        return None

    def advice_statement(self) -> str:
        """The statement's paragraph listing the recommendations that earn no points.

        Returns
        -------
        str
            Markdown: one bullet per recommendation.
        """
        lines = [
            "**Advice, 0 points.** Grading checks these recommendations too and reports them as"
            " advice, but they are outside the contract's graded domain and never change your"
            " score:"
        ]
        lines += [f"- `{advice.task}`: {advice.recommendation}" for advice in self.advice]
        return "\n".join(lines)

    def figures_statement(self) -> str:
        """The statement's paragraph listing the figures the public checks expect.

        Returns
        -------
        str
            Markdown: one bullet per figure, its claim and what it must come
            out as, in the words ``gdlab check`` uses when it fails.
        """
        lines = [
            "**Figures `gdlab check` expects.** The public checks run these computations on"
            " your module and compare each with the contract's figure (a decimal to the digits"
            " shown):"
        ]
        lines += [
            f"- `{figure.claim}`: {figure.expected.description}" for figure in self.figures
        ]
        return "\n".join(lines)

    def mistake(self, name: str) -> Mistake:
        """The mistake called ``name``; ``KeyError`` if there is none."""
        for mistake in self.mistakes:
            if mistake.name == name:
                return mistake
        raise KeyError(f"{self.exercise} has no mistake {name!r}")

    def variant(self, name: str) -> SimpleNamespace:
        """The reference module of the exercise with mistake ``name`` in it."""
        return variant_module(reference_of(self.exercise), self.mistake(name))


def reference_of(exercise: str) -> ModuleType:
    """The reference module of ``exercise``: ``reference.<module>``, named as the student's."""
    return importlib.import_module(f"reference.{get_exercise(exercise).module}")


def _module_of(exercise: str) -> ModuleType:
    try:
        return importlib.import_module(f"autograder.course.{exercise}")
    except ModuleNotFoundError as error:
        if error.name != f"autograder.course.{exercise}":
            raise
        raise CourseError(
            f"{exercise} has no grader module autograder/course/{exercise}.py"
        ) from None


@cache
def grading_of(exercise: str) -> Grading:
    """What the grader knows of ``exercise``, from ``autograder/course/<exercise>.py``.

    Raises
    ------
    CourseError
        When the module is missing or lacks ``FIGURES`` or ``cases``.
    """
    module = _module_of(exercise)
    missing = [name for name in REQUIRED if not hasattr(module, name)]
    if missing:
        raise CourseError(f"autograder/course/{exercise}.py does not define {', '.join(missing)}")
    return Grading(
        exercise,
        tuple(module.FIGURES),
        module.cases,
        getattr(module, "properties", None),
        tuple(getattr(module, "ADVICE", ())),
        tuple(getattr(module, "MISTAKES", ())),
        getattr(module, "PICTURE", None),
    )


def problems_of(exercise: Exercise) -> list[str]:
    """What the grader module of ``exercise`` lacks or gets wrong; empty when it is sound.

    It checks that the module exists and defines ``FIGURES`` and ``cases``,
    that every figure, case, advice and mistake names a task of the
    registry, that mistake names and advice labels are unique, that each
    mistake says how it is recognised, and that cases can be drawn.
    """
    try:
        grading = grading_of(exercise.name)
    except CourseError as error:
        return [str(error)]
    tasks = {task.function for task in exercise.tasks}
    found = []

    def unknown(kind: str, task: str) -> None:
        if task not in tasks:
            found.append(f"{exercise.name}: {kind} names {task!r}, which is not a task")

    for figure in grading.figures:
        unknown(f"figure {figure.claim!r}", figure.task)
    try:
        for case in grading.cases(seed=0):
            unknown(f"case {case.label!r}", case.task)
    except Exception as error:  # the module is the course's own code: report, do not crash
        found.append(f"{exercise.name}: cases(rng) failed ({type(error).__name__}: {error})")
    for advice in grading.advice:
        unknown("an advice", advice.task)
    labels = [(advice.task, check) for advice in grading.advice for check in advice.checks]
    if len(set(labels)) != len(labels):
        found.append(f"{exercise.name}: a check is listed as advice twice")
    for mistake in grading.mistakes:
        unknown(f"mistake {mistake.name!r}", mistake.task)
        if mistake.told_by not in SIGNS:
            found.append(f"{exercise.name}: mistake {mistake.name!r} has no sign {SIGNS}")
    names = [mistake.name for mistake in grading.mistakes]
    if len(set(names)) != len(names):
        found.append(f"{exercise.name}: a mistake is listed twice")
    return found
