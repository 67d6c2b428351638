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
from typing import Any

import pytest

from autograder import results
from autograder.contract.pictures import series_of
from autograder.loading import load_module
from autograder.registry import Exercise, get_exercise
from autograder.sandbox.client import Worker
from autograder.sandbox.limits import Limits
from autograder.sandbox.server import ForkServer
from autograder.suites import public_checks
from autograder.suites.options import (
    exercise_of,
    intake_problems,
    run_exercises,
    run_level,
    run_options,
)
from autograder.suites.public_checks import public_course
from autograder.suites.recording import ResultRecorder
from autograder.suites.submissions import Absent, BudgetedSubmission, InProcess


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
    if "figure" in metafunc.fixturenames:
        metafunc.parametrize(("exercise", "figure"), **public_checks.figure_params(exercises))
    if "example" in metafunc.fixturenames:
        metafunc.parametrize(("exercise", "example"), **public_checks.example_params(exercises))
    hidden = {"hidden_case", "hidden_property"} & set(metafunc.fixturenames)
    if hidden:
        # Only where the hidden suite runs: the student package has neither it nor the course.
        from autograder.suites import hidden_checks

        seed = run_options(metafunc.config).seed
        if "hidden_case" in hidden:
            metafunc.parametrize(
                ("exercise", "hidden_case"), **hidden_checks.hidden_params(exercises, seed)
            )
        if "hidden_property" in hidden:
            metafunc.parametrize(
                ("exercise", "hidden_property"), **hidden_checks.property_params(exercises, seed)
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
    """One live worker at a time, shared by an exercise's public and hidden tests.

    The workers of a run are forked in one sandbox (the submission's), which
    ends with the run.
    """
    live: dict[str, Any] = {}
    yield live
    _close(request.config, live)
    server = request.config.stash.get(_SERVER, None)
    if server is not None:
        server.stop()


def _close(config: pytest.Config, live: dict[str, Any]) -> None:
    """Draw the finished exercise's curves with its worker, then stop the worker."""
    recorder = config.pluginmanager.get_plugin("gdlab-recorder")
    for name, held in live.items():
        course = public_course(name)
        picture = course.picture
        if recorder is not None and picture is not None and not isinstance(held, Absent):
            recorder.curves[name] = {
                "title": picture.title,
                "student": series_of(held, picture),
                "reference": course.reference_curves,
            }
        held.stop()
    live.clear()


@pytest.fixture
def submission(request: pytest.FixtureRequest, exercise: str, _workers: dict):
    """The student's module of the test's ``exercise``, behind a sandbox.

    Tests run exercise by exercise, so the worker of the previous exercise is
    stopped when the next one starts; the exercise's time budget covers all of
    its tests, public and hidden.
    """
    exercise = get_exercise(exercise)
    if exercise.name not in _workers:
        _close(request.config, _workers)
        _workers[exercise.name] = _open(request.config, exercise)
    return _workers[exercise.name]


def _open(config: pytest.Config, exercise: Exercise) -> Any:
    root = Path(config.getoption("--gdlab-submission"))
    path = root / exercise.name / exercise.filename
    if not path.is_file():
        problem = intake_problems(config).get(exercise.name) or {}
        return Absent(
            problem.get("problem")
            or f"there is no {exercise.name}/{exercise.filename} in the submission",
            problem.get("kind", results.MISSING),
        )
    if config.getoption("--gdlab-trusted-in-process"):
        return InProcess(load_module(path))
    level = run_level(config)
    if _SERVER not in config.stash:
        config.stash[_SERVER] = ForkServer(level)
    limits = Limits(cpu_seconds=int(exercise.time_limit) + 10)
    worker = Worker(path, level, limits, server=config.stash[_SERVER])
    return BudgetedSubmission(worker, budget=exercise.time_limit)


_SERVER = pytest.StashKey[ForkServer]()
