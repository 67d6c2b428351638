"""One :class:`~autograder.results.TestResult` per test: what it is, then how it ended.

Shared by both ways of running the suites: the pytest plugin's recorder
(:mod:`autograder.suites.recording`) and the run without pytest
(:mod:`autograder.suites.direct`). A record notes the test's exercise, task,
suite, check, whether it is graded or advice (the exercise's public checks
say) and whether it expects an error (:func:`new_record`); then how it ended
(:func:`describe_failure`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from autograder import results
from autograder.contract.cases import Case
from autograder.contract.properties import Property
from autograder.sandbox.client import NotStarted, StudentFailure
from autograder.sandbox.server import SandboxFailed
from autograder.suites import assertions
from autograder.suites.public_checks import ExampleCheck, public_course
from autograder.suites.submissions import MissingModule

MESSAGE_LIMIT = 600

Check = Case | ExampleCheck | Property | assertions.FigureCheck


def label_of(check: Check | None, name: str) -> str:
    """What a test checks in words: a case's label, a property's or figure's claim;
    else the test's ``name``."""
    if isinstance(check, (Case, ExampleCheck)):
        return check.label
    if isinstance(check, (Property, assertions.FigureCheck)):
        return check.claim
    return name


def expects_error(check: Check | None, exercise: str) -> bool:
    """Whether the contract asks for an exception rather than a value."""
    if isinstance(check, ExampleCheck):
        return check.expected.kind == "raises"
    if isinstance(check, Case):  # a hidden case: only the hidden suite knows the reference
        from autograder.suites.hidden_checks import expectation

        return expectation(check, exercise).kind == "raises"
    return False


def new_record(
    exercise: str, name: str, task: str, suite: str, check: Check | None
) -> results.TestResult:
    """The record of a test before it runs.

    Parameters
    ----------
    exercise : str
    name : str
        As the student reads it: ``test_example[fit: n=5]``.
    task : str
        The function it tests.
    suite : str
        ``"public"`` or ``"hidden"``.
    check : object or None
        The figure, example, case or property it checks.
    """
    label = label_of(check, name)
    advice = public_course(exercise).advice_for(task, label)
    return results.TestResult(
        name=name,
        task=task,
        check=label,
        suite=suite,
        kind=results.ADVICE if advice else results.GRADED,
        expects_error=expects_error(check, exercise),
    )


def describe_failure(
    error: BaseException | None, test: results.TestResult, details: Callable[[], str]
) -> None:
    """Fill in a failed test's outcome, message, diagnosis and reason from its ``error``.

    Only the student's failures are failures: an exception of the grader's
    own (outside the student's calls), or a sandbox that cannot start a
    worker, is a ``grader error``, never scored as the student's.

    Parameters
    ----------
    error : BaseException or None
        What the test raised (``None`` when the runner did not say).
    test : TestResult
        The record to fill in.
    details : callable
        The runner's own account of the failure, for a bare ``assert``.
    """
    pytest_outcomes = sys.modules.get("_pytest.outcomes")  # only a pytest run can fail() a test
    if isinstance(error, assertions.Mismatch):
        test.outcome, test.message = results.FAILED, error.message
        if error.diagnosis:
            test.diagnosis, test.mistake = error.diagnosis.text, error.diagnosis.mistake
    elif isinstance(error, StudentFailure):
        test.outcome, test.message = error.status, str(error)
    elif isinstance(error, SandboxFailed):
        test.outcome = results.GRADER_ERROR
        test.message = f"the sandbox could not run your code ({error})"
    elif pytest_outcomes is not None and isinstance(error, pytest_outcomes.Failed):
        test.outcome, test.message = results.FAILED, str(error)
    elif error is None or isinstance(error, AssertionError):
        test.outcome, test.message = results.FAILED, details()
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


def score_records(
    records: dict[str, list[results.TestResult]],
    suites: tuple[str, ...],
    problems: dict[str, dict],
    curves: dict[str, dict],
) -> dict[str, results.ExerciseResult]:
    """Score each exercise's records once; an exercise none of whose tests ran is left out."""
    from autograder import scoring

    exercises = {}
    for name, tests in records.items():
        if not tests:  # collected but never run (pytest stopped at a collection error)
            continue
        problem = problems.get(name) or {}
        exercises[name] = scoring.score_exercise(
            name,
            tests,
            suites,
            problem=problem.get("problem", ""),
            problem_kind=problem.get("kind", ""),
            curves=curves.get(name),
        )
    return exercises
