"""End to end: the answer keys, the stubs, the sample class, resuming, and `gdlab check`."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.grading.pytest_run import SUITES, run_in_process
from autograder.grading.run_settings import SECRET_FILE, course_secret, hidden_seed
from autograder.paths import EXERCISES_DIR, PROJECT_ROOT, SOLUTIONS_DIR
from autograder.registry import load_registry

GDLAB = str(Path(sys.executable).with_name("gdlab"))  # the installed console script
SAMPLE_CLASS = PROJECT_ROOT / "examples" / "sample-class"
NAMES = [exercise.name for exercise in load_registry()]


def gdlab(*arguments: str, cwd: Path | None = None, timeout: float = 600):
    return subprocess.run(
        [GDLAB, *arguments], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


def test_answer_keys_score_full_marks_on_every_suite():
    results = run_in_process(SOLUTIONS_DIR, NAMES, SUITES)
    for exercise in load_registry():
        entry = results.exercises[exercise.name]
        failed = [test for test in entry.tests if test.status not in ("passed", "advice")]
        assert not failed, failed[:3]
        assert entry.score == pytest.approx(exercise.max_points)
        # The answer keys follow every recommendation too.
        assert all(test.followed for test in entry.advice), [
            (test.name, test.message) for test in entry.advice if not test.followed
        ]


def test_stubs_score_zero_and_are_not_started():
    results = run_in_process(EXERCISES_DIR, NAMES, SUITES)
    for name in NAMES:
        entry = results.exercises[name]
        assert entry.score == 0.0
        assert entry.status == "not started"


# -- the sample class, graded once for the tests below ---------------------------


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("gradebook")
    done = gdlab("grade", str(SAMPLE_CLASS), "--out", str(out))
    return done, out


def result_of(out: Path, name: str) -> dict:
    return json.loads((out / "results" / f"{name}.json").read_text(encoding="utf-8"))


def test_grade_writes_the_output_contract(graded):
    done, out = graded
    entries = sorted(path.name.removesuffix(".zip") for path in SAMPLE_CLASS.iterdir())
    with open(out / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["submission", *NAMES, "total", "max_total", "status"]
    assert sorted(row["submission"] for row in rows) == entries
    statuses = {row["submission"]: row["status"] for row in rows}
    assert statuses["ivan-corrupt"] == "unreadable" and statuses["jo-empty"] == "missing"
    assert statuses["ada-excellent"] == "graded"
    for row in rows:  # only a graded submission has scores: no unreadable one passes for 0
        assert (row["total"] != "") == (row["status"] == "graded"), row
    for name in entries:
        result = result_of(out, name)
        assert {"submission", "status", "total", "max_total", "sandbox", "secret"} <= set(result)
        assert set(result["exercises"]) == set(NAMES)
        for entry in result["exercises"].values():
            assert {"score", "max_score", "status", "tests"} <= set(entry)
            for test in entry["tests"]:
                assert {"name", "task", "suite", "kind", "score", "max_score", "status"} <= set(
                    test
                )
                assert {"message", "diagnosis", "mistake"} <= set(test)
                assert test["status"] in ("passed", "failed", "error", "timeout", "advice")
                assert (test["status"] == "advice") == (test["kind"] == "advice")
                assert test["kind"] == "graded" or test["max_score"] == 0
        assert (
            (out / "feedback" / f"{name}.md")
            .read_text(encoding="utf-8")
            .startswith(f"# Feedback for {name}")
        )
    assert "Class overview" in (out / "summary.md").read_text(encoding="utf-8")
    feedback = (out / "feedback" / "ada-excellent.md").read_text(encoding="utf-8")
    for exercise in ("exercise3", "exercise4", "exercise5", "exercise6"):
        picture = out / "plots" / f"ada-excellent-{exercise}.png"
        assert picture.read_bytes().startswith(b"\x89PNG")
        assert f"](../plots/ada-excellent-{exercise}.png)" in feedback
        curves = result_of(out, "ada-excellent")["exercises"][exercise]["curves"]
        assert len(curves["student"]) == len(curves["reference"]) >= 1
    # two entries are unreadable on purpose: the batch goes on, the exit code says so
    assert done.returncode == 1, done.stdout + done.stderr
    assert "unreadable ivan-corrupt" in done.stdout and "missing jo-empty" in done.stdout
    assert "12 graded, 0 unchanged since the last run; 1 unreadable, 1 missing" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_each_sample_student_gets_what_their_work_earns(graded):
    _, out = graded
    totals = {
        name: result_of(out, name)["total"]
        for name in (
            "ada-excellent",
            "ben-notebooks",
            "cleo-not-started",
            "hana-hostile",
            "jo-empty",
        )
    }
    assert totals == {
        "ada-excellent": 60,
        "ben-notebooks": 60,
        "cleo-not-started": 0,
        "hana-hostile": 0,
        "jo-empty": None,  # nothing handed in: no score, its status says why
    }
    dan = result_of(out, "dan-partial")["exercises"]
    assert [dan[f"exercise{i}"]["score"] for i in (1, 2, 3)] == [10, 10, 10]
    for exercise, task in (
        ("exercise4", "classify"),
        ("exercise5", "momentum_descent"),
        ("exercise6", "minibatch_gd"),
    ):
        lost = [t for t in dan[exercise]["tests"] if t["task"] == task and t["status"] != "passed"]
        assert lost, f"dan's {task} mistake went unnoticed"
    assert result_of(out, "cleo-not-started")["exercises"]["exercise1"]["status"] == "not started"


def test_broken_submissions_get_clear_messages(graded):
    _, out = graded
    eve = result_of(out, "eve-syntax-error")["exercises"]
    assert eve["exercise1"]["score"] == 10
    assert "SyntaxError" in eve["exercise2"]["tests"][0]["message"]
    gus = result_of(out, "gus-crash")["exercises"]
    assert "exit" in gus["exercise1"]["tests"][0]["message"]
    assert gus["exercise2"]["score"] == 10
    finn = result_of(out, "finn-infinite-loop")["exercises"]["exercise4"]
    by_task = {}
    for test in finn["tests"]:
        if test["kind"] == "graded":
            by_task.setdefault(test["task"], set()).add(test["status"])
    assert "timeout" in by_task["run_gd"]
    # One timeout per hanging function: its later tests fail without calling it.
    run_gd = [test["message"] for test in finn["tests"] if test["task"] == "run_gd"]
    assert sum("did not return within" in message for message in run_gd) == 1
    assert sum("was not called" in message for message in run_gd) == len(run_gd) - 1
    assert by_task["classify"] == by_task["critical_lr"] == {"passed"}
    assert "not a valid zip" in result_of(out, "ivan-corrupt")["fatal"]
    assert result_of(out, "ivan-corrupt")["status"] == "unreadable"
    assert "empty" in result_of(out, "jo-empty")["fatal"]
    assert result_of(out, "jo-empty")["status"] == "missing"
    kai = result_of(out, "kai-missing")["exercises"]
    assert kai["exercise3"]["status"] == "missing" and kai["exercise1"]["score"] == 10
    lea = result_of(out, "lea-latin1")["exercises"]["exercise1"]
    assert lea["status"] == "unreadable"  # a file that is there but not UTF-8 is not missing
    assert "UTF-8" in lea["problem"] and "UTF-8" in lea["tests"][0]["message"]
    maximum = result_of(out, "max-escape")
    assert maximum["exercises"]["exercise1"]["score"] == 10
    assert any("leaves the submission" in note for note in maximum["notes"])
    assert result_of(out, "nia-zipped")["total"] == 30


def test_a_rerun_skips_unchanged_submissions_and_force_regrades(tmp_path):
    submissions = tmp_path / "class"
    for name in ("kai-missing", "eve-syntax-error"):
        shutil.copytree(SAMPLE_CLASS / name, submissions / name)
    out = tmp_path / "out"
    first = gdlab("grade", str(submissions), "--out", str(out))
    assert "2 graded" in first.stdout, first.stdout + first.stderr
    stamp = (out / "results" / "kai-missing.json").stat().st_mtime_ns
    again = gdlab("grade", str(submissions), "--out", str(out))
    assert "0 graded, 2 unchanged" in again.stdout
    mse = submissions / "eve-syntax-error" / "exercise1" / "mse.py"
    mse.write_text(mse.read_text() + "\n# a late edit\n")
    edited = gdlab("grade", str(submissions), "--out", str(out))
    assert "1 graded, 1 unchanged" in edited.stdout
    assert (out / "results" / "kai-missing.json").stat().st_mtime_ns == stamp
    forced = gdlab("grade", str(submissions), "--out", str(out), "--force")
    assert "2 graded, 0 unchanged" in forced.stdout
    only = gdlab("grade", str(submissions), "--out", str(out), "--only", "kai-missing")
    assert "1 graded, 1 unchanged" in only.stdout, only.stdout + only.stderr
    assert (out / "results" / "kai-missing.json").stat().st_mtime_ns != stamp
    with open(out / "grades.csv", newline="") as handle:  # the others stay in the gradebook
        assert len(list(csv.DictReader(handle))) == 2
    unknown = gdlab("grade", str(submissions), "--out", str(out), "--only", "nobody")
    assert unknown.returncode == 2 and "nobody" in unknown.stderr


def test_the_course_secret_is_created_once_kept_private_and_reused(tmp_path):
    out = tmp_path / "out"
    secret, created = course_secret(out)
    assert created and len(secret) >= 32
    assert (out / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert course_secret(out) == (secret, False)
    assert course_secret(out, "given") == ("given", False)
    with pytest.raises(ValueError, match="must not be empty"):
        course_secret(out, " ")
    assert hidden_seed(secret) != hidden_seed("another secret")
    empty = gdlab("grade", str(SAMPLE_CLASS), "--out", str(out), "--secret", "")
    assert empty.returncode == 2 and "must not be empty" in empty.stderr
    assert "Traceback" not in empty.stderr


def test_killing_the_grader_loses_no_finished_result(tmp_path):
    submissions = tmp_path / "class"
    for index in range(4):
        shutil.copytree(SAMPLE_CLASS / "kai-missing", submissions / f"student{index}")
    out = tmp_path / "out"
    grader = subprocess.Popen(
        [GDLAB, "grade", str(submissions), "--out", str(out), "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list((out / "results").glob("*.json")):
        time.sleep(0.2)
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
    finished = {path.name: path.stat().st_mtime_ns for path in (out / "results").glob("*.json")}
    assert finished, "nothing finished before the kill"
    for path in (out / "results").glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # complete, never half written
    assert not list((out / "results").glob("*.tmp"))
    rerun = gdlab("grade", str(submissions), "--out", str(out))
    assert f"{len(finished)} unchanged" in rerun.stdout, rerun.stdout
    for name, stamp in finished.items():
        assert (out / "results" / name).stat().st_mtime_ns == stamp
    assert len(list((out / "results").glob("*.json"))) == 4


# -- gdlab check ------------------------------------------------------------------


def test_check_on_a_stub_says_not_started_and_fails(tmp_path):
    done = gdlab("check", "exercise1", "--path", str(EXERCISES_DIR))
    assert done.returncode == 1
    assert "not started" in done.stdout
    assert "public tests" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_check_on_the_answer_key_passes_and_says_these_were_public_tests(tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(SOLUTIONS_DIR, folder)
    done = gdlab("check", "exercise4", "--path", str(folder))
    assert done.returncode == 0, done.stdout
    assert "public tests passed" in done.stdout
    assert "public tests only" in done.stdout
    picture = folder / ".gdlab" / "exercise4.png"
    assert f"your curves beside the reference's: {picture}" in done.stdout
    assert picture.read_bytes().startswith(b"\x89PNG")


def test_check_shows_the_failure_and_the_hint(tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(SOLUTIONS_DIR, folder)
    mse = folder / "exercise1" / "mse.py"
    mse.write_text(mse.read_text().replace("np.mean(squared_errors", "np.sum(squared_errors"))
    done = gdlab("check", "exercise1", "--path", str(folder))
    assert done.returncode == 1
    assert "FAIL" in done.stdout and "235000000.0" in done.stdout
    assert load_registry()[0].task("mse").hint in done.stdout


def test_check_json_and_progress(tmp_path):
    done = gdlab("check", "exercise2", "--path", str(SOLUTIONS_DIR), "--json")  # no curves
    result = json.loads(done.stdout)
    assert list(result["exercises"]) == ["exercise2"]
    assert result["exercises"]["exercise2"]["status"] == "passed"
    progress = gdlab("check", "--path", str(EXERCISES_DIR))
    assert progress.returncode == 1
    assert all(name in progress.stdout for name in NAMES)


def test_check_usage_errors_are_messages_not_tracebacks(tmp_path):
    unknown = gdlab("check", "exercise9", "--path", str(EXERCISES_DIR))
    assert unknown.returncode == 2 and "exercise1" in unknown.stderr
    missing = gdlab("check", "exercise1", cwd=tmp_path)
    assert missing.returncode == 1 and "no exercise folder" in missing.stderr
    absent = gdlab("check", "exercise1", "--path", str(tmp_path / "nowhere"))
    assert absent.returncode == 1 and "no folder" in absent.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr + absent.stderr


def test_check_finds_the_course_folder_from_an_exercise_folder_or_above(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(EXERCISES_DIR, course / "exercises")
    shutil.copy(SOLUTIONS_DIR / "exercise1" / "mse.py", course / "exercises" / "exercise1")
    for folder in (course, course / "exercises", course / "exercises" / "exercise1"):
        found = gdlab("check", "exercise1", "--json", cwd=folder)
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["exercises"]["exercise1"]["status"] == "passed"
    stub = gdlab("check", "exercise2", cwd=course / "exercises" / "exercise2")
    assert stub.returncode == 1 and "not started" in stub.stdout


def test_hanging_functions_leave_the_others_graded(tmp_path):
    """run_gd loops forever without calling back, and find_critical_lr calls it."""
    folder = tmp_path / "submission" / "exercise4"
    folder.mkdir(parents=True)
    source = (SOLUTIONS_DIR / "exercise4" / "learning_rate.py").read_text(encoding="utf-8")
    hanging = source.replace(
        "    trajectory = [x]\n", "    trajectory = [x]\n    while True:\n        pass\n", 1
    )
    assert hanging != source
    (folder / "learning_rate.py").write_text(hanging, encoding="utf-8")
    results = run_in_process(folder.parent, ["exercise4"], SUITES)
    earned: dict[str, float] = {}
    for test in results.exercises["exercise4"].tests:
        earned[test.task] = earned.get(test.task, 0.0) + test.score
    exercise = load_registry()[3]
    assert earned["run_gd"] == earned["find_critical_lr"] == 0.0
    for task in ("classify", "predict_behaviour", "critical_lr"):
        assert earned[task] == pytest.approx(exercise.task(task).points), task


def test_one_draw_too_many_fails_even_when_the_numbers_agree(tmp_path):
    folder = tmp_path / "submission" / "exercise6"
    folder.mkdir(parents=True)
    source = (SOLUTIONS_DIR / "exercise6" / "minibatch.py").read_text(encoding="utf-8")
    line = "    y = X @ w_true + noise * rng.standard_normal(n_samples)\n"
    assert line in source
    (folder / "minibatch.py").write_text(source.replace(line, line + "    rng.random()\n"))
    results = run_in_process(folder.parent, ["exercise6"], ("public",))
    dataset = [
        t
        for t in results.exercises["exercise6"].tests
        if t.task == "make_dataset" and t.status != "passed"
    ]
    assert dataset and all("another state" in t.message for t in dataset)


def test_a_batch_keeps_its_results_on_disk_not_in_memory(tmp_path):
    """A class of any size costs the batch the memory of one result: each outcome keeps its
    status and reads its result back from the file written for it."""
    from autograder.grading.batch import grade_class

    submissions = tmp_path / "class"
    for name in ("ada-excellent", "kai-missing"):
        shutil.copytree(SAMPLE_CLASS / name, submissions / name)
    out = tmp_path / "out"
    report = grade_class(submissions, out, jobs=2, secret="memory")
    for outcome in report.outcomes:
        assert outcome._unwritten is None  # nothing but its file holds the result
        written = json.loads((out / "results" / f"{outcome.name}.json").read_text())
        assert outcome.result.to_dict() == written
        assert outcome.status == written["status"]
    assert [result.submission for result in report.results()] == ["ada-excellent", "kai-missing"]
