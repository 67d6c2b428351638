"""Shared fixtures: the answer keys, the stubs and the reference as modules."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")  # never open a window, whatever the developer's setup

from autograder.course import reference_of  # noqa: E402
from autograder.loading import load_module  # noqa: E402
from autograder.paths import solution_path, stub_path  # noqa: E402
from autograder.registry import load_registry  # noqa: E402

EXERCISES = load_registry()


@pytest.fixture(scope="session")
def answer_keys() -> dict:
    """exercise name -> the imported answer key."""
    return {exercise.name: load_module(solution_path(exercise)) for exercise in EXERCISES}


@pytest.fixture(scope="session")
def stubs() -> dict:
    """exercise name -> the imported student stub."""
    return {exercise.name: load_module(stub_path(exercise)) for exercise in EXERCISES}


@pytest.fixture(scope="session", params=["answer key", "reference"])
def implementation(request, answer_keys) -> tuple[str, dict]:
    """Both trusted implementations of the contract, one after the other."""
    if request.param == "reference":
        return request.param, {item.name: reference_of(item.name) for item in EXERCISES}
    return request.param, answer_keys
