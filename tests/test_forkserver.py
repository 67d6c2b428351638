"""One sandbox per submission: workers forked by a fork server, and what it must survive.

Every test runs at each sandbox level this machine offers, with a real
sandbox and real processes.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from autograder.sandbox.client import (
    CallTimeout,
    StudentException,
    Submission,
    Worker,
    WorkerCrashed,
)
from autograder.sandbox.levels import available_levels, private_uid
from autograder.sandbox.limits import Limits
from autograder.sandbox.server import STOP_GRACE, ForkServer, processes_of


@pytest.fixture(params=available_levels())
def server(request):
    forks = ForkServer(request.param, answer_timeout=2.0)
    yield forks
    forks.stop()


def module(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / name / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


@contextmanager
def worker(server: ForkServer, path: Path, limits: Limits | None = None) -> Iterator[Submission]:
    """A submission forked by ``server``, ended when the block ends."""
    student = Submission(Worker(path, server.level, limits, server=server), call_timeout=10.0)
    try:
        yield student
    finally:
        student._worker.stop()


def call(student: Submission, name: str, seconds: float) -> object:
    """Call ``name`` with one time limit for the whole call and for its silence."""
    request = {"op": "call", "name": name, "args": [], "kwargs": {}}
    return student._worker.request(request, timeout=seconds, idle_timeout=seconds)


def test_each_module_gets_a_fresh_process_of_the_same_sandbox(tmp_path, server):
    vandal = module(
        tmp_path,
        "vandal",
        """
        import numpy as np
        def spoil():
            np.mean = lambda *args, **kwargs: 42.0
            return float(np.mean([1.0, 2.0]))
        def pid():
            import os
            return os.getpid()
        """,
    )
    honest = module(
        tmp_path,
        "honest",
        """
        import numpy as np
        def mean():
            return float(np.mean([1.0, 2.0]))
        def spoiled():
            import sys
            return "vandal" in sys.modules
        def pid():
            import os
            return os.getpid()
        """,
    )
    with worker(server, vandal) as first:
        assert first.spoil() == 42.0
        first_pid = first.pid()
    assert server.running  # a worker of a shared sandbox leaves it up
    with worker(server, honest) as second:
        assert second.mean() == 1.5
        assert second.spoiled() is False
        assert second.pid() != first_pid


def test_ending_a_worker_ends_what_it_left_running(tmp_path, server):
    path = module(
        tmp_path,
        "leaver",
        """
        import os, time
        def leave():
            for _ in range(3):
                if os.fork() == 0:
                    os.setsid()  # out of the worker's own process group
                    time.sleep(600)
                    os._exit(0)
            return os.getpid()
        """,
    )
    uid = private_uid()
    with worker(server, path) as student:
        student.leave()
        if uid is not None:
            assert len(processes_of(uid)) >= 5  # the server, the worker and three sleepers
    if uid is not None:
        deadline = time.monotonic() + 5
        while len(processes_of(uid)) > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(processes_of(uid)) == 1  # only the server is left
    assert server.running


def test_a_stopped_sandbox_ends_what_was_left_then_exits_by_itself(tmp_path, server):
    """Closing the control socket is the server's cue: it kills all below it, then exits."""
    path = module(
        tmp_path,
        "leaver",
        """
        import os, time
        def leave():
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    time.sleep(600)  # a daemon, out of the worker's session
                os._exit(0)
            os.wait()
            return True
        """,
    )
    with worker(server, path) as student:
        assert student.leave() is True
        process = server.process
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < STOP_GRACE
    assert process.returncode == 0  # it exited by itself: it was not killed
    uid = private_uid()
    if uid is not None:
        assert processes_of(uid) == []


@pytest.mark.parametrize("attack", ["kill", "stop"])
def test_a_worker_that_kills_or_stops_the_server_costs_only_a_restart(tmp_path, server, attack):
    signal_name = {"kill": "SIGKILL", "stop": "SIGSTOP"}[attack]
    path = module(
        tmp_path,
        "parricide",
        f"""
        import os, signal
        def strike():
            os.kill(os.getppid(), signal.{signal_name})
            return 1.0
        def fine():
            return 2.0
        """,
    )
    with worker(server, path) as student:
        assert student.strike() == 1.0
    # Ending that worker found the server dead or silent: the sandbox was replaced.
    with worker(server, path) as again:
        assert again.fine() == 2.0


def test_each_worker_gets_its_own_limits(tmp_path, server):
    path = module(
        tmp_path,
        "greedy",
        """
        def spin():
            while True:
                pass
        def hoard():
            return len(bytearray(800 << 20))
        """,
    )
    with worker(server, path, Limits(cpu_seconds=1, memory_bytes=512 << 20)) as tight:
        with pytest.raises(WorkerCrashed, match="CPU time limit"):
            call(tight, "spin", 20.0)
        with pytest.raises(StudentException, match="MemoryError"):
            tight.hoard()
    with worker(server, path) as roomy:
        assert roomy.hoard() == 800 << 20
        with pytest.raises(CallTimeout):
            call(roomy, "spin", 1.0)


def test_entries_a_worker_plants_in_the_sandbox_do_not_misplace_the_next_module(tmp_path, server):
    planter = module(
        tmp_path,
        "planter",
        """
        import os
        def plant():
            shared = os.path.dirname(os.getcwd())  # the sandbox's folder, writable
            for index in range(40):
                os.symlink("/tmp", os.path.join(shared, f"worker-{index}"))
                decoy = os.path.join(shared, f"worker-x{index}")
                os.mkdir(decoy)
                with open(os.path.join(decoy, "honest.py"), "w") as handle:
                    handle.write("def answer():\\n    return -1\\n")
            return len(os.listdir(shared))
        """,
    )
    honest = module(tmp_path, "honest", "def answer():\n    return 42\n")
    with worker(server, planter) as first:
        assert first.plant() >= 80
    with worker(server, honest) as second:
        assert second.answer() == 42
