"""A failure of the grader itself is reported as such, never scored as the student's."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.paths import PROJECT_ROOT, SOLUTIONS_DIR, SUITES_DIR
from autograder.results import SubmissionResult

pytest_plugins = ["pytester"]

GDLAB = str(Path(sys.executable).with_name("gdlab"))
SAMPLE_CLASS = PROJECT_ROOT / "examples" / "sample-class"

GRADER_BUG = """

@pytest.mark.exercise("exercise1")
@pytest.mark.task("mse")
def test_a_check_with_a_bug_of_the_grader(submission):
    assert submission.mse([1.0, 2.0], [1.0, 2.0]) == 0.0
    raise RuntimeError("a bug in the grader's own check")
"""


def test_a_suite_that_cannot_be_collected_is_a_grader_error(pytester):
    pytester.makepyfile(
        test_broken='raise RuntimeError("the suite is broken")\n',
        test_fine=(
            "import pytest\n\n\n"
            '@pytest.mark.exercise("exercise1")\n@pytest.mark.task("mse")\n'
            "def test_mse(submission):\n"
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
    written = SubmissionResult.from_dict(json.loads(results.read_text(encoding="utf-8")))
    assert outcome.ret != 0
    (error,) = written.grader_problems
    assert error.endswith("test_broken.py: RuntimeError: the suite is broken")
    assert written.exercises == {}  # pytest stops at a collection error: nothing is scored
    assert written.status == "needs regrade" and written.total is None


def grade(submissions: Path, out: Path, suites: Path | None = None):
    environment = dict(os.environ)
    if suites is not None:
        environment["GDLAB_SUITES_DIR"] = str(suites)
    return subprocess.run(
        [GDLAB, "grade", str(submissions), "--out", str(out), "-j", "2"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def test_a_grader_bug_in_a_check_needs_regrade_and_is_never_a_zero(tmp_path):
    suites = tmp_path / "suites"
    shutil.copytree(SUITES_DIR, suites, ignore=shutil.ignore_patterns("__pycache__"))
    hidden = suites / "hidden" / "test_hidden.py"
    hidden.write_text("import pytest\n" + hidden.read_text(encoding="utf-8") + GRADER_BUG)
    submissions = tmp_path / "class"
    for name in ("ada-excellent", "kai-missing"):
        shutil.copytree(SAMPLE_CLASS / name, submissions / name)
    out = tmp_path / "out"

    broken = grade(submissions, out, suites)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "needs regrade ada-excellent" in broken.stdout
    assert "a bug in the grader's own check" in broken.stdout
    assert "Traceback" not in broken.stdout + broken.stderr
    with open(out / "grades.csv", newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    for name in ("ada-excellent", "kai-missing"):
        assert rows[name]["status"] == "needs regrade"
        assert rows[name]["total"] == "" and rows[name]["exercise1"] == ""  # never a 0
    result = json.loads((out / "results" / "ada-excellent.json").read_text(encoding="utf-8"))
    assert result["status"] == "needs regrade" and result["total"] is None
    (test,) = [t for t in result["exercises"]["exercise1"]["tests"] if "bug" in t["name"]]
    assert test["status"] == "grader error" and test["score"] == 0
    feedback = (out / "feedback" / "ada-excellent.md").read_text(encoding="utf-8")
    assert "Not graded yet" in feedback and "not your fault" in feedback
    assert "needs regrade" in (out / "summary.md").read_text(encoding="utf-8")

    # Once the grader is mended, the next run regrades what it could not finish.
    mended = grade(submissions, out)
    assert mended.returncode == 0, mended.stdout + mended.stderr
    assert "2 graded, 0 unchanged" in mended.stdout
    with open(out / "grades.csv", newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    assert rows["ada-excellent"]["status"] == "graded" and rows["ada-excellent"]["total"] == "60"
