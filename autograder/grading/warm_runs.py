"""Warm grading runs: one process imports the grader once and forks a run per submission.

Each submission of a batch is graded in a process of its own
(:func:`~autograder.grading.pytest_run.run_in_subprocess`): its budget, its
sandboxes and whatever they leave are its own, and it is killed and swept
alone. Starting a fresh interpreter for each one cost a third of a second of
CPU in imports and in reading the course's checks, a sixth of a
submission's grading. A batch therefore starts this program once: it
imports the grading run's modules, reads the course, and then forks one
child per submission, which runs exactly what a fresh process would
(:func:`autograder.suites.direct.main`) and exits. It never runs student
code itself; its children keep student code in sandboxes as always.

The batch keeps the rules of a fresh process: it waits for the child by its
pid (a pidfd, which needs no parentage), kills it at its budget, sweeps what
its sandboxes left, and only then has it reaped, so that its pid (which names
its sandboxes' uid and control groups) cannot meanwhile be another process's.

Requests and answers are JSON lines on the program's stdin and stdout::

    {"run": [submission, results, options], "cwd": folder, "tmpdir": folder}
        -> {"pid": pid}
    {"reap": pid}  -> {"exit": code}
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

#: Seconds the program may take to import the grader and say it is ready.
START_TIMEOUT = 60.0
#: Seconds it may take to answer a request.
ANSWER_TIMEOUT = 10.0


class WarmRunsFailed(RuntimeError):
    """The warm process did not start or stopped answering: runs start cold instead."""


def usable() -> bool:
    """Whether this machine can wait for a process it did not start (``pidfd_open``)."""
    if not hasattr(os, "pidfd_open"):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


class WarmRuns:
    """The batch's handle on the warm process; safe to share between the batch's threads.

    Parameters
    ----------
    environment : dict
        The whole environment of the runs (see ``run_in_subprocess``);
        each run gets its own ``TMPDIR``.
    """

    def __init__(self, environment: dict[str, str]) -> None:
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="gdlab-warm-"))
        self._folder.chmod(0o711)  # the library view inside it is read by the sandboxes
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.grading.warm_runs"],
            cwd=self._folder,
            env={**environment, "TMPDIR": str(self._folder)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        if self._answer(START_TIMEOUT) != {"ready": True}:
            self.stop()
            raise WarmRunsFailed("the warm grading process did not start")

    def start(self, arguments: list[str], cwd: Path, tmpdir: Path) -> int:
        """Fork a run of ``python -m autograder.suites.direct ARGUMENTS``; its pid.

        Raises
        ------
        WarmRunsFailed
            When the warm process does not answer (it is stopped then).
        """
        answer = self._ask({"run": arguments, "cwd": str(cwd), "tmpdir": str(tmpdir)})
        pid = answer.get("pid")
        if type(pid) is not int or pid <= 1:
            self.stop()
            raise WarmRunsFailed("the warm grading process did not start a run")
        return pid

    def reap(self, pid: int) -> None:
        """Have an ended (or killed and swept) run reaped."""
        self._ask({"reap": pid})

    def stop(self) -> None:
        """End the warm process (its runs have all been reaped by then) and remove its folder."""
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=ANSWER_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _ask(self, request: dict) -> dict:
        with self._lock:
            try:
                self.process.stdin.write(json.dumps(request) + "\n")
                self.process.stdin.flush()
            except (OSError, ValueError):
                raise WarmRunsFailed("the warm grading process is gone") from None
            answer = self._answer(ANSWER_TIMEOUT)
        if answer is None:
            raise WarmRunsFailed("the warm grading process did not answer")
        return answer

    def _answer(self, timeout: float) -> dict | None:
        if not select.select([self.process.stdout], [], [], timeout)[0]:
            return None
        line = self.process.stdout.readline()
        try:
            answer = json.loads(line)
        except ValueError:
            return None
        return answer if isinstance(answer, dict) else None


# -- the warm process -------------------------------------------------------------------


def _warm_up() -> None:
    """Import and read, once, everything a run needs before its first test."""
    from autograder.grading.pytest_run import SUITES
    from autograder.registry import load_registry
    from autograder.sandbox.library_view import view_folder
    from autograder.suites import direct  # noqa: F401 - the run itself
    from autograder.suites.plan import planned_tests

    planned_tests([exercise.name for exercise in load_registry()], SUITES, lambda: 0)
    view_folder()  # shared by the runs' sandboxes, removed when this process ends


def _run(request: dict) -> None:
    """In the forked child: become a grading run, as a fresh process would be, and exit."""
    code = 70
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.chdir(request["cwd"])
        os.environ["TMPDIR"] = request["tmpdir"]
        tempfile.tempdir = None  # read TMPDIR again: the run's sandboxes go there
        from autograder.suites.direct import main

        code = main([str(argument) for argument in request["run"]])
    finally:
        os._exit(code)


def serve() -> None:
    """Answer the batch's requests until it closes stdin; never run student code here."""
    _warm_up()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        try:
            request = json.loads(line)
            if "run" in request:
                sys.stdout.flush()
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the child never comes back
                    _run(request)
                answer = {"pid": pid}
            else:
                _, status = os.waitpid(int(request["reap"]), 0)
                answer = {"exit": os.waitstatus_to_exitcode(status)}
        except (ValueError, KeyError, TypeError, OSError) as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    serve()
