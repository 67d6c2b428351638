"""The course package: one grader module per exercise, read and checked in one place."""

from __future__ import annotations

import sys
import types

import pytest

from autograder.contract.advice import Advice
from autograder.contract.cases import Case
from autograder.contract.figures import Figure, exactly
from autograder.contract.mistakes import Mistake
from autograder.course import Grading, grading_of, problems_of, reference_of
from autograder.registry import load_registry, parse_registry

REGISTRY = """
[tolerance.exact]
rtol = 0
atol = 0
why = "a count is right or wrong"

[[exercise]]
name = "exercise9"
title = "A made-up exercise"
module = "made_up"
time_limit = 5
hints = []

[[exercise.task]]
function = "do_it"
points = 2
public_points = 1
todo = "do it."
hint = "just do it."
tolerance = "exact"
"""
(MADE_UP,) = parse_registry(REGISTRY)


@pytest.fixture
def grader_module(monkeypatch):
    """A grader module for the made-up exercise9, filled in by each test."""
    module = types.ModuleType("autograder.course.exercise9")
    module.FIGURES = (Figure("do_it", "do_it() is 1", lambda m: m.do_it(), exactly(1)),)
    module.cases = lambda rng: iter([Case("do_it", "no arguments")])
    monkeypatch.setitem(sys.modules, "autograder.course.exercise9", module)
    grading_of.cache_clear()
    yield module
    grading_of.cache_clear()


def test_every_exercise_of_the_course_has_a_sound_grader_module():
    for exercise in load_registry():
        assert problems_of(exercise) == [], exercise.name
        assert reference_of(exercise.name).__name__ == f"reference.{exercise.module}"


def test_a_missing_grader_module_is_named():
    grading_of.cache_clear()
    (problem,) = problems_of(MADE_UP)
    assert problem == "exercise9 has no grader module autograder/course/exercise9.py"


def test_a_module_without_cases_is_named(grader_module):
    del grader_module.cases
    assert problems_of(MADE_UP) == ["autograder/course/exercise9.py does not define cases"]


def test_the_optional_parts_default_to_nothing(grader_module):
    grading = grading_of("exercise9")
    assert grading.properties(seed=3) == []
    assert (grading.advice, grading.mistakes, grading.picture) == ((), (), None)
    assert problems_of(MADE_UP) == []


@pytest.mark.parametrize(
    ("part", "value", "problem"),
    [
        (
            "ADVICE",
            (Advice("do_that", ("x",), "r."),),
            "exercise9: an advice names 'do_that', which is not a task",
        ),
        (
            "ADVICE",
            (Advice("do_it", ("x",), "r."), Advice("do_it", ("x",), "s.")),
            "exercise9: a check is listed as advice twice",
        ),
        (
            "MISTAKES",
            (Mistake("twice", "do_it", "e.", len), Mistake("twice", "do_it", "e.", abs)),
            "exercise9: a mistake is listed twice",
        ),
        (
            "MISTAKES",
            (Mistake("late", "do_later", "e.", len),),
            "exercise9: mistake 'late' names 'do_later', which is not a task",
        ),
        (
            "MISTAKES",
            (Mistake("odd", "do_it", "e.", len, told_by="a hunch"),),
            "exercise9: mistake 'odd' has no sign",
        ),
        (
            "cases",
            lambda rng: iter([Case("do_other", "label")]),
            "exercise9: case 'label' names 'do_other', which is not a task",
        ),
        ("cases", lambda rng: 1 / 0, "exercise9: cases(rng) failed (ZeroDivisionError"),
    ],
)
def test_what_a_grader_module_gets_wrong_is_named(grader_module, part, value, problem):
    setattr(grader_module, part, value)
    (found,) = problems_of(MADE_UP)
    assert found.startswith(problem)


def test_advice_tells_graded_checks_from_advice():
    advice = Advice("do_it", ("no input", "a negative count"), "raise ValueError on nonsense.")
    grading = Grading("exercise9", (), lambda rng: iter(()), advice=(advice,))
    assert grading.advice_for("do_it", "a negative count") is advice
    assert grading.advice_for("do_it", "a valid input") is None
    assert grading.advice_for("do_that", "no input") is None
    assert grading.advice_statement().startswith("**Advice, 0 points.**")
    assert grading.advice_statement().endswith("\n- `do_it`: raise ValueError on nonsense.")


def test_a_variant_replaces_only_its_task():
    grading = grading_of("exercise1")
    mistake = grading.mistake("sum instead of mean")
    variant = grading.variant("sum instead of mean")
    assert variant.mse is mistake.variant
    assert variant.sse is reference_of("exercise1").sse
    with pytest.raises(KeyError):
        grading.mistake("no such mistake")


def test_properties_draw_from_their_own_stream_of_the_seed():
    grading = grading_of("exercise4")
    first = [promise.claim for promise in grading.properties(5)]
    assert first == [promise.claim for promise in grading.properties(5)]
    assert grading.cases(5)[0].args != grading.cases(6)[0].args
