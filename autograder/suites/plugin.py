"""The pytest plugin of the grading runs: its options, hooks and fixtures.

It adds the options that point a run at a submission, parametrizes the two
generic suites over the run's exercises, runs the tests exercise by exercise,
and provides the ``submission`` fixture (a proxy to a sandboxed worker, one
per exercise, shared by its public and hidden tests). What each test found is
recorded by :mod:`autograder.suites.recording`; points are never written in
the suites: :func:`autograder.scoring.score_exercise` scores the records once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.suites.options import (
    exercise_of,
    intake_problems,
    run_exercises,
    run_level,
    run_options,
)
from autograder.suites.plan import CHECK_PARAMETERS, check_params
from autograder.suites.recording import ResultRecorder
from autograder.suites.submissions import SubmissionWorkers


def pytest_addoption(parser: pytest.Parser) -> None:
    """The options that point a grading run at a submission."""
    group = parser.getgroup("gdlab")
    group.addoption("--gdlab-submission", help="folder laid out like exercises/")
    group.addoption("--gdlab-results", help="write the results as JSON to this file")
    group.addoption(
        "--gdlab-exercise",
        action="append",
        default=[],
        help="an exercise to grade, in the order given (repeat it); every exercise of the "
        "registry when none is given",
    )
    group.addoption(
        "--gdlab-options",
        help="a private JSON file with the seed of the hidden cases, the sandbox level and "
        "intake's problems (see autograder.grading.pytest_run.RunOptions): never on the command "
        "line, where other processes could read them",
    )
    group.addoption(
        "--gdlab-trusted-in-process",
        action="store_true",
        help="import the modules into the test process: only for the project's own trusted "
        "code (the benchmark's baseline), never for grading",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``task`` marker; record results when grading a submission."""
    config.addinivalue_line("markers", "task(name): the task a test belongs to")
    config.addinivalue_line("markers", "exercise(name): the exercise a hand-written test checks")
    if config.getoption("--gdlab-submission"):
        config.pluginmanager.register(ResultRecorder(config), "gdlab-recorder")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``exercise`` with ``figure``, ``example``, ``hidden_case`` or
    ``hidden_property``.

    The suites are generic: every test is parametrized over the run's
    exercises, each with the contract's figures, the public example cases, or
    the hidden cases and properties drawn with the seed of ``--gdlab-options``.
    """
    exercises = run_exercises(metafunc.config)
    for parameter in CHECK_PARAMETERS:
        if parameter in metafunc.fixturenames:
            metafunc.parametrize(
                ("exercise", parameter),
                **check_params(parameter, exercises, lambda: run_options(metafunc.config).seed),
            )


@pytest.fixture
def exercise(request: pytest.FixtureRequest) -> str:
    """The exercise of a test written by hand for one exercise (``@pytest.mark.exercise``).

    The generic suites' tests are parametrized with ``exercise`` instead,
    which takes this fixture's place.
    """
    found = exercise_of(request.node)
    if found is None:
        raise pytest.UsageError(f"{request.node.nodeid} has no exercise: mark it")
    return found


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests exercise by exercise, public before hidden within each.

    One worker and one time budget serve an exercise's public and hidden
    tests, so they must run together. A test whose exercise has nothing to
    check (exercise 1 has no properties) is dropped rather than skipped: a
    grading run has no skips.
    """
    order = {name: index for index, name in enumerate(run_exercises(config))}
    kept = [item for item in items if exercise_of(item) in order]
    dropped = [item for item in items if exercise_of(item) not in order]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    # sorted is stable: within an exercise, the files' order (public, then hidden) stays.
    items[:] = sorted(kept, key=lambda item: order[exercise_of(item)])


@pytest.fixture(scope="session")
def _workers(request: pytest.FixtureRequest):
    """The submission's workers, one live at a time, in the submission's one sandbox."""
    config = request.config
    workers = SubmissionWorkers(
        Path(config.getoption("--gdlab-submission")),
        run_level(config),
        intake_problems(config),
        trusted=config.getoption("--gdlab-trusted-in-process"),
    )
    yield workers
    try:
        workers.stop()
    finally:
        recorder = config.pluginmanager.get_plugin("gdlab-recorder")
        if recorder is not None:
            recorder.curves.update(workers.curves)


@pytest.fixture
def submission(request: pytest.FixtureRequest, exercise: str, _workers: SubmissionWorkers):
    """The student's module of the test's ``exercise``, behind a sandbox.

    Tests run exercise by exercise, so the worker of the previous exercise is
    stopped when the next one starts; the exercise's time budget covers all of
    its tests, public and hidden.
    """
    return _workers.module(exercise)
