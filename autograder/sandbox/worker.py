"""The worker: imports one student module and answers calls on it.

The fork server (:mod:`forkserver`) forks a fresh process for each student
module and calls :func:`serve` in it with the two pipe ends of the worker's
channel: requests arrive on the first, replies leave on the second, and the
student's own output (fds 1 and 2) goes to ``/dev/null``. Only the standard
library, NumPy and the modules beside this file (:mod:`codec`, :mod:`plots`,
:mod:`functions`, :mod:`side_effects`) are used.

Requests and replies (dicts before encoding)::

    {"op": "call", "name": f, "args": [...], "kwargs": {...}, "view": None | "axes"}
        -> {"return": value, "rngs": [state, ...], "changed": [position or keyword, ...],
            "warned": [description, ...]}
         | {"raise": {"type": name, "message": text, "builtin": bool}}
         | {"not_plain": text} | {"missing": name}
    during a call the worker may ask {"callback": id, "args": [...]}
        <- {"result": value} | {"error": text}

On start the worker sends ``{"ready": true}`` or ``{"import_error": {...}}``.
"""

from __future__ import annotations

import builtins
import importlib.util
import os
import sys
import traceback

import codec
import numpy as np
import plots
import side_effects

REQUESTS, REPLIES = -1, -1  # set from the command line
MAX_REQUEST = 64 << 20
MESSAGE_LIMIT = 2000


def _reply(payload: dict) -> None:
    codec.send(REPLIES, codec.dumps(payload))


def _text(value: object) -> str:
    """str() of a student's object, which may itself misbehave."""
    try:
        text = str(value)
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not stop the worker
        text = "<unprintable>"
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + "..."


def _describe(error: BaseException) -> dict:
    kind = type(error)
    frames = traceback.extract_tb(error.__traceback__)
    student = [frame for frame in frames if frame.filename.endswith(STUDENT_FILE)]
    where = f"line {student[-1].lineno}" if student else ""
    if isinstance(error, SyntaxError) and error.lineno:
        where = f"line {error.lineno}"
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


def _serve(module: object, request: dict) -> None:
    name = request.get("name")
    if not isinstance(name, str) or not hasattr(module, name):
        _reply({"missing": _text(name)})
        return
    target = getattr(module, name)
    args, kwargs = request.get("args", []), request.get("kwargs", {})
    before = side_effects.snapshot(args, kwargs)
    figures = plots.open_figures() if request.get("view") == "axes" else set()
    try:
        with side_effects.recorded_warnings() as warned:
            result = target(*args, **kwargs)
        if request.get("view") == "axes":
            result = plots.axes_summary(result, figures)
    except BaseException as error:  # noqa: BLE001 - every student failure is reported
        _reply({"raise": _describe(error)})
        return
    effects = {"changed": side_effects.changed(args, kwargs, before), "warned": warned}
    _send_value(result, _generators(args, kwargs), effects)


def _send_value(value: object, generators: list, effects: dict) -> None:
    try:
        message = codec.dumps(
            {"return": value, "rngs": [g.bit_generator.state for g in generators], **effects}
        )
    except codec.CodecError as error:
        _reply({"not_plain": _text(error)})
        return
    except BaseException as error:  # noqa: BLE001 - e.g. a hostile __index__
        _reply({"not_plain": f"{type(error).__name__} while reading the value"})
        return
    codec.send(REPLIES, message)


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
    global STUDENT_FILE, REQUESTS, REPLIES, READER
    REQUESTS, REPLIES = requests, replies
    READER = codec.Reader(REQUESTS)
    STUDENT_FILE = os.path.basename(path)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    folder = os.path.dirname(os.path.abspath(path))
    os.chdir(folder)
    sys.path.insert(0, folder)
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
READER: codec.Reader | None = None
