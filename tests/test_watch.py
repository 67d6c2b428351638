"""``gdlab watch`` driven as a student drives it: a real process, real saves, Ctrl-C.

Each test copies the stubs into a temporary course folder, starts ``gdlab
watch`` there, rewrites files as an editor saves them and reads what the
watcher prints.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder.paths import EXERCISES_DIR, SOLUTIONS_DIR

GDLAB = str(Path(sys.executable).with_name("gdlab"))
PATIENCE = 60.0  # seconds to wait for a report on a busy machine


class Session:
    """A running ``gdlab watch`` whose output is read line by line."""

    def __init__(self, course: Path, *arguments: str) -> None:
        self.process = subprocess.Popen(
            [GDLAB, "watch", *arguments],
            cwd=course,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def report(self, title: str) -> list[str]:
        """The lines of the next report whose title contains ``title``, up to its last line."""
        deadline = time.monotonic() + PATIENCE
        collected: list[str] | None = None
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen.append(line)
            if line.startswith("== gdlab watch:"):
                collected = [line] if title in line else None
            elif collected is not None:
                collected.append(line)
                if line.startswith("Save an exercise's file"):
                    return collected
        raise AssertionError(
            f"no report titled {title!r}; the watcher printed:\n" + "\n".join(self.seen)
        )

    def interrupt(self) -> tuple[int, str, str]:
        """Ctrl-C; the exit code, what was printed after the last report, and the errors."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=PATIENCE)
        self.reader.join(timeout=PATIENCE)
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        with self.process.stdout, self.process.stderr:
            errors = self.process.stderr.read()
        return code, "\n".join(rest), errors


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """The stubs as a student gets them, without their notebooks."""
    folder = tmp_path / "course" / "exercises"
    shutil.copytree(EXERCISES_DIR, folder, ignore=shutil.ignore_patterns("*.ipynb", ".*"))
    return folder.parent


def save(path: Path, text: str) -> None:
    """Write as an editor does: a new file moved over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_a_save_is_checked_and_the_progress_follows(course: Path) -> None:
    session = Session(course, "exercise1")
    try:
        first = session.report("exercise1 watching")
        assert any("mse: not started" in line for line in first)
        assert any("0/6 exercises pass" in line for line in first)

        save(
            course / "exercises/exercise1/mse.py", (SOLUTIONS_DIR / "exercise1/mse.py").read_text()
        )
        solved = session.report("exercise1 saved")
        assert "12/12 public tests passed, 5/5 public points." in "\n".join(solved)
        assert any("1/6 exercises pass" in line for line in solved)
        assert any(line.split() == ["exercise1", "passed", "5/5"] for line in solved)

        # Another exercise saved with a syntax error: that one is checked and reported.
        save(course / "exercises/exercise2/gradients.py", "def mse_gradients(:\n")
        broken = "\n".join(session.report("exercise2 saved"))
        assert "SyntaxError" in broken
        assert "1/6 exercises pass" in broken  # exercise 1 still counts
    finally:
        code, rest, errors = session.interrupt()
    assert code == 0
    assert "Stopped watching." in rest
    assert "Traceback" not in errors


def test_an_infinite_loop_costs_one_check_not_the_session(course: Path) -> None:
    answer = (SOLUTIONS_DIR / "exercise1/mse.py").read_text()
    looping = answer.replace(
        "def sse(", "def sse(*args, **kwargs):\n    while True:\n        pass\n\n\ndef _sse(", 1
    )
    assert looping != answer
    session = Session(course, "exercise1")
    try:
        session.report("exercise1 watching")
        save(course / "exercises/exercise1/mse.py", looping)
        hanging = "\n".join(session.report("exercise1 saved"))
        assert "TIME test_example[sse" in hanging
        assert "PASS test_example[mse" in hanging  # the other functions are still checked

        save(course / "exercises/exercise1/mse.py", answer)
        fixed = "\n".join(session.report("exercise1 saved"))
        assert "5/5 public points" in fixed
    finally:
        code, _, errors = session.interrupt()
    assert code == 0
    assert "Traceback" not in errors


def fork_servers() -> set[int]:
    """The fork servers running on this machine."""
    found = subprocess.run(["pgrep", "-f", "forkserver.py"], capture_output=True, text=True)
    return {int(pid) for pid in found.stdout.split()}


def test_ctrl_c_stops_cleanly_and_leaves_no_sandbox(course: Path) -> None:
    before = fork_servers()
    session = Session(course)
    session.report("watching")
    assert fork_servers() - before  # the warm sandbox, kept between checks
    code, rest, errors = session.interrupt()
    assert code == 0
    assert "Traceback" not in errors
    assert not fork_servers() - before
