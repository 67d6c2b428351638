"""Sandbox levels: how strongly a worker is isolated, detected per machine.

===============  ==========================================================
level            what the worker gets
===============  ==========================================================
``bubblewrap``   its own mount, PID, network, IPC and UTS namespaces with a
                 read-only view of the interpreter and NumPy only (no grader
                 files), a private writable copy of the submission, an
                 unprivileged uid, and resource limits
``unshare``      its own network and PID namespaces, an unprivileged uid
                 and resource limits, but the grader's files stay visible
``process``      a separate process with resource limits, a clean
                 environment and a private working folder; an unprivileged
                 uid when the grader runs as root and the interpreter is
                 reachable by it
===============  ==========================================================

Every level keeps the grader's tests and expected values out of the worker's
memory and reads the worker's answers as plain data only, so no level lets a
submission score what it did not compute; the stronger levels also protect
the machine and the grader's files.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

SANDBOX_DIR = Path(__file__).resolve().parent
WORKER_FILES = (
    "forkserver.py",
    "worker.py",
    "limits.py",
    "codec.py",
    "plots.py",
    "functions.py",
    "side_effects.py",
)
INSIDE = Path("/gdlab")  # where bubblewrap mounts the worker's files
SUBMISSION = Path("/submission")  # and the private copy of the submission
LEVELS = ("bubblewrap", "unshare", "process")


def interpreter() -> Path:
    """The real Python binary (a venv's ``python`` is a link to it)."""
    return Path(os.path.realpath(sys.executable))


def library_dirs() -> list[Path]:
    """Folders to put on the worker's ``sys.path``: where NumPy and matplotlib live."""
    found = []
    for name in ("numpy", "matplotlib"):
        spec = importlib.util.find_spec(name)
        if spec and spec.origin:
            folder = Path(spec.origin).resolve().parent.parent
            if folder not in found:
                found.append(folder)
    return found


MATPLOTLIB_DIR = ".matplotlib"  # inside the worker's private folder


def clean_environment(student_dir: Path = SUBMISSION) -> dict[str, str]:
    """The worker's whole environment: nothing inherited from the grader.

    Parameters
    ----------
    student_dir : Path
        The private folder as the worker sees it; matplotlib keeps its
        configuration and font cache there.
    """
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(student_dir / MATPLOTLIB_DIR),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }


def seed_font_cache(workdir: Path) -> None:
    """Copy the grader's matplotlib font list into a worker's folder.

    Without it every worker that plots would spend about two seconds
    rebuilding the font list in its empty home.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "matplotlib"
    target = workdir / MATPLOTLIB_DIR
    target.mkdir(exist_ok=True)
    for font_list in cache.glob("fontlist-v*.json"):
        shutil.copyfile(font_list, target / font_list.name)


def student_dir(level: str, workdir: Path) -> Path:
    """The private folder as the worker sees it at ``level``."""
    return SUBMISSION if level == "bubblewrap" else workdir


def private_uid() -> int | None:
    """An unused uid for this grading process's workers, when running as root."""
    return 100_000 + os.getpid() if os.geteuid() == 0 else None


def _drop_privileges(uid: int | None) -> list[str]:
    if uid is None:
        return []
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]


