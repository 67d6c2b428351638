"""The grader's handle on one sandbox: a fork server that starts workers.

A :class:`ForkServer` starts one sandbox (see :mod:`autograder.sandbox.levels`)
with the fork server program in it (``forkserver.py``), and asks it for a
fresh worker process per student module. A grading run keeps one per
submission, so NumPy is imported once per student instead of once per
exercise and per restart. Everything the server says is treated as
untrusted: a student's worker runs under the same uid and could stop or
replace it, so any malformed, late or missing answer makes the grader kill
the whole sandbox and start a new one on the next request.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from autograder.sandbox.levels import (
    clean_environment,
    private_uid,
    seed_font_cache,
    server_command,
    student_dir,
)
from autograder.sandbox.limits import Limits

MAX_ANSWER = 4096


class SandboxFailed(RuntimeError):
    """The sandbox did not start or stopped answering; it has been killed."""


class ForkServer:
    """One sandbox with a fork server in it, started on first use.

    Parameters
    ----------
    level : str
        Sandbox level, see :mod:`autograder.sandbox.levels`.
    limits : Limits, optional
        Limits of the server process; a worker's own limits may only be lower.
    answer_timeout : float, optional
        Seconds the server may take to start or to answer a request.
    """

    def __init__(
        self,
        level: str,
        limits: Limits | None = None,
        answer_timeout: float = 10.0,
    ) -> None:
        self.level = level
        self.limits = limits or Limits()
        self.answer_timeout = answer_timeout
        self.process: subprocess.Popen | None = None
        self.workdir: Path | None = None
        self._control: socket.socket | None = None

    @property
    def running(self) -> bool:
        """Whether the sandbox is up."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the sandbox and wait until its server is ready.

        Raises
        ------
        SandboxFailed
            When it does not answer in time.
        """
        self.stop()
        uid = private_uid()
        self.workdir = Path(tempfile.mkdtemp(prefix="gdlab-sandbox-"))
        seed_font_cache(self.workdir)
        _give(self.workdir, uid)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                server_command(self.level, self.workdir, theirs.fileno(), uid),
                cwd=self.workdir,
                env=clean_environment(student_dir(self.level, self.workdir)),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
                preexec_fn=self.limits.apply,
            )
        except (OSError, subprocess.SubprocessError) as error:  # a missing tool, a bad cwd
            ours.close()
            self.stop()
            raise SandboxFailed(f"the sandbox did not start ({error})") from None
        finally:
            theirs.close()
        self._control = ours
        if self._answer() != {"ready": True}:
            code = self.process.poll()
            self.stop()
            raise SandboxFailed(
                "the sandbox did not start"
                + (f" (its server exited with code {code})" if code is not None else "")
            )

    def spawn(self, module_path: Path, module_name: str, limits: Limits) -> tuple[int, int, int]:
        """Start a worker for a copy of one student module.

        Parameters
        ----------
        module_path : Path
            The student's ``.py`` file (copied into a folder of the worker's own).
        module_name : str
            The name to import it as.
        limits : Limits
            The worker's resource limits.

        Returns
        -------
        tuple of int
            The worker's pid (as the server sees it), the pipe end to write
            requests to, and the pipe end to read replies from.

        Raises
        ------
        SandboxFailed
            When the sandbox cannot start a worker even after a restart.
        """
        for _ in range(2):  # a second try in a fresh sandbox
            if not self.running:
                self.start()
            # A fresh folder of a name nobody could have taken (the sandbox's
            # folder is writable by earlier workers), created before it is
            # handed over, so the copy lands where it should.
            folder = Path(tempfile.mkdtemp(prefix="worker-", dir=self.workdir))
            shutil.copyfile(module_path, folder / module_path.name)  # never the student's own
            _give(folder, private_uid())
            inside = student_dir(self.level, self.workdir) / folder.name / module_path.name
            requests_read, requests_write = os.pipe()
            replies_read, replies_write = os.pipe()
            request = {
                "op": "spawn",
                "path": str(inside),
                "name": module_name,
                "limits": limits.to_dict(),
            }
            try:
                answer = self._ask(request, fds=[requests_read, replies_write])
            finally:
                os.close(requests_read)
                os.close(replies_write)
            pid = (answer or {}).get("pid")
            if type(pid) is int and pid > 1:
                return pid, requests_write, replies_read
            os.close(requests_write)
            os.close(replies_read)
            self.stop()
        raise SandboxFailed("the sandbox could not start a worker")

    def end(self, pid: int, wait: bool = False) -> int | None:
        """End a worker and whatever it left running; its exit code if known.

        Parameters
        ----------
        pid : int
            The worker, as returned by :meth:`spawn`.
        wait : bool, optional
            Give a worker that is already ending a moment to finish, so that
            its exit code (or the signal that killed it) is known.

        Returns
        -------
        int or None
            The exit code, negative for a signal; ``None`` when unknown (the
            sandbox was killed instead).
        """
        if not self.running:
            return None
        answer = self._ask({"op": "end", "pid": pid, "wait": wait})
        code = (answer or {}).get("exit", False)  # False: no exit code was sent
        if code is not None and type(code) is not int:
            self.stop()  # it did not answer as it should: no process of it survives
            return None
        return code

    def stop(self) -> None:
        """Kill the sandbox and everything in it; remove its folder."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None
            kill_uid(private_uid())
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def _ask(self, request: dict, fds: list[int] | None = None) -> dict | None:
        """Send a request and return the answer; ``None`` if none came in time."""
        try:
            socket.send_fds(self._control, [json.dumps(request).encode()], fds or [])
        except OSError:
            return None
        return self._answer()

    def _answer(self) -> dict | None:
        self._control.settimeout(self.answer_timeout)
        try:
            data, fds, _, _ = socket.recv_fds(self._control, MAX_ANSWER, 1)
        except OSError:  # includes the timeout
            return None
        for fd in fds:  # the server never sends any: a forged answer's are closed
            os.close(fd)
        try:
            answer = json.loads(data)
        except ValueError:
            return None
        return answer if isinstance(answer, dict) else None


def _give(path: Path, uid: int | None) -> None:
    """Hand a folder and its files to the sandbox's private uid (when there is one)."""
    if uid is None:
        return
    for item in [path, *path.rglob("*")]:
        os.chown(item, uid, uid)


def kill_uid(uid: int | None, patience: float = 5.0) -> None:
    """Kill every process left running as the private ``uid``, and wait until none is.

    Forked children may have left the sandbox's process group, and processes
    inside a PID namespace die only after its first process; signalling every
    process of the uid catches them all.
    """
    if uid is None:
        return
    deadline = time.monotonic() + patience
    while processes_of(uid) and time.monotonic() < deadline:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child only kills and exits
            try:
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.01)


def processes_of(uid: int) -> list[int]:
    """Live (not zombie) processes owned by ``uid``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != b"Z":
            found.append(int(entry.name))
    return found
