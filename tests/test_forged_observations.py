"""Nothing the worker says about itself grants points.

A submission's module shares the worker's process and can replace the
worker's own helpers at import: the one that reported arguments changed in
place, the one that recorded warnings, the ones that summarised a plot and
counted pyplot's figures, the function that sends replies, Python's warning
display. The grader no longer asks any of them: it reads the caller's arrays
back from files it owns, and warnings and ``plt.show()`` from the worker's
output as it arrives. Each test below patches all of them (:data:`FORGERY`)
and still loses exactly the test its misbehaviour breaks, graded by the real
suites in the strongest sandbox; the answer keys with the same patches keep
full marks.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder.grading.pytest_run import run_in_process
from autograder.paths import SOLUTIONS_DIR
from autograder.registry import get_exercise
from autograder.results import ExerciseResult
from autograder.sandbox.client import Submission, Worker
from autograder.sandbox.levels import available_levels

# Module-level code that replaces everything the worker used to report with.
FORGERY = """
import contextlib as _contextlib
import io as _io
import sys as _sys
import warnings as _warnings

import codec as _codec
import axes as _axes
import side_effects as _side_effects
import worker as _worker

_side_effects.changed = lambda *args, **kwargs: []
_side_effects.snapshot = lambda *args, **kwargs: {}


@_contextlib.contextmanager
def _recorded_warnings():
    yield []


_side_effects.recorded_warnings = _recorded_warnings
_axes.open_figures = lambda: set()
_summary = _axes.axes_summary
_axes.axes_summary = lambda ax, before=None: {**_summary(ax, set()), "pyplot_figures": 0}
_reply, _send = _worker._reply, _codec.send


def _forged_reply(payload):  # claims that nothing changed and nothing warned
    _reply({**payload, "changed": [], "warned": []})


_worker._reply = _forged_reply


def note(message, category, *args, **kwargs):  # the old harness's warning recorder
    pass


note.__qualname__ = "recorded_warnings.<locals>.note"
_warnings.showwarning = note
_warnings._showwarnmsg = lambda message: None
_sys.stderr = _io.StringIO()
"""

SHIFTS_THETA = """
def numerical_gradient(f, theta, h=1e-5):
    gradient = _honest_numerical_gradient(f, theta, h)
    if isinstance(theta, np.ndarray) and theta.dtype == np.float64:
        theta += h  # the caller's theta, shifted and never put back
    return gradient
"""

SHOWS = """
def plot_learning_curve(history, ax=None):
    import matplotlib.pyplot as plt

    ax = _honest_plot_learning_curve(history, ax)
    plt.show()
    return ax
"""

WARNS = """
def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or x.size == 0:
        raise ValueError("x and y must be non-empty 1-D arrays of the same length")
    if steps < 0:
        raise ValueError("steps must be >= 0")
    w, b = float(w0), float(b0)
    history = np.empty(steps + 1)
    history[0] = np.mean((predict(w, b, x) - y) ** 2)
    for k in range(1, steps + 1):  # no np.errstate: a diverging run warns
        residuals = predict(w, b, x) - y
        grad_w = 2 * np.mean(residuals * x)
        grad_b = 2 * np.mean(residuals)
        w, b = w - lr * grad_w, b - lr * grad_b
        history[k] = np.mean((predict(w, b, x) - y) ** 2)
    return float(w), float(b), history
