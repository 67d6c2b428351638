"""The answer keys and the reference agree on random and invalid inputs."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.contract.cases import Case, disagreements
from autograder.contract.compare import difference
from autograder.course import grading_of, reference_of
from autograder.registry import load_registry

EXERCISE_NAMES = [exercise.name for exercise in load_registry()]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("exercise", EXERCISE_NAMES)
def test_answer_key_agrees_with_reference(exercise, seed, answer_keys):
    found = disagreements(
        answer_keys[exercise], reference_of(exercise), grading_of(exercise).cases(seed)
    )
    assert not found, "\n".join(found)


@pytest.mark.parametrize("exercise", EXERCISE_NAMES)
def test_cases_cover_every_task(exercise):
    from autograder.registry import get_exercise

    tasks = {task.function for task in get_exercise(exercise).tasks}
    assert tasks == {case.task for case in grading_of(exercise).cases()}


def test_cases_are_reproducible():
    first, second = grading_of("exercise6").cases(5), grading_of("exercise6").cases(5)
    assert [case.label for case in first] == [case.label for case in second]


def test_agreement_notices_a_wrong_answer(answer_keys):
    class SumInsteadOfMean:
        def mse(self, y_true, y_pred):
            return float(np.sum((np.asarray(y_true, float) - np.asarray(y_pred, float)) ** 2))

    cases = [case for case in grading_of("exercise1").cases() if case.task == "mse"]
    found = disagreements(SumInsteadOfMean(), answer_keys["exercise1"], cases)
    assert found and all(line.startswith("mse") for line in found)


def test_agreement_notices_a_missing_validation(answer_keys):
    class Broadcasts:
        def squared_errors(self, y_true, y_pred):
            return (np.asarray(y_true, float) - np.asarray(y_pred, float)) ** 2

    case = Case("squared_errors", "shapes (5,) and (1,)", ([1, 2, 3, 4, 5], [1]))
    assert disagreements(Broadcasts(), answer_keys["exercise1"], [case])


def test_case_gives_each_side_a_fresh_generator():
    class Draw:
        def draw(self, rng):
            return float(rng.random())

    case = Case("draw", "seeded", seeds={"rng": 4})
    assert case.call(Draw()) == case.call(Draw())


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        (1.0, 1.0 + 1e-12, True),
        (1.0, 1.001, False),
        ((1.0, "a"), (1.0, "a"), True),
        ((1.0, "a"), (1.0, "b"), False),
        (np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), True),
        (np.zeros(2), np.zeros(3), False),
        (None, None, True),
        (None, 0.0, False),
        ([1.0], (1.0,), True),
        ((1.0,), 1.0, False),
    ],
)
def test_difference(left, right, same):
    assert (difference(left, right) is None) == same


def test_difference_names_the_first_step_where_a_trajectory_departs():
    message = difference(np.array([3.0, 1.0, 0.5, 9.0]), np.array([3.0, 1.0, 0.5, 0.25]))
    assert "first differ at step 3" in message and "9 versus 0.25" in message
    shorter = difference(np.array([3.0, 1.0]), np.array([3.0, 1.0, 0.5]))
    assert "the first 2 entries agree" in shorter
    rows = difference(np.zeros((3, 2)), np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    assert "first differ at step 1" in rows
