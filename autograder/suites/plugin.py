"""The pytest plugin of the grading runs.

It adds the options that point a run at a submission, provides the
``submission`` fixture (a proxy to a sandboxed worker, one per exercise), and
records every test as a :class:`~autograder.results.TestResult`: its task,
suite, whether it is graded or advice (the registry says), whether it expects
an error, its outcome, message and diagnosis. Points are never written in the
suites: :func:`autograder.results.score_exercise` scores the records once.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from autograder import results
from autograder.contract.cases import Case
from autograder.contract.figures import Figure
from autograder.contract.pictures import series_of
from autograder.contract.properties import Property
from autograder.course import grading_of, reference_of
from autograder.grading.pytest_run import RunOptions
from autograder.loading import load_module
from autograder.registry import Exercise, get_exercise, load_registry
from autograder.sandbox import side_effects
from autograder.sandbox.axes import axes_summary, open_figures
from autograder.sandbox.client import (
    CallTimeout,
    NotStarted,
    StudentFailure,
    Submission,
    Worker,
)
from autograder.sandbox.levels import choose_level
from autograder.sandbox.limits import Limits
from autograder.sandbox.server import ForkServer, SandboxFailed
from autograder.suites import assertions

MESSAGE_LIMIT = 600


class MissingModule(StudentFailure):
    """The submission has no readable file for this exercise."""

    def __init__(self, message: str, kind: str = results.MISSING) -> None:
        super().__init__(message)
        self.kind = kind


class Absent:
    """Stands in for a submission without a readable file for the exercise."""

    def __init__(self, message: str, kind: str = results.MISSING) -> None:
        self._message, self._kind = message, kind

    def stop(self) -> None:
        """Nothing runs, so nothing to stop."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise MissingModule(self._message, self._kind)


class InProcess:
    """A trusted module called directly, for the benchmark's in-process baseline.

    It observes what the sandbox observes of a call (arguments changed in
    place, warnings let out) with in-process helpers that only trusted code
    may be given; ``show()`` is never called by the project's own modules.
    """

    def __init__(self, module: Any) -> None:
        self._module = module
        self.changed_arguments: list = []
        self.warnings: list[str] = []
        self.show_called = False
        self.output = ""

    def __getattr__(self, name: str) -> Any:
        function = getattr(self._module, name)
        if not callable(function):
            return function

        def call(*args: Any, **kwargs: Any) -> Any:
            before = side_effects.snapshot(args, kwargs)
            with side_effects.recorded_warnings() as warned:
                try:
                    result = function(*args, **kwargs)
                except Exception as error:  # as the sandbox reports it: the module's, not ours
                    error.from_student = True
                    raise
            self.changed_arguments = side_effects.changed(args, kwargs, before)
            self.warnings = warned
            return result

        return call

    def plot(self, name: str, *args: Any, **kwargs: Any) -> dict:
        """The same plain summary the sandbox returns."""
        figures = open_figures()
        return axes_summary(getattr(self._module, name)(*args, **kwargs), figures)

    def stop(self) -> None:
        """Nothing to stop."""


class BudgetedSubmission(Submission):
    """A submission whose calls share one time budget for the whole exercise.

    Only time spent inside the student's calls counts, so a slow or busy
    grader never eats into a student's time. A call may compute for an eighth
    of the budget without a message (at most 5 s), and a function that timed
    out once is not called again: its remaining tests fail at once. A correct
    call takes milliseconds, so a call that computes that long without a
    message is a loop that does not end; calling it again would only spend
    the budget (and a core) once more. Two hanging functions (one calling the
    other) thus spend at most a quarter of the budget, and the student's other
    functions are still graded.

    Parameters
    ----------
    worker : Worker
        The worker holding the module.
    budget : float
        Seconds of calls allowed for the exercise (the registry's time limit).
    """

    STRIKES = 1

    def __init__(self, worker: Worker, budget: float) -> None:
        super().__init__(worker, call_timeout=budget / 2)
        self._budget = budget
        self._spent = 0.0
        self._timeouts: dict[str, int] = {}

    def stop(self) -> None:
        """Stop the worker."""
        self._worker.stop()

    def _request(self, payload: dict) -> Any:
        name = payload.get("name", "")
        if self._timeouts.get(name, 0) >= self.STRIKES:
            raise CallTimeout(f"{name} was not called: it timed out on earlier tests")
        left = self._budget - self._spent
        if left <= 0:
            raise CallTimeout(f"the exercise's time budget of {self._budget:g} s is used up")
        started = time.monotonic()
        try:
            return self._worker.request(
                payload,
                timeout=min(self._budget / 2, left),
                idle_timeout=min(5.0, self._budget / 8),
            )
        except CallTimeout as timeout:
            self._timeouts[name] = self._timeouts.get(name, 0) + 1
            raise CallTimeout(f"{name}: {timeout}") from None
        finally:
            self._spent += time.monotonic() - started


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


