"""Nothing of a submission outlives its grading, and it reads no secret on the way.

A hostile submission leaves a daemon behind (forked twice, in a session of
its own, writing on), litters the shared temporary folders, plants the
names the grader once used for its probe folders and links at them, reads
other processes' command lines, bombs memory and processes. Every test runs
real sandboxes and real processes at each level this machine offers, and
looks at the machine afterwards: by the name the submission's processes
give themselves, by the sandbox's private uid, by its control group. Where
this machine lacks a capability (root, a writable cgroup, Landlock), each
test asserts what :func:`~autograder.sandbox.levels.isolation` then admits.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.grading.intake import prepare
from autograder.grading.pytest_run import run_environment, run_in_subprocess
from autograder.grading.run_settings import hidden_seed
from autograder.grading.warm_runs import WarmRuns
from autograder.paths import PROJECT_ROOT, SOLUTIONS_DIR
from autograder.registry import load_registry
from autograder.sandbox import cgroups, landlock, levels
from autograder.sandbox.client import Submission, Worker, WorkerCrashed
from autograder.sandbox.levels import PRIVATE_TMP, available_levels, isolation, private_uid
from autograder.sandbox.limits import Limits
from autograder.sandbox.server import ForkServer, _give, processes_of, remove_litter

LEVELS = available_levels()
GDLAB = str(Path(sys.executable).with_name("gdlab"))
FOREIGN_UID = 100_000 + (1 << 22) + 17  # above every pid: never a sandbox's private uid

HOSTILE = """
import ctypes, os, time

TOKEN = {token!r}
SHARED = ("/tmp", "/dev/shm", "/var/tmp")


def _mark():
    # Its name in /proc/PID/comm, so that the test can find it from outside.
    ctypes.CDLL(None).prctl(15, ("gd" + TOKEN).encode(), 0, 0, 0)  # PR_SET_NAME


def daemon(seconds):
    first = os.fork()
    if first:
        os.waitpid(first, 0)
        return True
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        _mark()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for folder in (".",) + SHARED:
                try:
                    with open(os.path.join(folder, "daemon-" + TOKEN), "a") as handle:
                        handle.write("still here\\n")
                except OSError:
                    pass
            time.sleep(0.05)
    finally:
        os._exit(0)


def litter():
    written = []
    for folder in SHARED:
        path = os.path.join(folder, "litter-" + TOKEN)
        try:
            with open(path, "wb") as handle:
                handle.write(b"x" * (1 << 20))
            written.append(path)
        except OSError:
            pass
    return written


def plant(grader_pid, target, count):
    planted = []
    names = ["gdlab-probe-%d" % grader_pid, "gdlab-sandbox-x", "gdlab-run-x", "gdlab-sandboxes-x"]
    for name in names:
        try:
            os.symlink(target, "/tmp/" + name)
            planted.append(name)
        except OSError:
            pass
    for number in range(count):
        try:
            os.mkdir("/tmp/gdlab-probe-%d" % number)
            planted.append(number)
        except OSError:
            pass
    return planted


def strike():
    import signal
    os.kill(os.getppid(), signal.SIGKILL)  # the fork server, which then cannot clean up
    return True


def peek(path):
    try:
        with open(path, "rb") as handle:
            return handle.read(4096).decode("utf-8", "replace")
    except OSError as error:
        return type(error).__name__


def hoard(children, megabytes):
    pids = []
    for _ in range(children):
        pid = os.fork()
        if pid == 0:
            block = b"x" * (megabytes << 20)  # written, so really resident
            time.sleep(1.0)
            os._exit(len(block) & 1)
        pids.append(pid)
    return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]


def swarm(count):
    started = 0
    for _ in range(count):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        started += 1
    return started


def fill(folder, megabytes):
    written = 0
    try:
        with open(os.path.join(folder, "fill-" + TOKEN), "wb") as handle:
            for _ in range(megabytes):
                handle.write(b"x" * (1 << 20))
                handle.flush()
                written += 1 << 20
    except OSError as error:
        return written, error.errno
    return written, 0
