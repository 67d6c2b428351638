"""Build the public checks of each exercise as data, from its grader module and the reference.

``gdlab dev build`` writes them (``autograder/suites/public/data/``, read by
:mod:`autograder.suites.public_checks`); ``gdlab dev check`` and the tests
say when one is stale. The answers and the catalogue's code stay here: the
files hold only their outcomes on the public inputs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.contract.calls import to_data
from autograder.contract.cases import Case
from autograder.contract.pictures import series_of
from autograder.course import grading_of, reference_of
from autograder.paths import stub_path
from autograder.registry import Exercise
from autograder.sandbox.codec import CodecError
from autograder.suites.assertions import Expectation, FigureCheck
from autograder.suites.diagnosis import Variant
from autograder.suites.hidden_checks import reference_expectation
from autograder.suites.public_checks import (
    DATA_DIR,
    ExampleCheck,
    PublicCourse,
    data_path,
    sources_digest,
)
from autograder.suites.public_document import render, to_document
from autograder.suites.variants import variants_of

if TYPE_CHECKING:  # course_check lists the step below, so it imports this module
    from autograder.dev.course_check import StepResult

#: The seed of the public examples: every student sees the same ones.
PUBLIC_SEED = 20_261_121
EXAMPLES_PER_TASK = 2


def examples(exercise: str) -> list[Case]:
    """The public example cases of ``exercise``: the first few of each task, drawn with
    :data:`PUBLIC_SEED`."""
    picked, per_task = [], {}
    for case in grading_of(exercise).cases(PUBLIC_SEED):
        if per_task.get(case.task, 0) < EXAMPLES_PER_TASK:
            picked.append(case)
            per_task[case.task] = per_task.get(case.task, 0) + 1
    return picked


def _plain(variants: list[Variant]) -> list[Variant]:
    """The variants whose outcome can be written as data.

    One that cannot (a variant returning an object) could never match a
    student's result either, which reaches the grader as plain data.
    """
    kept = []
    for variant in variants:
        try:
            to_data(variant.value)
        except (CodecError, TypeError, ValueError):
            continue
        kept.append(variant)
    return kept


def _example(case: Case, exercise: str) -> ExampleCheck:
    live = reference_expectation(case, exercise)
    variants = [] if case.plot else _plain(live.variants())  # plots are never diagnosed
    expected = Expectation(
        live.kind, live.value, live.generators, live.parameters, lambda: variants, live.symptoms
    )
    return ExampleCheck(case, expected)


def public_course_of(exercise: Exercise, sources: str) -> PublicCourse:
    """Compute the public checks of ``exercise`` with the reference and the catalogue.

    Parameters
    ----------
    exercise : Exercise
    sources : str
        The digest of the sources (:func:`~autograder.suites.public_checks.sources_digest`).

    Raises
    ------
    ValueError
        When a figure's computation is code (a lambda) rather than data.
    """
    name = exercise.name
    grading, reference = grading_of(name), reference_of(name)
    for figure in grading.figures:
        try:
            to_data(figure.compute)
        except CodecError as error:
            raise ValueError(
                f"{name}: the figure {figure.claim!r} is code, not data ({error}): write its "
                "computation with autograder.contract.calls.call(...)"
            ) from None
    figures = tuple(
        FigureCheck(
            figure,
            figure.compute(reference),
            _plain(variants_of(name, figure.task, figure.compute)),
        )
        for figure in grading.figures
    )
    picture = grading.picture
    return PublicCourse(
        name,
        figures,
        tuple(_example(case, name) for case in examples(name)),
        grading.advice,
        picture,
        series_of(reference, picture) if picture is not None else [],
        hashlib.sha256(stub_path(exercise).read_bytes()).hexdigest(),
        sources,
    )


def public_text(exercise: Exercise) -> str:
    """The text of the public checks file of ``exercise``, as it should be now."""
    return render(to_document(public_course_of(exercise, sources_digest() or "")))


def write_public_data(exercise: Exercise, folder: Path = DATA_DIR) -> Path:
    """Write the public checks of ``exercise``; returns the file's path."""
    path = data_path(exercise.name, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(public_text(exercise), encoding="utf-8")
    return path


def check_public_data_fresh(
    exercises: tuple[Exercise, ...], solutions: Path | None = None, stubs: Path | None = None
) -> StepResult:
    """A step of ``gdlab dev check``: each exercise's public checks (data) are what the
    course computes today. (``solutions`` and ``stubs`` are the steps' common arguments.)"""
    from autograder.dev.course_check import StepResult

    problems = []
    for exercise in exercises:
        path = data_path(exercise.name)
        if not path.is_file():
            problems.append(f"{exercise.name}: no public checks at {path}")
        elif path.read_text(encoding="utf-8") != public_text(exercise):
            problems.append(f"{exercise.name}: {path} is stale")
    return StepResult("public checks are up to date", tuple(problems), "run `gdlab dev build`")
