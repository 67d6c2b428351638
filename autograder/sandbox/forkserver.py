"""The fork server: one per sandbox, it forks a fresh worker per student module.

Starting a sandboxed interpreter and importing NumPy costs a fifth of a second
of CPU; grading a submission needs a worker per exercise, and a new one after
every crash or timeout. So the grader starts one sandbox per submission with
this program in it, which imports what the workers need once and then forks
a worker whenever asked. It never runs student code itself: only its children
do, each in a session of its own with its own resource limits.

Run by the grader inside the sandbox as
``python -I -S -B forkserver.py CONTROL_FD SWEEP [LIBRARY_DIR ...]
[--preload=MODULE ...] [--beside=PATH ...] [--read=PATH ...] [--write=PATH ...]``:
``SWEEP`` is ``1`` when every other process of the sandbox may be killed when
a worker ends (a PID namespace or a private uid keeps that inside the
sandbox). Each ``--beside`` file is a worker file kept in another folder
(the reference's ``objectives.py``, which :mod:`functions` imports): it is
imported first, as the top-level module it would be beside this file, and
its folder stays off ``sys.path``. Each ``--preload`` module (matplotlib's
``pyplot`` for a submission that plots) is imported once here, so that the
workers forked afterwards find it loaded; one that fails to import is left
for the workers to import (and fail on) themselves. With any ``--read`` or
``--write``, the server restricts itself with Landlock (:mod:`landlock`) to
reading and writing those paths only, after its imports and before it says
ready, so that every worker it forks inherits the restriction; if it cannot,
it exits without saying ready.
Requests and replies are JSON datagrams on the control socket::

    {"op": "spawn", "path": file, "name": module, "limits": {...}}
        with two file descriptors attached (the worker's request pipe to read
        and its reply pipe to write)
        -> {"pid": pid}
    {"op": "end", "pid": pid, "wait": bool}
        -> {"exit": code or null}   (``wait``: let a dying worker finish first
                                      and report how it ended)

On start the server sends ``{"ready": true}``; it exits when the grader closes
the socket.

The server is a child subreaper: whatever a worker's processes leave
running (a daemon forked twice, in a session of its own) is re-parented to
the server rather than to the system's init, so the server finds every such
process among its own children (``/proc/self/task/<tid>/children``, opened
before the Landlock restriction, which would refuse it later) and kills it
when a worker ends and before the server exits.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import signal
import socket
import sys
import time


def _options(
    arguments: list[str],
) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """Split the arguments after SWEEP: library folders, modules to preload, files beside,
    readable and writable paths."""
    libraries: list[str] = []
    preload: list[str] = []
    beside: list[str] = []
    read: list[str] = []
    write: list[str] = []
    for argument in arguments:
        if argument.startswith("--preload="):
            preload.append(argument[len("--preload=") :])
        elif argument.startswith("--beside="):
            beside.append(argument[len("--beside=") :])
        elif argument.startswith("--read="):
            read.append(argument[len("--read=") :])
        elif argument.startswith("--write="):
            write.append(argument[len("--write=") :])
        elif argument.startswith("--"):
            raise SystemExit(f"forkserver: unknown option {argument}")
        else:
            libraries.append(argument)
    return libraries, preload, beside, read, write


def _import_beside(path: str) -> None:
    """Import the file at ``path`` as the top-level module it would be beside this one."""
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"forkserver: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


LIBRARIES, PRELOAD, BESIDE, READ, WRITE = _options(sys.argv[3:])
# With -I -S the server sees no site-packages (so none of the grader's own
# packages): its library folders (NumPy, matplotlib) come on the command line.
sys.path[0:0] = [os.path.dirname(os.path.abspath(__file__)), *LIBRARIES]
for _path in BESIDE:  # before worker imports functions, which imports them
    _import_beside(_path)

import landlock  # noqa: E402
import worker  # noqa: E402 - also imports codec, NumPy, plots, side_effects
from limits import Limits  # noqa: E402

for _module in PRELOAD:
    try:
        importlib.import_module(_module)
    except Exception:  # noqa: BLE001 - the worker imports it itself, and reports the failure
        pass

MAX_REQUEST = 1 << 16
WAIT_FOR_EXIT = 1.0  # seconds a dying worker gets to finish before it is killed
PR_SET_CHILD_SUBREAPER = 36
KILL_ROUNDS = 1000  # each round kills the children the previous round's left behind
CHILDREN = -1  # /proc/self/task/<tid>/children of the main thread, opened in main()


def _spawn(control: socket.socket, request: dict, fds: list[int]) -> dict:
    """Fork a worker for one module; only the child ever touches student code."""
    limits = Limits.from_dict(request.get("limits"))
    path, name = request.get("path"), request.get("name")
    if not isinstance(path, str) or not isinstance(name, str):
        raise ValueError("spawn needs a path and a module name")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns to the server
        code = 0
        try:
            control.close()
            os.setsid()  # its own process group: ending it ends what it forked
            limits.apply()
            worker.serve(path, name, fds[0], fds[1])
        except BaseException:  # noqa: BLE001 - whatever happens, never back to the loop
            code = 70
        finally:
            os._exit(code)
    return {"pid": pid}


def _end(pid: object, wait: bool, sweep: bool) -> dict:
    """Stop one worker and everything it left running; report its exit code."""
    if type(pid) is not int or pid <= 1:
        raise ValueError("end needs a worker's pid")
    code = None
    deadline = time.monotonic() + (WAIT_FOR_EXIT if wait else 0.0)
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # not a child (any more)
            break
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() >= deadline:
            for kill in (os.kill, os.killpg):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            break
        time.sleep(0.005)
    _kill_descendants()
    if sweep:
        # Every other process this sandbox's uid may signal: whatever the
        # student's code left behind, even outside the worker's session.
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    _reap()
    return {"exit": code}


def _become_subreaper() -> bool:
    """Have the orphans of this server's descendants re-parented to it; whether it worked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    on, zero = ctypes.c_ulong(1), ctypes.c_ulong(0)
    return libc.prctl(ctypes.c_int(PR_SET_CHILD_SUBREAPER), on, zero, zero, zero) == 0