"""


def hostile(folder: Path, token: str, name: str = "hostile") -> Path:
    """The hostile module, written to ``folder/name.py``."""
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(HOSTILE.format(token=token)), encoding="utf-8")
    return path


def marked(token: str) -> list[int]:
    """Live processes that named themselves after ``token`` (see ``_mark``)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/comm", encoding="utf-8") as handle:
                if handle.read().strip() != f"gd{token}":
                    continue
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                if handle.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    continue
        except (OSError, IndexError):
            continue
        found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def shared_entries(token: str, uid: int | None) -> list[str]:
    """Entries of the shared temporary folders named after ``token`` or owned by ``uid``."""
    found = []
    for folder in PRIVATE_TMP:
        for entry in os.scandir(folder):
            try:
                owner = entry.stat(follow_symlinks=False).st_uid
            except OSError:
                continue
            if token in entry.name or (uid is not None and owner == uid):
                found.append(entry.path)
    return found


def confined(level: str) -> bool:
    """Whether the shared temporary folders stay clean of a submission at ``level`` here."""
    return level == "bubblewrap" or landlock.abi_version() >= 1 or private_uid() is not None


@pytest.fixture
def token() -> str:
    return secrets.token_hex(4)


@pytest.fixture
def gradebook() -> Iterator[Path]:
    """An instructor's folder outside any sandbox, open to every user to read."""
    folder = Path(tempfile.mkdtemp(prefix="gdlab-gradebook-"))
    try:
        folder.chmod(0o755)
        (folder / ".gdlab-secret").write_text("the course secret", encoding="utf-8")
        (folder / ".gdlab-secret").chmod(0o644)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def open_tmp(monkeypatch) -> Iterator[Path]:
    """A temporary folder for this test only, that a sandbox's private uid may enter.

    The grader's own temporary folders go here, so that whatever a run
    leaves behind is seen, however many other runs share ``/tmp``.
    """
    folder = Path(tempfile.mkdtemp(prefix="gdlab-test-tmp-"))
    folder.chmod(0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("level", LEVELS)
def test_a_daemon_and_its_litter_do_not_outlive_grading(tmp_path, level, token, gradebook):
    owner = gradebook.stat().st_uid
    server = ForkServer(level)
    student = Submission(Worker(hostile(tmp_path, token), level, server=server), 20.0)
    uid = private_uid()
    try:
        assert student.daemon(120) is True
        assert wait_for(lambda: marked(token)), "the daemon never ran"
        written = student.litter()
        planted = student.plant(os.getpid(), str(gradebook), 300)
        group, workdir = server.group, server.workdir
        assert workdir is not None and workdir.is_dir()
        if group is not None:  # every process of the submission is in its group
            assert set(marked(token)) <= set(group.pids())
        server.stop()  # the sandbox stops with its worker and the daemon still running
    finally:
        server.stop()
        student._worker.stop()
    assert marked(token) == []
    if uid is not None:
        assert processes_of(uid) == []
    if group is not None:
        assert not any(folder.exists() for folder in group.folders)
    assert not workdir.exists()
    # At bubblewrap the writes land in the sandbox's own tmpfs; with Landlock
    # they are refused; else what the private uid left is removed.
    if level != "bubblewrap" and landlock.abi_version() >= 1:
        assert written == [] and planted == []
    assert shared_entries(token, uid) == [] or not confined(level)
    assert gradebook.stat().st_uid == owner
    assert levels._works(level)  # the grader's own probe is not fooled by planted names
    assert gradebook.stat().st_uid == owner


def unprivileged(environment: dict[str, str]) -> list[str]:
    """How to run Python as an unprivileged user: ``nobody`` when the tests run as root.

    The venv's interpreter may lie in a folder only root may enter (a home of
    mode 700); then the system's Python of the same version runs the
    project with the venv's libraries instead.
    """
    if os.geteuid() != 0:
        return [sys.executable]
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for python in (os.path.realpath(sys.executable), f"/usr/bin/{version}"):
        # What the sandbox needs: to start its own interpreter again, by its real path.
        starts = (
            "import subprocess, autograder.sandbox.levels as levels; "
            "subprocess.run([levels.interpreter(), '-c', ''], check=True)"
        )
        check = [*drop, python, "-c", starts]
        if subprocess.run(check, capture_output=True, env=environment, cwd="/").returncode == 0:
            return [*drop, python]
    raise AssertionError("no Python this machine's unprivileged user can run")


@pytest.mark.parametrize("level", LEVELS)
def test_a_daemon_does_not_outlive_a_killed_fork_server(tmp_path, level, token):
    """With the server gone, its group, its uid or its PID namespace still end the daemon."""
    server = ForkServer(level)
    student = Submission(Worker(hostile(tmp_path, token), level, server=server), 20.0)
    try:
        assert student.daemon(120) is True
        assert wait_for(lambda: marked(token)), "the daemon never ran"
        try:
            student.strike()
        except WorkerCrashed:  # its PID namespace died with the server, the worker too
            pass
        contained = server.group is not None
    finally:
        server.stop()
        student._worker.stop()
    left = marked(token)
    try:
        if contained or private_uid() is not None or level != "process":
            assert left == []
        else:  # the one case open, as the isolation summary says
            assert "outlive" in isolation(level).summary
    finally:
        for pid in left:
            os.kill(pid, 9)


def test_ending_a_worker_kills_its_daemon_with_no_uid_and_no_group(tmp_path, token):
    """The fork server alone, as a grader that is not root has it: no private uid, no group.

    Run as an unprivileged user (``nobody``) when the tests run as root.
    """
    folder = Path(tempfile.mkdtemp(prefix="gdlab-unprivileged-"))
    folder.chmod(0o777)
    module = hostile(folder, token)
    module.chmod(0o644)
    script = textwrap.dedent(f"""
        import json, os, sys, time
        from pathlib import Path
        from autograder.sandbox import cgroups
        from autograder.sandbox.client import Submission, Worker
        from autograder.sandbox.levels import private_uid
        from autograder.sandbox.server import ForkServer
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_no_trace import marked, wait_for

        token = {token!r}
        server = ForkServer("process")
        outcome = {{"uid": private_uid(), "groups": cgroups.layout().usable}}
        first = Submission(Worker(Path({str(module)!r}), "process", server=server), 20.0)
        first.daemon(120)
        outcome["ran"] = wait_for(lambda: marked(token))
        outcome["group"] = server.group is not None
        first._worker.stop()  # a worker ends: the server kills its daemon
        outcome["after end"] = marked(token)
        second = Submission(Worker(Path({str(module)!r}), "process", server=server), 20.0)
        second.daemon(120)
        outcome["ran again"] = wait_for(lambda: marked(token))
        server.stop()  # the socket closes: the server kills what is left, then exits
        outcome["after stop"] = marked(token)
        print(json.dumps(outcome))
    """)
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TMPDIR": str(folder),
        "HOME": str(folder),
        # The project and the venv's libraries (the grader's, pytest included), for an
        # interpreter outside the venv.
        "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), sysconfig.get_paths()["purelib"]]),
    }
    try:
        command = [*unprivileged(environment), "-c", script]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, cwd=folder, env=environment
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert outcome["uid"] is None and outcome["group"] is False
    assert outcome["ran"] and outcome["ran again"]
    assert outcome["after end"] == [] and outcome["after stop"] == []
    assert marked(token) == []


