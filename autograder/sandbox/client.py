"""The grader's side of the channel: start a worker, call into it, survive it.

:class:`Worker` owns one sandboxed worker process for one student module,
forked by a sandbox's fork server (:mod:`autograder.sandbox.server`).
:class:`Submission` wraps it as an object whose attributes are the student's
functions, so a test reads ``submission.fit(x, y)``; every failure of the
student's code arrives as one of the :class:`StudentFailure` exceptions below,
never as an object of the student's making.

Besides each call's reply, the grader observes the call itself, where the
student's code cannot reach (see :mod:`autograder.sandbox.side_effects`):
the array arguments it changed in place, in files the grader owns, and the
warnings and ``show()`` calls on the worker's output, read while the call
runs. Each reply costs a bounded amount of memory (:data:`MAX_REPLY` and the
codec's limits), and a reply counts only for the call whose random id it
carries: frames a module writes to the channel itself never reach another
call.

Over 300 lines on purpose: starting, calling, observing and restarting a worker are
one protocol, and splitting it would scatter the rules each reply must pass.
"""

from __future__ import annotations

import builtins
import os
import secrets
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder.sandbox import codec, side_effects
from autograder.sandbox.levels import private_uid
from autograder.sandbox.limits import Limits
from autograder.sandbox.server import ForkServer

# Largest reply: the codec's message limit, about 24 times the largest reply
# of the answer keys over the public and hidden suites (see codec.MAX_MESSAGE).
MAX_REPLY = codec.MAX_MESSAGE
# Output read without waiting once a reply is in, and between calls: a thread
# that prints for ever must not keep the grader reading.
OUTPUT_DRAIN = 1 << 20


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


class MalformedReply(NotPlainData):
    """The worker's channel carried what no honest worker sends for the call.

    A message over a limit, bytes that are not plain data, a reply without
    the call's id: the module wrote to the channel itself. The worker is
    ended, and the next call starts a fresh one.
    """


class StudentException(StudentFailure):
    """The function raised an exception of a type the grader does not share."""


class WorkerCrashed(StudentFailure):
    """The worker process ended during the call (exit, signal, resource limit)."""

    status = "error"


class CallTimeout(StudentFailure):
    """The call did not return within its time limit."""

    status = "timeout"


class _Violation(Exception):
    """A frame no honest worker sends for the current call (handled by :meth:`Worker.request`)."""


