"""The feedback pictures: drawn from plain data, never from student objects."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograder.contract.pictures import series_of
from autograder.course import grading_of, reference_of
from autograder.grading import drawing
from autograder.grading.drawing import captions, render
from autograder.registry import load_registry
from autograder.sandbox import functions

EXERCISES = [item.name for item in load_registry() if grading_of(item.name).picture]
RANGE_NOTE = "leave"  # in "your curve leaves ..." and "your curves leave ..."


def _reference(exercise: str) -> list[dict]:
    return series_of(reference_of(exercise), grading_of(exercise).picture)


def _curves(exercise: str, student: list[dict]) -> dict:
    return {"title": "t", "student": student, "reference": _reference(exercise)}


def _scaled(series: list[dict], scale) -> list[dict]:
    """``series`` with its values passed through ``scale``."""
    return [
        {**item, "values": scale(np.asarray(item["values"], dtype=np.float64)).tolist()}
        for item in series
    ]


def test_every_trajectory_exercise_draws_the_reference_in_full():
    for exercise in EXERCISES:
        spec = grading_of(exercise).picture
        series = _reference(exercise)
        assert [item["label"] for item in series] == [s.label for s in spec.series]
        assert all(np.isfinite(item["values"]).any() for item in series)


def test_a_failing_function_is_left_out_not_fatal():
    class Broken:
        def fit(self, *args, **kwargs):
            raise ValueError("not today")

    assert series_of(Broken(), grading_of("exercise3").picture) == []


def test_render_writes_a_png_even_with_nothing_from_the_student(tmp_path):
    curves = {"title": "t", "student": [], "reference": _reference("exercise6")}
    path = render("exercise6", curves, tmp_path / "out" / "p.png")
    assert path.read_bytes().startswith(b"\x89PNG")
    assert not list((tmp_path / "out").glob(".*tmp*"))
    assert captions("exercise6", curves).notes == (
        "nothing of yours to draw: see the failed tests",
    )


@pytest.mark.parametrize("exercise", EXERCISES)
def test_a_curve_like_the_reference_gets_no_note(exercise):
    same = _reference(exercise)
    assert captions(exercise, _curves(exercise, same)).notes == ()
    # One ulp either way (1e-16 relative): rounding, not a different answer.
    for towards in (np.inf, -np.inf):
        rounded = _scaled(same, lambda v, towards=towards: np.nextafter(v, towards))
        assert rounded != same
        assert captions(exercise, _curves(exercise, rounded)).notes == ()


@pytest.mark.parametrize("exercise", EXERCISES)
def test_a_diverging_curve_is_said_to_leave_the_range(exercise):
    diverging = _reference(exercise)
    last = diverging[-1]
    last["values"] = last["values"][:3] + [1e12, 1e300, float("inf"), float("nan")]
    notes = captions(exercise, _curves(exercise, diverging)).notes
    assert len(notes) == 1 and RANGE_NOTE in notes[0] and last["label"] in notes[0]


def test_non_positive_losses_leave_a_log_range():
    zero = _scaled(_reference("exercise6"), lambda v: np.where(v < 1.0, 0.0, v))
    assert RANGE_NOTE in captions("exercise6", _curves("exercise6", zero)).notes[0]


def test_full_marks_carry_no_note():
    diverging = _scaled(_reference("exercise6"), lambda v: v * 1e9)
    assert captions("exercise6", _curves("exercise6", diverging)).notes
    assert captions("exercise6", _curves("exercise6", diverging), full_marks=True).notes == ()
    assert captions("exercise6", _curves("exercise6", []), full_marks=True).notes == ()


def test_exercise3_draws_fit_standardized_beside_fit():
    by_label = {item["label"]: item["values"] for item in _reference("exercise3")}
    assert list(by_label) == ["fit", "fit_standardized"]
    assert by_label["fit"][0] == 9160.0
    standardized = by_label["fit_standardized"]
    assert len(standardized) == 1001 and standardized[0] == 126260.0
    assert standardized[-1] == pytest.approx(48.0)


def test_exercise4_carries_each_modules_own_classification():
    series = _reference("exercise4")
    assert {item["label"]: item.get("note") for item in series} == {
        "lr = 0.1": "converging",
        "lr = 0.9": "converging",
        "lr = 1.0": "oscillating",
        "lr = 1.1": "diverged",
    }
    legend = captions("exercise4", _curves("exercise4", series)).legend
    assert "lr = 1.1 (reference): diverged" in legend
    assert "lr = 1.1 (yours): diverged" in legend
    assert "lr = 1.0 (yours): oscillating" in legend


def test_exercise4_classifies_the_students_own_trajectory():
    seen = []

    class Student:
        def run_gd(self, grad, x0, lr):
            return [x0, lr, 2 * lr]  # not the reference's trajectory

        def classify(self, trajectory, x_star):
            seen.append((list(trajectory), x_star))
            return "mine"

    series = series_of(Student(), grading_of("exercise4").picture)
    assert [item["note"] for item in series] == ["mine"] * 4
    assert seen == [([0.0, lr, 2 * lr], 2.0) for lr in (0.1, 0.9, 1.0, 1.1)]


def test_exercise4_keeps_the_trajectories_when_classify_fails():
    class Student:
        run_gd = staticmethod(reference_of("exercise4").run_gd)

        def classify(self, trajectory, x_star):
            raise ValueError("not today")

    series = series_of(Student(), grading_of("exercise4").picture)
    assert [item["label"] for item in series] == [
        s.label for s in grading_of("exercise4").picture.series
    ]
    assert all("note" not in item for item in series)
    assert (
        series[3]["values"]
        == reference_of("exercise4").run_gd(functions.parabola_grad, 0.0, 1.1).tolist()
    )
    assert "lr = 1.1 (yours)" in captions("exercise4", _curves("exercise4", series)).legend


def test_a_students_note_is_one_short_line_drawn_as_text(tmp_path):
    class Student:
        run_gd = staticmethod(reference_of("exercise4").run_gd)

        def classify(self, trajectory, x_star):
            return "$\\frac{$ \n" + "x" * 10_000

    series = series_of(Student(), grading_of("exercise4").picture)
    note = series[0]["note"]
    assert "\n" not in note and len(note) <= 40
    render("exercise4", _curves("exercise4", series), tmp_path / "p.png")  # no mathtext error


WILD = [1e308, float("inf"), float("nan"), 0.0, -5.0, 1.0, -1e308, float("-inf"), 1e-320]
HUGE = [1e308, 1.7e308, -1e308]  # near the float64 limits, where ticks overflow
NON_POSITIVE = [0.0, -1.0, float("nan")]  # nothing a log axis can show


@pytest.mark.parametrize("exercise", ["exercise3", "exercise4", "exercise6"])
def test_drawing_wild_values_lets_no_warning_out(exercise, tmp_path):
    label = grading_of(exercise).picture.series[0].label
    drawing._picture.cache_clear()  # draw for real, not from an earlier test's cache
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        for values in (WILD, HUGE, NON_POSITIVE):
            wild = [{"label": label, "values": values, "note": "diverged"}]
            for curves in (
                _curves(exercise, wild),  # against the reference's range
                {"title": "t", "student": wild, "reference": []},  # no range of its own
                {"title": "t", "student": wild, "reference": wild},
            ):
                path = render(exercise, curves, tmp_path / "p.png")
                assert path.read_bytes().startswith(b"\x89PNG")
