"""The grader's side of the channel: start a worker, call into it, survive it.

:class:`Worker` owns one sandboxed worker process for one student module,
forked by a sandbox's fork server (:mod:`autograder.sandbox.server`).
:class:`Submission` wraps it as an object whose attributes are the student's
functions, so a test reads ``submission.fit(x, y)``; every failure of the
student's code arrives as one of the :class:`StudentFailure` exceptions below,
never as an object of the student's making.
"""

from __future__ import annotations

import builtins
import os
import signal
import time
from pathlib import Path
from typing import Any

import numpy as np

from autograder.sandbox import codec
from autograder.sandbox.limits import Limits
from autograder.sandbox.server import ForkServer

MAX_REPLY = 256 << 20


class StudentFailure(Exception):
    """Base of every way a call into student code can fail."""

    status = "failed"


class NotStarted(StudentFailure):
    """The function still raises ``NotImplementedError``: the TODO is not done."""


class ImportFailed(StudentFailure):
    """The module could not be imported (syntax error, crash at import, ...)."""

    status = "error"


class MissingFunction(StudentFailure):
    """The module does not define the function."""


class NotPlainData(StudentFailure):
    """The function returned something other than plain data."""


class StudentException(StudentFailure):
    """The function raised an exception of a type the grader does not share."""


class WorkerCrashed(StudentFailure):
    """The worker process ended during the call (exit, signal, resource limit)."""

    status = "error"


class CallTimeout(StudentFailure):
    """The call did not return within its time limit."""

    status = "timeout"


# Built-in exceptions the student raises are re-raised as the grader's own
# built-in class, so that ``pytest.raises(ValueError)`` works; these are fresh
# objects holding only a message.
_SHARED_EXCEPTIONS = {
    name: getattr(builtins, name)
    for name in (
        "ValueError",
        "TypeError",
        "IndexError",
        "KeyError",
        "ZeroDivisionError",
        "ArithmeticError",
        "OverflowError",
        "FloatingPointError",
        "AttributeError",
        "RuntimeError",
        "LookupError",
    )
}


