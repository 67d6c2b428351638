"""Run the grading suites on one prepared submission folder.

pytest always runs with the project's fixed configuration: the suites' own
``pytest.ini`` given with ``-c``, the suites folder as root and conftest
boundary, no cache, no third-party plugins, and the gdlab plugin. Nothing of
the submission's is read by pytest: its folder only reaches the workers.

What a run must keep from the submission (the hidden cases' seed, the
sandbox level, intake's problems) is never on pytest's command line, which
any process may be able to read in ``/proc``: it is in a private file
(:class:`RunOptions`) in a private folder, named by ``--gdlab-options``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from autograder.grading.warm_runs import WarmRuns, WarmRunsFailed
from autograder.paths import SUITES_DIR
from autograder.registry import load_registry
from autograder.results import SubmissionResult
from autograder.sandbox.server import sweep_run, wait_unreaped
from autograder.suites.plan import runs_directly

SUITES = ("public", "hidden")
#: Seconds a grading run may take beyond its exercises' time limits (importing, collecting).
STARTUP_SECONDS = 30.0


@dataclass(frozen=True)
class RunOptions:
    """What a grading run is told out of sight of its command line.

    Attributes
    ----------
    seed : int
        Seed of the hidden cases.
    sandbox : str or None
        Sandbox level; the strongest available when ``None``.
    problems : dict
        Maps an exercise whose file intake could not read to ``{"problem":
        why, "kind": "missing" or "unreadable"}`` (see
        :meth:`~autograder.grading.intake.Prepared.problem_records`), which
        its tests then report.
    exercises : tuple of str
        The exercises to grade, in order; every exercise of the registry
        when empty.
    """

    seed: int = 0
    sandbox: str | None = None
    problems: dict[str, dict[str, str]] = field(default_factory=dict)
    exercises: tuple[str, ...] = ()

    def chosen(self) -> list[str]:
        """The exercises to grade: :attr:`exercises`, or the registry's."""
        return list(self.exercises) or [exercise.name for exercise in load_registry()]

    def write(self, folder: Path) -> Path:
        """Write the options to a new file in ``folder``, readable by its owner only.

        ``folder`` should be private too (a ``mkdtemp`` folder): the file's
        name is unpredictable, and it is created, never opened if it exists.
        """
        descriptor, name = tempfile.mkstemp(prefix="gdlab-options-", suffix=".json", dir=folder)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
            json.dump(asdict(self), handle)
        return Path(name)

    @classmethod
    def read(cls, path: str | os.PathLike | None) -> RunOptions:
        """The options written at ``path``; the defaults when there is none.

        Raises
        ------
        ValueError
            When the file does not hold options of the right types.
        """
        if not path:
            return cls()
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if (
            not isinstance(data, dict)
            or type(data.get("seed", 0)) is not int
            or not isinstance(data.get("sandbox"), (str, type(None)))
            or not isinstance(data.get("problems", {}), dict)
            or not all(isinstance(name, str) for name in data.get("exercises", []))
        ):
            raise ValueError(f"{path} does not hold gdlab run options")
        return cls(
            data.get("seed", 0),
            data.get("sandbox"),
            data.get("problems", {}),
            tuple(data.get("exercises", ())),
        )


def pytest_arguments(
    submission: Path,
    exercises: list[str],
    suites: tuple[str, ...],
    results: Path,
    options: Path | None = None,
    trusted: bool = False,
) -> list[str]:
    """The pytest command line of one grading run (without the program name).

    ``options`` is the file :meth:`RunOptions.write` wrote (the defaults
    without one). ``trusted`` imports the modules into the test process
    instead of sandboxing them: only for the project's own code
    (benchmarks, the mistake catalogue), never for submissions.
    """
    # The plugin runs the tests exercise by exercise, so that an exercise's public and
    # hidden tests share one worker and one time budget.
    files = [str(SUITES_DIR / suite / f"test_{suite}.py") for suite in suites]
    chosen = [argument for name in exercises for argument in ("--gdlab-exercise", name)]
    arguments = [
        "-c",
        str(SUITES_DIR / "pytest.ini"),
        "--rootdir",
        str(SUITES_DIR),
        "--confcutdir",
        str(SUITES_DIR),
        "-p",
        "autograder.suites.plugin",
        "-q",
        "--no-header",
        "--tb=no",
        "-p",
        "no:cacheprovider",
        "--gdlab-submission",
        str(submission),
        "--gdlab-results",
        str(results),
        *chosen,
        *files,
    ]
    if options is not None:
        arguments += ["--gdlab-options", str(options)]
    if trusted:
        arguments.append("--gdlab-trusted-in-process")
    return arguments


