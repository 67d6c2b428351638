"""The worker: imports one student module and answers calls on it.

The fork server (:mod:`forkserver`) forks a fresh process for each student
module and calls :func:`serve` in it with the two pipe ends of the worker's
channel: requests arrive on the first, replies leave on the second. The
process's own output (fds 1 and 2) goes to a pipe the grader reads during
each call (the FIFO ``side_effects.OUTPUT_NAME`` in the worker's folder).
Only the standard library, NumPy and the modules beside this file
(:mod:`codec`, :mod:`axes`, :mod:`functions`, :mod:`side_effects`) are used;
matplotlib, when the module plots, draws with the sandbox's backend
(:mod:`gdlab_backend`).

The rule: the student's module shares this process and can replace any code
in it, this module's included, so nothing the worker says about a call grants
points beyond the call's own result. What decides a point is observed where
the module cannot reach it: arrays changed in place in files the grader owns
and reads back after the call, warnings and ``show()`` on the process's own
output as it arrives in the grader, and a reply only counts for the call
whose random id it carries.

Requests and replies (dicts before encoding)::

    {"op": "call", "id": token, "name": f, "args": [...], "kwargs": {...},
     "view": None | "axes", "shared": [[position or keyword, file, dtype, shape], ...]}
        -> {"id": token, "return": value, "rngs": [state, ...]}
         | {"id": token, "raise": {"type": name, "message": text, "builtin": bool}}
         | {"id": token, "not_plain": text} | {"id": token, "missing": name}
    during a call the worker may ask {"id": token, "callback": id, "args": [...]}
        <- {"result": value} | {"error": text}

Each ``shared`` argument is sent as ``None`` in ``args`` or ``kwargs`` and
handed to the function as a writable array over the grader's file. On start
the worker sends ``{"ready": true}`` or ``{"import_error": {...}}``.
"""

from __future__ import annotations

import builtins
import importlib.util
import io
import os
import sys
import traceback
import warnings

import axes
import codec
import numpy as np
import side_effects

REQUESTS, REPLIES = -1, -1  # set from the command line
MAX_REQUEST = codec.MAX_MESSAGE
MESSAGE_LIMIT = 2000
OUTPUT = -1  # the output pipe, put back on fds 1 and 2 before each call
CALL_ID: object = None  # the id of the request being served, echoed in every frame
FOLDER = ""  # the worker's own folder, where the shared arguments are
NON_INTERACTIVE = r".*is non-interactive, and thus cannot be shown"


def _reply(payload: dict) -> None:
    codec.send(REPLIES, codec.dumps({**payload, "id": CALL_ID}))


def _text(value: object) -> str:
    """str() of a student's object, which may itself misbehave."""
    try:
        text = str(value)
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not stop the worker
        text = "<unprintable>"
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + "..."


def _is_student_file(filename: str) -> bool:
    """The student's module, or one of a notebook's cells (compiled as ``cell N``)."""
    return filename.endswith(STUDENT_FILE) or filename.startswith(NOTEBOOK_CELL)


def _place(filename: str, line: int) -> str:
    """Where an error happened, as the student sees it: ``line 3`` or ``cell 4, line 2``."""
    if filename.startswith(NOTEBOOK_CELL):
        return f"{filename}, line {line}"
    return f"line {line}"


def _describe(error: BaseException) -> dict:
    kind = type(error)
    frames = traceback.extract_tb(error.__traceback__)
    student = [frame for frame in frames if _is_student_file(frame.filename)]
    where = _place(student[-1].filename, student[-1].lineno) if student else ""
    if isinstance(error, SyntaxError) and error.lineno:
        where = _place(error.filename or "", error.lineno)
    return {
        "type": kind.__name__,
        "message": _text(error),
        "builtin": getattr(builtins, kind.__name__, None) is kind,
        "where": where,
    }


def _callback(identifier: int):
    def call_grader(*args, **kwargs):
        _reply({"callback": identifier, "args": list(args), "kwargs": kwargs})
        answer = codec.loads(READER.receive(MAX_REQUEST))
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer["result"]

    return call_grader


def _generators(args: list, kwargs: dict) -> list:
    return [value for value in [*args, *kwargs.values()] if isinstance(value, np.random.Generator)]


def _attach(args: list, kwargs: dict, shared: object) -> None:
    """Put each shared argument, mapped from the grader's file, in its place."""
    for spec in shared if isinstance(shared, list) else []:
        key, array = side_effects.attach(FOLDER, spec)
        if type(key) is int and 0 <= key < len(args):
            args[key] = array
        elif type(key) is str:
            kwargs[key] = array