class Worker:
    """One sandboxed worker process serving one student module.

    Parameters
    ----------
    module_path : Path
        The student's ``.py`` file (it is copied; the original is never used).
    level : str
        Sandbox level, see :mod:`autograder.sandbox.levels`.
    limits : Limits, optional
        Resource limits of the worker process.
    start_timeout : float, optional
        Seconds allowed for starting and importing the module.
    server : ForkServer, optional
        The sandbox to fork the worker in, shared with the student's other
        modules; by default the worker has a sandbox of its own, which
        :meth:`stop` stops too. A sandbox serves one worker at a time: ending
        a worker ends every other process in it.
    """

    def __init__(
        self,
        module_path: Path,
        level: str,
        limits: Limits | None = None,
        start_timeout: float = 10.0,
        server: ForkServer | None = None,
    ) -> None:
        self.module_path = Path(module_path)
        self.level = level
        self.limits = limits or Limits()
        self.start_timeout = start_timeout
        self._owns_server = server is None
        self.server = server or ForkServer(level)
        self.pid: int | None = None
        self.import_error: dict | None = None
        self._to_worker = self._from_worker = -1

    # -- life cycle ---------------------------------------------------------

    def start(self) -> None:
        """Start the worker and import the module; record an import failure.

        Raises
        ------
        SandboxFailed
            When the sandbox cannot start a worker: the grader's failure, not
            the student's, so it is never recorded as an import failure.
        """
        self._end()
        self.pid, self._to_worker, self._from_worker = self.server.spawn(
            self.module_path, self.module_path.stem, self.limits
        )
        self._reader = codec.Reader(self._from_worker)
        try:
            hello = self._receive(
                time.monotonic() + self.start_timeout, self.start_timeout, self.start_timeout
            )
        except CallTimeout:
            self.import_error = {
                "type": "Timeout",
                "message": f"importing the module took more than {self.start_timeout:g} s",
            }
        except WorkerCrashed as crash:
            self.import_error = {"type": "Crash", "message": str(crash)}
        else:
            self.import_error = (
                hello.get("import_error")
                if isinstance(hello, dict)
                else {"type": "Protocol", "message": "the worker sent a malformed greeting"}
            )
        if self.import_error:
            self._end()

    def stop(self) -> None:
        """Kill the worker and everything it started (and its own sandbox, if it has one)."""
        self._end()
        if self._owns_server:
            self.server.stop()

    def _end(self, wait: bool = False) -> int | None:
        """End the worker process, keeping the sandbox; its exit code if known."""
        for fd in (self._to_worker, self._from_worker):
            if fd >= 0:
                os.close(fd)
        self._to_worker = self._from_worker = -1
        code = None
        if self.pid is not None:
            code = self.server.end(self.pid, wait=wait)
            self.pid = None
        return code

    @property
    def alive(self) -> bool:
        """Whether a worker is running with the module imported."""
        return self.pid is not None

    # -- calls --------------------------------------------------------------

    def request(
        self, payload: dict, timeout: float, idle_timeout: float = 5.0, max_callbacks: int = 10_000
    ) -> dict:
        """Send one request and return the final reply, serving callbacks meanwhile.

        Parameters
        ----------
        payload : dict
            The request.
        timeout : float
            Seconds the whole call may take, callbacks included.
        idle_timeout : float, optional
            Seconds the worker may compute without a message: an infinite loop
            that never calls back is stopped this soon.
        max_callbacks : int, optional
            Calls back into the grader allowed in one call: a loop that calls
            ``grad`` forever is stopped by this.

        Raises
        ------
        WorkerCrashed, CallTimeout
            The worker is stopped first; the next request restarts it.
        """
        if self.import_error:  # final: importing again would fail again, and cost time
            raise ImportFailed(_describe_import_error(self.import_error))
        if not self.alive:
            self.start()
            if self.import_error:
                raise ImportFailed(_describe_import_error(self.import_error))
        callbacks: list = []

        def register(function: Any) -> int:
            callbacks.append(function)
            return len(callbacks) - 1

        deadline = time.monotonic() + timeout
        served = 0
        try:
            codec.send(self._to_worker, codec.dumps(payload, register))
            while True:
                reply = self._receive(
                    min(deadline, time.monotonic() + idle_timeout), timeout, idle_timeout
                )
                if not isinstance(reply, dict) or "callback" not in reply:
                    return reply
                served += 1
                if served > max_callbacks:
                    self._end()
                    raise CallTimeout(
                        f"it called back into the grader (e.g. grad) more than "
                        f"{max_callbacks} times: does its loop ever stop?"
                    )
                self._answer_callback(reply, callbacks)
        except BrokenPipeError:
            self._crashed()

    def _answer_callback(self, reply: dict, callbacks: list) -> None:
        index = reply.get("callback")
        args, kwargs = reply.get("args", []), reply.get("kwargs", {})
        if (
            type(index) is not int
            or not 0 <= index < len(callbacks)
            or type(args) is not list
            or type(kwargs) is not dict
        ):
            answer = {"error": "malformed callback"}
        else:
            try:
                answer = {"result": callbacks[index](*args, **kwargs)}
            except Exception as error:  # the grader's function refused the student's input
                answer = {"error": f"{type(error).__name__}: {error}"}
        try:
            message = codec.dumps(answer)
        except codec.CodecError as error:
            message = codec.dumps({"error": str(error)})
        codec.send(self._to_worker, message)

    def _receive(self, deadline: float, timeout: float = 0.0, idle_timeout: float = 0.0) -> Any:
        try:
            return codec.loads(self._reader.receive(MAX_REPLY, deadline))
        except codec.ChannelTimeout:
            self._end()
            raise CallTimeout(
                f"it did not return within {timeout:g} s, or computed for "
                f"{idle_timeout:g} s without progress: is there an infinite "
                f"loop?"
            ) from None
        except codec.ChannelClosed:
            self._crashed()
        except codec.CodecError as error:
            self._end()
            raise NotPlainData(f"the worker's answer was not plain data ({error})") from None

    def _crashed(self) -> None:
        raise WorkerCrashed(_describe_exit(self._end(wait=True))) from None


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "the worker process ended"
    if code < 0:
        name = signal.Signals(-code).name
        why = {
            "SIGXCPU": " (CPU time limit)",
            "SIGKILL": " (killed, possibly out of memory)",
            "SIGXFSZ": " (file size limit)",
            "SIGSEGV": " (segmentation fault)",
        }.get(name, "")
        return f"the worker process was killed by {name}{why}"
    return f"the worker process exited with code {code} (did the code call os._exit or exit?)"


