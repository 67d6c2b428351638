"""Grading on a real Dask cluster of worker processes: `gdlab grade --scheduler ADDRESS`.

The sample class is graded through a `LocalCluster` of three worker processes; one worker
is killed while it grades. Every entry must still be graded, its result written once, and
equal to the result of the same class graded on this machine alone.
"""

from __future__ import annotations

import json
import os
import signal
import threading

import pytest
from conftest import SAMPLE_CLASS, SAMPLE_ROSTER, SAMPLE_SECRET, run_gdlab
from distributed import Client, LocalCluster

from autograder.assignments import get_assignment
from autograder.grading import batch
from autograder.grading.cluster import ClusterRunner
from autograder.lms.roster import read_roster


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local, Client(local) as client:
        yield local, client


def test_a_killed_worker_costs_nothing_and_results_equal_the_local_run(
    cluster, sample_gradebook, tmp_path, monkeypatch
):
    local, client = cluster
    written: list[str] = []
    original = batch.write_result

    def counted(out, result):
        written.append(result.submission)
        original(out, result)

    monkeypatch.setattr(batch, "write_result", counted)
    killed: dict = {}
    lock = threading.Lock()

    def kill_a_busy_worker(outcome) -> None:
        with lock:
            if killed:
                return
            busy = {worker: keys for worker, keys in client.processing().items() if keys}
            if not busy:
                return
            victim = sorted(busy)[0]
            pid = client.run(os.getpid, workers=[victim])[victim]
            os.kill(pid, signal.SIGKILL)
            killed.update(worker=victim, pid=pid, tasks=len(busy[victim]))

    out = tmp_path / "cluster-gradebook"
    with ClusterRunner(local.scheduler_address) as runner:
        assert runner.slots == 3
        report = batch.grade_class(
            SAMPLE_CLASS,
            out,
            jobs=6,
            secret=SAMPLE_SECRET,
            progress=kill_a_busy_worker,
            assignment=get_assignment("project"),
            roster=read_roster(SAMPLE_ROSTER),
            runner=runner,
        )
    assert killed and killed["tasks"] >= 1, "no worker was busy when a result came in"
    pids = client.run(os.getpid)
    assert killed["pid"] not in pids.values()  # it died (its nanny started another)

    names = sorted(outcome.name for outcome in report.outcomes)
    assert len(names) == len(set(names)) == len(list(SAMPLE_CLASS.iterdir()))
    assert sorted(written) == names  # every result written, and once
    for name in names:
        here = json.loads((out / "results" / f"{name}.json").read_text(encoding="utf-8"))
        alone = json.loads((sample_gradebook / "results" / f"{name}.json").read_text("utf-8"))
        assert here == alone, name
    assert (out / "grades.csv").read_text("utf-8") == (
        sample_gradebook / "grades.csv"
    ).read_text("utf-8")


def test_the_command_grades_on_the_cluster_and_a_rerun_skips_what_is_done(cluster, tmp_path):
    local, _ = cluster
    out = tmp_path / "out"
    arguments = ["grade", str(SAMPLE_CLASS), "--out", str(out), "--assignment", "week1",
                 "--scheduler", local.scheduler_address]
    first = run_gdlab(*arguments)
    assert first.returncode == 1, first.stderr  # the corrupt zip and the empty folder
    assert f"Cluster: {local.scheduler_address}, 3 worker thread(s)." in first.stdout
    assert "Done: 12 graded, 0 unchanged" in first.stdout
    again = run_gdlab(*arguments)
    assert "Done: 0 graded, 14 unchanged" in again.stdout


def test_an_unreachable_scheduler_refuses_before_anything_is_graded(tmp_path):
    out = tmp_path / "out"
    done = run_gdlab("grade", str(SAMPLE_CLASS), "--out", str(out), "--scheduler",
                     "tcp://127.0.0.1:9", "--assignment", "week1")
    assert done.returncode == 2
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()  # nothing written, no secret
