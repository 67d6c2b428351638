"""Landlock keeps student code away from the grader's files and the network.

At the ``unshare`` and ``process`` levels the worker shares the grader's file
system (and, at ``process``, its network), so Landlock is what stops it. Every
test runs real sandboxes and real processes. The files the workers try to
reach are readable and writable by everyone, so that only Landlock can stop
them, whatever uid the worker runs as: remove the restriction and each test
fails. No test is skipped on a kernel without Landlock (or without its TCP
rules): there each asserts that the worker does reach what ``isolation()``
then admits is open, so the claim and the sandbox can never disagree.
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from autograder.grading.pytest_run import SUITES, run_in_process
from autograder.paths import PROJECT_ROOT, SOLUTIONS_DIR, SUITES_DIR
from autograder.sandbox import landlock
from autograder.sandbox.client import Submission, Worker
from autograder.sandbox.levels import (
    LEVELS,
    PRIVATE_TMP,
    SANDBOX_DIR,
    Isolation,
    available_levels,
    isolation,
)
from autograder.sandbox.server import ForkServer

ABI = landlock.abi_version()
REFUSED = "PermissionError"
RESTRICTED_LEVELS = [level for level in ("unshare", "process") if level in available_levels()]
ANSWER_KEY = SOLUTIONS_DIR / "exercise1" / "mse.py"

PROBE = """
import os
import socket

import numpy as np


