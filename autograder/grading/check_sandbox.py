"""The sandbox of a student's checks, started before anything else is loaded.

Starting a sandbox (the isolation, an interpreter, NumPy, and matplotlib for
an exercise that plots) takes about as long as the checking process's own
imports; ``gdlab check`` launches it first thing, from this light module, so
that both happen side by side on the machine's cores. It is launched at the
strongest level this machine has the tools for, without the level probe: a
server that says ready has shown what the probe would. Only when it does
not start is the level probed (:func:`~autograder.sandbox.levels.strongest_level`).
"""

from __future__ import annotations

from pathlib import Path

from autograder.registry import get_exercise
from autograder.sandbox.levels import likely_level, strongest_level
from autograder.sandbox.server import ForkServer, SandboxFailed, preloads_for


class CheckSandbox:
    """A fork server for one student's checks, launched at once.

    Parameters
    ----------
    folder : Path
        The student's folder, laid out like ``exercises/``.
    exercises : list of str
        The exercises to be checked; the server preloads matplotlib when one
        of their files names it.
    """

    def __init__(self, folder: Path, exercises: list[str]) -> None:
        files = [
            path
            for name in exercises
            for path in (folder / name).glob(f"{Path(get_exercise(name).filename).stem}.*")
        ]
        self.server = ForkServer(likely_level(), preload=preloads_for(files))
        try:
            self.server.launch()
        except SandboxFailed:
            pass  # not running: ready() falls back to the probed level

    def ready(self) -> ForkServer:
        """The server once it is ready; else an unstarted one at the probed level."""
        try:
            if self.server.running:
                self.server.wait_ready()
                return self.server
        except SandboxFailed:
            pass
        self.server.stop()
        self.server = ForkServer(strongest_level(), preload=self.server.preload)
        return self.server

    def stop(self) -> None:
        """Stop the sandbox and everything in it."""
        self.server.stop()
