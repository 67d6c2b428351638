"""What a call did besides returning: arguments changed in place, warnings, show(), figures.

Each is observed by the grader itself: arrays in files it owns and reads back,
warnings and ``show()`` on the worker's output pipe. Through the real worker
at every sandbox level this machine offers.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder.sandbox import side_effects
from autograder.sandbox.client import Submission, Worker
from autograder.sandbox.levels import SANDBOX_DIR, available_levels, strongest_level


@pytest.fixture(params=available_levels())
def level(request) -> str:
    return request.param


def student(tmp_path: Path, source: str, level: str) -> Submission:
    path = tmp_path / "student.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return Submission(Worker(path, level), call_timeout=20.0)


# -- in-process helpers, for trusted modules ----------------------------------------


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
    assert side_effects.describe("1", names) == []  # a malformed list names nothing
    assert side_effects.describe([[1]], names) == []


# -- arguments in files the grader owns ---------------------------------------------


def test_a_shared_argument_is_compared_by_value_and_its_file_removed(tmp_path):
    sent = np.array([[1.0, np.nan], [-0.0, 3.0]]).T  # not contiguous
    shared = side_effects.SharedArgument.create(tmp_path, "theta", sent, None)
    assert shared.spec() == ["theta", shared.path.name, "<f8", [2, 2]]
    scalar = side_effects.SharedArgument.create(tmp_path, 0, np.array(1.5), None)
    assert scalar.spec()[2:] == ["<f8", []]  # a 0-d array stays 0-d
    assert side_effects.attach(str(tmp_path), scalar.spec())[1].shape == ()
    scalar.remove()
    key, mapped = side_effects.attach(str(tmp_path), shared.spec())
    assert key == "theta" and type(mapped) is np.ndarray and mapped.flags.writeable
    np.testing.assert_array_equal(mapped, sent)
    assert not shared.changed()
    mapped[0, 1] = 0.0  # -0.0 -> 0.0: equal values, no change
    mapped[1, 0] = np.nan  # a NaN for a NaN
    assert not shared.changed()
    mapped[1, 1] = np.nextafter(3.0, 4.0)
    assert shared.changed()
    mapped[1, 1] = 3.0  # put back before the caller looks: unchanged
    assert not shared.changed()
    shared.remove()
    assert not shared.path.exists()
    np.testing.assert_array_equal(sent, [[1.0, -0.0], [np.nan, 3.0]])  # the grader's own copy


def test_a_file_cut_short_counts_as_changed(tmp_path):
    shared = side_effects.SharedArgument.create(tmp_path, 0, np.arange(4), None)
    try:
        with open(shared.path, "r+b") as handle:
            handle.truncate(8)
        assert shared.changed()
    finally:
        shared.remove()


@pytest.mark.parametrize(
    ("value", "shared"),
    [
        (np.zeros(3), True),
        (np.zeros((2, 3), dtype=np.int8), True),
        (np.zeros(2, dtype=">c16"), True),
        (np.zeros(0), False),  # nothing to change
        (np.zeros(2, dtype=object), False),  # refused as before, by the codec
        (np.ma.masked_array([1.0]), False),  # not exactly an ndarray
        ([1.0, 2.0], False),
    ],
    ids=["float", "int8", "big-endian complex", "empty", "object", "masked", "list"],
)
def test_only_plain_non_empty_arrays_are_shared(value, shared):
    assert side_effects.shareable(value) is shared


def test_the_grader_sees_what_a_call_changed_in_its_own_arrays(tmp_path, level):
    submission = student(
        tmp_path,
        """
        import numpy as np

        def nudge(f, theta, h=1e-5):
            point = np.asarray(theta, dtype=np.float64)  # no copy: the caller's array
            point[0] += h  # and never put back
            return point.copy()

        def restore(f, theta, h=1e-5):
            saved = theta[0]
            theta[0] += h
            value = float(theta.sum())
            theta[0] = saved  # put back before returning: the caller sees no change
            return value

        def careful(f, theta, h=1e-5):
            point = np.array(theta, dtype=np.float64)
            point[0] += 1.0
            return point

        def bump(f, theta):
            theta += 1.0
            return 0.0

        def kind(f, theta):
            return [type(theta).__name__, bool(theta.flags.writeable), theta.dtype.str,
                    list(theta.shape)]
        """,
        level,
    )
    try:
        theta = np.array([0.1, 0.2])
        np.testing.assert_array_equal(submission.nudge(None, theta), [0.10001, 0.2])
        assert submission.changed_arguments == [1]
        np.testing.assert_array_equal(theta, [0.1, 0.2])  # the grader's copy never moves
        submission.nudge(None, theta=theta)
        assert submission.changed_arguments == ["theta"]
        submission.restore(None, theta)
        assert submission.changed_arguments == []
        submission.careful(None, theta)
        assert submission.changed_arguments == []
        matrix = np.arange(6, dtype=np.int32).reshape(2, 3).T
        assert submission.kind(None, matrix) == ["ndarray", True, "<i4", [3, 2]]
        assert submission.kind(None, np.array(2.5)) == ["ndarray", True, "<f8", []]
        assert submission.bump(None, np.array(2.5)) == 0.0
        assert submission.changed_arguments == [1]
        assert not list(submission._worker.folder.glob(side_effects.ARGUMENT_PREFIX + "*"))
    finally:
        submission._worker.stop()


# -- the worker's output --------------------------------------------------------------


def test_call_output_finds_runtime_warnings_and_show_wherever_the_chunks_cut():
    text = (
        b"x" * 5000  # a long unfinished line first
        + b"\n/s/student.py:4: RuntimeWarning: overflow encountered in exp\n  np.exp(x)\n"
        + b"/s/student.py:9: UserWarning: not one of ours\n"
        + b"/s/student.py:5: RuntimeWarning: overflow encountered in exp\n"
        + b"/s/student.py:6: RuntimeWarning: invalid value encountered in subtract\n"
        + b"\n"
        + side_effects.SHOW_MARKER
        + b"\n"
    )
    for size in (1, 7, 4096, len(text)):
        output = side_effects.CallOutput()
        for start in range(0, len(text), size):
            output.feed(text[start : start + size])
        output.finish()
        assert output.warnings == [
            "RuntimeWarning: overflow encountered in exp",
            "RuntimeWarning: invalid value encountered in subtract",
        ]
        assert output.shown
        assert output.size == len(text) and output.head == text[: output.HEAD]


def test_call_output_knows_numpys_runtime_warning_subclasses_and_nothing_else():
    output = side_effects.CallOutput()
    output.feed(b"a.py:1: ComplexWarning: Casting complex values discards the imaginary part\n")
    output.feed(b"a.py:2: DeprecationWarning: old\na.py:3: UserWarning: user\n")
    output.finish()
    assert output.warnings == [
        "ComplexWarning: Casting complex values discards the imaginary part"
    ]
    assert not output.shown


def test_the_backend_writes_the_marker_the_grader_looks_for():
    source = (SANDBOX_DIR / "gdlab_backend.py").read_text(encoding="utf-8")
    assert f'b"\\n{side_effects.SHOW_MARKER.decode()}\\n"' in source


def test_warnings_a_call_lets_out_are_seen_on_its_output_and_silence_is_kept(tmp_path, level):
    submission = student(
        tmp_path,
        """
        import numpy as np

        def loud(x):
            for _ in range(20_000):  # many warnings, few reported
                np.float64(x) ** 1000
            return 0.0

        def quiet(x):
            with np.errstate(over="ignore"):
                return float(np.float64(x) ** 1000)

        def chatty(x):
            print("RuntimeWarning-free chatter " * 40_000)  # a megabyte, never blocks
            return x
        """,
        level,
    )
    try:
        submission.loud(10.0)
        assert submission.warnings == ["RuntimeWarning: overflow encountered in scalar power"]
        assert submission.quiet(10.0) == float("inf")
        assert submission.warnings == []
        submission.loud(10.0)  # "always": the same warning is seen again in the next call
        assert len(submission.warnings) == 1
        assert submission.chatty(2.5) == 2.5
        assert submission.warnings == [] and not submission.show_called
        assert submission.output.startswith("RuntimeWarning-free chatter")
        assert len(submission.output) <= side_effects.CallOutput.HEAD
    finally:
        submission._worker.stop()


def test_show_is_seen_on_the_output_and_ordinary_figures_are_not(tmp_path, level):
    submission = student(
        tmp_path,
        """
        import matplotlib.pyplot as plt
        from matplotlib.figure import Figure

        def with_subplots(history):
            ax = plt.subplots()[1]
            ax.plot(history)
            return ax

        def with_figure(history):
            return Figure().add_subplot()

        def shows(history):
            ax = plt.subplots()[1]
            plt.show()
            return ax

        def shows_the_figure(history):
            ax = plt.subplots()[1]
            ax.figure.show()
            return ax

        def shows_on_its_own_backend(history):
            import matplotlib
            matplotlib.use("Agg")
            ax = plt.subplots()[1]
            plt.show()
            return ax
        """,
        level,
    )
    try:
        for name, shown in [
            ("with_subplots", False),
            ("with_figure", False),
            ("shows", True),
            ("with_subplots", False),
            ("shows_the_figure", True),
            ("shows_on_its_own_backend", True),
            ("shows_on_its_own_backend", True),  # seen every time, not once
            ("with_figure", False),
        ]:
            submission.plot(name, [3.0, 2.0])
            assert submission.show_called is shown, name
    finally:
        submission._worker.stop()


def test_only_figures_a_plotting_call_opens_count_against_it(tmp_path):
    submission = student(
        tmp_path,
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
        """,
        strongest_level(),
    )
    try:
        assert submission.plot("quiet", [3.0, 2.0])["pyplot_figures"] == 0
        assert submission.plot("noisy", [3.0, 2.0])["pyplot_figures"] == 1
    finally:
        submission._worker.stop()
