"""Hostile submissions earn nothing they did not compute and leave the grader intact.

Each attack replaces ``sse`` (which no other function of the answer key calls)
in an otherwise correct exercise 1 and is graded by
the real public and hidden suites in the strongest sandbox. Attacks on the
sandbox itself (files, network, processes, parent folders) are checked at every
level this machine offers, through the worker channel directly.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pytest

from autograder.grading.pytest_run import SUITES_DIR, run_in_process
from autograder.paths import SOLUTIONS_DIR
from autograder.registry import get_exercise
from autograder.sandbox.client import (
    CallTimeout,
    NotPlainData,
    StudentException,
    Submission,
    Worker,
    WorkerCrashed,
)
from autograder.sandbox.levels import available_levels, private_uid, strongest_level
from autograder.sandbox.server import processes_of
from reference import momentum as ref5

ANSWER_KEY = (SOLUTIONS_DIR / "exercise1" / "mse.py").read_text(encoding="utf-8")

# Writes its own frames to the worker's reply pipe, in the channel's wire format.
FRAMES = """
import os as _os
import struct as _struct
import threading as _threading
import time as _time

import worker as _worker


def _write(data):
    view = memoryview(data)
    while view:
        view = view[_os.write(_worker.REPLIES, view):]


def _frame(body):
    _write(_struct.pack(">I", len(body)) + body)


def _reply(wire):  # a final reply that carries the current call's id
    return ('{"$dict":{"id":"%s","rngs":[],%s}}' % (_worker.CALL_ID, wire)).encode()
