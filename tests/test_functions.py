"""The functions the suites pass to student code by name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.sandbox import functions
from autograder.sandbox.client import Submission, Worker
from autograder.sandbox.levels import SANDBOX_DIR, WORKER_FILES, available_levels
from reference import learning_rate as ref4
from reference import momentum as ref5
from reference import objectives


@pytest.mark.parametrize(
    "named, reference_function",
    [
        (functions.parabola, ref4.f),
        (functions.parabola_grad, ref4.grad),
        (functions.double_well, ref5.f),
        (functions.double_well_grad, ref5.grad),
    ],
    ids=["parabola", "parabola_grad", "double_well", "double_well_grad"],
)
def test_functions_passed_by_name_are_the_contracts_bit_for_bit(named, reference_function):
    # The suites send these to the worker instead of calling back; a differing
    # bit would change where a chaotic descent ends.
    points = np.random.default_rng(5).uniform(-6, 6, 1000)
    np.testing.assert_array_equal(named(points), reference_function(points))
    for point in points[:50]:
        assert named(float(point)) == reference_function(float(point))


def test_the_contracts_functions_are_defined_once_and_the_table_evaluates_them():
    # Not equal values but the same objects: the reference's f and grad of
    # exercises 4 and 5 are what the worker's table evaluates, so the two can
    # never drift apart.
    contract = {
        "parabola": ref4.f,
        "parabola_grad": ref4.grad,
        "double_well": ref5.f,
        "double_well_grad": ref5.grad,
    }
    for name, reference_function in contract.items():
        assert functions.FORMULAS[name] is reference_function
        assert getattr(functions, name)._formula is reference_function
        assert getattr(objectives, name) is reference_function
    # The worker loads that file beside its own, and no other of the reference.
    outside = [path for path in WORKER_FILES if path.parent != SANDBOX_DIR]
    assert outside == [Path(objectives.__file__).resolve()]


ROUND_TRIP = """
import sys

def evaluate(g, x):
    # What the worker evaluates a formula with, and which of the reference it holds.
    formula = g._formula
    loaded = sorted(name for name in sys.modules if name == "reference" or name.startswith(
        ("reference.", "learning_rate", "momentum", "mse", "gradients", "house_prices",
         "minibatch", "_checks", "_descent")))
    try:
        import learning_rate  # noqa: F401 - the reference's folder is not on sys.path
        importable = True
    except Exception:
        importable = False
    return g(x), [formula.__module__, formula.__name__, loaded, importable]
"""


@pytest.mark.parametrize("level", available_levels())
def test_the_worker_evaluates_the_references_functions_at_every_level(tmp_path, level):
    path = tmp_path / "roundtrip" / "roundtrip.py"
    path.parent.mkdir()
    path.write_text(ROUND_TRIP, encoding="utf-8")
    student = Submission(Worker(path, level), call_timeout=10.0)
    points = np.random.default_rng(7).uniform(-6, 6, 200)
    try:
        for name, reference_function in [
            ("parabola", ref4.f),
            ("parabola_grad", ref4.grad),
            ("double_well", ref5.f),
            ("double_well_grad", ref5.grad),
        ]:
            values, seen = student.evaluate(getattr(functions, name), points)
            np.testing.assert_array_equal(values, reference_function(points))
            assert values.tobytes() == reference_function(points).tobytes()
            assert seen == ["objectives", name, [], False]
    finally:
        student._worker.stop()
