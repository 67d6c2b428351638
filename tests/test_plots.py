"""The feedback pictures: drawn from plain data, never from student objects."""

from __future__ import annotations

import numpy as np

import reference
from autograder.curves import CURVES, series_of
from autograder.grading.plots import render


def test_every_trajectory_exercise_draws_the_reference_in_full():
    for exercise, spec in CURVES.items():
        series = series_of(reference.MODULES[exercise], exercise)
        assert [item["label"] for item in series] == [label for label, _ in spec.series]
        assert all(np.isfinite(item["values"]).any() for item in series)


def test_a_failing_function_is_left_out_not_fatal():
    class Broken:
        def fit(self, *args, **kwargs):
            raise ValueError("not today")

    assert series_of(Broken(), "exercise3") == []


def test_render_writes_a_png_even_with_nothing_from_the_student(tmp_path):
    curves = {
        "title": "t",
        "student": [],
        "reference": series_of(reference.MODULES["exercise6"], "exercise6"),
    }
    path = render("exercise6", curves, tmp_path / "out" / "p.png")
    assert path.read_bytes().startswith(b"\x89PNG")
    assert not list((tmp_path / "out").glob(".*tmp*"))
