"""The suites run without pytest exactly as under pytest.

``gdlab check``, ``gdlab watch`` and each submission of ``gdlab grade`` run
the suites without pytest (:mod:`autograder.suites.direct`); instructors and
the project's own tests may run them under pytest. Both must name, order,
check, word and score every test alike, pictures' curves included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.grading.intake import prepare
from autograder.grading.pytest_run import (
    SUITES,
    run_environment,
    run_in_process,
    run_in_subprocess,
)
from autograder.grading.warm_runs import WarmRuns
from autograder.paths import EXERCISES_DIR, PROJECT_ROOT, SOLUTIONS_DIR
from autograder.registry import load_registry
from autograder.sandbox.levels import strongest_level
from autograder.suites.assertions import unique_ids
from autograder.suites.direct import run_direct
from autograder.suites.plan import planned_tests, runs_directly

SAMPLE_CLASS = PROJECT_ROOT / "examples" / "sample-class"
ENTRIES = [
    SOLUTIONS_DIR,
    EXERCISES_DIR,
    *(
        SAMPLE_CLASS / name
        for name in (
            "ada-excellent",
            "ben-notebooks",
            "dan-partial",
            "finn-infinite-loop",
            "gus-crash",
            "hana-hostile",
        )
    ),
]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda path: path.name)
def test_both_runners_give_the_same_results(entry: Path, tmp_path: Path) -> None:
    names = [exercise.name for exercise in load_registry()]
    prepared = prepare(entry, tmp_path / "submission")
    problems, level = prepared.problem_records(), strongest_level()
    under_pytest = run_in_process(prepared.folder, names, SUITES, 7, level, problems)
    direct = run_direct(prepared.folder, names, SUITES, level, problems, seed=7)
    assert direct.to_dict() == under_pytest.to_dict()
    assert sum(len(graded.tests) for graded in direct.exercises.values()) > 0


def test_the_project_suites_run_directly_and_every_test_is_planned() -> None:
    names = [exercise.name for exercise in load_registry()]
    assert runs_directly(SUITES)
    tests = planned_tests(names, SUITES, lambda: 0)
    assert [test.exercise for test in tests] == sorted(
        (test.exercise for test in tests), key=names.index
    )
    by_exercise = {(test.exercise, test.name) for test in tests}
    assert len(by_exercise) == len(tests)  # pytest would refuse two tests of one name


def test_ids_are_numbered_as_pytest_numbers_them() -> None:
    assert unique_ids(["a", "b", "a", "n=5", "n=5", "a0"]) == [
        "a1",
        "b",
        "a2",
        "n=5_0",
        "n=5_1",
        "a0",
    ]


def test_a_run_forked_by_a_warm_process_gives_what_a_cold_run_gives(tmp_path: Path) -> None:
    """A batch's warm process forks each submission's run (autograder.grading.warm_runs);
    the run is the same as one a fresh interpreter starts."""
    prepared = prepare(SAMPLE_CLASS / "dan-partial", tmp_path / "submission")
    problems, level = prepared.problem_records(), strongest_level()
    cold, why = run_in_subprocess(prepared.folder, problems, 3, level)
    warm = WarmRuns(run_environment(tmp_path))
    try:
        forked, why_forked = run_in_subprocess(prepared.folder, problems, 3, level, warm=warm)
        again, _ = run_in_subprocess(prepared.folder, problems, 3, level, warm=warm)
    finally:
        warm.stop()
    assert why is None and why_forked is None
    assert forked == cold == again
    assert warm.process.returncode == 0
