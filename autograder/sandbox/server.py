"""The grader's handle on one sandbox: a fork server that starts workers.

A :class:`ForkServer` starts one sandbox (see :mod:`autograder.sandbox.levels`)
with the fork server program in it (``forkserver.py``), and asks it for a
fresh worker process per student module. A grading run keeps one per
submission, so NumPy is imported once per student instead of once per
exercise and per restart. Everything the server says is treated as
untrusted: a student's worker runs under the same uid and could stop or
replace it, so any malformed, late or missing answer makes the grader kill
the whole sandbox and start a new one on the next request.

Nothing of a sandbox outlives it: stopping one lets its fork server kill
what its workers left running, then kills every process of it (its control
group where there is one, see :mod:`autograder.sandbox.cgroups`, and every
process of its private uid), and removes its folder, its group and, where
nothing else keeps a submission out of the shared temporary folders, what
its uid left there. :func:`sweep_run` does the same for a grading process
that was killed before it could stop its sandboxes.

Over 300 lines on purpose: starting, asking and ending a sandbox are one
lifecycle; each step relies on how the others left it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from autograder.sandbox import cgroups, landlock
from autograder.sandbox.levels import (
    PRIVATE_TMP,
    clean_environment,
    private_uid,
    seed_font_cache,
    server_command,
    student_dir,
)
from autograder.sandbox.limits import Limits

MAX_ANSWER = 4096
STOP_GRACE = 1.0  # seconds a server gets to kill its workers' leftovers and exit


#: What the fork server imports up front for a submission that plots, so that its
#: workers do not each import it again (about a quarter of a second each).
PLOTTING = ("matplotlib.pyplot",)


def preloads_for(paths: list[Path]) -> tuple[str, ...]:
    """What a fork server should import before forking workers for these files.

    matplotlib when any of them names it (a plain look at the bytes, a
    notebook's too: nothing of the student's runs here); nothing otherwise,
    so a submission that does not plot never waits for it.
    """
    for path in paths:
        try:
            if b"matplotlib" in path.read_bytes():
                return PLOTTING
        except OSError:
            continue
    return ()


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
    budget : cgroups.Budget, optional
        What all the sandbox's processes may use together, where it gets a
        control group of its own.
    preload : tuple of str, optional
        Modules the server imports before it forks any worker (matplotlib
        for a submission that plots), so that each worker finds them loaded.

    Attributes
    ----------
    group : cgroups.Group or None
        The running sandbox's control group; ``None`` where none can be made.
    """

    def __init__(
        self,
        level: str,
        limits: Limits | None = None,
        answer_timeout: float = 10.0,
        budget: cgroups.Budget | None = None,
        preload: tuple[str, ...] = (),
    ) -> None:
        self.level = level
        self.preload = preload
        self.limits = limits or Limits()
        self.answer_timeout = answer_timeout
        self.budget = budget or cgroups.Budget()
        self.process: subprocess.Popen | None = None
        self.workdir: Path | None = None
        self.group: cgroups.Group | None = None
        self._control: socket.socket | None = None
        self._ready = False

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
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the sandbox without waiting for it: the caller may work meanwhile.

        The sandbox takes a while to import NumPy (and whatever it preloads);
        :meth:`wait_ready`, or the first :meth:`spawn`, waits for it. (A
        thread would not do: the sandbox dies with the thread that started
        it.)

        Raises
        ------
        SandboxFailed
            When it cannot be started at all.
        """
        self.stop()
        uid = private_uid()
        self.workdir = Path(tempfile.mkdtemp(prefix="gdlab-sandbox-"))
        seed_font_cache(self.workdir)
        _give(self.workdir, uid)
        try:
            self.group = cgroups.Group.create(self.budget)
        except OSError:  # a bound it cannot set: as on a machine without groups
            self.group = None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                server_command(self.level, self.workdir, theirs.fileno(), uid, self.preload),
                cwd=self.workdir,
                env=clean_environment(student_dir(self.level, self.workdir)),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
                preexec_fn=self._enter,
            )
        except (OSError, subprocess.SubprocessError) as error:  # a missing tool, a bad cwd
            ours.close()
            self.stop()
            raise SandboxFailed(f"the sandbox did not start ({error})") from None
        finally:
            theirs.close()
        self._control = ours
        self._ready = False

    def wait_ready(self) -> None:
        """Wait until a launched sandbox's server says it is ready.

        Raises
        ------
        SandboxFailed
            When it does not answer in time (it is then stopped).
        """
        if self._ready:
            return
        if self._control is None or self._answer() != {"ready": True}:
            code = self.process.poll() if self.process is not None else None
            self.stop()
            raise SandboxFailed(
                "the sandbox did not start"
                + (f" (its server exited with code {code})" if code is not None else "")
            )
        self._ready = True

    def spawn(
        self, module_path: Path, module_name: str, limits: Limits
    ) -> tuple[int, int, int, int, Path]:
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
        tuple
            The worker's pid (as the server sees it), the pipe end to write
            requests to, the pipe end to read replies from, the read end of
            the worker's output (its fds 1 and 2: the FIFO
            ``side_effects.OUTPUT_NAME`` in its folder, opened read-write
            and non-blocking, so that it never reads end of file) and the
            worker's folder as the grader sees it (where the arguments of
            its calls are shared).

        Raises
        ------
        SandboxFailed
            When the sandbox cannot start a worker even after a restart.
        """
        # Here, not at the top: launching a sandbox must not wait for NumPy's import.
        from autograder.sandbox.side_effects import OUTPUT_NAME

        for _ in range(2):  # a second try in a fresh sandbox
            if not self.running:
                self.start()
            self.wait_ready()  # launched earlier, perhaps not ready yet
            # A fresh folder of a name nobody could have taken (the sandbox's
            # folder is writable by earlier workers), filled before it is
            # handed over, so the copy and the FIFO land where they should.
            folder = Path(tempfile.mkdtemp(prefix="worker-", dir=self.workdir))
            shutil.copyfile(module_path, folder / module_path.name)  # never the student's own
            os.mkfifo(folder / OUTPUT_NAME, 0o600)
            output = os.open(folder / OUTPUT_NAME, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
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
                return pid, requests_write, replies_read, output, folder
            for fd in (requests_write, replies_read, output):
                os.close(fd)
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

    def _enter(self) -> None:
        """Between fork and exec of the sandbox: join its group, then take its limits."""
        if self.group is not None:
            self.group.join()
        self.limits.apply()

    def stop(self) -> None:
        """Kill the sandbox and everything in it; remove its folder and its group.

        Closing the control socket tells the server to kill what its workers
        left running and exit; it gets a moment for that (which also covers
        the level without a group or a private uid), then the sandbox is
        killed whatever it did.
        """
        if self._control is not None:
            self._control.close()
            self._control = None
        self._ready = False
        uid = private_uid()
        if self.process is not None:
            if self.process.returncode is None:  # not reaped yet, so its pid is still its own
                try:
                    wait_unreaped(self.process.pid, STOP_GRACE)  # wakes as it exits
                except ChildProcessError:  # reaped meanwhile by a poll() of another thread
                    pass
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None
            kill_uid(uid)
        if self.group is not None:
            self.group.remove()
            self.group = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
            if self.level != "bubblewrap" and landlock.abi_version() < 1:
                remove_litter(uid)  # only Landlock keeps it out of /tmp at these levels

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
        os.chown(item, uid, uid, follow_symlinks=False)  # a planted link gives nothing away


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


def remove_litter(uid: int | None, folders: tuple[str, ...] = PRIVATE_TMP) -> list[Path]:
    """Remove what the private ``uid`` left at the top of the shared temporary folders.

    Call it once no process of the uid is left. Links are removed, never
    followed, and only entries the uid owns are touched.

    Parameters
    ----------
    uid : int or None
        A sandbox's private uid; ``None`` (no private uid) removes nothing,
        since a sandbox of the grader's own uid cannot be told apart from it.
    folders : tuple of str, optional
        The shared folders to clean.

    Returns
    -------
    list of Path
        What was removed.
    """
    removed: list[Path] = []
    if uid is None:
        return removed
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed


def sweep_run(pid: int, folder: Path | None = None) -> None:
    """Remove every trace of a grading process's sandboxes, however it ended.

    For a grading process (``pid``) that may have been killed before it
    could stop its sandboxes: their control groups and the processes of its
    private uid are killed, what that uid left in the shared temporary
    folders is removed, and so is ``folder``, the private temporary folder
    it made its sandboxes' folders in.
    """
    uid = private_uid(pid)
    cgroups.sweep(pid)
    kill_uid(uid)
    remove_litter(uid)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def wait_unreaped(pid: int, timeout: float | None) -> bool:
    """Wait until the child ``pid`` ends, without reaping it; whether it ended in time.

    Until it is reaped its pid stays its own, so what is named after that pid
    (its sandboxes' private uid and control groups) can be swept without
    catching a newer process that got the same pid.

    Parameters
    ----------
    pid : int
        A child of this process.
    timeout : float or None
        Seconds to wait; ``None`` waits as long as it takes.
    """
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):  # before Linux 5.3: look every 50 ms
        deadline = None if timeout is None else time.monotonic() + timeout
        while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True
    try:
        ended = bool(select.select([handle], [], [], timeout)[0])  # readable once it exits
    finally:
        os.close(handle)
    return ended
