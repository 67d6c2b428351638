"""Control groups: one per sandbox, so that a submission is bounded and ended as a whole.

Resource limits (:mod:`autograder.sandbox.limits`) bound each process; a
submission that forks many processes, each under its limits, could still
take the machine's memory, and one that leaves a process behind outlives its
grading. Where the grader may create control groups (as root, with a cgroup
hierarchy mounted writable), each sandbox gets a group of its own: the
sandbox's first process joins it before it execs, so every process of the
submission is in it and cannot leave. The group bounds their memory
(``/tmp`` files of a private tmpfs included, since tmpfs pages are charged to
it), their number and their CPU as a whole, and stopping the sandbox kills
every process in it at once and removes it.

Two layouts are handled:

* pure cgroup v2 (``/sys/fs/cgroup`` is a ``cgroup2`` mount): the group is
  made beside the grader's own, in the nearest group up from it whose
  children have the ``memory`` and ``pids`` controllers, with ``memory.max``,
  ``pids.max``, ``cpu.max``, and ended through ``cgroup.kill``;
* cgroup v1 or hybrid: one group per controller hierarchy under the
  grader's own (``memory.limit_in_bytes``, ``pids.max``, the CFS quota), and
  a group in the v2 hierarchy (``cgroup.kill``) or the v1 ``freezer`` to end
  it without a race against a process that forks.

Groups are named ``gdlab-<owner pid>-<random>``, so that whoever started
the owner (the batch, after a grading run it had to kill) can find and
remove those it left: :func:`sweep`.

Over 300 lines on purpose: both layouts are handled here, and only here.
"""

from __future__ import annotations

import functools
import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

PREFIX = "gdlab-"
CPU_PERIOD = 100_000  # microseconds: the CFS period the CPU quota is a share of
V1_CONTROLLERS = ("memory", "pids", "cpu", "freezer")
BOUNDS = ("memory", "pids", "cpu")


@dataclass(frozen=True)
class Budget:
    """What one sandbox may use, all its processes together.

    Attributes
    ----------
    memory_bytes : int
        Memory (resident, page cache and tmpfs files); past it the kernel
        reclaims, then kills a process of the group.
    processes : int
        Processes and threads alive at once; past it ``fork`` fails.
    cpu_cores : float
        CPU time per second of wall time, in cores.
    """

    memory_bytes: int = 2 << 30
    processes: int = 128
    cpu_cores: float = 1.0


@dataclass(frozen=True)
class Layout:
    """Where this process may create groups.

    Attributes
    ----------
    unified : Path or None
        The folder of the v2 hierarchy to create groups in.
    unified_controllers : frozenset of str
        The controllers a group created there gets.
    v1 : dict of str to Path
        Controller -> the folder of its v1 hierarchy to create groups in.
    """

    unified: Path | None
    unified_controllers: frozenset[str]
    v1: dict[str, Path]

    @property
    def usable(self) -> bool:
        """Whether any group can be created here."""
        return self.unified is not None or bool(self.v1)

    def bases(self) -> list[Path]:
        """Every folder groups are created in."""
        return ([self.unified] if self.unified is not None else []) + list(self.v1.values())


def _mounts() -> list[tuple[str, Path, str, set[str]]]:
    """The cgroup mounts: (mount root, mount point, fs type, super options)."""
    found = []
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return found
    for line in lines:
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
            continue
        found.append((fields[3], Path(fields[4]), tail[0], set(tail[2].split(","))))
    return found


def _membership() -> dict[str, str]:
    """This process's group per hierarchy: ``""`` for v2, else the controller list."""
    groups = {}
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as handle:
            for line in handle.read().splitlines():
                _, controllers, path = line.split(":", 2)
                for controller in controllers.split(",") if controllers else [""]:
                    groups[controller] = path
    except (OSError, ValueError):
        pass
    return groups


def _inside(mount_root: str, mount_point: Path, path: str) -> Path | None:
    """The folder of group ``path`` under a mount of the hierarchy at ``mount_root``."""
    relative = os.path.relpath(path, mount_root)
    if relative.startswith(".."):
        return None  # the group is outside what this mount shows
    folder = (mount_point / relative).resolve()
    return folder if folder.is_dir() else None


