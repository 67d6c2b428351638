"""What a grading run is: its exercises, options and sandbox level, read once per run.

The plugin's hooks and the recorder both read them from here; each is kept
in the pytest config's stash after the first read.
"""

from __future__ import annotations

import pytest

from autograder.grading.pytest_run import RunOptions
from autograder.registry import load_registry
from autograder.sandbox.levels import LEVELS, strongest_level

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
    """The run's sandbox level: the one its options name, else the strongest available.

    A named level was decided and tried by whoever started the run (the batch,
    once for the whole class; see :func:`autograder.grading.run_settings.decide_run`),
    so it is taken as it is, not probed again in every submission's run.
    """
    if _LEVEL not in config.stash:
        named = run_options(config).sandbox
        if named is not None and named not in LEVELS:
            raise pytest.UsageError(f"unknown sandbox level {named!r}; known: {LEVELS}")
        config.stash[_LEVEL] = named or strongest_level()
    return config.stash[_LEVEL]


def intake_problems(config: pytest.Config) -> dict[str, dict]:
    """Exercise -> ``{"problem", "kind"}`` for the files intake could not read."""
    return run_options(config).problems
