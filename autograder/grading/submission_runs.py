"""How one prepared submission is graded: the runner a batch hands each entry to.

A runner takes an entry after intake (:class:`~autograder.grading.intake.Prepared`)
and returns its :class:`~autograder.results.SubmissionResult`. The batch
(:mod:`~autograder.grading.batch`) does the rest, here or on a cluster alike:
it decides what is graded, skips unchanged work, stamps and writes results.
:func:`local_runner` grades on this machine, each run in a fresh grading
process; :mod:`~autograder.grading.cluster` grades on a Dask cluster.
"""

from __future__ import annotations

from collections.abc import Callable

from autograder import results, scoring
from autograder.assignments import Assignment
from autograder.grading.intake import Prepared
from autograder.grading.pytest_run import run_in_subprocess
from autograder.grading.run_settings import RunSettings
from autograder.grading.warm_runs import WarmRuns
from autograder.registry import Exercise, load_registry
from autograder.results import ExerciseResult, SubmissionResult

#: Runs the suites on a prepared entry's modules: ``(prepared, settings, assignment) ->
#: (results document, None)``, or ``(None, why)`` when the run failed (the grader's fault).
Runner = Callable[[Prepared, RunSettings, Assignment], tuple[dict | None, str | None]]


def graded_exercises(assignment: Assignment) -> tuple[Exercise, ...]:
    """The registry's exercises that ``assignment`` holds, in registry order."""
    return tuple(e for e in load_registry() if e.name in assignment.exercises)


def unrun(prepared: Prepared, why: str, assignment: Assignment) -> dict[str, ExerciseResult]:
    """Every exercise as not run, with intake's problem where it has one."""
    return {
        exercise.name: scoring.unrun_exercise(
            exercise,
            prepared.problems.get(exercise.name, why),
            prepared.problem_records().get(exercise.name, {}).get("kind", results.MISSING),
        )
        for exercise in graded_exercises(assignment)
    }


def graded_result(
    prepared: Prepared, name: str, settings: RunSettings, assignment: Assignment, run: Runner
) -> SubmissionResult:
    """The result of a prepared entry: its suites' run by ``run``, or why there was none."""
    if prepared.fatal:
        return SubmissionResult(
            name,
            unrun(prepared, prepared.fatal, assignment),
            fatal=prepared.fatal,
            fatal_kind=prepared.fatal_kind,
        )
    written, failure = run(prepared, settings, assignment)
    if failure or written is None:
        failure = failure or "the grading run returned no results"
        exercises = unrun(prepared, "not graded: " + failure, assignment)
        return SubmissionResult(name, exercises, grader_problems=[failure])
    return SubmissionResult.from_dict(written)


def local_runner(warm: WarmRuns | None) -> Runner:
    """Run the suites on this machine in a fresh grading process, forked by ``warm`` if given."""

    def run(
        prepared: Prepared, settings: RunSettings, assignment: Assignment
    ) -> tuple[dict | None, str | None]:
        return run_in_subprocess(
            prepared.folder,
            prepared.problem_records(),
            settings.seed,
            settings.level,
            warm=warm,
            exercises=assignment.exercises,
        )

    return run
