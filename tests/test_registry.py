"""The registry parses, fits the files on disk, and refuses malformed input."""

from __future__ import annotations

import re

import pytest

from autograder.course import grading_of
from autograder.paths import solution_path, statement_path, stub_path
from autograder.registry import RegistryError, get_exercise, load_registry, parse_registry

TOLERANCE = """
[tolerance.loose]
rtol = 1e-6
atol = 0
why = "it is a rough thing."
"""

EXERCISE = """
[[exercise]]
name = "exercise9"
title = "A title"
module = "thing"
time_limit = 5
hints = ["a hint"]

[[exercise.task]]
function = "do_it"
points = 2
public_points = 1
todo = "do it."
hint = "really."
tolerance = "loose"
"""
GOOD = TOLERANCE + EXERCISE


def test_bundled_registry_names_six_exercises_with_their_files():
    exercises = load_registry()
    assert [e.name for e in exercises] == [f"exercise{i}" for i in range(1, 7)]
    for exercise in exercises:
        assert solution_path(exercise).is_file()
        assert stub_path(exercise).is_file()
        assert exercise.max_points == sum(task.points for task in exercise.tasks) > 0


def test_a_valid_registry_parses():
    (exercise,) = parse_registry(GOOD)
    assert exercise.filename == "thing.py"
    assert exercise.task("do_it").points == 2
    assert exercise.task("do_it").hidden_points == 1
    assert exercise.task("do_it").tolerance.statement == (
        "compared to a relative 1e-06 and an absolute 0: it is a rough thing."
    )
    with pytest.raises(KeyError):
        exercise.task("missing")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("points = 2", "points = 0"), "positive integer"),
        (("points = 2", 'points = "2"'), "positive integer"),
        (('module = "thing"', 'module = "not a name"'), "identifier"),
        (('name = "exercise9"', 'name = "nine"'), "'exercise' followed by a number"),
        (("time_limit = 5", "time_limit = -1"), "time_limit"),
        (("public_points = 1", "public_points = 3"), "public_points"),
        (('todo = "do it."', 'todo = "  "'), "TODO text is empty"),
        (('hint = "really."\n', ""), "exactly the keys"),
        (('tolerance = "loose"', 'tolerance = "tight"'), "tolerance must be one of"),
        (("rtol = 1e-6", "rtol = 2"), "rtol must be a number from 0 to 1"),
        (('why = "it is a rough thing."\n', ""), "exactly the keys atol, rtol, why"),
        (("[tolerance.loose]", ""), r"\[tolerance.\*\] and \[\[exercise\]\] tables, nothing else"),
        (("[[exercise.task]]", "[[exercise.tsk]]"), "has exactly the keys"),
        (("title =", "title = = "), "not valid TOML"),
    ],
)
def test_a_malformed_registry_is_refused_with_a_reason(change, message):
    with pytest.raises(RegistryError, match=message):
        parse_registry(GOOD.replace(*change))


def test_duplicates_are_refused():
    with pytest.raises(RegistryError, match="share a name"):
        parse_registry(GOOD + EXERCISE)
    twice = GOOD + GOOD[GOOD.index("[[exercise.task]]") :]
    with pytest.raises(RegistryError, match="listed twice"):
        parse_registry(twice)


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(KeyError, match="exercise1"):
        get_exercise("exercise42")


def test_each_statement_states_its_time_limit_tolerances_advice_and_figures():
    for exercise in load_registry():
        statement = statement_path(exercise).read_text(encoding="utf-8")
        assert f"Grading allows {exercise.time_limit:g} seconds" in statement, exercise.name
        assert exercise.tolerance_statement() in statement, (
            f"{exercise.name}: paste Exercise.tolerance_statement() into its README"
        )
        advice = grading_of(exercise.name).advice_statement()
        assert advice in statement, (
            f"{exercise.name}: paste grading_of(name).advice_statement() into its README"
        )
        assert f"{exercise.tolerance_statement()}\n\n{advice}" in statement, (
            f"{exercise.name}: the advice paragraph goes right after the tolerances"
        )
        figures = grading_of(exercise.name).figures_statement()
        assert f"{advice}\n\n{figures}" in statement, (
            f"{exercise.name}: paste grading_of(name).figures_statement() after the advice"
        )


def test_each_statement_separates_graded_rules_from_recommendations():
    for exercise in load_registry():
        statement = statement_path(exercise).read_text(encoding="utf-8")
        graded = statement.index("### Graded rules")
        advice = statement.index("### Recommendations (0 points)")
        assert graded < advice, exercise.name
        assert "Validation rules" not in statement, exercise.name


def test_each_statement_gives_every_task_its_registry_points():
    for exercise in load_registry():
        statement = statement_path(exercise).read_text(encoding="utf-8")
        assert f"Total: {exercise.max_points} points." in statement, exercise.name
        rows = dict(re.findall(r"^\| `(\w+)\(.*?\)` \| (\d+) \|", statement, re.MULTILINE))
        assert rows == {task.function: str(task.points) for task in exercise.tasks}, (
            f"{exercise.name}: the points table disagrees with the registry"
        )


@pytest.mark.parametrize("table", ["advice", "mistake"])
def test_advice_and_mistakes_belong_to_the_grader_module_not_the_registry(table):
    moved = f'\n[[exercise.{table}]]\ntask = "do_it"\n'
    with pytest.raises(RegistryError, match="an exercise has exactly the keys"):
        parse_registry(GOOD + moved)
