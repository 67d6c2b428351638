"""Recording what each test found, as :class:`~autograder.results.TestResult` objects.

For every test the recorder notes its exercise, task, suite, check, whether
it is graded or advice (the exercise's grader module says), and whether it
expects an error; then how it ended (:func:`describe`). At the end of the
run it scores the records once (:func:`autograder.scoring.score_exercise`)
and writes them where the run was told.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autograder import results, scoring
from autograder.contract.cases import Case
from autograder.contract.properties import Property
from autograder.sandbox.client import NotStarted, StudentFailure
from autograder.sandbox.server import SandboxFailed
from autograder.suites import assertions
from autograder.suites.options import exercise_of, intake_problems, run_level
from autograder.suites.public_checks import ExampleCheck, public_course
from autograder.suites.submissions import MissingModule

MESSAGE_LIMIT = 600
_KEY = pytest.StashKey[results.TestResult]()


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


Check = Case | ExampleCheck | Property | assertions.FigureCheck


def check_of(item: pytest.Item) -> Check | None:
    """The case, example, property or figure a test checks, if it checks one."""
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        if isinstance(value, Check):
            return value
    return None


def label_of(check: Check | None, item: pytest.Item) -> str:
    """What a test checks in words: a case's label, a property's or figure's claim."""
    if isinstance(check, (Case, ExampleCheck)):
        return check.label
    if isinstance(check, (Property, assertions.FigureCheck)):
        return check.claim
    return item.name


def expects_error(check: Check | None, exercise: str) -> bool:
    """Whether the contract asks for an exception rather than a value."""
    if isinstance(check, ExampleCheck):
        return check.expected.kind == "raises"
    if isinstance(check, Case):  # a hidden case: only the hidden suite knows the reference
        from autograder.suites.hidden_checks import expectation

        return expectation(check, exercise).kind == "raises"
    return False


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
            advice = public_course(exercise).advice_for(task, label)
            item.stash[_KEY] = results.TestResult(
                name=test_name(item),
                task=task,
                check=label,
                suite=suite,
                kind=results.ADVICE if advice else results.GRADED,
                expects_error=expects_error(check, exercise),
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
            exercises[name] = scoring.score_exercise(
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
