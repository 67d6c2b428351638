"""What a grading run is: its exercises, options and sandbox level, read once per run.

The plugin's hooks and the recorder both read them from here; each is kept
in the pytest config's stash after the first read.
"""

from __future__ import annotations

import pytest

from autograder.grading.pytest_run import RunOptions
from autograder.registry import load_registry
from autograder.sandbox.levels import choose_level

_OPTIONS = pytest.StashKey[RunOptions]()
_LEVEL = pytest.StashKey[str]()


def run_exercises(config: pytest.Config) -> list[str]:
    """The exercises of the run, in grading order."""
    return config.getoption("--gdlab-exercise") or [item.name for item in load_registry()]


def exercise_of(item: pytest.Item) -> str | None:
    """The exercise a test checks: its ``exercise`` parameter, else its ``exercise`` marker;
    None for a test with neither."""
    value = getattr(getattr(item, "callspec", None), "params", {}).get("exercise")
    if isinstance(value, str):
        return value
    marker = item.get_closest_marker("exercise")
    return str(marker.args[0]) if marker is not None and marker.args else None


def run_options(config: pytest.Config) -> RunOptions:
    """The run's ``--gdlab-options``, read from their file once per run."""
    if _OPTIONS not in config.stash:
        config.stash[_OPTIONS] = RunOptions.read(config.getoption("--gdlab-options"))
    return config.stash[_OPTIONS]


def run_level(config: pytest.Config) -> str:
    """The run's sandbox level: the one its options name, or the strongest available,
    chosen once per run."""
    if _LEVEL not in config.stash:
        config.stash[_LEVEL] = choose_level(run_options(config).sandbox)
    return config.stash[_LEVEL]


def intake_problems(config: pytest.Config) -> dict[str, dict]:
    """Exercise -> ``{"problem", "kind"}`` for the files intake could not read."""
    return run_options(config).problems