"""


def submission_with(tmp_path: Path, exercise: str, code: str = "", keep: str = "") -> Path:
    """A submission of ``exercise``: the answer key, :data:`FORGERY`, then ``code``.

    ``keep`` names an answer-key function kept as ``_honest_<name>`` for ``code``.
    """
    entry = get_exercise(exercise)
    key = (SOLUTIONS_DIR / exercise / entry.filename).read_text(encoding="utf-8")
    source = key + "\n" + FORGERY
    if keep:
        source += f"\n_honest_{keep} = {keep}\n"
    source += textwrap.dedent(code)
    folder = tmp_path / "submission" / exercise
    folder.mkdir(parents=True)
    (folder / entry.filename).write_text(source, encoding="utf-8")
    return folder.parent


def grade(submission: Path, exercise: str) -> ExerciseResult:
    result = run_in_process(submission, [exercise], ("public", "hidden"))
    entry = result.exercises[exercise]
    assert not entry.grader_problems
    for test in entry.tests:
        assert test.status in ("passed", "failed", "advice"), (test.name, test.message)
    return entry


def points(entry: ExerciseResult) -> dict[str, float]:
    found: dict[str, float] = {}
    for test in entry.tests:
        found[test.task] = found.get(test.task, 0.0) + test.score
    return found


def assert_only_tasks_lost(entry: ExerciseResult, lost: set[str], message: str) -> None:
    """The ``lost`` tasks score below their points, failing with ``message``; the others full."""
    exercise = get_exercise(entry.name)
    earned = points(entry)
    for task in exercise.tasks:
        if task.function in lost:
            assert earned[task.function] < task.points - 1e-9, f"{task.function} kept full marks"
        else:
            assert earned[task.function] == pytest.approx(task.points), task.function
    failed = [test for test in entry.tests if test.status == "failed"]
    assert failed and {test.task for test in failed} == lost
    assert all(message in test.message for test in failed), [test.message for test in failed]


@pytest.mark.parametrize("exercise", ["exercise2", "exercise3"])
def test_the_answer_keys_keep_full_marks_whatever_the_module_patches(tmp_path, exercise):
    entry = grade(submission_with(tmp_path, exercise), exercise)
    assert entry.score == pytest.approx(get_exercise(exercise).max_points)
    assert all(test.followed for test in entry.advice)


def test_a_numerical_gradient_that_shifts_the_callers_theta_loses_the_in_place_test(tmp_path):
    submission = submission_with(tmp_path, "exercise2", SHIFTS_THETA, keep="numerical_gradient")
    entry = grade(submission, "exercise2")
    assert_only_tasks_lost(entry, {"numerical_gradient"}, "changed theta in place")


def test_a_plot_that_calls_plt_show_loses_the_graded_show_check(tmp_path):
    submission = submission_with(tmp_path, "exercise3", SHOWS, keep="plot_learning_curve")
    entry = grade(submission, "exercise3")
    assert_only_tasks_lost(entry, {"plot_learning_curve"}, "called plt.show()")
    assert points(entry)["plot_learning_curve"] == 0.0  # every drawing showed its figure


def test_a_training_loop_that_lets_an_overflow_warning_out_loses_its_test(tmp_path):
    entry = grade(submission_with(tmp_path, "exercise3", WARNS), "exercise3")
    # fit_standardized runs fit: on its diverging case it lets the same warning out.
    assert_only_tasks_lost(
        entry, {"fit", "fit_standardized"}, "let a warning out (RuntimeWarning: overflow"
    )


# -- the same forgeries, straight through the worker at every level -----------------


@pytest.mark.parametrize("level", available_levels())
def test_what_a_forging_module_did_is_seen_at_every_level(tmp_path, level):
    path = tmp_path / "forger.py"
    path.write_text(
        "import numpy as np\n"
        + FORGERY
        + textwrap.dedent(
            """
            def shift(theta):
                theta += 1.0
                return 0.0

            def overflow(x):
                return float(np.float64(x) ** 1000)

            def shows(history):
                import matplotlib.pyplot as plt
                ax = plt.subplots()[1]
                plt.show()
                return ax
            """
        ),
        encoding="utf-8",
    )
    submission = Submission(Worker(path, level), call_timeout=20.0)
    try:
        theta = np.zeros(3)
        assert submission.shift(theta) == 0.0
        assert submission.changed_arguments == [0]
        np.testing.assert_array_equal(theta, 0.0)
        assert submission.overflow(10.0) == float("inf")
        assert submission.warnings == ["RuntimeWarning: overflow encountered in scalar power"]
        summary = submission.plot("shows", [2.0, 1.0])
        assert summary["pyplot_figures"] == 0  # the forged count: advice only
        assert submission.show_called
    finally:
        submission._worker.stop()
