"""The pytest plugin's recorder: one :class:`~autograder.results.TestResult` per test.

For every collected test the recorder makes its record
(:func:`~autograder.suites.records.new_record`), fills it in from how the
test ended (:func:`~autograder.suites.records.describe_failure`), and at the
end of the run scores the records once
(:func:`autograder.scoring.score_exercise`) and writes them where the run
was told.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autograder import results
from autograder.suites import assertions
from autograder.suites.options import exercise_of, intake_problems, run_level
from autograder.suites.records import Check, describe_failure, new_record, score_records

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


def check_of(item: pytest.Item) -> Check | None:
    """The case, example, property or figure a test checks, if it checks one."""
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        if isinstance(value, Check):
            return value
    return None


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
            exercise, suite = exercise_of(item), suite_of(item)
            item.stash[_KEY] = new_record(
                exercise, test_name(item), task_of(item), suite, check_of(item)
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
        suites = tuple(suite for suite in (results.PUBLIC, results.HIDDEN) if suite in self.suites)
        return results.SubmissionResult(
            "",
            score_records(self.records, suites, intake_problems(self.config), self.curves),
            sandbox=self.level,
            grader_problems=list(self.grader_errors),
        )


def describe(call: pytest.CallInfo, report: pytest.TestReport, test: results.TestResult) -> None:
    """Fill in a test's outcome from pytest's report of it (see
    :func:`~autograder.suites.records.describe_failure`)."""
    if report.passed:
        test.outcome = results.PASSED
        return
    if report.skipped:  # a grading run has no skips: an unrun test earns nothing
        test.outcome, test.message = results.FAILED, "the test did not run"
        return
    error = call.excinfo.value if call.excinfo else None
    describe_failure(error, test, lambda: _first_lines(report.longreprtext))


def _first_lines(text: str, count: int = 6) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:])