def _controllers(folder: Path, name: str) -> frozenset[str]:
    try:
        return frozenset((folder / name).read_text(encoding="ascii").split())
    except OSError:
        return frozenset()


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK) and os.access(folder / "cgroup.procs", os.W_OK)


@functools.cache
def layout() -> Layout:
    """Where this process may create groups (probed once per process)."""
    groups, unified, controllers, v1 = _membership(), None, frozenset(), {}
    for root, point, kind, options in _mounts():
        if kind == "cgroup2" and unified is None and "" in groups:
            own = _inside(root, point, groups[""])
            candidates = [own, *own.parents] if own is not None else []
            candidates = [c for c in candidates if c == point or point in c.parents]
            writable = [c for c in candidates if _writable(c)]
            # The nearest group whose children get memory and pids; else the
            # nearest writable one, where a group still ends everything at once.
            needed = {"memory", "pids"}
            bounded = [c for c in writable if needed <= _controllers(c, "cgroup.subtree_control")]
            if bounded or writable:
                unified = (bounded or writable)[0]
                controllers = _controllers(unified, "cgroup.subtree_control") & set(BOUNDS)
        elif kind == "cgroup":
            for controller in V1_CONTROLLERS:
                if controller in options and controller not in v1 and controller in groups:
                    own = _inside(root, point, groups[controller])
                    if own is not None and _writable(own):
                        v1[controller] = own
    # A controller is bound to one hierarchy: a v1 one never also appears in v2.
    v1 = {name: path for name, path in v1.items() if name not in controllers}
    if unified is not None and _kernel() >= (5, 14):
        v1.pop("freezer", None)  # the v2 group's cgroup.kill ends it: no freezing needed
    return Layout(unified, frozenset(controllers), v1)


def _kernel() -> tuple[int, int]:
    """The running kernel's major and minor version."""
    try:
        major, minor = os.uname().release.split(".")[:2]
        return int(major), int("".join(c for c in minor if c.isdigit()) or 0)
    except ValueError:
        return (0, 0)


class Group:
    """One sandbox's control group, in each hierarchy it spans.

    Parameters
    ----------
    folders : list of Path
        The group's folder in each hierarchy (the same name in all).
    """

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
        # Encoded now: join() runs between fork and exec, where little is safe.
        self._procs = [os.fsencode(folder / "cgroup.procs") for folder in folders]

    @property
    def name(self) -> str:
        """The group's name, ``gdlab-<owner pid>-<random>``."""
        return self.folders[0].name

    @classmethod
    def create(cls, budget: Budget, owner: int | None = None) -> Group | None:
        """A new group bounded by ``budget``; ``None`` where none can be made.

        Parameters
        ----------
        budget : Budget
            What the group's processes may use together.
        owner : int, optional
            The pid the group is named after (this process by default): the
            process that will remove it, or whose parent will sweep it.

        Raises
        ------
        OSError
            When the group was made but a bound could not be set; it has been
            removed again. :func:`available_bounds` then says there is no group.
        """
        where = layout()
        if not where.usable:
            return None
        name = f"{PREFIX}{owner or os.getpid()}-{secrets.token_hex(6)}"
        folders: list[Path] = []
        try:
            if where.unified is not None:
                folder = where.unified / name
                folder.mkdir()
                folders.append(folder)
                _bound_v2(folder, budget, where.unified_controllers)
            for controller, base in where.v1.items():
                folder = base / name
                folder.mkdir()
                folders.append(folder)
                _bound_v1(folder, budget, controller)
        except OSError:
            cls(folders).remove(patience=1.0)
            raise
        return cls(folders)

    def bounds(self) -> frozenset[str]:
        """What the group bounds: some of ``memory``, ``pids``, ``cpu``."""
        found = set()
        for folder in self.folders:
            for bound, files in (
                ("memory", ("memory.max", "memory.limit_in_bytes")),
                ("pids", ("pids.max",)),
                ("cpu", ("cpu.max", "cpu.cfs_quota_us")),
            ):
                if any((folder / file).exists() for file in files):
                    found.add(bound)
        return frozenset(found)

    def join(self) -> None:
        """Move the calling process into the group (safe between fork and exec)."""
        for path in self._procs:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, b"0")  # 0: the writing process itself
            finally:
                os.close(fd)

    def pids(self) -> list[int]:
        """The live (not zombie) processes in the group."""
        for folder in self.folders:
            try:
                text = (folder / "cgroup.procs").read_text(encoding="ascii")
            except OSError:
                continue
            return [pid for pid in map(int, text.split()) if _alive(pid)]
        return []

    def kill(self) -> None:
        """Kill every process in the group at once, however fast it forks."""
        for folder in self.folders:
            if _write(folder / "cgroup.kill", "1"):
                return
        freezer = next((f for f in self.folders if (f / "freezer.state").exists()), None)
        frozen = freezer is not None and _write(freezer / "freezer.state", "FROZEN")
        if frozen:
            deadline = time.monotonic() + 1.0
            while _read(freezer / "freezer.state") != "FROZEN" and time.monotonic() < deadline:
                time.sleep(0.005)
        for _ in range(1 if frozen else 100):  # frozen, no process can fork meanwhile
            found = self.pids()
            if not found:
                break
            for pid in found:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if frozen:
            _write(freezer / "freezer.state", "THAWED")  # a killed task dies once thawed

    def remove(self, patience: float = 5.0) -> bool:
        """Kill every process in the group and remove it; whether it is gone.

        A group can be removed only once its last process has exited, which
        takes a moment after the kill.
        """
        deadline = time.monotonic() + patience
        left = list(self.folders)
        while left:
            self.kill()
            for folder in list(left):
                try:
                    folder.rmdir()
                except FileNotFoundError:
                    pass
                except OSError:
                    continue
                left.remove(folder)
            if not left or time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        return not left


