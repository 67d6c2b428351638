"""The kill test of `gdlab dev mutation`, on a real answer key and a real mistake.

The mutation run itself (cosmic-ray over hundreds of mutants) is far too slow
for the test suite; this checks the criterion it relies on: the test command
exits 0 exactly when the suites give an exercise full marks.
"""

from __future__ import annotations

from pathlib import Path

from autograder.dev.mutation import main, solution_lines
from autograder.dev.stubs import BEGIN_MARKER, END_MARKER
from autograder.paths import SOLUTIONS_DIR, solution_path
from autograder.registry import get_exercise, load_registry


def test_the_answer_key_survives_the_kill_test():
    assert main([str(SOLUTIONS_DIR), "exercise1"]) == 0


def test_a_key_that_lost_points_is_killed(tmp_path: Path):
    """mse summing instead of averaging: the suites take points, the command exits 1."""
    exercise = get_exercise("exercise1")
    source = solution_path(exercise).read_text(encoding="utf-8")
    mutant = source.replace("np.mean(squared_errors(", "np.sum(squared_errors(")
    assert mutant != source
    target = tmp_path / exercise.name / exercise.filename
    target.parent.mkdir()
    target.write_text(mutant, encoding="utf-8")
    assert main([str(tmp_path), "exercise1"]) == 1


def test_only_the_solution_regions_are_mutated():
    for exercise in load_registry():
        lines = solution_path(exercise).read_text(encoding="utf-8").splitlines()
        ranges = solution_lines(exercise, "\n".join(lines))
        assert len(ranges) == len(exercise.tasks)
        for text in ranges:
            first, last = map(int, text.split("-"))
            assert lines[first - 2].strip() == BEGIN_MARKER
            assert lines[last].strip() == END_MARKER
            inside = lines[first - 1 : last]
            assert not any(line.strip() in (BEGIN_MARKER, END_MARKER) for line in inside)
