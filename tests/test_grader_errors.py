"""A failure of the grader itself is reported as such, never scored as the student's."""

from __future__ import annotations

import json

from autograder.grading import reports
from autograder.paths import SOLUTIONS_DIR

pytest_plugins = ["pytester"]


def test_a_suite_that_cannot_be_collected_is_a_grader_error(pytester):
    pytester.makepyfile(
        test_broken='EXERCISE = "exercise1"\nraise RuntimeError("the suite is broken")\n',
        test_fine=(
            'import pytest\n\nEXERCISE = "exercise1"\n\n\n'
            '@pytest.mark.task("mse")\ndef test_mse(submission):\n'
            "    assert submission.mse([1.0], [1.0]) == 0.0\n"
        ),
    )
    results = pytester.path / "results.json"
    outcome = pytester.runpytest_subprocess(
        "-p",
        "autograder.suites.plugin",
        "-p",
        "no:cacheprovider",
        "--gdlab-submission",
        str(SOLUTIONS_DIR),
        "--gdlab-results",
        str(results),
    )
    written = json.loads(results.read_text(encoding="utf-8"))
    assert outcome.ret != 0
    (error,) = written["grader_errors"]
    assert error.endswith("test_broken.py: RuntimeError: the suite is broken")
    assert written["exercises"] == {}  # pytest stops at a collection error: nothing is scored

    result = reports.submission_result("ada", written, {}, [], "process")
    assert result["fatal"].startswith("the grader itself failed, not the submission")
    assert "the suite is broken" in result["fatal"]