@dataclass
class CallReport:
    """What the grader itself observed of one call, besides its reply.

    Attributes
    ----------
    changed : list
        Positions and keywords of the array arguments whose values changed
        in the grader's own memory.
    warnings : list of str
        Up to three distinct ``RuntimeWarning`` lines the call wrote out.
    shown : bool
        Whether the call asked matplotlib to show a figure.
    output : str
        The first few KiB the call printed.
    """

    changed: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    shown: bool = False
    output: str = ""


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
        self.folder: Path | None = None
        self._to_worker = self._from_worker = self._output = -1
        #: What the grader observed of the last call (see :class:`CallReport`).
        self.report = CallReport()

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
        self.pid, self._to_worker, self._from_worker, self._output, self.folder = (
            self.server.spawn(self.module_path, self.module_path.stem, self.limits)
        )
        self._reader = codec.Reader(self._from_worker)
        self.import_error = self._greeting()
        if self.import_error:
            self._end()

    def _greeting(self) -> dict | None:
        """Wait for the worker's first message: ``None`` once the module is imported."""
        try:
            hello = self._receive(
                time.monotonic() + self.start_timeout,
                self.start_timeout,
                self.start_timeout,
                side_effects.CallOutput(),  # what the module prints at import counts for no call
            )
        except CallTimeout:
            return {
                "type": "Timeout",
                "message": f"importing the module took more than {self.start_timeout:g} s",
            }
        except WorkerCrashed as crash:
            return {"type": "Crash", "message": str(crash)}
        except _Violation:  # it wrote to the channel itself while being imported
            hello = None
        if isinstance(hello, dict) and ("ready" in hello or "import_error" in hello):
            return hello.get("import_error")
        return {"type": "Protocol", "message": "the worker sent a malformed greeting"}

    def stop(self) -> None:
        """Kill the worker and everything it started (and its own sandbox, if it has one)."""
        self._end()
        if self._owns_server:
            self.server.stop()

    def end(self) -> None:
        """End the worker, keeping the sandbox: the next request starts a fresh one."""
        self._end()

    def _end(self, wait: bool = False) -> int | None:
        """End the worker process, keeping the sandbox; its exit code if known."""
        for fd in (self._to_worker, self._from_worker, self._output):
            if fd >= 0:
                os.close(fd)
        self._to_worker = self._from_worker = self._output = -1
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

        What the grader observes of the call meanwhile is left in
        :attr:`report`. A worker whose channel holds bytes of an earlier
        call is replaced before the request is sent. A frame that breaks the
        channel's rules (over a limit, not plain data, or without this
        call's id: written by the module itself) ends the worker, and the
        call is tried once more in a fresh one, so that frames left by an
        earlier call never fail this one; a second such frame is this call's
        own failure.

        Parameters
        ----------
        payload : dict
            The request; for a call, its top-level array arguments travel
            through files the grader owns (:class:`side_effects.SharedArgument`).
        timeout : float
            Seconds the whole call may take, callbacks and a second try included.
        idle_timeout : float, optional
            Seconds the worker may compute without a message: an infinite loop
            that never calls back is stopped this soon.
        max_callbacks : int, optional
            Calls back into the grader allowed in one call: a loop that calls
            ``grad`` forever is stopped by this.

        Raises
        ------
        ImportFailed
            When the module cannot be imported (final: it is not tried again).
        WorkerCrashed, CallTimeout, MalformedReply
            The worker is stopped first; the next request restarts it.
        """
        self.report = CallReport()
        deadline = time.monotonic() + timeout
        for attempt in (1, 2):
            self._ready()
            try:
                return self._attempt(payload, deadline, timeout, idle_timeout, max_callbacks)
            except _Violation as violation:
                self._end()
                if attempt == 2:
                    raise MalformedReply(
                        f"the worker's answer broke the channel's rules ({violation})"
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _ready(self) -> None:
        """A live worker with the module imported and nothing left in its channel."""
        if self.import_error:  # final: importing again would fail again, and cost time
            raise ImportFailed(_describe_import_error(self.import_error))
        if self.alive and self._reader.pending():
            self._end()  # frames of an earlier call: the next call gets a clean worker
        if self.alive:
            codec.drain(self._output, lambda chunk: None, OUTPUT_DRAIN)  # printed between calls
        else:
            self.start()
            if self.import_error:
                raise ImportFailed(_describe_import_error(self.import_error))

    def _attempt(
        self, payload: dict, deadline: float, timeout: float, idle_timeout: float, limit: int
    ) -> dict:
        callbacks: list = []

        def register(function: Any) -> int:
            callbacks.append(function)
            return len(callbacks) - 1

        token = secrets.token_hex(16)
        output = side_effects.CallOutput()
        shared = self._share(payload)
        try:
            codec.send(self._to_worker, codec.dumps(_outgoing(payload, token, shared), register))
            served = 0
            while True:
                reply = self._receive(
                    min(deadline, time.monotonic() + idle_timeout), timeout, idle_timeout, output
                )
                if not isinstance(reply, dict) or reply.get("id") != token:
                    raise _Violation("a message that is not this call's reply")
                if "callback" not in reply:
                    break
                served += 1
                if served > limit:
                    self._end()
                    raise CallTimeout(
                        f"it called back into the grader (e.g. grad) more than "
                        f"{limit} times: does its loop ever stop?"
                    )
                self._answer_callback(reply, callbacks)
            # The worker wrote its output before its reply: all of it is here.
            codec.drain(self._output, output.feed, OUTPUT_DRAIN)
            output.finish()
            self.report = CallReport(
                [argument.key for argument in shared if argument.changed()],
                output.warnings,
                output.shown,
                output.head.decode("utf-8", "replace"),
            )
            return reply
        except BrokenPipeError:
            self._crashed()
        finally:
            for argument in shared:
                argument.remove()

    def _share(self, payload: dict) -> list[side_effects.SharedArgument]:
        """Put the call's top-level array arguments in files of the worker's folder."""
        if payload.get("op") != "call" or self.folder is None:
            return []
        arguments = [
            *enumerate(payload.get("args", [])),
            *payload.get("kwargs", {}).items(),
        ]
        shared: list[side_effects.SharedArgument] = []
        try:
            for key, value in arguments:
                if side_effects.shareable(value):
                    shared.append(
                        side_effects.SharedArgument.create(self.folder, key, value, private_uid())
                    )
        except BaseException:
            for argument in shared:
                argument.remove()
            raise
        return shared

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

    def _receive(
        self,
        deadline: float,
        timeout: float = 0.0,
        idle_timeout: float = 0.0,
        output: side_effects.CallOutput | None = None,
    ) -> Any:
        watch = None if output is None or self._output < 0 else (self._output, output.feed)
        try:
            return codec.loads(self._reader.receive(MAX_REPLY, deadline, watch))
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
            raise _Violation(str(error)) from None

    def _crashed(self) -> None:
        raise WorkerCrashed(_describe_exit(self._end(wait=True))) from None


def _outgoing(payload: dict, token: str, shared: list[side_effects.SharedArgument]) -> dict:
    """The request as sent: with the call's id, and shared arguments as ``None``."""
    message = {**payload, "id": token}
    if shared:
        keys = {argument.key for argument in shared}  # ints and strings never collide
        message["args"] = [None if i in keys else v for i, v in enumerate(payload["args"])]
        message["kwargs"] = {k: None if k in keys else v for k, v in payload["kwargs"].items()}
        message["shared"] = [argument.spec() for argument in shared]
    return message


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
        #: positions and keywords, as the grader found its own copies.
        self.changed_arguments: list = []
        #: The RuntimeWarnings (NumPy overflow, ...) the last call let out.
        self.warnings: list[str] = []
        #: Whether the last call asked matplotlib to show a figure (``plt.show()``).
        self.show_called = False
        #: The first few KiB the last call printed.
        self.output = ""

    def plot(self, name: str, *args: Any, **kwargs: Any) -> dict:
        """Call a plotting function and return a plain summary of its Axes.

        Raises
        ------
        MalformedReply
            When the summary is not shaped as :func:`axes.axes_summary` makes it.
        """
        summary = self._call(name, args, kwargs, view="axes")
        if not _is_summary(summary):
            raise MalformedReply(f"{name}: the summary of its plot was malformed")
        return summary

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._call(name, args, kwargs)

    def _request(self, payload: dict) -> Any:
        """Send one request to the worker (the hook for time budgets)."""
        return self._worker.request(payload, self._timeout)

    def _call(self, name: str, args: tuple, kwargs: dict, view: str | None = None) -> Any:
        payload = {"op": "call", "name": name, "args": list(args), "kwargs": kwargs, "view": view}
        self.changed_arguments, self.warnings, self.show_called, self.output = [], [], False, ""
        reply = self._request(payload)
        report = self._worker.report
        self.changed_arguments, self.warnings = report.changed, report.warnings
        self.show_called, self.output = report.shown, report.output
        generators = [v for v in [*args, *kwargs.values()] if isinstance(v, np.random.Generator)]
        try:
            return self._unwrap(reply, name, generators)
        except MalformedReply:
            self._worker.end()  # it wrote its own frames: the next call gets a fresh worker
            raise

    @staticmethod
    def _unwrap(reply: Any, name: str, generators: list) -> Any:
        if not isinstance(reply, dict):
            raise MalformedReply("the worker's answer was malformed")
        if "return" in reply:
            states = reply.get("rngs")
            if not isinstance(states, list) or len(states) != len(generators):
                raise MalformedReply("the random generators did not come back")
            for generator, state in zip(generators, states, strict=True):
                try:
                    generator.bit_generator.state = state
                except Exception:  # whatever NumPy raises for it: OverflowError, ...
                    raise MalformedReply("the random generator came back malformed") from None
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
            skipped = reply.get("skipped")
            why = ""
            if isinstance(skipped, list) and skipped and all(isinstance(x, str) for x in skipped):
                why = f" ({'; '.join(item[:200] for item in skipped[:3])})"
            raise MissingFunction(f"the module has no {name!r}{why}")
        raise MalformedReply("the worker's answer was malformed")


SUMMARY_TEXTS = ("yscale", "xlabel", "ylabel", "title")


def _is_summary(summary: Any) -> bool:
    """Whether a plot's summary has the shape :func:`axes.axes_summary` gives it."""
    return (
        isinstance(summary, dict)
        and isinstance(summary.get("lines"), list)
        and all(isinstance(line, (tuple, list)) and len(line) == 2 for line in summary["lines"])
        and all(isinstance(summary.get(key), str) for key in SUMMARY_TEXTS)
        and type(summary.get("pyplot_figures")) is int
    )
