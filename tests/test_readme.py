"""The README's quick start is what CI runs, and it names commands that exist."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from autograder.cli import main
from autograder.paths import PROJECT_ROOT


def test_ci_runs_exactly_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    script = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    command = script[-1]  # after the optional system package, the test command itself
    assert "pytest" in command and command in readme.splitlines()
    assert "apt-get install" in readme and "bubblewrap" in readme


def test_the_quick_start_grades_the_bundled_sample_class():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "gdlab grade examples/sample-class" in readme
    assert (PROJECT_ROOT / "examples" / "sample-class").is_dir()


def test_list_prints_every_exercise_with_its_points():
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0, result.output
    for number in range(1, 7):
        assert f"exercise{number}" in result.output
    assert "60 points in all" in result.output


def test_build_writes_the_committed_stubs(tmp_path: Path):
    """`gdlab dev build` writes the stubs that the dev check expects."""
    from autograder.dev import stubs
    from autograder.paths import EXERCISES_DIR
    from autograder.registry import load_registry

    for exercise in load_registry():
        written = stubs.write_stub(exercise, exercises=tmp_path)
        committed = EXERCISES_DIR / exercise.name / exercise.filename
        assert written.read_text() == committed.read_text()


def test_unknown_command_is_a_usage_error_not_a_traceback():
    result = CliRunner().invoke(main, ["grade-everything"])
    assert result.exit_code == 2
    assert "No such command" in result.output