def bomb_level() -> str:
    """Bubblewrap where it works: the level the bounds matter most at."""
    return "bubblewrap" if "bubblewrap" in LEVELS else LEVELS[0]


def group_file(server: ForkServer, *names: str) -> Path | None:
    """The first of ``names`` among the sandbox's group folders."""
    for folder in server.group.folders if server.group is not None else []:
        for name in names:
            if (folder / name).exists():
                return folder / name
    return None


def test_a_memory_bomb_stays_within_the_group(tmp_path, token):
    level = bomb_level()
    budget = cgroups.Budget(memory_bytes=256 << 20, processes=64)
    roomy = Limits(memory_bytes=2 << 30, file_bytes=1 << 30, processes=1000)
    server = ForkServer(level, limits=roomy, budget=budget)
    student = Submission(Worker(hostile(tmp_path, token), level, roomy, server=server), 60.0)
    try:
        try:
            ends = student.hoard(4, 200)  # 800 MB in all, each child under its own limits
        except WorkerCrashed:  # the kernel may pick the worker itself
            ends = None
        peak = group_file(server, "memory.peak", "memory.max_usage_in_bytes")
        used = int(peak.read_text()) if peak is not None else None
        tmp_written, tmp_error = student.fill("/tmp", 200)
        group = server.group
    finally:
        student._worker.stop()
        server.stop()
    assert isolation(level).contained == (group is not None)
    if group is None:  # no group here: each process had only its own limits
        assert ends == [0, 0, 0, 0]
        return
    assert used is not None and used <= budget.memory_bytes
    assert ends is None or -9 in ends  # the group's limit killed some of it
    if level == "bubblewrap":  # the private /tmp is bounded: by its size, or by the group
        assert tmp_error == 28  # ENOSPC
        assert tmp_written <= min(levels.TMPFS_BYTES, budget.memory_bytes)
    assert not any(folder.exists() for folder in group.folders)