def run_in_process(
    submission: Path,
    exercises: list[str],
    suites: tuple[str, ...],
    seed: int = 0,
    sandbox: str | None = None,
    problems: dict[str, dict[str, str]] | None = None,
    trusted: bool = False,
) -> SubmissionResult:
    """Run the suites in this process (the student code still runs in workers).

    Returns
    -------
    SubmissionResult
        The scored results as written by the plugin.
    """
    import pytest  # here only: the runs without pytest import this module too

    # Third-party pytest plugins of the machine must not take part in grading.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    with tempfile.TemporaryDirectory(prefix="gdlab-results-") as folder:
        results = Path(folder) / "results.json"
        options = RunOptions(seed, sandbox, problems or {}).write(Path(folder))
        arguments = pytest_arguments(submission, exercises, suites, results, options, trusted)
        with contextlib.redirect_stdout(io.StringIO()):
            code = pytest.main(arguments)
        if not results.is_file():
            raise RuntimeError(f"the grading run produced no results (pytest exit code {code})")
        return SubmissionResult.from_dict(json.loads(results.read_text(encoding="utf-8")))


def run_environment(home: Path) -> dict[str, str]:
    """The whole environment of a grading run, nothing else inherited.

    ``HOME`` stays (``home`` where there is none) so that workers find the
    font cache; the run's ``TMPDIR`` is added per run.
    """
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(home)),
        "LANG": "C.UTF-8",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "GDLAB_SUITES_DIR": str(SUITES_DIR),  # the suites this process planned with
    }


def run_in_subprocess(
    folder: Path,
    problems: dict[str, dict[str, str]],
    seed: int,
    sandbox: str,
    budget: float | None = None,
    warm: WarmRuns | None = None,
    exercises: tuple[str, ...] = (),
) -> tuple[dict | None, str | None]:
    """Run every suite on a prepared submission folder in a fresh grading process.

    Parameters
    ----------
    folder : Path
        The submission, laid out like ``exercises/``.
    problems : dict
        Intake's problems per exercise (see :class:`RunOptions`).
    seed : int
        Seed of the hidden cases.
    sandbox : str
        The sandbox level decided for the run.
    budget : float, optional
        Seconds the whole run may take; by default the exercises' time limits
        plus :data:`STARTUP_SECONDS`.
    warm : WarmRuns, optional
        A batch's warm process, which forks the run instead of a fresh
        interpreter starting it (the same run, without the imports); a cold
        start where it fails.
    exercises : tuple of str, optional
        The exercises to grade (an assignment's); every exercise by default.

    Returns
    -------
    tuple
        ``(results document, None)``, or ``(None, why)`` when the run did not
        start, took longer than its budget or ended without results.

    The seed, the level and intake's problems reach pytest in a private file,
    never on its command line. The run makes its sandboxes' folders in a
    private temporary folder of its own; afterwards, whatever happened (the
    run may be killed at its time ``budget``, before it could stop its
    sandboxes), every process and control group its sandboxes left is killed
    and that folder removed (:func:`~autograder.sandbox.server.sweep_run`).
    """
    run_options = RunOptions(seed, sandbox, problems, tuple(exercises))
    chosen = run_options.chosen()
    if budget is None:
        limits = [e.time_limit for e in load_registry() if e.name in chosen]
        budget = sum(limits) + STARTUP_SECONDS
    with tempfile.TemporaryDirectory(prefix="gdlab-run-") as scratch:
        results_file = Path(scratch) / "results.json"
        options = run_options.write(Path(scratch))
        direct = runs_directly(SUITES)
        if direct:
            # Without pytest's start-up and per-test machinery: the same tests,
            # names and records (see autograder.suites.direct).
            arguments = [str(folder), str(results_file), str(options)]
            command = [sys.executable, "-m", "autograder.suites.direct", *arguments]
        else:  # a hand-written test that needs pytest's fixtures
            command = [
                sys.executable,
                "-m",
                "pytest",
                *pytest_arguments(folder, chosen, SUITES, results_file, options),
            ]
        # The sandboxes' folders go here; their private uid enters it, never lists it.
        sandboxes = Path(tempfile.mkdtemp(prefix="gdlab-sandboxes-"))
        sandboxes.chmod(0o711)
        pid, reap = None, None
        if warm is not None and direct:
            try:
                pid = warm.start(arguments, cwd=Path(scratch), tmpdir=sandboxes)
                reap = partial(warm.reap, pid)
            except WarmRunsFailed:
                pid = None  # started cold instead, below
        if pid is None:
            try:
                run = subprocess.Popen(
                    command,
                    cwd=scratch,
                    env={**run_environment(Path(scratch)), "TMPDIR": str(sandboxes)},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            except OSError as error:
                shutil.rmtree(sandboxes, ignore_errors=True)
                return None, f"the grading run did not start ({error})"
            pid, reap = run.pid, run.wait
        ended = False
        try:
            ended = wait_unreaped(pid, budget)
        finally:
            if not ended:
                os.kill(pid, signal.SIGKILL)
                wait_unreaped(pid, None)
            # Swept before the run is reaped: until then its pid, which names its
            # sandboxes' uid and groups, cannot be another process's.
            sweep_run(pid, sandboxes)
            with contextlib.suppress(WarmRunsFailed):  # a warm process gone reaps nothing
                reap()
        if not ended:
            return None, f"the grading run took longer than its budget of {budget:g} s"
        if not results_file.is_file():
            return None, "the grading run ended without results"
        return json.loads(results_file.read_text(encoding="utf-8")), None