def _serve(module: object, request: dict) -> None:
    global CALL_ID
    CALL_ID = request.get("id")
    name = request.get("name")
    if not isinstance(name, str) or not hasattr(module, name):
        # A notebook's cells that failed while it loaded may be why (see grading/sources.py).
        skipped = getattr(module, "__gdlab_skipped__", None)
        skipped = [_text(item) for item in skipped[:3]] if isinstance(skipped, list) else []
        _reply({"missing": _text(name), "skipped": skipped})
        return
    target = getattr(module, name)
    args, kwargs = list(request.get("args", [])), dict(request.get("kwargs", {}))
    try:
        _attach(args, kwargs, request.get("shared"))
    except Exception as error:  # noqa: BLE001 - a file the module removed or replaced
        _reply({"raise": _describe(error)})
        return
    _restore_output()
    figures = axes.open_figures() if request.get("view") == "axes" else set()
    try:
        result = target(*args, **kwargs)
        if request.get("view") == "axes":
            with warnings.catch_warnings():  # the summary's own conversions are not the call's
                warnings.simplefilter("ignore")
                result = axes.axes_summary(result, figures)
    except BaseException as error:  # noqa: BLE001 - every student failure is reported
        _flush()
        _reply({"raise": _describe(error)})
        return
    _flush()
    _send_value(result, _generators(args, kwargs))


def _send_value(value: object, generators: list) -> None:
    try:
        message = codec.dumps(
            {"return": value, "rngs": [g.bit_generator.state for g in generators], "id": CALL_ID}
        )
    except codec.CodecError as error:
        _reply({"not_plain": _text(error)})
        return
    except BaseException as error:  # noqa: BLE001 - e.g. a hostile __index__
        _reply({"not_plain": f"{type(error).__name__} while reading the value"})
        return
    codec.send(REPLIES, message)


# -- the process's own output ------------------------------------------------------------


def _open_output(folder: str) -> int:
    """Make fds 1 and 2 the grader's output pipe (``/dev/null`` if it has none)."""
    try:
        # Without a reader a FIFO would block the open: fail instead.
        fd = os.open(
            os.path.join(folder, side_effects.OUTPUT_NAME),
            os.O_WRONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC,
        )
        os.set_blocking(fd, True)  # a module that prints waits for the grader to read
    except OSError:
        fd = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    return fd


def _stream(current: object, fd: int) -> io.TextIOBase:
    """The worker's own text stream on ``fd``: ``current`` unless it was closed."""
    if isinstance(current, io.TextIOBase) and not current.closed:
        return current
    return open(fd, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)


def _restore_output() -> None:
    """Point the process's output, and Python's warning display, at the grader's pipe again.

    What a module changed before the call (fds 1 and 2, ``sys.stderr``,
    ``warnings.showwarning``) is put back, so that every warning Python's
    filters let through is written where the grader reads it. Which
    warnings are raised and let through (``np.errstate``, the warning
    filters) stays the module's own behaviour.
    """
    global STDOUT, STDERR
    for fd in (1, 2):
        try:
            os.dup2(OUTPUT, fd)
        except OSError:
            pass
    STDOUT, STDERR = _stream(STDOUT, 1), _stream(STDERR, 2)
    sys.stdout, sys.stderr = STDOUT, STDERR
    warnings.showwarning, warnings._showwarnmsg = SHOW_WARNING


def _flush() -> None:
    """Let what the call printed reach the pipe before the reply does."""
    for stream in (STDOUT, STDERR):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a broken stream loses only its own text
            pass


def serve(path: str, module_name: str, requests: int, replies: int) -> None:
    """Import the student's module, then answer requests until the pipe closes.

    Parameters
    ----------
    path : str
        The student's file, in a folder of its own (the working folder).
    module_name : str
        The name to import it as.
    requests, replies : int
        The pipe ends of the channel to the grader.
    """
    global STUDENT_FILE, REQUESTS, REPLIES, READER, OUTPUT, FOLDER, STDOUT, STDERR
    REQUESTS, REPLIES = requests, replies
    READER = codec.Reader(REQUESTS)
    STUDENT_FILE = os.path.basename(path)
    FOLDER = os.path.dirname(os.path.abspath(path))
    OUTPUT = _open_output(FOLDER)
    STDOUT, STDERR = sys.stdout, sys.stderr
    # Once, for the whole process: every RuntimeWarning is displayed each time
    # it happens, and so is matplotlib's refusal to show a figure on a backend
    # the module chose itself.
    warnings.simplefilter("always", RuntimeWarning)
    warnings.filterwarnings("always", message=NON_INTERACTIVE, category=UserWarning)
    os.chdir(FOLDER)
    sys.path.insert(0, FOLDER)
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except BaseException as error:  # noqa: BLE001 - syntax errors, sys.exit at import, ...
        _reply({"import_error": _describe(error)})
        return
    _reply({"ready": True})
    while True:
        try:
            request = codec.loads(READER.receive(MAX_REQUEST), _callback)
        except codec.ChannelClosed:
            return
        _serve(module, request)


STUDENT_FILE = ""
NOTEBOOK_CELL = "cell "  # the name a graded notebook compiles each cell under
READER: codec.Reader | None = None
STDOUT: object = sys.stdout
STDERR: object = sys.stderr
# Python's own warning display, as it is before any module is imported.
SHOW_WARNING = (warnings.showwarning, warnings._showwarnmsg)