def test_a_fork_bomb_stays_within_the_group(tmp_path, token):
    level = bomb_level()
    budget = cgroups.Budget(processes=40)
    roomy = Limits(processes=1000)
    server = ForkServer(level, limits=roomy, budget=budget)
    student = Submission(Worker(hostile(tmp_path, token), level, roomy, server=server), 60.0)
    uid = private_uid()
    try:
        started = student.swarm(200)
        events = group_file(server, "pids.events")
        refused = events.read_text().split() if events is not None else []
        group = server.group
    finally:
        student._worker.stop()
        server.stop()
    assert isolation(level).contained == (group is not None)
    if uid is not None:
        assert processes_of(uid) == []
    if group is None:
        assert started == 200  # nothing but each process's own limits
        return
    assert started < budget.processes
    assert refused[:1] == ["max"] and int(refused[1]) > 0  # the group refused the forks
    assert not any(folder.exists() for folder in group.folders)


@pytest.mark.parametrize("level", LEVELS)
def test_a_submission_reads_no_process_gradebook_or_classmate(tmp_path, level, token, gradebook):
    classmate = Path(tempfile.mkdtemp(prefix="gdlab-sandbox-"))  # another run's sandbox
    (classmate / "answer.py").write_text("def mse(): return 42\n", encoding="utf-8")
    if os.geteuid() == 0:
        os.chown(classmate, FOREIGN_UID, FOREIGN_UID)
    student = Submission(Worker(hostile(tmp_path, token), level), 20.0)
    try:
        seen = {
            "cmdline": student.peek(f"/proc/{os.getpid()}/cmdline"),
            "environ": student.peek(f"/proc/{os.getpid()}/environ"),
            "secret": student.peek(str(gradebook / ".gdlab-secret")),
            "classmate": student.peek(str(classmate / "answer.py")),
        }
    finally:
        student._worker.stop()
        shutil.rmtree(classmate, ignore_errors=True)
    claim = isolation(level)
    refused = {"PermissionError", "FileNotFoundError"}
    if claim.processes:
        assert seen["cmdline"] in refused and seen["environ"] in refused
    if claim.files:
        assert seen["secret"] in refused
    if claim.files or os.geteuid() == 0:  # Landlock, or the classmate's own uid and mode 700
        assert seen["classmate"] in refused