def run_exercises(config: pytest.Config) -> list[str]:
    """The exercises of the run, in grading order."""
    return config.getoption("--gdlab-exercise") or [item.name for item in load_registry()]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``exercise`` with ``figure``, ``example``, ``hidden_case`` or
    ``hidden_property``.

    The suites are generic: every test is parametrized over the run's
    exercises, each with the contract's figures, the public example cases, or
    the hidden cases and properties drawn with the seed of ``--gdlab-options``.
    """
    exercises = run_exercises(metafunc.config)
    if "figure" in metafunc.fixturenames:
        metafunc.parametrize(("exercise", "figure"), **assertions.figure_params(exercises))
    if "example" in metafunc.fixturenames:
        metafunc.parametrize(("exercise", "example"), **assertions.example_params(exercises))
    seed = run_options(metafunc.config).seed
    if "hidden_case" in metafunc.fixturenames:
        metafunc.parametrize(
            ("exercise", "hidden_case"), **assertions.hidden_params(exercises, seed)
        )
    if "hidden_property" in metafunc.fixturenames:
        metafunc.parametrize(
            ("exercise", "hidden_property"), **assertions.property_params(exercises, seed)
        )


def exercise_of(item: pytest.Item) -> str | None:
    """The exercise a test checks: its ``exercise`` parameter, else its ``exercise`` marker;
    None for a test with neither."""
    value = getattr(getattr(item, "callspec", None), "params", {}).get("exercise")
    if isinstance(value, str):
        return value
    marker = item.get_closest_marker("exercise")
    return str(marker.args[0]) if marker is not None and marker.args else None


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
        picture = grading_of(name).picture
        if recorder is not None and picture is not None and not isinstance(held, Absent):
            recorder.curves[name] = {
                "title": picture.title,
                "student": series_of(held, picture),
                "reference": series_of(reference_of(name), picture),
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


def task_of(item: pytest.Item) -> str:
    """The task a test belongs to: a parameter's ``task``, or the ``task`` marker."""
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        if isinstance(getattr(value, "task", None), str):
            return value.task
    marker = item.get_closest_marker("task")
    if marker is None:
        raise pytest.UsageError(f"{item.nodeid} has no task: mark it @pytest.mark.task(name)")
    return marker.args[0]


def test_name(item: pytest.Item) -> str:
    """The test's name as a student reads it: without the exercise, which the results
    already group by (``test_example[fit: n=5]``)."""
    exercise = exercise_of(item)
    prefix = f"[{exercise}{assertions.ID_SEPARATOR}"
    return item.name.replace(prefix, "[", 1) if exercise else item.name


def suite_of(item: pytest.Item) -> str:
    """``"public"`` or ``"hidden"``, from the folder the test file is in."""
    return Path(str(item.path)).parent.name


def check_of(item: pytest.Item) -> Case | Property | Figure | None:
    """The drawn case, property or figure a test checks, if it checks one."""
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        if isinstance(value, (Case, Property, Figure)):
            return value
    return None


def label_of(check: Case | Property | Figure | None, item: pytest.Item) -> str:
    """What a test checks in words: a case's label, a property's or figure's claim."""
    if isinstance(check, Case):
        return check.label
    if isinstance(check, (Property, Figure)):
        return check.claim
    return item.name


