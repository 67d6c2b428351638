"""What a call did besides returning, observed where the submission cannot reach.

The contract grades three things a call does besides returning: whether it
changed its array arguments in place, whether it let a ``RuntimeWarning``
(NumPy's overflow, ...) out, and whether a plotting function called
``plt.show()``. The worker runs the student's code in its own process, so
nothing it *reports* about a call can be trusted; these are observed instead:

- **Arguments.** The grader writes each ``np.ndarray`` argument of a call to a
  file of its own in the worker's folder (:class:`SharedArgument`); the worker
  maps the file shared (:func:`attach`) and passes the mapping to the
  student's function as a plain writable array. After the reply, the grader
  reads the file back and compares it with what it sent: the file *is* the
  caller's array, whatever the worker says.
- **Output.** The worker's fds 1 and 2 are a pipe (a FIFO, :data:`OUTPUT_NAME`)
  that the grader reads during the call. Python's own warning display writes
  every ``RuntimeWarning`` there, and the sandbox's matplotlib backend writes
  :data:`SHOW_MARKER` there when ``show()`` is called; :class:`CallOutput`
  finds them in what arrives.

:func:`snapshot`, :func:`changed` and :func:`recorded_warnings` are the same
observations for trusted modules called in the grader's own process (the
benchmark's in-process baseline). Only the standard library and NumPy are
imported (the worker loads this file beside itself).

Over 300 lines on purpose: the worker loads this one file beside itself, and both
sides of each observation (the grader's and the worker's) belong together.
"""

from __future__ import annotations

import contextlib
import math
import mmap
import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAX_WARNINGS = 3
Key = int | str  # a position, or a keyword

OUTPUT_NAME = ".gdlab-output"  # the FIFO in the worker's folder: its fds 1 and 2
ARGUMENT_PREFIX = "argument-"  # the files of shared arguments in the worker's folder
# Written by the sandbox's backend (gdlab_backend.py, which repeats it as a
# literal) with one os.write, on a line of its own.
SHOW_MARKER = b"[gdlab sandbox] matplotlib show() was called"
# What matplotlib warns when a backend chosen by the module itself (such as
# matplotlib.use("Agg")) is asked to show a figure.
NON_INTERACTIVE = b"is non-interactive, and thus cannot be shown"
# Python's warning display: "path:line: Category: message".
_WARNING_LINE = re.compile(rb":\d+: (\w+): ([^\n]*)")


# -- arguments, in memory the grader owns --------------------------------------------


@dataclass
class SharedArgument:
    """One array argument of a call, held in a file the grader created.

    Attributes
    ----------
    key : int or str
        The argument's position or keyword.
    path : Path
        The file, in the worker's folder.
    fd : int
        The grader's own descriptor of the file: it is read back through
        this, never reopened by a path the worker could have replaced.
    sent : numpy.ndarray
        A copy of what was sent.
    """

    key: Key
    path: Path
    fd: int
    sent: np.ndarray

    @classmethod
    def create(cls, folder: Path, key: Key, array: np.ndarray, uid: int | None) -> SharedArgument:
        """Write ``array`` to a new file in ``folder`` that the worker's ``uid`` may map.

        The name is random and the file is created exclusively, so nothing the
        worker planted in its folder (a link to elsewhere) is ever written through.
        """
        sent = np.array(array, order="C", copy=True)  # ascontiguousarray would make 0-d 1-d
        fd, name = tempfile.mkstemp(prefix=ARGUMENT_PREFIX, dir=folder)
        try:
            _write_all(fd, sent.tobytes())
            if uid is not None:
                os.fchown(fd, uid, uid)
        except BaseException:
            os.close(fd)
            os.unlink(name)
            raise
        return cls(key, Path(name), fd, sent)

    def spec(self) -> list:
        """What the worker needs to map it: ``[key, file name, dtype, shape]``."""
        return [self.key, self.path.name, self.sent.dtype.str, list(self.sent.shape)]

    def changed(self) -> bool:
        """Whether the file no longer holds the values sent (NaN equals NaN)."""
        expected = self.sent.nbytes
        data = bytearray()
        while len(data) < expected:
            chunk = os.pread(self.fd, expected - len(data), len(data))
            if not chunk:
                return True  # cut short: the caller's array lost values
            data += chunk
        now = np.frombuffer(bytes(data), dtype=self.sent.dtype).reshape(self.sent.shape)
        return not np.array_equal(now, self.sent, equal_nan=self.sent.dtype.kind in "fc")

    def remove(self) -> None:
        """Close and delete the file (the worker's mapping, if any, stays valid)."""
        os.close(self.fd)
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def shareable(value: Any) -> bool:
    """Whether an argument goes through a shared file: a non-empty plain numeric array."""
    if type(value) is not np.ndarray or value.size == 0:
        return False
    dtype = value.dtype  # the codec's rule: booleans and numbers of at most 64-bit precision
    return dtype.kind in "biu" or dtype.itemsize <= {"f": 8, "c": 16}.get(dtype.kind, 0)


