"""The functions the suites pass to student code by name."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.sandbox import functions
from reference import learning_rate as ref4
from reference import momentum as ref5


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