class ResultRecorder:
    """Collects one :class:`~autograder.results.TestResult` per test and writes them scored."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.records: dict[str, list[results.TestResult]] = {}
        self.curves: dict[str, dict] = {}
        self.grader_errors: list[str] = []
        self.suites: set[str] = set()
        self.level = run_level(config)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """Note a test file that could not be collected: the grader's fault, not the student's."""
        if report.failed:
            lines = str(report.longrepr).strip().splitlines()
            last = lines[-1].removeprefix("E").strip() if lines else "failed"
            self.grader_errors.append(f"{report.nodeid}: {last}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Note what each test is (a test without a task is an error)."""
        for item in items:
            exercise = exercise_of(item)
            task, suite = task_of(item), suite_of(item)
            check = check_of(item)
            label = label_of(check, item)
            advice = grading_of(exercise).advice_for(task, label)
            item.stash[_KEY] = results.TestResult(
                name=test_name(item),
                task=task,
                check=label,
                suite=suite,
                kind=results.ADVICE if advice else results.GRADED,
                expects_error=isinstance(check, Case)
                and assertions.expects_error(check, exercise),
            )
            self.suites.add(suite)
            self.records.setdefault(exercise, [])

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """Record the outcome of each test's call (or of a failed setup)."""
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and not report.passed):
            test = item.stash[_KEY]
            describe(call, report, test)
            self.records[exercise_of(item)].append(test)

    def pytest_sessionfinish(self) -> None:
        """Score the records and write them, atomically, where the run was told."""
        path = self.config.getoption("--gdlab-results")
        if path:
            temporary = Path(f"{path}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.submission_result().to_dict(), indent=1), "utf-8")
            os.replace(temporary, path)

    def submission_result(self) -> results.SubmissionResult:
        """The scored results so far, and the grader's own errors if any."""
        problems = intake_problems(self.config)
        suites = tuple(suite for suite in (results.PUBLIC, results.HIDDEN) if suite in self.suites)
        exercises = {}
        for name, tests in self.records.items():
            if not tests:  # collected but never run (pytest stopped at a collection error)
                continue
            problem = problems.get(name) or {}
            exercises[name] = results.score_exercise(
                name,
                tests,
                suites,
                problem=problem.get("problem", ""),
                problem_kind=problem.get("kind", ""),
                curves=self.curves.get(name),
            )
        return results.SubmissionResult(
            "",
            exercises,
            sandbox=self.level,
            grader_problems=list(self.grader_errors),
        )


_KEY = pytest.StashKey[results.TestResult]()
_SERVER = pytest.StashKey[ForkServer]()
_OPTIONS = pytest.StashKey[RunOptions]()
_LEVEL = pytest.StashKey[str]()


def describe(call: pytest.CallInfo, report: pytest.TestReport, test: results.TestResult) -> None:
    """Fill in a test's outcome, message, diagnosis and reason from how it ended.

    Only the student's failures are failures: an exception of the grader's
    own (outside the student's calls), or a sandbox that cannot start a
    worker, is a ``grader error``, never scored as the student's.
    """
    if report.passed:
        test.outcome = results.PASSED
        return
    if report.skipped:  # a grading run has no skips: an unrun test earns nothing
        test.outcome, test.message = results.FAILED, "the test did not run"
        return
    error = call.excinfo.value if call.excinfo else None
    if isinstance(error, assertions.Mismatch):
        test.outcome, test.message = results.FAILED, error.message
        if error.diagnosis:
            test.diagnosis, test.mistake = error.diagnosis.text, error.diagnosis.mistake
    elif isinstance(error, StudentFailure):
        test.outcome, test.message = error.status, str(error)
    elif isinstance(error, SandboxFailed):
        test.outcome = results.GRADER_ERROR
        test.message = f"the sandbox could not run your code ({error})"
    elif isinstance(error, pytest.fail.Exception):
        test.outcome, test.message = results.FAILED, str(error)
    elif error is None or isinstance(error, AssertionError):
        test.outcome, test.message = results.FAILED, _first_lines(report.longreprtext)
    elif getattr(error, "from_student", False):  # re-raised by the client, see Submission
        test.outcome = results.FAILED
        test.message = f"your function raised {type(error).__name__}: {error}"
    else:  # the grader's own fault: never blame the student for it
        test.outcome = results.GRADER_ERROR
        test.message = (
            f"the grader could not complete this check ({type(error).__name__}: {error})"
        )
    if len(test.message) > MESSAGE_LIMIT:
        test.message = test.message[:MESSAGE_LIMIT] + "..."
    if isinstance(error, NotStarted):
        test.reason = results.NOT_STARTED
    elif isinstance(error, MissingModule):
        test.reason = error.kind


def _first_lines(text: str, count: int = 6) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:])
