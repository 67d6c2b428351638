"""A grade is a fair measure: the contract's points only, the same code the same score.

Black-box, through the installed ``gdlab`` command and the real sandbox: the
hidden inputs come from the course secret alone, a gradebook never mixes two
secrets, error handling is earned with the computation, and grading refuses
to start (exit 2, nothing written) rather than publish grades it cannot trust.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import grading_of
from autograder.grading.pytest_run import SUITES, run_in_process
from autograder.paths import PROJECT_ROOT
from autograder.registry import load_registry

GDLAB = str(Path(sys.executable).with_name("gdlab"))
SAMPLE_CLASS = PROJECT_ROOT / "examples" / "sample-class"
RAISE_EVERYWHERE = Path(__file__).parent / "submissions" / "raise-everywhere"
NAMES = [exercise.name for exercise in load_registry()]


def gdlab(*arguments: str, env: dict | None = None, timeout: float = 600):
    return subprocess.run(
        [GDLAB, *arguments], capture_output=True, text=True, env=env, timeout=timeout
    )


def scores(out: Path, name: str) -> list[tuple[str, str, float]]:
    """Every test's name, status and score in a submission's result."""
    result = json.loads((out / "results" / f"{name}.json").read_text(encoding="utf-8"))
    return [
        (test["name"], test["status"], test["score"])
        for entry in result["exercises"].values()
        for test in entry["tests"]
    ]


def test_functions_that_raise_value_error_on_every_input_earn_nothing():
    result = run_in_process(RAISE_EVERYWHERE, NAMES, SUITES)
    assert result.total == 0.0
    raised = [
        test
        for entry in result.exercises.values()
        for test in entry.graded_tests
        if test.expects_error
    ]
    assert raised and all(test.score == 0 for test in raised)
    assert all(test.outcome == "passed" for test in raised)
    assert all("earns its points only" in test.message for test in raised)


@pytest.fixture(scope="module")
def twenty_copies(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """One partial submission (exercises 4 to 6 of dan) under 20 names, graded once."""
    root = tmp_path_factory.mktemp("copies")
    submissions = root / "class"
    for index in range(20):
        for exercise in ("exercise4", "exercise5", "exercise6"):
            shutil.copytree(
                SAMPLE_CLASS / "dan-partial" / exercise,
                submissions / f"student-{index:02d}" / exercise,
            )
    out = root / "out"
    done = gdlab("grade", str(submissions), "--out", str(out), "-j", "2", "--secret", "one")
    return done, submissions, out


def test_the_same_code_gets_the_same_score_whatever_the_name(twenty_copies):
    done, _, out = twenty_copies
    assert "Traceback" not in done.stdout + done.stderr
    first = scores(out, "student-00")
    assert any(status == "failed" for _, status, _ in first)  # partial: some tests fail
    for index in range(1, 20):
        assert scores(out, f"student-{index:02d}") == first, index
    with open(out / "grades.csv", newline="") as handle:
        totals = {row["total"] for row in csv.DictReader(handle)}
    assert len(totals) == 1 and totals != {""}


def test_a_regrade_with_the_same_secret_gives_the_same_scores(twenty_copies):
    _, submissions, out = twenty_copies
    before = scores(out, "student-07")
    again = gdlab(
        "grade", str(submissions), "--out", str(out), "--secret", "one", "--only", "student-07"
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 graded, 19 unchanged" in again.stdout
    assert scores(out, "student-07") == before


def test_another_secret_into_the_same_gradebook_is_refused(twenty_copies):
    _, submissions, out = twenty_copies
    grades = (out / "grades.csv").read_bytes()
    refused = gdlab("grade", str(submissions), "--out", str(out), "--secret", "two")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "another course secret" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    assert (out / "grades.csv").read_bytes() == grades  # nothing was touched


def test_pointing_grade_at_one_students_folder_is_refused(tmp_path):
    done = gdlab("grade", str(SAMPLE_CLASS / "ada-excellent"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "looks like one student's submission" in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_output_folder_inside_the_class_is_never_a_student(tmp_path):
    submissions = tmp_path / "class"
    shutil.copytree(SAMPLE_CLASS / "kai-missing", submissions / "kai-missing")
    out = submissions / "gradebook"
    for _ in range(2):  # the second run finds the first one's gradebook among the entries
        done = gdlab("grade", str(submissions), "--out", str(out))
        assert "Traceback" not in done.stdout + done.stderr
    with open(out / "grades.csv", newline="") as handle:
        assert [row["submission"] for row in csv.DictReader(handle)] == ["kai-missing"]


def closed_sandbox(tmp_path: Path) -> tuple[dict, list[str]]:
    """An environment where the sandbox cannot start a worker, as on a real machine.

    As root the workers run as an unprivileged uid, which cannot enter a
    temporary folder of mode 700 (like a venv under a private home folder);
    otherwise a temporary folder that does not exist stops the sandbox alike.
    """
    closed = tmp_path / "closed"
    if os.geteuid() == 0:
        closed.mkdir(mode=0o700)
    return {**os.environ, "TMPDIR": str(closed)}, ["--sandbox", "process"]


def test_a_sandbox_that_cannot_start_stops_the_batch_before_any_grade(tmp_path):
    environment, level = closed_sandbox(tmp_path)
    out = tmp_path / "out"
    arguments = ["grade", str(SAMPLE_CLASS), "--out", str(out), *level]
    done = gdlab(*arguments, "--accept-weak-isolation", env=environment)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot run student code on this machine" in done.stderr
    assert "install bubblewrap" in done.stderr and "--sandbox" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not out.exists()  # no grade, no secret, nothing


def test_a_level_that_leaves_the_network_open_needs_consent(tmp_path):
    out = tmp_path / "out"
    refused = gdlab("grade", str(SAMPLE_CLASS), "--out", str(out), "--sandbox", "process")
    assert refused.returncode == 2
    assert refused.stdout.startswith("Sandbox: process.")  # the run's first line says so
    assert "UDP" in refused.stdout and "--accept-weak-isolation" in refused.stderr
    assert not out.exists()


def test_every_advice_of_the_registry_names_checks_that_exist():
    """An advice label that matches no check would leave that check graded."""
    for exercise in load_registry():
        drawn = {
            (case.task, case.label)
            for seed in range(3)
            for case in grading_of(exercise.name).cases(seed)
        }
        drawn |= {(p.task, p.claim) for p in grading_of(exercise.name).properties(0)}
        for advice in grading_of(exercise.name).advice:
            for check in advice.checks:
                assert (advice.task, check) in drawn, f"{exercise.name}: {advice.task}: {check}"
