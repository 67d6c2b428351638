"""What a call did besides returning: arguments changed in place, warnings, pyplot figures."""

from __future__ import annotations

import textwrap

import numpy as np

from autograder.sandbox import side_effects
from autograder.sandbox.client import Submission, Worker
from autograder.sandbox.levels import strongest_level


def test_a_change_of_value_shape_or_dtype_is_noticed_and_nan_equals_nan():
    args = [np.array([1.0, np.nan]), np.array([1, 2]), np.zeros((2, 2)), 5.0]
    kwargs = {"theta": np.array([0.5])}
    before = side_effects.snapshot(args, kwargs)
    assert side_effects.changed(args, kwargs, before) == []
    args[0][0] = np.nextafter(1.0, 2.0)  # one ulp is a change
    args[2].resize(4, refcheck=False)
    kwargs["theta"] = kwargs["theta"].astype(np.float32)
    assert side_effects.changed(args, kwargs, before) == [0, 2, "theta"]


def test_only_the_arguments_the_contract_protects_are_named():
    names = {1: "theta"}
    assert side_effects.describe([0, 1], names) == ["theta"]
    assert side_effects.describe([0], names) == []
    assert side_effects.describe("1", names) == []  # a malformed report names nothing
    assert side_effects.describe([[1]], names) == []


def test_the_worker_reports_what_the_students_call_changed(tmp_path):
    (tmp_path / "student.py").write_text(
        textwrap.dedent(
            """
            import numpy as np

            def nudge(f, theta, h=1e-5):
                point = np.asarray(theta, dtype=np.float64)  # no copy: the caller's array
                point[0] += h  # and never put back
                return point.copy()

            def careful(f, theta, h=1e-5):
                point = np.array(theta, dtype=np.float64)
                point[0] += 1.0
                return point
            """
        ),
        encoding="utf-8",
    )
    submission = Submission(Worker(tmp_path / "student.py", strongest_level()))
    try:
        theta = np.array([0.1, 0.2])
        submission.nudge(None, theta)
        assert submission.changed_arguments == [1]
        np.testing.assert_array_equal(theta, [0.1, 0.2])  # the grader's copy never moves
        submission.careful(None, theta)
        assert submission.changed_arguments == []
    finally:
        submission._worker.stop()


def test_only_figures_a_plotting_call_opens_count_against_it(tmp_path):
    (tmp_path / "student.py").write_text(
        textwrap.dedent(
            """
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            from matplotlib.figure import Figure

            plt.plot([1, 2, 3])  # an exploratory cell of a notebook, at import

            def quiet(history):
                return Figure().add_subplot()

            def noisy(history):
                return plt.subplots()[1]
            """
        ),
        encoding="utf-8",
    )
    submission = Submission(Worker(tmp_path / "student.py", strongest_level()))
    try:
        assert submission.plot("quiet", [3.0, 2.0])["pyplot_figures"] == 0
        assert submission.plot("noisy", [3.0, 2.0])["pyplot_figures"] == 1
    finally:
        submission._worker.stop()


def test_warnings_a_call_lets_out_are_reported_and_silence_is_kept(tmp_path):
    (tmp_path / "student.py").write_text(
        textwrap.dedent(
            """
            import numpy as np

            def loud(x):
                for _ in range(100_000):  # many warnings, few reported
                    np.float64(x) ** 1000
                return 0.0

            def quiet(x):
                with np.errstate(over="ignore"):
                    return float(np.float64(x) ** 1000)
            """
        ),
        encoding="utf-8",
    )
    submission = Submission(Worker(tmp_path / "student.py", strongest_level()))
    try:
        submission.loud(10.0)
        assert len(submission.warnings) == 1
        assert submission.warnings[0].startswith("RuntimeWarning: overflow")
        assert submission.quiet(10.0) == float("inf")
        assert submission.warnings == []
    finally:
        submission._worker.stop()
