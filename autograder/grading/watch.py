"""``gdlab watch``: re-check an exercise every time its file is saved.

The watcher is one long-lived checking process: its imports are done once,
and one sandbox (a fork server with NumPy, and matplotlib where the course
plots, already imported) stays up between checks, so a re-check costs the
tests and the student's code, not start-up. Each check still forks a fresh
worker in a fresh folder; a student's infinite loop costs that check one
timeout and the next save is checked as usual; a sandbox that stopped
answering is started again on the next check.

Saves are noticed by looking at the exercise files' modification times and
sizes every :data:`INTERVAL` seconds (a few dozen ``stat`` calls): it needs
no file-system events, so it works the same on network and container
folders, and costs well under a hundredth of a core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder import results
from autograder.grading import reports
from autograder.grading.check_sandbox import CheckSandbox
from autograder.grading.student_check import check, picture_line, progress_row, render
from autograder.results import ExerciseResult, SubmissionResult

#: Seconds between two looks at the files: a save waits half of it on average.
INTERVAL = 0.025
#: What a save may touch: the module and its notebook.
SUFFIXES = (".py", ".ipynb")


def exercise_files(folder: Path, exercise: str) -> dict[str, tuple[int, int]]:
    """The exercise's ``.py`` and ``.ipynb`` files in ``folder``: name -> (mtime in ns, size)."""
    found = {}
    for path in sorted((folder / exercise).glob("*")):
        if path.suffix in SUFFIXES and not path.name.startswith("."):
            try:
                status = path.stat()
            except OSError:  # removed between the listing and the look
                continue
            found[path.name] = (status.st_mtime_ns, status.st_size)
    return found


def progress_lines(entries: dict[str, ExerciseResult]) -> list[str]:
    """The progress over all exercises: a bar, and one line per exercise."""
    done = sum(entry.status == results.PASSED for entry in entries.values())
    score = sum(entry.score for entry in entries.values())
    total = sum(entry.max_score for entry in entries.values())
    width = 30
    filled = round(width * done / len(entries)) if entries else 0
    lines = [
        f"Progress: [{'#' * filled}{'-' * (width - filled)}] {done}/{len(entries)} exercises "
        f"pass their public tests, {reports.fraction(score, total)} public points"
    ]
    return lines + [f"  {progress_row(name, entry)}" for name, entry in entries.items()]


@dataclass
class Watcher:
    """Checks a student's folder, then re-checks each exercise whose files change.

    Parameters
    ----------
    folder : Path
        The student's folder, laid out like ``exercises/``.
    exercises : list of str
        Every exercise of the course, for the progress.
    focus : str or None
        The exercise to show in full at start; by default the first one not
        passing yet.
    echo : callable
        Prints one block of text.
    clear : callable
        Clears the screen before each report (a no-op when not a terminal).
    color : bool
        Colour the verdicts.
    """

    folder: Path
    exercises: list[str]
    focus: str | None = None
    echo: Callable[[str], None] = print
    clear: Callable[[], None] = lambda: None
    color: bool = False
    latest: dict[str, ExerciseResult] = field(default_factory=dict)

    def run(self) -> None:
        """Check everything once, then watch until interrupted.

        The sandbox is stopped however the watch ends; Ctrl-C ends it
        cleanly (the caller catches the ``KeyboardInterrupt``).
        """
        sandbox = CheckSandbox(self.folder, self.exercises)
        try:
            seen = {name: exercise_files(self.folder, name) for name in self.exercises}
            self._check_all(sandbox)
            while True:
                time.sleep(INTERVAL)
                for name in self.exercises:
                    now = exercise_files(self.folder, name)
                    if now != seen[name]:
                        seen[name] = self._settled(name, now)
                        self._check_one(sandbox, name)
        finally:
            sandbox.stop()

    def _settled(self, exercise: str, files: dict) -> dict:
        """The files once a look finds them as the last did: an editor may write in steps."""
        while True:
            time.sleep(INTERVAL / 4)
            again = exercise_files(self.folder, exercise)
            if again == files:
                return files
            files = again

    def _check_all(self, sandbox: CheckSandbox) -> None:
        result = check(self.folder, self.exercises, sandbox)
        self.latest.update(result.exercises)
        focus = self.focus or next(
            (name for name, entry in result.exercises.items() if entry.status != results.PASSED),
            None,
        )
        if focus is None:
            self._report(None, "every exercise passes its public tests")
        else:
            self._check_one(sandbox, focus, why="watching")

    def _check_one(self, sandbox: CheckSandbox, exercise: str, why: str = "saved") -> None:
        """Check one exercise, show its verdict at once, then the progress and the picture."""
        stamp = time.strftime("%H:%M:%S")

        def show(verdict: SubmissionResult) -> None:
            self.latest.update(verdict.exercises)
            self._report(verdict, f"{exercise} {why} at {stamp}")

        result = check(self.folder, [exercise], sandbox, on_verdict=show)
        if picture_line(result):
            self.echo(picture_line(result))

    def _report(self, verdict: SubmissionResult | None, title: str) -> None:
        self.clear()
        lines = [f"== gdlab watch: {title} =="]
        if verdict is not None:
            lines.append(render(verdict, color=self.color))
        lines += progress_lines({name: self.latest[name] for name in self.exercises})
        lines.append("Save an exercise's file to check it again; Ctrl-C to stop.")
        self.echo("\n".join(lines))
