"""The registry parses, fits the files on disk, and refuses malformed input."""

from __future__ import annotations

import pytest

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
        (("[[exercise.task]]", "[[exercise.tsk]]"), "has the keys"),
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


MISTAKE = """
[[exercise.mistake]]
name = "doubled"
task = "do_it"
explanation = "you doubled twice."
"""


def test_mistakes_are_parsed_and_checked_against_the_tasks():
    (exercise,) = parse_registry(GOOD + MISTAKE)
    assert exercise.mistake("doubled").task == "do_it"
    with pytest.raises(KeyError):
        exercise.mistake("missing")
    with pytest.raises(RegistryError, match="not a task"):
        parse_registry(GOOD + MISTAKE.replace('task = "do_it"', 'task = "other"'))
    with pytest.raises(RegistryError, match="listed twice"):
        parse_registry(GOOD + MISTAKE + MISTAKE)
    with pytest.raises(RegistryError, match="exactly the keys name, task, explanation"):
        parse_registry(GOOD + MISTAKE.replace('explanation = "you doubled twice."\n', ""))


def test_each_statement_states_its_time_limit_and_tolerances():
    for exercise in load_registry():
        statement = statement_path(exercise).read_text(encoding="utf-8")
        assert f"Grading allows {exercise.time_limit:g} seconds" in statement, exercise.name
        assert exercise.tolerance_statement() in statement, (
            f"{exercise.name}: paste Exercise.tolerance_statement() into its README"
        )