def process_tree(root: int) -> list[int]:
    """``root`` and every live process below it."""
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    parents[int(entry.name)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def one_student(root: Path, suffix: str) -> Path:
    """A class of one student whose exercise 1 is the answer key followed by ``suffix``."""
    folder = root / "class" / "ada" / "exercise1"
    folder.mkdir(parents=True)
    key = (SOLUTIONS_DIR / "exercise1" / "mse.py").read_text(encoding="utf-8")
    (folder / "mse.py").write_text(key + "\n" + suffix, encoding="utf-8")
    return root / "class"


#: How a submission's grading run shows in ``/proc/PID/cmdline`` (see ``run_in_subprocess``):
#: started cold, or forked by a batch's warm process (``autograder.grading.warm_runs``).
GRADING_RUN = b"-m\x00autograder.suites.direct\x00"
WARM_RUN = b"-m\x00autograder.grading.warm_runs\x00"


def test_the_secret_and_the_seed_are_on_no_command_line_or_environment(tmp_path):
    """While students' code runs, no process of the grading shows the secret or the seed.

    ``gdlab`` overwrites the secret it was given before any student's code
    starts; what ``/proc`` showed in the moment before is of no use to a
    submission, since none runs then and none survives its own grading.
    """
    secret = f"secret-{secrets.token_hex(8)}"
    seed = str(hidden_seed(secret))
    submissions = one_student(tmp_path, "import time\n\ntime.sleep(4)  # keeps the run going\n")
    grading = subprocess.Popen(
        [GDLAB, "grade", str(submissions), "--out", str(tmp_path / "out"), "--secret", secret],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: dict[int, bytes] = {}
    while grading.poll() is None:
        shown = {}
        for pid in process_tree(grading.pid):
            for part in ("cmdline", "environ"):
                try:
                    with open(f"/proc/{pid}/{part}", "rb") as handle:
                        shown[pid] = shown.get(pid, b"") + handle.read()
                except OSError:
                    pass
        if any(GRADING_RUN in text or WARM_RUN in text for text in shown.values()):
            for pid, text in shown.items():
                seen[pid] = seen.get(pid, b"") + text
        time.sleep(0.05)
    output, errors = grading.communicate()
    assert grading.returncode == 0, output + errors
    assert len(seen) >= 3, "the grading run was never seen"  # gdlab, its run, the sandbox
    for text in seen.values():
        assert secret.encode() not in text
        assert seed.encode() not in text
        assert b"--gdlab-seed" not in text
    assert secret not in output + errors


@pytest.mark.parametrize(
    ("level", "warm"), [*((level, False) for level in LEVELS), (LEVELS[0], True)]
)
def test_a_batch_killed_at_its_budget_leaves_no_trace(tmp_path, level, warm, token, open_tmp):
    """The grading run is killed mid-run, its sandbox and a daemon in it: all of it goes,
    whether the run was started cold or forked by a batch's warm process."""
    attack = HOSTILE.format(token=token) + textwrap.dedent("""
        daemon(600)
        litter()
        time.sleep(600)  # each import hangs until the worker's start timeout
    """)
    class_dir = tmp_path / "entry"
    for exercise in load_registry():
        folder = class_dir / exercise.name
        folder.mkdir(parents=True)
        key = (SOLUTIONS_DIR / exercise.name / exercise.filename).read_text(encoding="utf-8")
        (folder / exercise.filename).write_text(key + "\n" + attack, encoding="utf-8")
    prepared = prepare(class_dir, tmp_path / "prepared")
    runs: set[int] = set()
    daemons: set[int] = set()
    done = threading.Event()

    forks = WarmRuns(run_environment(tmp_path)) if warm else None
    parent = forks.process.pid if forks else os.getpid()  # the run is a child of this one

    def watch() -> None:
        while not done.is_set():
            try:
                with open(f"/proc/{parent}/task/{parent}/children") as handle:
                    children = handle.read().split()
            except OSError:
                children = []
            for pid in map(int, children):
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as handle:
                        if (WARM_RUN if warm else GRADING_RUN) in handle.read():
                            runs.add(pid)
                except OSError:
                    pass
            daemons.update(marked(token))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        written, failure = run_in_subprocess(
            prepared.folder, prepared.problem_records(), 7, level, budget=10.0, warm=forks
        )
    finally:
        done.set()
        watcher.join()
        if forks is not None:
            forks.stop()
    assert written is None and "budget of 10 s" in failure
    assert daemons, "the submission's daemon never ran"
    assert marked(token) == []
    (run,) = runs
    assert not Path(f"/proc/{run}").exists()  # reaped, once swept
    if private_uid() is not None:
        assert processes_of(private_uid(run)) == []
    assert cgroups.groups_of(run) == []
    assert os.listdir(open_tmp) == []  # no run folder, no sandbox folder
    assert shared_entries(token, private_uid(run)) == [] or not confined(level)


@pytest.mark.parametrize("level", LEVELS)
def test_probing_a_level_ignores_names_planted_in_tmp(level, gradebook):
    """The old probe folder's predictable name, planted as a link to the gradebook."""
    owner = gradebook.stat().st_uid
    planted = Path(tempfile.gettempdir()) / f"gdlab-probe-{os.getpid()}"
    planted.unlink(missing_ok=True)
    planted.symlink_to(gradebook, target_is_directory=True)
    if os.geteuid() == 0:
        os.chown(planted, FOREIGN_UID, FOREIGN_UID, follow_symlinks=False)
    try:
        assert levels._works(level)
        assert planted.is_symlink() and planted.resolve() == gradebook.resolve()
    finally:
        planted.unlink()
    assert gradebook.stat().st_uid == owner


def test_handing_a_folder_over_never_follows_a_link(tmp_path, gradebook):
    owner = gradebook.stat().st_uid
    folder = tmp_path / "worker"
    folder.mkdir()
    (folder / "module.py").write_text("x = 1\n", encoding="utf-8")
    (folder / "link").symlink_to(gradebook, target_is_directory=True)
    _give(folder, FOREIGN_UID if os.geteuid() == 0 else None)
    assert gradebook.stat().st_uid == owner
    assert (gradebook / ".gdlab-secret").stat().st_uid == owner
    if os.geteuid() == 0:
        assert (folder / "link").lstat().st_uid == FOREIGN_UID
        assert (folder / "module.py").stat().st_uid == FOREIGN_UID


def test_removing_litter_touches_only_the_uid_entries(gradebook, token):
    uid = FOREIGN_UID if os.geteuid() == 0 else None
    base = Path("/tmp")
    mine = base / f"litter-{token}"
    tree = base / f"litter-tree-{token}"
    link = base / f"litter-link-{token}"
    other = base / f"other-{token}"
    mine.write_text("x", encoding="utf-8")
    (tree / "inner").mkdir(parents=True)
    (tree / "inner" / "file").write_text("x", encoding="utf-8")
    link.symlink_to(gradebook, target_is_directory=True)
    other.write_text("x", encoding="utf-8")
    try:
        if uid is not None:
            for path in (mine, tree, tree / "inner", tree / "inner" / "file"):
                os.chown(path, uid, uid)
            os.chown(link, uid, uid, follow_symlinks=False)
        removed = remove_litter(uid, ("/tmp",))
        if uid is None:  # no private uid: nothing can be told apart, nothing is removed
            assert removed == [] and mine.exists()
        else:
            assert set(removed) == {mine, tree, link}
            assert not mine.exists() and not tree.exists() and not link.is_symlink()
            assert (gradebook / ".gdlab-secret").exists()  # a link is removed, not followed
        assert other.exists()
    finally:
        for path in (mine, link, other):
            if path.is_symlink() or path.exists():
                path.unlink()
        shutil.rmtree(tree, ignore_errors=True)


def test_a_sandbox_group_holds_its_processes_and_goes_with_it():
    level = LEVELS[0]
    server = ForkServer(level)
    try:
        server.start()
        group = server.group
        claim = isolation(level)
        assert claim.contained == (group is not None)
        assert claim.contained == (cgroups.available_bounds() is not None)
        if group is not None:
            assert server.process.pid in group.pids()
            assert group.name.startswith(f"gdlab-{os.getpid()}-")
            assert group.name in {found.name for found in cgroups.groups_of(os.getpid())}
            assert {"memory", "pids"} <= group.bounds()
    finally:
        server.stop()
    if group is not None:
        assert not any(folder.exists() for folder in group.folders)
        assert group.name not in {found.name for found in cgroups.groups_of(os.getpid())}
