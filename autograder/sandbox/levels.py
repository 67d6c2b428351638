"""Sandbox levels: how strongly a worker is isolated, detected per machine.

===============  ==========================================================
level            what the worker gets
===============  ==========================================================
``bubblewrap``   its own mount, PID, network, IPC and UTS namespaces with a
                 read-only view of the interpreter and NumPy only (no grader
                 files), a private writable copy of the submission, an
                 unprivileged uid, and resource limits
``unshare``      its own network and PID namespaces, an unprivileged uid
                 and resource limits; where the kernel has Landlock, it may
                 read only the interpreter, the libraries and its own folder,
                 and write only that folder (else the grader's files stay
                 visible)
``process``      a separate process with resource limits, a clean
                 environment and a private working folder; an unprivileged
                 uid when the grader runs as root and the interpreter is
                 reachable by it; where the kernel has Landlock, the same
                 file restrictions as ``unshare``, and (Landlock ABI 4 and
                 later) no TCP connections
===============  ==========================================================

Every level keeps the grader's tests and expected values out of the worker's
memory and reads the worker's answers as plain data only, so no level lets a
submission score what it did not compute; the stronger levels also protect
the machine and the grader's files. :func:`isolation` says what a level
protects on this machine, in words an instructor can act on.

Over 300 lines on purpose: each level's command line, its probe and what it
protects are kept side by side, so a change to one level shows in all three.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import cgroups, landlock, library_view

SANDBOX_DIR = Path(__file__).resolve().parent


def _objectives_file() -> Path:
    """The reference's ``objectives.py``, or the student package's copy beside this file.

    The same file :mod:`autograder.sandbox.functions` imports, found without
    importing it (or NumPy): starting a sandbox should not wait for them.
    """
    copy = SANDBOX_DIR / "objectives.py"
    if copy.is_file():
        return copy
    spec = importlib.util.find_spec("reference")  # a top-level package: found, not imported
    if spec is None or spec.origin is None:
        raise ImportError("neither the reference nor a copy of its objectives.py is installed")
    return Path(spec.origin).resolve().with_name("objectives.py")


# The worker's files: each is loaded as a top-level module beside the others,
# by its file name. Most live in this folder; ``objectives.py`` is the
# reference's, the one definition of the formulas the contract gives
# (``functions.py`` evaluates them). No other file of the reference ever is.
WORKER_FILES: tuple[Path, ...] = (
    *(
        SANDBOX_DIR / name
        for name in (
            "forkserver.py",
            "worker.py",
            "limits.py",
            "codec.py",
            "axes.py",
            "functions.py",
            "side_effects.py",
            "landlock.py",
            "gdlab_backend.py",
        )
    ),
    _objectives_file(),
)
INSIDE = Path("/gdlab")  # where bubblewrap mounts the worker's files
SUBMISSION = Path("/submission")  # and the private copy of the submission
LEVELS = ("bubblewrap", "unshare", "process")


def interpreter() -> Path:
    """The real Python binary (a venv's ``python`` is a link to it)."""
    return Path(os.path.realpath(sys.executable))


def library_dirs() -> list[Path]:
    """Folders to put on the worker's ``sys.path``: the view of NumPy, matplotlib and their
    needs (:func:`~autograder.sandbox.library_view.view_folder`), nothing else installed."""
    return [library_view.view_folder()]


def library_paths() -> list[Path]:
    """What the worker must be able to read of the libraries: the view and what it links to."""
    return [*library_dirs(), *library_view.allowed_entries()]


MATPLOTLIB_DIR = ".matplotlib"  # inside the worker's private folder


def clean_environment(student_dir: Path = SUBMISSION) -> dict[str, str]:
    """The worker's whole environment: nothing inherited from the grader.

    matplotlib draws with the sandbox's backend (``gdlab_backend.py``, Agg
    whose ``show()`` the grader sees on the worker's output). ``DISPLAY`` is
    set, to nothing that exists, only so that a module that picks a backend
    itself (``matplotlib.use("Agg")``) and calls ``plt.show()`` gets
    matplotlib's "cannot be shown" warning, which the grader sees too, rather
    than the silence matplotlib keeps on a machine without a display.

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
        "MPLBACKEND": "module://gdlab_backend",
        "DISPLAY": ":gdlab-none",
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


def private_uid(pid: int | None = None) -> int | None:
    """An unused uid for a grading process's workers, when running as root.

    Parameters
    ----------
    pid : int, optional
        The grading process (this one by default): whoever started it can
        find what its sandboxes left running after it was killed.
    """
    return 100_000 + (pid or os.getpid()) if os.geteuid() == 0 else None


# The temporary folders every user may write to: a bubblewrap sandbox gets a
# tmpfs of its own on each; elsewhere a private uid's leftovers are swept.
PRIVATE_TMP = ("/tmp", "/dev/shm", "/var/tmp")
TMPFS_BYTES = 64 << 20  # each; tmpfs pages are charged to the sandbox's cgroup too


@functools.cache
def bwrap_sizes_tmpfs() -> bool:
    """Whether this bwrap takes ``--size`` for a tmpfs (bubblewrap 0.7 and later).

    A set-uid bwrap started by another user than root refuses it.
    """
    found = shutil.which("bwrap")
    try:
        if found is None or (os.stat(found).st_mode & 0o4000 and os.getuid() != 0):
            return False
        done = subprocess.run([found, "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--size" in done.stdout + done.stderr


def _private_tmp() -> list[str]:
    """bwrap arguments: a fresh tmpfs on each of :data:`PRIVATE_TMP`, writable by all."""
    size = ["--size", str(TMPFS_BYTES)] if bwrap_sizes_tmpfs() else []
    mounts = []
    for folder in PRIVATE_TMP:
        mounts += ["--perms", "1777", *size, "--tmpfs", folder]
    return mounts


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


# System folders the interpreter and its shared libraries are loaded from.
SYSTEM_READ = ("/usr", "/lib", "/lib64", "/bin", "/etc/ld.so.cache", "/dev/null", "/dev/urandom")
LANDLOCK_LEVELS = ("unshare", "process")  # bubblewrap has a mount view of its own


def worker_files_elsewhere() -> list[Path]:
    """The worker's files that do not live in :data:`SANDBOX_DIR` (the reference's).

    Where the worker runs from :data:`SANDBOX_DIR` itself (the ``unshare``
    and ``process`` levels), the fork server is given these on its command
    line (``--beside=PATH``) and imports each as the top-level module it
    would be beside its own files; their folders never join its
    ``sys.path``, so nothing else in them is importable.
    """
    return [path for path in WORKER_FILES if path.parent != SANDBOX_DIR]


def landlock_paths(workdir: Path) -> tuple[list[Path], list[Path]]:
    """What a sandbox without a mount view of its own may read, and write.

    Parameters
    ----------
    workdir : Path
        The sandbox's private folder: the only place it may write, besides
        ``/dev/null``.

    Returns
    -------
    tuple of list of Path
        The paths it may read (the interpreter, its standard library, the
        library folders, the worker's files, system libraries and its own
        folder) and the paths it may write. Nothing of the project's
        checkout beyond the worker's files (:data:`SANDBOX_DIR` and the
        reference's ``objectives.py``, not the rest of its folder), of
        ``/tmp`` beyond ``workdir`` or of the grader's home is among them.
    """
    read = [
        Path(sys.base_prefix).resolve(),
        interpreter(),
        *library_paths(),
        SANDBOX_DIR,
        *worker_files_elsewhere(),
        *map(Path, SYSTEM_READ),
        workdir,
    ]
    write = [workdir, Path("/dev/null")]
    return read, write


def server_command(
    level: str,
    workdir: Path,
    control_fd: int,
    uid: int | None,
    preload: tuple[str, ...] = (),
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
    preload : tuple of str, optional
        Modules the server imports before forking workers.

    Returns
    -------
    list of str

    Notes
    -----
    At the ``bubblewrap`` level every one of :data:`WORKER_FILES` is mounted
    in :data:`INSIDE`, side by side. At the ``unshare`` and ``process``
    levels the server runs from :data:`SANDBOX_DIR` and is told where the
    others are (see :func:`worker_files_elsewhere`).

    At the ``unshare`` and ``process`` levels, when the kernel has Landlock,
    the command also lists what the server may read and write (see
    :func:`landlock_paths`); the server restricts itself to it before it
    forks any worker.
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
    run += [f"--preload={module}" for module in preload]
    if level != "bubblewrap":
        run += [f"--beside={path}" for path in worker_files_elsewhere()]
    if level in LANDLOCK_LEVELS and landlock.abi_version() > 0:
        # The server must then restrict itself before it says ready, or exit.
        read, write = landlock_paths(workdir)
        run += [f"--read={path}" for path in read] + [f"--write={path}" for path in write]
    if level == "process":
        return _drop_privileges(uid) + run
    if level == "unshare":
        return [
            "unshare",
            "--net",
            "--pid",
            "--fork",
            "--kill-child",
            # A /proc of its own PID namespace: no other process's command line
            # or environment is visible there, even without Landlock.
            "--mount-proc",
            *_drop_privileges(uid),
            *run,
        ]
    binds, made = [], {Path("/"), *map(Path, PRIVATE_TMP), Path("/var")}
    prefix = Path(sys.base_prefix).resolve()
    for path in [prefix, *library_paths()]:
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
    for path in WORKER_FILES:
        binds += ["--ro-bind", str(path), str(INSIDE / path.name)]
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
        "--perms",
        "0755",
        "--dir",
        "/var",
        *_private_tmp(),  # before binds that may lie in /tmp
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
    uid = private_uid()
    if not _has_tools(level):
        return False
    try:
        # A fresh folder of a name nobody could have planted a link at.
        probe = Path(tempfile.mkdtemp(prefix="gdlab-probe-"))
    except OSError:
        return False
    try:
        if uid is not None:
            os.chown(probe, uid, uid, follow_symlinks=False)
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


def likely_level() -> str:
    """The strongest level whose tools this machine has, without probing it.

    For a caller that starts a sandbox at once and falls back to
    :func:`strongest_level` when it does not start: a fork server that says
    ready has shown all the probe would (the interpreter runs at that level
    and reads its libraries), so the probe's tenth of a second is saved.
    """
    return next(level for level in LEVELS if _has_tools(level))


def _has_tools(level: str) -> bool:
    """Whether the programs ``level`` runs are installed (``setpriv`` too, as root)."""
    needed = {"bubblewrap": ["bwrap"], "unshare": ["unshare"], "process": []}[level]
    if private_uid() is not None:
        needed.append("setpriv")
    return all(shutil.which(tool) for tool in needed)


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


@dataclass(frozen=True)
class Isolation:
    """What a sandbox level protects on this machine.

    Attributes
    ----------
    level : str
        One of :data:`LEVELS`.
    files : bool
        Student code can neither read the grader's files (answer keys,
        suites, the course secret, grades) nor write outside its own folder.
    network : bool
        Student code cannot reach the network. Never true at the ``process``
        level: Landlock blocks TCP there, but UDP stays open.
    summary : str
        One line for the instructor: what is protected and what stays open.
    processes : bool
        Student code cannot see other processes (the grader's command lines
        and environments, classmates' sandboxes).
    contained : bool
        Each sandbox runs in a control group of its own: its processes'
        memory, number and CPU are bounded together, and all of them are
        killed when its grading ends.
    """

    level: str
    files: bool
    network: bool
    summary: str
    processes: bool = False
    contained: bool = False

    @property
    def weak(self) -> bool:
        """Student code could reach the grader's files or the network: grading at this
        level needs the instructor's consent (``--accept-weak-isolation``)."""
        return not (self.files and self.network)


def _containment_text(level: str) -> tuple[bool, str]:
    """Whether a sandbox gets a control group here, and what ends its processes."""
    bounds = cgroups.available_bounds()
    if bounds is None:
        text = (
            "No control group can be made here, so only each process's own limits bound it, "
            "and the fork server kills whatever it left running when a worker ends"
        )
        if level == "process" and private_uid() is None:
            text += " (a process that stops the fork server first can outlive grading)"
        return False, text
    budget = cgroups.Budget()
    named = {
        "memory": f"{budget.memory_bytes >> 20} MB of memory",
        "pids": f"{budget.processes} processes",
        "cpu": f"{budget.cpu_cores:g} CPU core",
    }
    shared = [named[bound] for bound in cgroups.BOUNDS if bound in bounds]
    text = "Each submission runs in a control group of its own"
    if shared:
        text += f" ({', '.join(shared)} for all its processes together)"
    return True, text + ", and all it started is killed when its grading ends"


def _temporary_text(level: str, abi: int, contained: bool) -> str:
    """What becomes of the files student code writes outside its own folder."""
    if level == "bubblewrap":
        text = "/tmp, /dev/shm and /var/tmp are private to each sandbox"
        if bwrap_sizes_tmpfs():
            text += f" ({TMPFS_BYTES >> 20} MB each)"
        elif contained:
            text += " (bounded by its control group's memory)"
        return text + " and vanish with it"
    if abi >= 1:
        return "its folder is removed after grading"
    if private_uid() is not None:
        return (
            "its folder, and what it leaves in /tmp, /dev/shm and /var/tmp, is removed after "
            "grading"
        )
    return (
        "what it leaves in /tmp, /dev/shm or /var/tmp stays (it cannot be told from the "
        "grader's own files)"
    )


@functools.cache
def isolation(level: str) -> Isolation:
    """What ``level`` protects on this machine (it depends on the kernel's Landlock).

    Raises
    ------
    ValueError
        When ``level`` is not one of :data:`LEVELS`.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown sandbox level {level!r}")
    abi = landlock.abi_version()
    contained, contained_text = _containment_text(level)
    after = f" {contained_text}; {_temporary_text(level, abi, contained)}."
    if level == "bubblewrap":
        return Isolation(
            level,
            True,
            True,
            "Student code sees only Python, NumPy, matplotlib and its own folder and "
            "processes, and has no network." + after,
            processes=True,
            contained=contained,
        )
    own_uid = level == "unshare" or private_uid() is not None
    if abi < 1:
        files_text = "Student code can read every file its user can read (no Landlock here)"
        files_text += "" if own_uid else ", and it runs as the grader's own user"
    else:
        files_text = (
            "Landlock lets student code read only Python, NumPy, matplotlib and its own "
            "folder, and write only that folder"
        )
    if level == "unshare":
        return Isolation(
            level,
            abi >= 1,
            True,
            f"{files_text}; it sees only its own processes, and has no network (a network "
            "namespace of its own), but unix sockets reached by a path stay open." + after,
            processes=True,
            contained=contained,
        )
    if abi < 1:
        files_text += (
            "; it can read every process's command line (the grader puts no secret or seed there)"
        )
    if abi < 4:
        network_text = "the network stays open" + (" (no Landlock TCP rules here)" if abi else "")
    elif abi < 6:
        network_text = "TCP is blocked, but UDP and unix sockets are not" + (
            "" if own_uid else ", and it may signal the grader's processes"
        )
    else:
        network_text = "TCP is blocked, but UDP and unix sockets reached by a path are not"
    return Isolation(
        level,
        abi >= 1,
        False,
        f"{files_text}; {network_text}." + after,
        processes=abi >= 1,
        contained=contained,
    )