def _bound_v2(folder: Path, budget: Budget, controllers: frozenset[str]) -> None:
    if "memory" in controllers:
        _set(folder / "memory.max", str(budget.memory_bytes))
        _write(folder / "memory.swap.max", "0")  # not everywhere: swap may be off
    if "pids" in controllers:
        _set(folder / "pids.max", str(budget.processes))
    if "cpu" in controllers:
        _set(folder / "cpu.max", f"{max(1000, round(budget.cpu_cores * CPU_PERIOD))} {CPU_PERIOD}")


def _bound_v1(folder: Path, budget: Budget, controller: str) -> None:
    if controller == "memory":
        _set(folder / "memory.limit_in_bytes", str(budget.memory_bytes))
        # Memory and swap together, where the kernel accounts swap.
        _write(folder / "memory.memsw.limit_in_bytes", str(budget.memory_bytes))
    elif controller == "pids":
        _set(folder / "pids.max", str(budget.processes))
    elif controller == "cpu":
        _set(folder / "cpu.cfs_period_us", str(CPU_PERIOD))
        _set(folder / "cpu.cfs_quota_us", str(max(1000, round(budget.cpu_cores * CPU_PERIOD))))


def _set(path: Path, value: str) -> None:
    path.write_text(value, encoding="ascii")


def _write(path: Path, value: str) -> bool:
    try:
        _set(path, value)
    except OSError:
        return False
    return True


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def groups_of(owner: int) -> list[Group]:
    """The groups left by process ``owner`` (see :func:`Group.create`)."""
    named: dict[str, list[Path]] = {}
    for base in layout().bases():
        for folder in base.glob(f"{PREFIX}{owner}-*"):
            named.setdefault(folder.name, []).append(folder)
    return [Group(folders) for folders in named.values()]


def sweep(owner: int) -> bool:
    """Kill and remove every group process ``owner`` left; whether all are gone.

    For a grading run killed before it could stop its sandboxes.
    """
    return all([group.remove() for group in groups_of(owner)])


@functools.cache
def available_bounds() -> frozenset[str] | None:
    """What a sandbox's group bounds on this machine; ``None`` when it gets no group.

    Probed once per process by creating a group and removing it.
    """
    try:
        group = Group.create(Budget())
    except OSError:
        return None
    if group is None:
        return None
    try:
        return group.bounds()
    finally:
        group.remove()
