"""The two generic suites: every exercise's public and hidden tests share one worker and one
time budget, and the tests run exercise by exercise."""

from __future__ import annotations

import re
import textwrap

from autograder.grading.pytest_run import SUITES, run_in_process
from autograder.paths import SOLUTIONS_DIR

# sse answers with its worker's process id; mse never returns.
PID_AND_HANG = """
import os

import numpy as np


def squared_errors(y_true, y_pred):
    return (np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2


def sse(y_true, y_pred):
    return float(os.getpid())


def mse(y_true, y_pred):
    while True:
        pass
"""


def test_public_and_hidden_tests_of_an_exercise_share_one_worker_and_one_budget(tmp_path):
    module = tmp_path / "exercise1" / "mse.py"
    module.parent.mkdir()
    module.write_text(textwrap.dedent(PID_AND_HANG), encoding="utf-8")
    result = run_in_process(tmp_path, ["exercise1", "exercise2"], SUITES, seed=3)
    tests = result.exercises["exercise1"].tests
    pids: dict[str, set[int]] = {"public": set(), "hidden": set()}
    for test in tests:
        if test.task == "sse":
            found = re.findall(r"(?:got|returned) (\d+)\.0", test.message)
            pids[test.suite] |= {int(pid) for pid in found}
    assert pids["public"] and pids["public"] == pids["hidden"]
    assert len(pids["public"]) == 1  # one worker answered every sse call
    # The first mse call used up its share of the budget; no later one, public or
    # hidden, is made again.
    mse = [test for test in tests if test.task == "mse"]
    assert mse[0].outcome == "timeout" and mse[0].suite == "public"
    again = [test for test in mse[1:] if "timed out on earlier tests" in test.message]
    assert {test.suite for test in again} == {"public", "hidden"}
    assert len(again) == len(mse) - 1


def test_the_tests_run_exercise_by_exercise_in_the_order_asked():
    result = run_in_process(SOLUTIONS_DIR, ["exercise2", "exercise1"], SUITES, trusted=True)
    assert list(result.exercises) == ["exercise2", "exercise1"]
    for entry in result.exercises.values():
        suites = [test.suite for test in entry.tests]
        assert suites == sorted(suites, key=["public", "hidden"].index)  # public, then hidden
        assert all(test.outcome == "passed" for test in entry.tests)
    names = [test.name for test in result.exercises["exercise1"].tests]
    assert "test_contract_figure[mse(actual prices, predicted prices)]" in names
    assert not [name for name in names if "exercise" in name]


def test_an_exercise_without_properties_has_no_skipped_or_empty_test():
    result = run_in_process(SOLUTIONS_DIR, ["exercise1"], SUITES, trusted=True)
    tests = result.exercises["exercise1"].tests
    assert tests and all(test.outcome == "passed" for test in tests)
    assert not [test for test in tests if test.name.startswith("test_property")]
