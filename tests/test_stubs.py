"""Stub generation from answer keys."""

from __future__ import annotations

import pytest

from autograder.dev.stubs import StubError, build_stub, solution_text
from autograder.registry import parse_registry

REGISTRY = """
[tolerance.exact]
rtol = 0
atol = 0
why = "right or wrong."

[[exercise]]
name = "exercise9"
title = "Doubling"
module = "double"
time_limit = 5
hints = []

[[exercise.task]]
function = "do_it"
points = 1
public_points = 1
todo = "double every element of x."
hint = "multiply by two."
tolerance = "exact"
"""

KEY = '''"""Module docstring."""

import numpy as np

CONSTANT = [1, 2]


def do_it(x):
    """Docstring stays."""
    # BEGIN SOLUTION
    y = np.asarray(x)
    return y * 2
    # END SOLUTION


def helper():
    return CONSTANT
'''


def exercise():
    (parsed,) = parse_registry(REGISTRY)
    return parsed


def test_region_becomes_todo_and_raise():
    stub = build_stub(KEY, exercise())
    assert "    # TODO: double every element of x." in stub
    assert "    raise NotImplementedError\n" in stub
    assert "np.asarray(x)" not in stub and "BEGIN SOLUTION" not in stub
    # the fixed parts are kept verbatim
    assert '"""Docstring stays."""' in stub and "CONSTANT = [1, 2]" in stub
    assert "def helper():\n    return CONSTANT" in stub
    compile(stub, "stub", "exec")


def test_long_todo_is_wrapped_as_comments():
    registry = REGISTRY.replace("double every element of x.", "word " * 60)
    (parsed,) = parse_registry(registry)
    lines = build_stub(KEY, parsed).splitlines()
    todo = [line for line in lines if line.lstrip().startswith("#") and "word" in line]
    assert len(todo) > 2 and all(len(line) <= 99 for line in todo)


def test_solution_text_lists_the_answer_lines():
    assert solution_text(KEY, exercise()) == ["y = np.asarray(x)", "return y * 2"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (KEY.replace("    # END SOLUTION\n", ""), "never closed"),
        (KEY.replace("    # BEGIN SOLUTION\n", ""), "END SOLUTION without BEGIN"),
        (KEY.replace("    return y * 2\n", "    # BEGIN SOLUTION\n"), "inside another region"),
        (KEY.replace("def do_it", "def other"), "not a task"),
        (
            KEY.replace("    # BEGIN SOLUTION\n", "").replace("    # END SOLUTION\n", ""),
            "exactly one",
        ),
        (KEY + "\n# BEGIN SOLUTION\nX = 1\n# END SOLUTION\n", "not a task|inside a task function"),
        (KEY.replace("    # END SOLUTION", "# END SOLUTION"), "not indented like"),
        ("def do_it(:\n", "does not parse"),
    ],
)
def test_markers_that_do_not_fit_the_registry_are_errors(source, message):
    with pytest.raises(StubError, match=message):
        build_stub(source, exercise())