def _describe_import_error(error: dict) -> str:
    where = f" at {error['where']}" if error.get("where") else ""
    return f"the module could not be imported: {error.get('type')}{where}: {error.get('message')}"


class Submission:
    """A student's module seen through a worker: attributes are remote calls.

    Parameters
    ----------
    worker : Worker
        The worker holding the module.
    call_timeout : float, optional
        Seconds allowed for each call.

    Examples
    --------
    >>> submission.mse([1, 2], [1, 3])  # doctest: +SKIP
    0.5
    """

    def __init__(self, worker: Worker, call_timeout: float = 10.0) -> None:
        self._worker = worker
        self._timeout = call_timeout
        #: What the last call changed in place among its array arguments:
        #: positions and keywords, as reported by the worker.
        self.changed_arguments: list = []
        #: The RuntimeWarnings (NumPy overflow, ...) the last call let out.
        self.warnings: list[str] = []

    def plot(self, name: str, *args: Any, **kwargs: Any) -> dict:
        """Call a plotting function and return a plain summary of its Axes."""
        return self._call(name, args, kwargs, view="axes")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._call(name, args, kwargs)

    def _request(self, payload: dict) -> Any:
        """Send one request to the worker (the hook for time budgets)."""
        return self._worker.request(payload, self._timeout)

    def _call(self, name: str, args: tuple, kwargs: dict, view: str | None = None) -> Any:
        payload = {"op": "call", "name": name, "args": list(args), "kwargs": kwargs, "view": view}
        self.changed_arguments, self.warnings = [], []
        reply = self._request(payload)
        if isinstance(reply, dict) and isinstance(reply.get("changed"), list):
            self.changed_arguments = reply["changed"]
        if isinstance(reply, dict) and isinstance(reply.get("warned"), list):
            self.warnings = [str(text)[:300] for text in reply["warned"][:3]]
        generators = [v for v in [*args, *kwargs.values()] if isinstance(v, np.random.Generator)]
        return self._unwrap(reply, name, generators)

    @staticmethod
    def _unwrap(reply: Any, name: str, generators: list) -> Any:
        if not isinstance(reply, dict):
            raise NotPlainData("the worker's answer was malformed")
        if "return" in reply:
            states = reply.get("rngs", [])
            if isinstance(states, list) and len(states) == len(generators):
                for generator, state in zip(generators, states, strict=True):
                    try:
                        generator.bit_generator.state = state
                    except (TypeError, ValueError, KeyError):
                        raise NotPlainData("the random generator came back malformed") from None
            return reply["return"]
        if "raise" in reply and isinstance(reply["raise"], dict):
            error = reply["raise"]
            kind, message = str(error.get("type")), str(error.get("message", ""))
            where = f" ({error['where']})" if error.get("where") else ""
            if kind == "NotImplementedError":
                raise NotStarted(f"{name} still raises NotImplementedError: not started yet")
            if error.get("builtin") and kind in _SHARED_EXCEPTIONS:
                shared = _SHARED_EXCEPTIONS[kind](message)
                shared.from_student = True  # tells the grader's own errors apart
                raise shared
            if kind == "SystemExit":
                raise StudentException(f"{name} called sys.exit(){where}")
            raise StudentException(f"{name} raised {kind}{where}: {message}")
        if "not_plain" in reply:
            raise NotPlainData(
                f"{name} returned something that is not plain data: {reply['not_plain']}"
            )
        if "missing" in reply:
            raise MissingFunction(f"the module has no {name!r}")
        raise NotPlainData("the worker's answer was malformed")