"""


def with_frames(attack: str) -> str:
    """An attack that writes frames itself, with the helpers of :data:`FRAMES`."""
    return FRAMES + textwrap.dedent(attack)


# (name, replacement for sse, whether the other functions keep their points)
ATTACKS = [
    (
        "forged equality",
        """
        class Liar:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __float__(self): return 235000000.0
            def __array__(self, *a, **k):
                import numpy
                return numpy.array(235000000.0)
        def sse(y_true, y_pred):
            return Liar()
    """,
        True,
    ),
    (
        "float subclass that always compares equal",
        """
        class Equal(float):
            def __eq__(self, other): return True
            def __float__(self): return 235000000.0
        def sse(y_true, y_pred):
            return Equal(1.0)
    """,
        True,
    ),
    (
        "monkeypatched numpy",
        """
        def sse(y_true, y_pred):
            np.allclose = np.isclose = lambda *a, **k: True
            np.testing.assert_allclose = lambda *a, **k: None
            np.asarray = lambda *a, **k: 0
            return -1.0
    """,
        False,
    ),
    (
        "monkeypatched builtins",
        """
        import builtins
        def sse(y_true, y_pred):
            builtins.abs = lambda x: 0
            builtins.isinstance = lambda *a: True
            builtins.float = lambda *a: 235000000.0
            return -1.0
    """,
        False,
    ),
    (
        "monkeypatched pytest",
        """
        def sse(y_true, y_pred):
            try:
                import pytest
                pytest.approx = lambda *a, **k: True
                pytest.fail = lambda *a, **k: None
            except ImportError:
                pass
            return -1.0
    """,
        True,
    ),
    (
        "stack and gc snooping for expected values",
        """
        import gc, inspect
        def sse(y_true, y_pred):
            found = [v for frame in inspect.stack() for v in frame.frame.f_locals.values()
                     if isinstance(v, float) and v > 1e6]
            found += [o for o in gc.get_objects() if isinstance(o, dict) and "expected" in o]
            return float(found[0]) if found and isinstance(found[0], float) else -1.0
    """,
        True,
    ),
    (
        "reading the hidden suites and the reference",
        """
        import glob, sys
        def sse(y_true, y_pred):
            text = ""
            for pattern in ["/work/**/hidden/*.py", "/**/reference/mse.py",
                            "../../**/solutions/**/mse.py"]:
                for path in glob.glob(pattern, recursive=True)[:3]:
                    try:
                        text += open(path).read()
                    except OSError:
                        pass
            try:
                import reference
                return reference.mse.mse(y_true, y_pred)
            except ImportError:
                pass
            return -1.0 if not text else -2.0
    """,
        True,
    ),
    (
        "os._exit",
        """
        import os
        def sse(y_true, y_pred):
            os._exit(0)
    """,
        True,
    ),
    (
        "sys.exit",
        """
        import sys
        def sse(y_true, y_pred):
            sys.exit(0)
    """,
        True,
    ),
    (
        "SkipTest",
        """
        import unittest
        def sse(y_true, y_pred):
            raise unittest.SkipTest("nothing to see")
    """,
        True,
    ),
    (
        "pytest.skip and pytest.exit",
        """
        def sse(y_true, y_pred):
            import pytest
            if len(y_true) % 2:
                pytest.skip("skipped")
            pytest.exit("bye", returncode=0)
    """,
        True,
    ),
    (
        "infinite loop",
        """
        def sse(y_true, y_pred):
            while True:
                pass
    """,
        True,
    ),
    (
        "sleep",
        """
        import time
        def sse(y_true, y_pred):
            time.sleep(3600)
    """,
        True,
    ),
    (
        "memory bomb",
        """
        def sse(y_true, y_pred):
            hoard = []
            while True:
                hoard.append(bytearray(100 << 20))
    """,
        False,
    ),  # each call spends its time filling memory: the budget runs out
    (
        "bounded fork storm",
        """
        import os, time
        def sse(y_true, y_pred):
            for _ in range(300):
                try:
                    if os.fork() == 0:
                        time.sleep(600)
                        os._exit(0)
                except OSError:
                    break
            return -1.0
    """,
        True,
    ),
    (
        "200 MB of output and a huge file",
        """
        import sys
        def sse(y_true, y_pred):
            chunk = "x" * (1 << 20)
            for _ in range(200):
                sys.stdout.write(chunk)
                sys.stderr.write(chunk)
            try:
                with open("huge.bin", "wb") as handle:
                    for _ in range(200):
                        handle.write(chunk.encode())
            except OSError:
                pass
            return -1.0
    """,
        False,
    ),  # spends the exercise's time budget: the later tests starve
    (
        "own frame: an empty array of shape [0, 2**62]",
        with_frames(
            """
        def sse(y_true, y_pred):
            _frame(_reply('"return":{"$array":["|b1",[0,%d],""]}' % 2**62))
            return -1.0
    """
        ),
        True,
    ),
    (
        "own frame: 96 MB of nested empty lists",
        with_frames(
            """
        def sse(y_true, y_pred):
            size = 96 << 20
            _write(_struct.pack(">I", size) + b"[")
            chunk = b"[]," * (1 << 20)
            for _ in range(size // len(chunk)):
                _write(chunk)
            return -1.0
    """
        ),
        True,
    ),
    (
        "own frame: 300,000 values within the size limit",
        with_frames(
            """
        def sse(y_true, y_pred):
            _frame(b"[" + b"[]," * 300_000 + b"[]]")
            return -1.0
    """
        ),
        True,
    ),
    (
        "own frame: an integer of 4,000 digits",
        with_frames(
            """
        def sse(y_true, y_pred):
            _frame(_reply('"return":' + "9" * 4000))
            return -1.0
    """
        ),
        True,
    ),
    (
        "own frame with the call's id, then a normal return",
        with_frames(
            """
        def sse(y_true, y_pred):
            _frame(_reply('"return":-1.0'))  # taken as the reply: wrong, so it fails
            return -2.0  # the worker's own reply follows: left over for the next call
    """
        ),
        True,
    ),
    (
        "own frame without an id, then a normal return",
        with_frames(
            """
        def sse(y_true, y_pred):
            _frame(b'{"$dict":{"return":-1.0,"rngs":[]}}')
            return -2.0
    """
        ),
        True,
    ),
    (
        "a thread that writes a frame after the call returned",
        with_frames(
            """
        def sse(y_true, y_pred):
            late = _reply('"return":-1.0')

            def later():
                _time.sleep(0.05)  # while the next function is called
                _frame(late)

            _threading.Thread(target=later, daemon=True).start()
            return -2.0
    """
        ),
        True,
    ),
    (
        "own garbage bytes after a normal reply",
        with_frames(
            """
        def sse(y_true, y_pred):
            _frame(_reply('"return":-1.0'))
            _write(b"\\xff" * 3)  # not even a frame
            return -2.0
    """
        ),
        True,
    ),
]


def submission_with(tmp_path: Path, attack: str) -> Path:
    """A submission whose exercise 1 is the answer key with ``sse`` replaced."""
    folder = tmp_path / "submission" / "exercise1"
    folder.mkdir(parents=True)
    source = ANSWER_KEY + "\n\n# --- the attack ---\n" + textwrap.dedent(attack)
    (folder / "mse.py").write_text(source, encoding="utf-8")
    return folder.parent


def leftover_processes(uid: int | None) -> list[int]:
    """Live processes still running as the workers' private uid."""
    return [] if uid is None else processes_of(uid)


@pytest.mark.parametrize(
    ("name", "attack", "others_intact"), ATTACKS, ids=[attack[0] for attack in ATTACKS]
)
def test_attack_earns_nothing(tmp_path, name, attack, others_intact):
    results = run_in_process(
        submission_with(tmp_path, attack), ["exercise1"], ("public", "hidden")
    )
    entry = results.exercises["exercise1"]
    by_task: dict[str, float] = {}
    for test in entry.tests:
        by_task[test.task] = by_task.get(test.task, 0.0) + test.score
        assert test.status in ("passed", "failed", "error", "timeout", "advice")
        assert isinstance(test.message, str)
    assert by_task["sse"] == 0.0, f"{name} earned points for sse"
    exercise = get_exercise("exercise1")
    if others_intact:
        for task in exercise.tasks:
            if task.function != "sse":
                assert by_task[task.function] == pytest.approx(task.points), task.function
    assert entry.score <= exercise.max_points - exercise.task("sse").points + 1e-9
    assert leftover_processes(private_uid()) == []


def test_conftest_and_ini_in_the_submission_are_never_read(tmp_path):
    submission = tmp_path / "submission"
    shutil.copytree(
        Path(__file__).parent.parent / "exercises",
        submission,
        ignore=shutil.ignore_patterns("*.md"),
    )
    forge = textwrap.dedent("""
        import pytest
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(item, call):
            outcome = yield
            outcome.get_result().outcome = "passed"
    """)
    for folder in (submission, submission / "exercise1"):
        (folder / "conftest.py").write_text(forge)
        (folder / "pytest.ini").write_text("[pytest]\naddopts = -p no:gdlab\n")
    results = run_in_process(submission, ["exercise1"], ("public", "hidden"))
    assert results.exercises["exercise1"].score == 0.0
    assert results.exercises["exercise1"].status == "not started"


def test_suites_folder_has_no_conftest():
    assert not list(SUITES_DIR.rglob("conftest.py"))


# -- the sandbox itself, at every level this machine offers -------------------------

LEVELS = available_levels()


def worker_for(tmp_path: Path, source: str, level: str) -> Submission:
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return Submission(Worker(path, level), call_timeout=5.0)


@pytest.fixture(params=LEVELS)
def level(request) -> str:
    return request.param


def test_strongest_level_is_used_by_default():
    assert strongest_level() == LEVELS[0]


def test_grader_files_are_hidden_at_the_bubblewrap_level(tmp_path, level):
    hidden = SUITES_DIR / "hidden" / "test_hidden.py"
    submission = worker_for(
        tmp_path,
        """
        import os
        def peek(path):
            try:
                return open(path).read()[:20]
            except OSError as error:
                return type(error).__name__
        def find_reference():
            try:
                import reference
                return True
            except ImportError:
                return False
    """,
        level,
    )
    try:
        seen = submission.peek(str(hidden))
        assert submission.find_reference() is False  # never on the worker's path
        if level == "bubblewrap":
            assert seen in ("FileNotFoundError", "PermissionError")
    finally:
        submission._worker.stop()


def test_network_is_cut_in_namespaced_levels(tmp_path, level):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    submission = worker_for(
        tmp_path,
        f"""
        import socket
        def call_home():
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"answer?")
                return "connected"
            except OSError as error:
                return type(error).__name__
    """,
        level,
    )
    try:
        outcome = submission.call_home()
        if level in ("bubblewrap", "unshare"):
            assert outcome != "connected"
            with pytest.raises(TimeoutError):
                listener.accept()
    finally:
        submission._worker.stop()
        listener.close()


def test_worker_cannot_write_into_grader_folders(tmp_path, level):
    out = tmp_path / "gradebook"
    out.mkdir()
    os.chmod(tmp_path, 0o755)
    submission = worker_for(
        tmp_path,
        f"""
        import os
        def vandalise():
            done = []
            for path in ({str(out)!r}, "..", "../..", "/tmp"):
                try:
                    with open(os.path.join(path, "grades.csv"), "w") as handle:
                        handle.write("me,60")
                    done.append(path)
                except OSError:
                    pass
            return done
    """,
        level,
    )
    try:
        written = submission.vandalise()
    finally:
        submission._worker.stop()
    # A hidden file system or a private uid stops it; a grader that is not root
    # running the plain process level shares its uid with the worker and cannot.
    if level == "bubblewrap" or private_uid() is not None:
        assert str(out) not in written
        assert not (out / "grades.csv").exists()
        assert not (tmp_path / "grades.csv").exists()
    else:
        assert level in ("unshare", "process")


def test_crash_timeout_and_exit_fail_one_call_then_the_worker_restarts(tmp_path, level):
    submission = worker_for(
        tmp_path,
        """
        import os, sys, time
        def crash(): os._exit(3)
        def leave(): sys.exit(0)
        def hang(): time.sleep(60)
        def fine(): return 1.5
    """,
        level,
    )
    try:
        with pytest.raises(WorkerCrashed, match="exited with code 3"):
            submission.crash()
        assert submission.fine() == 1.5
        with pytest.raises(StudentException, match="sys.exit"):
            submission.leave()
        assert submission.fine() == 1.5
        with pytest.raises(CallTimeout):
            submission._worker.request(
                {"op": "call", "name": "hang", "args": [], "kwargs": {}},
                timeout=2.0,
                idle_timeout=1.0,
            )
        assert submission.fine() == 1.5
    finally:
        submission._worker.stop()
    assert leftover_processes(private_uid()) == []


def test_non_plain_results_are_refused(tmp_path, level):
    submission = worker_for(
        tmp_path,
        """
        import numpy as np
        class Thing: pass
        def thing(): return Thing()
        def objects(): return np.array([Thing()], dtype=object)
        def function(): return len
    """,
        level,
    )
    try:
        for name in ("thing", "objects", "function"):
            with pytest.raises(NotPlainData):
                getattr(submission, name)()
    finally:
        submission._worker.stop()


def test_a_generator_comes_back_in_the_state_the_student_left_it(tmp_path, level):
    path = tmp_path / "momentum.py"
    path.write_text((SOLUTIONS_DIR / "exercise5" / "momentum.py").read_text(), encoding="utf-8")
    submission = Submission(Worker(path, level), call_timeout=30.0)
    try:
        sent, expected = np.random.default_rng(11), np.random.default_rng(11)
        result = submission.random_restarts(
            ref5.f, ref5.grad, n_restarts=4, steps=20, rng=sent
        )
        ref5.random_restarts(
            ref5.f, ref5.grad, n_restarts=4, steps=20, rng=expected
        )
        assert isinstance(result, tuple) and len(result) == 2
        assert sent.random() == expected.random()  # the same four draws were consumed
    finally:
        submission._worker.stop()


# -- the reply channel: frames a module writes itself ------------------------------


def test_a_generator_state_of_130_bits_in_its_own_frame_fails_only_that_function(tmp_path):
    key = (SOLUTIONS_DIR / "exercise5" / "momentum.py").read_text(encoding="utf-8")
    attack = with_frames(
        """
        def random_restarts(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200,
                            rng=None):
            state = '{"$dict":{"bit_generator":"PCG64","state":{"$dict":{"state":%d,"inc":1}},'
            state += '"has_uint32":0,"uinteger":0}}'
            _frame(
                ('{"$dict":{"id":"%s","return":{"$tuple":[-2.0305466,-18.015392]},"rngs":[%s]}}'
                 % (_worker.CALL_ID, state % 2**130)).encode()
            )
            return (0.0, 0.0)  # left over for the next call
        """
    )
    folder = tmp_path / "submission" / "exercise5"
    folder.mkdir(parents=True)
    (folder / "momentum.py").write_text(key + "\n" + attack, encoding="utf-8")
    entry = run_in_process(folder.parent, ["exercise5"], ("public", "hidden")).exercises[
        "exercise5"
    ]
    earned: dict[str, float] = {}
    for test in entry.tests:
        assert test.status in ("passed", "failed", "advice"), (test.name, test.message)
        earned[test.task] = earned.get(test.task, 0.0) + test.score
    assert earned["random_restarts"] == 0.0
    failed = [test for test in entry.tests if test.status == "failed"]
    assert failed and all("random generator came back malformed" in t.message for t in failed)
    for task in get_exercise("exercise5").tasks:
        if task.function != "random_restarts":
            assert earned[task.function] == pytest.approx(task.points), task.function


CHANNEL_ATTACKER = with_frames(
    """
    import sys

    def huge_frame():
        size = 96 << 20
        _write(_struct.pack(">I", size) + b"[")
        chunk = b"[]," * (1 << 20)
        for _ in range(size // len(chunk)):
            _write(chunk)

    def many_values():
        _frame(b"[" + b"[]," * 340_000 + b"[]]")
        return 0.0

    def empty_but_huge():
        _frame(_reply('"return":{"$array":["|b1",[0,%d],""]}' % 2**62))
        return 0.0

    def long_integer():
        _frame(_reply('"return":' + "9" * 4000))
        return 0.0

    def state_of_130_bits(rng):
        state = '{"$dict":{"bit_generator":"PCG64","state":{"$dict":{"state":%d,"inc":1}},'
        state += '"has_uint32":0,"uinteger":0}}'
        _frame(('{"$dict":{"id":"%s","return":0.0,"rngs":[%s]}}'
                % (_worker.CALL_ID, state % 2**130)).encode())
        return 0.0

    def frame_then_return():
        _frame(_reply('"return":-1.0'))
        return -2.0

    def prints(megabytes):
        chunk = "x" * (1 << 20)
        for _ in range(megabytes):
            sys.stdout.write(chunk)
            sys.stderr.write(chunk)
        return 1.0

    def fine(x):
        return x + 0.5
    """
)

# A grader process that calls each attack, checks the next call is clean, and
# reports its own peak memory (VmHWM), in MiB.
MEMORY_PROBE = """
import json, sys
from pathlib import Path
import numpy as np
from autograder.sandbox.client import MalformedReply, Submission, Worker

submission = Submission(Worker(Path(sys.argv[1]), sys.argv[2]), call_timeout=60.0)
outcomes = {}
try:
    for name, args in [
        ("huge_frame", ()), ("many_values", ()), ("empty_but_huge", ()), ("long_integer", ()),
        ("state_of_130_bits", (np.random.default_rng(1),)), ("frame_then_return", ()),
        ("prints", (100,)),
    ]:
        try:
            outcome = repr(getattr(submission, name)(*args))
        except MalformedReply as failure:
            outcome = "MalformedReply: " + str(failure)
        outcomes[name] = [outcome, submission.fine(1.0)]
finally:
    submission._worker.stop()
status = Path("/proc/self/status").read_text()
peak = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
print(json.dumps({"outcomes": outcomes, "peak_mib": peak / 1024}))
"""


def test_the_channel_attacks_cost_the_grader_little_memory_and_only_their_own_call(tmp_path):
    module = tmp_path / "attacker.py"
    module.write_text(CHANNEL_ATTACKER, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(module), strongest_level()],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    outcomes = report["outcomes"]
    for name in ("huge_frame", "many_values", "empty_but_huge", "long_integer"):
        assert outcomes[name][0].startswith("MalformedReply: the worker's answer broke"), name
    assert "random generator came back malformed" in outcomes["state_of_130_bits"][0]
    assert outcomes["frame_then_return"][0] == "-1.0"  # its own frame was taken as the reply
    assert outcomes["prints"][0] == "1.0"  # 200 MB of output, read and dropped
    assert all(after == 1.5 for _, after in outcomes.values())  # the next call is clean
    # The 96 MB frame once grew the grader to 4.9 GB; a Python with NumPy is ~60 MB.
    assert report["peak_mib"] < 250, report["peak_mib"]


def test_own_frames_fail_only_their_call_at_every_level(tmp_path, level):
    submission = worker_for(tmp_path, CHANNEL_ATTACKER, level)
    try:
        for name in ("many_values", "empty_but_huge", "frame_then_return", "many_values"):
            with pytest.raises(NotPlainData) if name != "frame_then_return" else nullcontext():
                getattr(submission, name)()
            assert submission.fine(2.0) == 2.5
    finally:
        submission._worker.stop()
    assert leftover_processes(private_uid()) == []
