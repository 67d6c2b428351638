"""The mistake catalogue: every variant loses points and is diagnosed by name."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograder.course import grading_of, reference_of
from autograder.dev.catalogue import grade_mistake
from autograder.registry import load_registry
from autograder.suites.diagnosis import relation

CATALOGUE = [
    (exercise, mistake)
    for exercise in load_registry()
    for mistake in grading_of(exercise.name).mistakes
]


def test_every_mistake_has_its_own_variant():
    assert len(CATALOGUE) >= 30
    variants = [mistake.variant for _, mistake in CATALOGUE]
    assert len(set(variants)) == len(variants)
    for exercise, mistake in CATALOGUE:
        assert mistake.variant is not getattr(reference_of(exercise.name), mistake.task)


@pytest.mark.parametrize(
    ("exercise", "mistake"), CATALOGUE, ids=[f"{e.name}: {m.name}" for e, m in CATALOGUE]
)
def test_each_mistake_loses_points_and_is_named(exercise, mistake):
    outcome = grade_mistake(exercise, mistake)
    assert outcome.killed, f"{mistake.name} kept full marks"
    assert outcome.diagnosed, f"{mistake.name} was not named by the diagnosis"
    assert outcome.wrong_names == (), f"{mistake.name} was also given wrong names"


@pytest.mark.parametrize(
    ("actual", "expected", "words"),
    [
        (10.0, 2.0, "exactly 5 times"),
        ([1.0, 2.0], [2.0, 4.0], "exactly 1/2"),
        ([-1.0, 3.0], [1.0, -3.0], "opposite sign"),
    ],
)
def test_simple_relations_are_put_in_words(actual, expected, words):
    found = relation(actual, expected)
    assert words in found.text
    assert found.mistake == ""  # a relation names a factor, never a catalogue mistake


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (2.0, 2.0),
        (3.3, 1.0),
        ([1.0, 3.0], [1.0, 2.0]),
        (np.zeros(2), np.zeros(3)),
        ("a", 1.0),
        (0.9999999, 1.0),  # close to 1 is no factor ("exactly 1/1" must never be said)
        (1.0000001, 1.0),
        ([2.0, 3.0], [1.0, 1.0]),  # no single factor
        ([1.3, 2.6], [1.0, 2.0]),  # a factor, but not a whole one
    ],
)
def test_no_relation_is_invented(actual, expected):
    assert relation(actual, expected) is None


@pytest.mark.parametrize(
    ("exercise", "mistake"), CATALOGUE, ids=[f"{e.name}: {m.name}" for e, m in CATALOGUE]
)
def test_each_variant_runs_on_valid_inputs(exercise, mistake):
    """A variant that crashes would be killed for the wrong reason."""
    grading = grading_of(exercise.name)
    valid = [
        case
        for case in grading.cases(seed=3)
        if case.task == mistake.task
        and not grading.advice_for(case.task, case.label)  # graded inputs only
        and case.call(reference_of(exercise.name))[0] == "value"
    ]
    assert valid
    variant = grading.variant(mistake.name)
    with warnings.catch_warnings():  # a warning is a symptom some variants show, not a crash
        warnings.simplefilter("ignore", RuntimeWarning)
        outcomes = [case.call(variant) for case in valid]
    if mistake.raises_on_valid:  # its symptom is an exception on some inputs
        assert any(kind == "raises" for kind, _ in outcomes)
        outcomes = [outcome for outcome in outcomes if outcome[0] == "value"]
    assert all(kind == "value" for kind, _ in outcomes), outcomes