def peek(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        return type(error).__name__


def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as error:
        return type(error).__name__


def scribble(path):
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("me,60")
        return "written"
    except OSError as error:
        return type(error).__name__


def call_home(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).sendall(b"answer?")
        return "connected"
    except OSError as error:
        return type(error).__name__


def listen():
    try:
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
        return "listening"
    except OSError as error:
        return type(error).__name__


def solve(a, b):
    return np.linalg.solve(np.asarray(a), np.asarray(b))
"""


@pytest.fixture(params=RESTRICTED_LEVELS)
def level(request) -> str:
    return request.param


@pytest.fixture
def gradebook() -> Iterator[Path]:
    """An instructor's folder outside any sandbox, open to every user.

    Not under pytest's ``tmp_path``, whose parents only root may enter: the
    workers' private uid must be stopped by Landlock, not by permissions.
    """
    folder = Path(tempfile.mkdtemp(prefix="gdlab-gradebook-"))
    try:
        folder.chmod(0o755)
        secret = folder / ".gdlab-secret"
        secret.write_text("the course secret", encoding="utf-8")
        secret.chmod(0o644)
        (folder / "dropbox").mkdir(mode=0o777)
        (folder / "dropbox").chmod(0o777)  # mkdir's mode is cut by the umask
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def probe(tmp_path, level) -> Iterator[Submission]:
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(PROBE), encoding="utf-8")
    submission = Submission(Worker(path, level), call_timeout=20.0)
    yield submission
    submission._worker.stop()


def test_worker_cannot_read_the_checkout_or_the_course_secret(probe, level, gradebook):
    closed = isolation(level).files  # True wherever the kernel has Landlock
    assert ANSWER_KEY.stat().st_mode & 0o004  # only Landlock stands in the way
    for path in (
        ANSWER_KEY,
        SUITES_DIR / "hidden" / "test_hidden.py",
        PROJECT_ROOT / "reference" / "__init__.py",
        PROJECT_ROOT / "autograder" / "paths.py",
        gradebook / ".gdlab-secret",
    ):
        assert (probe.peek(str(path)) == REFUSED) == closed, path
    assert (probe.listing(str(PROJECT_ROOT)) == REFUSED) == closed
    assert (probe.listing(str(gradebook)) == REFUSED) == closed


def test_worker_cannot_write_outside_its_folder(probe, level, gradebook):
    closed = isolation(level).files
    assert probe.scribble("notes.txt") == "written"  # its own folder
    assert (probe.scribble(str(gradebook / "dropbox" / "grades.csv")) == REFUSED) == closed
    # Its folder lies in the sandbox's, which lies in the temporary folder.
    assert (probe.scribble("../../grades.csv") == REFUSED) == closed
    assert probe.scribble("/dev/null") == "written"
    assert (gradebook / "dropbox" / "grades.csv").exists() != closed


def test_worker_cannot_write_to_the_shared_temporary_folders(probe, level):
    """/tmp, /dev/shm and /var/tmp are open to every user: only Landlock keeps a file out.

    What a submission could write there would outlive its grading; with
    Landlock it writes its own folder only, which goes with the sandbox.
    """
    closed = isolation(level).files
    for folder in PRIVATE_TMP:
        assert Path(folder).stat().st_mode & 0o1777 == 0o1777  # sticky, writable by all
        path = Path(folder) / f"gdlab-landlock-{secrets.token_hex(4)}"
        try:
            assert (probe.scribble(str(path)) == REFUSED) == closed, folder
            assert path.exists() != closed
        finally:
            path.unlink(missing_ok=True)


@pytest.mark.parametrize("level", ["process"])  # the level without a network namespace
def test_worker_cannot_use_tcp_at_the_process_level(probe):
    closed = ABI >= 4  # Landlock's TCP rules
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        assert (probe.call_home(listener.getsockname()[1]) == REFUSED) == closed
        if closed:
            with pytest.raises(TimeoutError):
                listener.accept()
    assert (probe.listen() == REFUSED) == closed


def test_workers_still_compute_and_plot(tmp_path, level):
    """NumPy and matplotlib (imported lazily, after the restriction) still work."""
    server = ForkServer(level)
    probe_path = tmp_path / "probe.py"
    probe_path.write_text(textwrap.dedent(PROBE), encoding="utf-8")
    probe = Submission(Worker(probe_path, level, server=server), call_timeout=20.0)
    house = Submission(
        Worker(SOLUTIONS_DIR / "exercise3" / "house_prices.py", level, server=server),
        call_timeout=30.0,
    )
    try:
        # in a sandbox restricted as far as this kernel allows
        assert (probe.peek(str(ANSWER_KEY)) == REFUSED) == isolation(level).files
        solution = probe.solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 2.0])
        np.testing.assert_allclose(solution, [1.0, 0.5])
        probe._worker.stop()
        summary = house.plot("plot_learning_curve", [3.0, 2.0, 1.0])
    finally:
        probe._worker.stop()
        house._worker.stop()
        server.stop()
    assert summary["yscale"] == "log"
    (x, y), *others = summary["lines"]
    assert not others
    np.testing.assert_allclose(x, [0.0, 1.0, 2.0])
    np.testing.assert_allclose(y, [3.0, 2.0, 1.0])


TRIPWIRE = f"""

# Added by the test: this answer key refuses to work in a sandbox that lets
# it read the answer keys.
try:
    open({str(SOLUTIONS_DIR / "exercise3" / "house_prices.py")!r}).close()
except PermissionError:
    pass
else:
    raise SystemExit("the sandbox let the submission read the answer keys")
"""


def test_the_answer_key_still_earns_full_marks(tmp_path, level):
    exercise = tmp_path / "submission" / "exercise3"
    exercise.mkdir(parents=True)
    source = (SOLUTIONS_DIR / "exercise3" / "house_prices.py").read_text(encoding="utf-8")
    tripwire = TRIPWIRE if isolation(level).files else ""  # where the files are closed
    (exercise / "house_prices.py").write_text(source + tripwire, encoding="utf-8")
    result = run_in_process(tmp_path / "submission", ["exercise3"], SUITES, sandbox=level)
    graded = result.exercises["exercise3"]
    assert graded.max_score > 0
    assert graded.score == graded.max_score


@pytest.mark.parametrize("level", available_levels())
def test_isolation_says_what_holds(tmp_path, level, gradebook):
    """What :func:`isolation` claims for a level is what a worker there meets."""
    claim = isolation(level)
    assert isinstance(claim, Isolation) and claim.level == level
    assert claim.summary and "\n" not in claim.summary
    assert isolation(level) is claim  # computed once
    if level == "bubblewrap":
        assert claim.files and claim.network
    else:
        assert claim.files == (ABI >= 1)
        # TCP is blocked at the process level, but UDP is not: never claimed as closed.
        assert claim.network == (level == "unshare")
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(PROBE), encoding="utf-8")
    probe = Submission(Worker(path, level), call_timeout=20.0)
    try:
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(1)
            reached = probe.call_home(listener.getsockname()[1]) == "connected"
        read = probe.peek(str(gradebook / ".gdlab-secret")) == "the course secret"
        wrote = probe.scribble(str(gradebook / "dropbox" / "grades.csv")) == "written"
    finally:
        probe._worker.stop()
    if claim.files:
        assert not read and not wrote
    if claim.network or (level == "process" and ABI >= 4):
        assert not reached


def test_isolation_refuses_an_unknown_level():
    assert set(LEVELS) == {"bubblewrap", "unshare", "process"}
    with pytest.raises(ValueError):
        isolation("chroot")


RESTRICT = """
import json, os, socket, sys

sys.path.insert(0, sys.argv[1])
import landlock

own, secret, dropbox = sys.argv[2:5]
applied = landlock.restrict(
    read=[sys.base_prefix, os.path.realpath(sys.executable), "/usr", "/lib", "/no/such/path"],
    write=[own, "/dev/null"],
)


def attempt(action):
    try:
        action()
        return "done"
    except OSError as error:
        return type(error).__name__


def write(path):
    with open(path, "w") as handle:
        handle.write("x")


outcome = {
    "applied": applied,
    "read secret": attempt(lambda: open(secret).read()),
    "write own": attempt(lambda: write(os.path.join(own, "notes.txt"))),
    "write dropbox": attempt(lambda: write(os.path.join(dropbox, "grades.csv"))),
    "read usr": attempt(lambda: os.listdir("/usr")),
    "connect": attempt(lambda: socket.create_connection(("127.0.0.1", int(sys.argv[5])), 2)),
}
print(json.dumps(outcome))
"""


def test_restrict_binds_a_process_of_the_grader_own_user(tmp_path, gradebook):
    """The case the worker tests cannot reach as root: a worker of the grader's uid.

    The process runs as the test's own user (root has every permission), so
    nothing but Landlock stops it.
    """
    own = tmp_path / "own"
    own.mkdir()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        done = subprocess.run(
            [
                sys.executable,
                "-I",
                "-S",
                "-c",
                RESTRICT,
                str(SANDBOX_DIR),
                str(own),
                str(gradebook / ".gdlab-secret"),
                str(gradebook / "dropbox"),
                str(listener.getsockname()[1]),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            env={"PATH": "/usr/bin:/bin"},
        )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    closed = REFUSED if ABI >= 1 else "done"  # without Landlock nothing is restricted
    assert outcome == {
        "applied": ABI >= 1,
        "read secret": closed,
        "write own": "done",
        "write dropbox": closed,
        "read usr": "done",
        "connect": REFUSED if ABI >= 4 else "done",
    }
    assert (own / "notes.txt").exists()
    assert (gradebook / "dropbox" / "grades.csv").exists() == (ABI < 1)
