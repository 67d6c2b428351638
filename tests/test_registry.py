"""The registry parses, fits the files on disk, and refuses malformed input."""

from __future__ import annotations

import re

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


def test_each_statement_states_its_time_limit_tolerances_and_advice():
    for exercise in load_registry():
        statement = statement_path(exercise).read_text(encoding="utf-8")
        assert f"Grading allows {exercise.time_limit:g} seconds" in statement, exercise.name
        assert exercise.tolerance_statement() in statement, (
            f"{exercise.name}: paste Exercise.tolerance_statement() into its README"
        )
        assert exercise.advice_statement() in statement, (
            f"{exercise.name}: paste Exercise.advice_statement() into its README"
        )
        assert f"{exercise.tolerance_statement()}\n\n{exercise.advice_statement()}" in statement, (
            f"{exercise.name}: the advice paragraph goes right after the tolerances"
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


ADVICE = """
[[exercise.advice]]
task = "do_it"
checks = ["no input", "a negative count"]
recommendation = "raise ValueError on nonsense."
"""


def test_advice_is_parsed_and_tells_graded_checks_from_advice():
    (exercise,) = parse_registry(GOOD + ADVICE)
    (advice,) = exercise.advice
    assert advice.task == "do_it"
    assert advice.checks == ("no input", "a negative count")
    assert advice.recommendation == "raise ValueError on nonsense."
    assert exercise.advice_for("do_it", "a negative count") is advice
    assert exercise.advice_for("do_it", "a valid input") is None
    assert exercise.advice_statement().endswith("\n- `do_it`: raise ValueError on nonsense.")
    assert exercise.advice_statement().startswith("**Advice, 0 points.**")
    (plain,) = parse_registry(GOOD)
    assert plain.advice == ()


CHECKS = '["no input", "a negative count"]'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('task = "do_it"\nchecks', 'task = "other"\nchecks'), "'other' is not a task"),
        ((CHECKS, "[]"), "non-empty list of check labels"),
        ((CHECKS, '"no input"'), "non-empty list of check labels"),
        ((CHECKS, "[1]"), "non-empty list of check labels"),
        (("checks = ", "check = "), "exactly the keys task, checks, recommendation"),
        (('recommendation = "raise ValueError on nonsense."\n', ""), "exactly the keys"),
        (('"raise ValueError on nonsense."', '"  "'), "the recommendation is empty"),
        (('"a negative count"]', '"no input"]'), "a check is listed as advice twice"),
    ],
)
def test_a_malformed_advice_is_refused_with_a_reason(change, message):
    with pytest.raises(RegistryError, match=message):
        parse_registry(GOOD + ADVICE.replace(*change))


def test_a_check_in_two_advice_tables_is_refused():
    other = ADVICE.replace(CHECKS, '["a negative count"]')
    with pytest.raises(RegistryError, match="a check is listed as advice twice"):
        parse_registry(GOOD + ADVICE + other)
    # the same label for two different tasks is two checks, not one listed twice
    two_tasks = GOOD + EXERCISE[EXERCISE.index("[[exercise.task]]") :].replace("do_it", "do_that")
    (exercise,) = parse_registry(two_tasks + ADVICE + ADVICE.replace("do_it", "do_that"))
    assert [advice.task for advice in exercise.advice] == ["do_it", "do_that"]
