"""The grading policy: the one place that scores.

:func:`score_exercise` applies the contract's grading policy once ("What is
graded" in ``EXERCISES.md``) to an exercise's
:class:`~autograder.results.TestResult` records:

- each task's public and hidden points (from the registry) are split equally
  among that task's *graded* tests of each suite;
- an *advice* test (outside the graded domain, declared in the registry) is
  reported but worth 0 points, whatever its outcome;
- a test that expects a ``ValueError`` earns its points only when every
  graded test of the same function on valid inputs passed;
- a check the grader itself could not complete is a grader problem: it earns
  nothing and is not a failure either; the exercise, and with it the
  submission, *needs regrade*, and no score is published for it.

The plugin that runs the suites and the batch score here; everything else
reads the scored :mod:`autograder.results` objects, so a score is never
rebuilt elsewhere.
"""

from __future__ import annotations

from autograder.registry import Exercise, get_exercise
from autograder.results import (
    ADVICE,
    ERROR,
    FAILED,
    GRADED,
    GRADER_ERROR,
    HIDDEN,
    MISSING,
    NEEDS_REGRADE,
    NOT_STARTED,
    PASSED,
    PUBLIC,
    TIMEOUT,
    UNREADABLE,
    ExerciseResult,
    TestResult,
)

UNEARNED = (
    "the ValueError was raised as the contract asks, but error handling earns its points "
    "only when {task} also passes its tests on valid inputs"
)


def task_share(exercise: Exercise, task: str, suite: str) -> float:
    """The points of ``task`` earned in ``suite``, from the registry."""
    found = exercise.task(task)
    return float(found.public_points if suite == PUBLIC else found.hidden_points)


def score_exercise(
    exercise: Exercise | str,
    tests: list[TestResult],
    suites: tuple[str, ...] = (PUBLIC, HIDDEN),
    problem: str = "",
    problem_kind: str = "",
    grader_problems: list[str] | None = None,
    curves: dict | None = None,
) -> ExerciseResult:
    """Score one exercise's tests by the grading policy (see the module's docstring).

    Parameters
    ----------
    exercise : Exercise or str
    tests : list of TestResult
        Their outcomes; their ``status``, ``score`` and ``max_score`` are set here.
    suites : tuple of str
        The suites that ran, which decide the exercise's ``max_score``.
    problem, problem_kind : str
        Why the student's file could not be graded, and whether it was
        ``missing`` or ``unreadable``.
    grader_problems : list of str, optional
        The grader's failures on this exercise besides its tests'.
    curves : dict, optional
        The curves for the picture.

    Returns
    -------
    ExerciseResult
    """
    if isinstance(exercise, str):
        exercise = get_exercise(exercise)
    counts: dict[tuple[str, str], int] = {}
    for test in tests:
        if test.kind == GRADED:
            counts[(test.task, test.suite)] = counts.get((test.task, test.suite), 0) + 1
    failed_on_values = {
        test.task
        for test in tests
        if test.kind == GRADED and not test.expects_error and test.outcome != PASSED
    }
    problems = list(grader_problems or [])
    for test in tests:
        test.max_score = (
            task_share(exercise, test.task, test.suite) / counts[(test.task, test.suite)]
            if test.kind == GRADED
            else 0.0
        )
        test.status = test.outcome
        if test.kind == ADVICE:
            test.status = ADVICE
        elif test.outcome == GRADER_ERROR:
            problems.append(f"{test.name}: {test.message}")
        elif test.outcome == PASSED and test.expects_error and test.task in failed_on_values:
            test.status = FAILED
            test.message = UNEARNED.format(task=test.task)
        test.score = test.max_score if test.status == PASSED else 0.0
    result = ExerciseResult(
        exercise.name,
        tests,
        score=round(sum(test.score for test in tests), 6),
        max_score=round(
            sum(
                task_share(exercise, task.function, suite)
                for task in exercise.tasks
                for suite in suites
            ),
            6,
        ),
        problem=problem,
        problem_kind=problem_kind if problem else "",
        grader_problems=problems,
        curves=curves,
    )
    result.status = exercise_status(result)
    return result


def exercise_status(result: ExerciseResult) -> str:
    """One word for an exercise, from its scored tests.

    ``needs regrade`` (the grader failed on it), ``missing`` or ``unreadable``
    (no gradable file), ``passed`` (every graded test), ``partial`` (some),
    ``not started`` (every function still a TODO), ``error`` or ``timeout``
    (when every graded test ended so), otherwise ``failed``.
    """
    if result.grader_problems:
        return NEEDS_REGRADE
    if result.problem:
        return result.problem_kind or MISSING
    graded = result.graded_tests
    if graded and all(test.status == PASSED for test in graded):
        return PASSED
    if any(test.status == PASSED for test in graded):
        return "partial"
    for reason in (MISSING, UNREADABLE, NOT_STARTED):
        if graded and all(test.reason == reason for test in graded):
            return reason
    outcomes = {test.status for test in graded}
    for outcome in (ERROR, TIMEOUT):
        if outcomes == {outcome}:
            return outcome
    return FAILED


def unrun_exercise(
    exercise: Exercise | str,
    problem: str,
    problem_kind: str,
    suites: tuple[str, ...] = (PUBLIC, HIDDEN),
) -> ExerciseResult:
    """The result of an exercise none of whose tests could run (its file is missing, ...)."""
    return score_exercise(exercise, [], suites, problem=problem, problem_kind=problem_kind)
