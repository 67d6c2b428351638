"""Every figure of the contract, reproduced by the answer keys and the reference,
and missed by the stubs."""

from __future__ import annotations

import pytest

from autograder.contract.figures import approx, exactly, within
from autograder.course import grading_of
from autograder.registry import load_registry

FIGURES = [
    (exercise.name, figure)
    for exercise in load_registry()
    for figure in grading_of(exercise.name).figures
]
IDS = [f"{exercise}:{figure.claim}" for exercise, figure in FIGURES]


@pytest.mark.parametrize(("exercise", "figure"), FIGURES, ids=IDS)
def test_figure_is_reproduced(exercise, figure, implementation):
    who, modules = implementation
    ok, actual = figure.check(modules[exercise])
    assert ok, f"{who}: {figure.claim} gave {actual!r}, expected {figure.expected.description}"


@pytest.mark.parametrize(("exercise", "figure"), FIGURES, ids=IDS)
def test_stub_does_not_reproduce_figure(exercise, figure, stubs):
    with pytest.raises(NotImplementedError):
        figure.check(stubs[exercise])


def test_approx_tolerance_is_half_a_unit_of_the_last_printed_digit():
    expected = approx("0.1448887")
    assert expected.matches(0.14488874)
    assert expected.matches(0.14488866)
    assert not expected.matches(0.14488876)
    assert not expected.matches(0.1448886)
    assert approx("-7.96e7").matches(-7.964e7)
    assert not approx("-7.96e7").matches(-7.966e7)


def test_approx_checks_shape():
    assert approx("1.0", "2.0").matches([1.0, 2.0])
    assert not approx("1.0", "2.0").matches([1.0, 2.0, 3.0])
    assert not approx("1.0").matches([1.0])
    assert not approx("1.0").matches("1.0 but a string")


def test_exactly_checks_type():
    assert exactly(54).matches(54)
    assert not exactly(54).matches(54.0)
    assert not exactly("converged").matches("converging")
    assert within(1.0, 1e-3).matches(1.0009)
    assert not within(1.0, 1e-3).matches(1.0011)