def _open_children() -> int:
    """The list of this (main) thread's children, kept open; -1 where the kernel has none."""
    try:
        return os.open(f"/proc/self/task/{os.getpid()}/children", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return -1


def _children() -> list[int]:
    """The server's live children, read again from the list opened at start."""
    if CHILDREN < 0:
        return []
    chunks = []
    try:
        os.lseek(CHILDREN, 0, os.SEEK_SET)
        while chunk := os.read(CHILDREN, 1 << 16):
            chunks.append(chunk)
    except OSError:
        return []
    return [int(pid) for pid in b"".join(chunks).split()]


def _kill_descendants() -> None:
    """Kill every process below the server, however far from it each was started.

    Killing a child re-parents its own children to the server (a
    subreaper), so round after round reaches the whole tree; a process
    forking meanwhile only adds a child for the next round.
    """
    for _ in range(KILL_ROUNDS):
        children = _children()
        if not children:
            break
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)  # once it is gone, its children are the server's
            except ChildProcessError:
                pass
    _reap()


def _reap() -> None:
    """Collect children that have ended (a server that is PID 1 also adopts orphans)."""
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def main() -> None:
    """Restrict the server if asked, say ready, then serve the grader's requests.

    The restriction comes once everything imported up front is loaded, and
    before any worker is forked, so that every worker inherits it before any
    student code runs. A server asked for one never runs without it: it
    exits, and the grader reports that the sandbox did not start. However
    serving ends (the grader closed the socket or died), every process
    below the server is killed before it exits.
    """
    global CHILDREN
    _become_subreaper()
    CHILDREN = _open_children()  # before Landlock, which keeps /proc closed
    if (READ or WRITE) and not landlock.restrict(READ, WRITE):
        raise SystemExit("forkserver: Landlock is not available")
    control = socket.socket(fileno=int(sys.argv[1]))
    sweep = sys.argv[2] == "1"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        control.send(json.dumps({"ready": True}).encode())
        _serve(control, sweep)
    finally:
        _kill_descendants()


def _serve(control: socket.socket, sweep: bool) -> None:
    """Answer the grader's requests until it closes the control socket."""
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 2)
        except OSError:
            return
        if not data:
            return
        try:
            request = json.loads(data)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
            if request.get("op") == "spawn" and len(fds) == 2:
                reply = _spawn(control, request, fds)
            elif request.get("op") == "end":
                reply = _end(request.get("pid"), bool(request.get("wait")), sweep)
            else:
                reply = {"error": "unknown request"}
        except (ValueError, OSError) as error:
            reply = {"error": f"{type(error).__name__}: {error}"}
        finally:
            for fd in fds:
                os.close(fd)
        control.send(json.dumps(reply).encode())


if __name__ == "__main__":
    main()
