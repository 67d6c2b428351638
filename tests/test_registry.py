"""The registry parses, fits the files on disk, and refuses malformed input."""

from __future__ import annotations

import pytest

from autograder.paths import solution_path, stub_path
from autograder.registry import RegistryError, get_exercise, load_registry, parse_registry

GOOD = """
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
"""


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
        (("[[exercise.task]]", "[[exercise.tsk]]"), "has the keys"),
        (("title =", "title = = "), "not valid TOML"),
    ],
)
def test_a_malformed_registry_is_refused_with_a_reason(change, message):
    with pytest.raises(RegistryError, match=message):
        parse_registry(GOOD.replace(*change))


def test_duplicates_are_refused():
    with pytest.raises(RegistryError, match="share a name"):
        parse_registry(GOOD + GOOD.replace("[[exercise.task]]", "[[exercise.task]]"))
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
