"""``gdlab dev mistakes``: does every catalogued mistake lose points and get named?

Each mistake of each grader module (:mod:`autograder.course`) is graded like a submission (its
exercise's public and hidden suites), in-process because the variants are the
project's own code. A variant is *killed* when it scores below full marks on
its exercise, and *diagnosed* when a failing test of its task names it. A
failing test that names *another* mistake is a wrong name: the diagnosis must
never give one.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.contract.mistakes import Mistake
from autograder.course import grading_of
from autograder.grading.pytest_run import SUITES, run_in_process
from autograder.registry import Exercise, load_registry

STUB = """\
from autograder.course import grading_of as _grading_of

globals().update(vars(_grading_of({exercise!r}).variant({name!r})))
"""


@dataclass(frozen=True)
class MistakeOutcome:
    """How the suites fared against one mistake.

    Attributes
    ----------
    exercise : str
    mistake : Mistake
    score, max_score : float
        The variant's score on its exercise.
    diagnosed : bool
        Whether a failing test of the mistake's task named it.
    wrong_names : tuple of str
        ``"test: named mistake"`` for each failing test that named another
        mistake of the catalogue.
    """

    exercise: str
    mistake: Mistake
    score: float
    max_score: float
    diagnosed: bool
    wrong_names: tuple[str, ...] = ()

    @property
    def killed(self) -> bool:
        """Whether the variant lost points."""
        return self.score < self.max_score - 1e-9


def grade_mistake(exercise: Exercise, mistake: Mistake, seed: int = 0) -> MistakeOutcome:
    """Grade one variant with its exercise's suites."""
    with tempfile.TemporaryDirectory(prefix="gdlab-mistake-") as folder:
        module = Path(folder) / exercise.name / exercise.filename
        module.parent.mkdir()
        module.write_text(STUB.format(exercise=exercise.name, name=mistake.name))
        results = run_in_process(Path(folder), [exercise.name], SUITES, seed=seed, trusted=True)
    entry = results.exercises[exercise.name]
    named = any(test.task == mistake.task and test.mistake == mistake.name for test in entry.tests)
    wrong = tuple(
        f"{test.name}: {test.mistake}"
        for test in entry.tests
        if test.mistake and test.mistake != mistake.name
    )
    return MistakeOutcome(exercise.name, mistake, entry.score, entry.max_score, named, wrong)


def grade_catalogue(seed: int = 0) -> list[MistakeOutcome]:
    """Grade every mistake of every exercise."""
    return [
        grade_mistake(exercise, mistake, seed)
        for exercise in load_registry()
        for mistake in grading_of(exercise.name).mistakes
    ]
