"""Run the suites without pytest: the same tests, names, order and records, minus start-up.

A student's ``gdlab check`` runs a handful of public tests, and ``gdlab
watch`` runs them again on every save; starting pytest (its import, plugins,
collection and per-test machinery) cost more than the tests themselves. This
runner calls the suites' own test functions with the checks pytest would
give them (:mod:`autograder.suites.plan`), records each outcome as the
pytest plugin does (:mod:`autograder.suites.records`) and scores the same
way, so a test passes, fails and is worded alike under both, which the
project's tests compare.

Student code still runs only in sandboxed workers
(:class:`~autograder.suites.submissions.SubmissionWorkers`).
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from autograder import results
from autograder.sandbox.server import ForkServer
from autograder.suites.plan import PlannedTest, planned_tests
from autograder.suites.records import describe_failure, new_record, score_records
from autograder.suites.submissions import SubmissionWorkers


class DirectRun:
    """One run of the suites on one submission folder, without pytest.

    Use it as a context manager; :meth:`verdict` runs the tests and scores
    them, :meth:`add_curves` then takes the last exercise's picture curves
    (which the verdict does not need, so it can be shown first).

    Parameters
    ----------
    submission : Path
        Laid out like ``exercises/``.
    exercises : list of str
        Which exercises, in order.
    suites : tuple of str
        ``("public",)`` for ``gdlab check``; ``("public", "hidden")`` to grade.
    level : str
        The sandbox level.
    problems : dict, optional
        Intake's problems per exercise.
    seed : int, optional
        Seed of the hidden cases.
    server : ForkServer, optional
        A sandbox kept warm by the caller (``gdlab watch``); by default the
        run starts one and stops it at the end.
    trusted : bool, optional
        Import the modules into this process instead: only for the project's
        own code (the benchmark's floor), never for a submission.
    """

    def __init__(
        self,
        submission: Path,
        exercises: list[str],
        suites: tuple[str, ...],
        level: str,
        problems: dict[str, dict] | None = None,
        seed: int = 0,
        server: ForkServer | None = None,
        trusted: bool = False,
    ) -> None:
        self.exercises, self.suites, self.seed = exercises, suites, seed
        self.problems = problems or {}
        self.level = level
        self.workers = SubmissionWorkers(
            submission, level, self.problems, trusted=trusted, server=server
        )

    def __enter__(self) -> DirectRun:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.workers.stop()

    def verdict(self, tests: list[PlannedTest] | None = None) -> results.SubmissionResult:
        """Run every test and score the records; the last exercise's worker stays live.

        ``tests`` are the run's :func:`~autograder.suites.plan.planned_tests`
        when the caller has planned them already (``gdlab check`` does, while
        its sandbox starts).
        """
        if tests is None:
            tests = planned_tests(self.exercises, self.suites, lambda: self.seed)
        records: dict[str, list[results.TestResult]] = {}
        for test in tests:
            record = new_record(test.exercise, test.name, test.task, test.suite, test.check)
            records.setdefault(test.exercise, []).append(record)
            try:
                test.run(self.workers.module(test.exercise))
            except Exception as error:  # noqa: BLE001 - every failure becomes a record
                describe_failure(error, record, lambda error=error: _last_lines(error))
            else:
                record.outcome = results.PASSED
        return results.SubmissionResult(
            "",
            score_records(records, self.suites, self.problems, self.workers.curves),
            sandbox=self.level,
        )

    def add_curves(self, result: results.SubmissionResult) -> None:
        """Close the live worker, taking its picture's curves, and add them to ``result``."""
        self.workers.close()
        for name, entry in result.exercises.items():
            if entry.curves is None and name in self.workers.curves:
                entry.curves = self.workers.curves[name]


def run_direct(*arguments: Any, **options: Any) -> results.SubmissionResult:
    """Run the suites on a submission without pytest: its scored results, with curves.

    Takes the parameters of :class:`DirectRun`.
    """
    with DirectRun(*arguments, **options) as run:
        result = run.verdict()
        run.add_curves(result)
    return result


def _last_lines(error: BaseException, count: int = 6) -> str:
    """A bare ``assert``'s failure in a few lines, as pytest's short report gives it."""
    lines = [line for line in traceback.format_exception(error) if line.strip()]
    return "".join(lines[-count:]).strip()


def main(arguments: list[str] | None = None) -> int:
    """Grade one prepared submission in this process: ``gdlab grade`` runs one per submission.

    ``python -m autograder.suites.direct SUBMISSION RESULTS OPTIONS``: the
    submission folder, the file to write the scored results to (atomically),
    and the private file of :class:`~autograder.grading.pytest_run.RunOptions`
    (the seed, the level, intake's problems, the exercises). The exercises
    it names, or every exercise of the registry, are graded on both suites.
    A grader's own failure to plan the tests (a grader module that raises,
    stale public checks) is written as a grader problem, never scored as the
    student's.
    """
    import json
    import os
    import sys

    from autograder.grading.pytest_run import SUITES, RunOptions
    from autograder.sandbox.levels import strongest_level

    submission, results_path, options_path = (arguments or sys.argv[1:])[:3]
    options = RunOptions.read(options_path)
    level = options.sandbox or strongest_level()
    exercises = options.chosen()
    try:
        result = run_direct(
            Path(submission), exercises, SUITES, level, options.problems, options.seed
        )
    except Exception as error:  # noqa: BLE001 - planning failed: the grader's fault, said so
        problem = f"the tests could not be planned ({type(error).__name__}: {error})"
        result = results.SubmissionResult("", sandbox=level, grader_problems=[problem])
    temporary = Path(f"{results_path}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(result.to_dict(), indent=1), "utf-8")
    os.replace(temporary, results_path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