def server_command(
    level: str,
    workdir: Path,
    control_fd: int,
    uid: int | None,
) -> list[str]:
    """The command that starts a sandbox's fork server at ``level``.

    Parameters
    ----------
    level : str
        One of :data:`LEVELS`.
    workdir : Path
        The sandbox's private folder (the student's modules are copied there).
    control_fd : int
        The control socket's end the server inherits.
    uid : int or None
        The unprivileged uid to drop to (root only), or ``None``.

    Returns
    -------
    list of str
    """
    python = str(interpreter())
    libraries = [str(path) for path in library_dirs()]
    worker_dir = INSIDE if level == "bubblewrap" else SANDBOX_DIR
    # Killing "every other process of the uid" stays inside the sandbox only in
    # a PID namespace or under a private uid.
    sweep = level != "process" or uid is not None
    run = [
        python,
        "-I",
        "-S",
        "-B",
        str(worker_dir / "forkserver.py"),
        str(control_fd),
        "1" if sweep else "0",
        *libraries,
    ]
    if level == "process":
        return _drop_privileges(uid) + run
    if level == "unshare":
        return [
            "unshare",
            "--net",
            "--pid",
            "--fork",
            "--kill-child",
            *_drop_privileges(uid),
            *run,
        ]
    binds, made = [], {Path("/"), Path("/tmp")}
    prefix = Path(sys.base_prefix).resolve()
    for path in [prefix, *map(Path, libraries)]:
        if str(path).startswith("/usr/"):
            continue
        # bwrap would make the missing parents of a mount point private to
        # root; the unprivileged uid must be able to walk through them.
        for parent in reversed(path.parents):
            if parent not in made:
                binds += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        binds += ["--ro-bind", str(path), str(path)]
    binds += ["--perms", "0755", "--dir", str(INSIDE)]
    for name in WORKER_FILES:
        binds += ["--ro-bind", str(SANDBOX_DIR / name), str(INSIDE / name)]
    namespaces = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    if uid is None:  # not root: an unprivileged user namespace instead of setpriv
        namespaces.append("--unshare-user")
    return [
        "bwrap",
        *namespaces,
        "--die-with-parent",
        "--new-session",
        "--ro-bind",
        "/usr",
        "/usr",
        "--ro-bind-try",
        "/lib",
        "/lib",
        "--ro-bind-try",
        "/lib64",
        "/lib64",
        "--ro-bind-try",
        "/bin",
        "/bin",
        "--ro-bind-try",
        "/etc/ld.so.cache",
        "/etc/ld.so.cache",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",  # before binds that may lie in /tmp
        *binds,
        "--bind",
        str(workdir),
        str(SUBMISSION),
        "--chdir",
        str(SUBMISSION),
        *_drop_privileges(uid),
        *run,
    ]


def _works(level: str) -> bool:
    """Run a tiny worker-like program at ``level`` and see whether it answers."""
    needed = {"bubblewrap": ["bwrap"], "unshare": ["unshare"], "process": []}[level]
    uid = private_uid()
    if uid is not None:
        needed.append("setpriv")
    if not all(shutil.which(tool) for tool in needed):
        return False
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"gdlab-probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    try:
        if uid is not None:
            os.chown(probe, uid, uid)
        command = server_command(level, probe, 0, uid)
        # Start the bare interpreter under the level's isolation and check that
        # it sees its standard library and the library folders it will need.
        command = command[: command.index(str(interpreter())) + 1]
        command += [
            "-I",
            "-S",
            "-c",
            "import os, sys; [os.listdir(p) for p in sys.argv[1:]]",
            *map(str, library_dirs()),
        ]
        done = subprocess.run(
            command,
            env=clean_environment(student_dir(level, probe)),
            capture_output=True,
            timeout=30,
            cwd=probe,
        )
        return done.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        shutil.rmtree(probe, ignore_errors=True)


@functools.cache
def works(level: str) -> bool:
    """Whether ``level`` works on this machine (probed once per process)."""
    return level == "process" or _works(level)


def available_levels() -> tuple[str, ...]:
    """The levels that work on this machine, strongest first (``process`` always)."""
    return tuple(level for level in LEVELS if works(level))


def strongest_level() -> str:
    """The strongest level that works here (probed strongest first, stopping at one)."""
    return next(level for level in LEVELS if works(level))


def choose_level(wanted: str | None = None) -> str:
    """``wanted`` if it works here, else an error; the strongest level when ``None``.

    Raises
    ------
    RuntimeError
        When the wanted level is unknown or does not work on this machine.
    """
    if wanted is None:
        return strongest_level()
    if wanted not in LEVELS or not works(wanted):
        raise RuntimeError(
            f"sandbox level {wanted!r} is not available here; "
            f"available: {', '.join(available_levels())}"
        )
    return wanted