def attach(folder: str, spec: Any) -> tuple[Key, np.ndarray]:
    """In the worker: map one shared argument, as a plain writable array.

    Parameters
    ----------
    folder : str
        The worker's own folder.
    spec : list
        :meth:`SharedArgument.spec`.

    Returns
    -------
    tuple
        The argument's key and an ``np.ndarray`` (exactly) over the file's memory.
    """
    key, name, dtype_text, shape = spec
    if not (isinstance(name, str) and name.startswith(ARGUMENT_PREFIX) and "/" not in name):
        raise ValueError(f"not a shared argument: {name!r}")
    dtype = np.dtype(dtype_text)
    count = math.prod(shape)
    fd = os.open(os.path.join(folder, name), os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        memory = mmap.mmap(fd, count * dtype.itemsize, mmap.MAP_SHARED)
    finally:
        os.close(fd)
    return key, np.frombuffer(memory, dtype=dtype, count=count).reshape(shape)


# -- the worker's output ----------------------------------------------------------------


def _runtime_warning_names() -> frozenset[bytes]:
    """``RuntimeWarning`` and the names of its subclasses known here (NumPy's included)."""
    names, todo = set(), [RuntimeWarning]
    while todo:
        kind = todo.pop()
        names.add(kind.__name__.encode())
        todo.extend(kind.__subclasses__())
    return frozenset(names)


class CallOutput:
    """What a worker wrote to its fds 1 and 2 during one call, read as it arrives.

    Only the first :data:`HEAD` bytes are kept; the rest is scanned and
    dropped, so a call that prints megabytes costs no memory.

    Attributes
    ----------
    size : int
        Bytes received.
    head : bytes
        The first :data:`HEAD` of them.
    warnings : list of str
        Up to :data:`MAX_WARNINGS` distinct ``RuntimeWarning`` lines.
    shown : bool
        Whether matplotlib's ``show()`` was called.
    """

    HEAD = 4096
    LINE = 4096  # of an unfinished line, only this much of its end is kept

    def __init__(self) -> None:
        self.size = 0
        self._head = bytearray()
        self._line = b""
        self.warnings: list[str] = []
        self.shown = False
        self._names = _runtime_warning_names()

    @property
    def head(self) -> bytes:
        """The first bytes of the output."""
        return bytes(self._head)

    def feed(self, chunk: bytes) -> None:
        """Take the next bytes of the output."""
        self.size += len(chunk)
        if len(self._head) < self.HEAD:
            self._head += chunk[: self.HEAD - len(self._head)]
        data = self._line + chunk
        cut = data.rfind(b"\n") + 1
        complete, self._line = data[:cut], data[cut:][-self.LINE :]
        # Most output holds neither: search in C before looking at lines.
        if b"Warning: " in complete or SHOW_MARKER in complete or NON_INTERACTIVE in complete:
            self._scan(complete)

    def finish(self) -> None:
        """The call ended: look at an unfinished last line too."""
        if self._line:
            self._scan(self._line + b"\n")
            self._line = b""

    def _scan(self, lines: bytes) -> None:
        if SHOW_MARKER in lines or NON_INTERACTIVE in lines:
            self.shown = True
        for found in _WARNING_LINE.finditer(lines):
            if found[1] not in self._names or len(self.warnings) >= MAX_WARNINGS:
                continue
            text = f"{found[1].decode()}: {found[2][:200].decode('utf-8', 'replace')}"
            if text not in self.warnings:
                self.warnings.append(text)


# -- trusted modules, called in the grader's own process --------------------------------


def _arrays(args: list | tuple, kwargs: dict) -> dict[Key, np.ndarray]:
    found: dict[Key, np.ndarray] = {i: a for i, a in enumerate(args) if type(a) is np.ndarray}
    found.update({k: a for k, a in kwargs.items() if type(a) is np.ndarray})
    return found


def snapshot(args: list | tuple, kwargs: dict) -> dict[Key, np.ndarray]:
    """Copies of the array arguments, by position or keyword (trusted modules only)."""
    return {key: array.copy() for key, array in _arrays(args, kwargs).items()}


def changed(args: list | tuple, kwargs: dict, before: dict[Key, np.ndarray]) -> list[Key]:
    """The keys of :func:`snapshot` whose arrays no longer hold the same values.

    NaNs compare equal to NaNs; a change of shape or dtype counts as a change.
    For trusted modules only: a submission's calls are observed through
    :class:`SharedArgument`.
    """
    now = _arrays(args, kwargs)
    found = []
    for key, copy in before.items():
        array = now.get(key)
        try:
            same = (
                array is not None
                and array.dtype == copy.dtype
                and np.array_equal(array, copy, equal_nan=copy.dtype.kind in "fc")
            )
        except Exception:  # noqa: BLE001 - an array broken in place counts as changed
            same = False
        if not same:
            found.append(key)
    return found


def describe(keys: Any, names: dict[Key, str]) -> list[str]:
    """The names of changed arguments that must stay unchanged.

    Parameters
    ----------
    keys : object
        The positions and keywords found changed (validated here: a list of
        ints and strings).
    names : dict
        Position or keyword -> the parameter's name, for the arguments the
        contract says are left unchanged.
    """
    if not isinstance(keys, list):
        return []
    return [names[key] for key in keys if isinstance(key, (int, str)) and key in names]


@contextlib.contextmanager
def recorded_warnings() -> Iterator[list[str]]:
    """Record the ``RuntimeWarning``s raised inside (trusted modules only).

    Yields
    ------
    list of str
        Filled on exit with up to :data:`MAX_WARNINGS` distinct descriptions.
    """
    found: list[str] = []

    def note(message: Any, category: type, *_: Any, **__: Any) -> None:
        # Counted as they come rather than all kept: a loop may warn millions of times.
        text = f"{category.__name__}: {str(message)[:200]}"
        if issubclass(category, RuntimeWarning) and text not in found:
            if len(found) < MAX_WARNINGS:
                found.append(text)

    with warnings.catch_warnings():
        warnings.simplefilter("always", RuntimeWarning)
        warnings.showwarning = note
        yield found
