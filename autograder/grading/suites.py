"""Run the grading suites on one prepared submission folder.

pytest always runs with the project's fixed configuration: the suites' own
``pytest.ini`` given with ``-c``, the suites folder as root and conftest
boundary, no cache, no third-party plugins, and the gdlab plugin. Nothing of
the submission's is read by pytest: its folder only reaches the workers.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

import pytest

from autograder.paths import SUITES_DIR
from autograder.results import SubmissionResult

SUITES = ("public", "hidden")


def pytest_arguments(
    submission: Path,
    exercises: list[str],
    suites: tuple[str, ...],
    results: Path,
    seed: int = 0,
    sandbox: str | None = None,
    problems: dict[str, dict[str, str]] | None = None,
    trusted: bool = False,
) -> list[str]:
    """The pytest command line of one grading run (without the program name).

    ``problems`` maps an exercise whose file intake could not read to
    ``{"problem": why, "kind": "missing" or "unreadable"}`` (see
    :meth:`~autograder.grading.intake.Prepared.problem_records`), which its
    tests then report. ``trusted`` imports the modules into
    the test process instead of sandboxing them: only for the project's own
    code (benchmarks, the mistake catalogue), never for submissions.
    """
    # Exercise by exercise, so that public and hidden tests share one worker.
    files = [str(SUITES_DIR / suite / f"test_{name}.py") for name in exercises for suite in suites]
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
        "--gdlab-seed",
        str(seed),
        *files,
    ]
    if sandbox:
        arguments += ["--gdlab-sandbox", sandbox]
    if problems:
        arguments += ["--gdlab-problems", json.dumps(problems)]
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
    # Third-party pytest plugins of the machine must not take part in grading.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    with tempfile.TemporaryDirectory(prefix="gdlab-results-") as folder:
        results = Path(folder) / "results.json"
        arguments = pytest_arguments(
            submission, exercises, suites, results, seed, sandbox, problems, trusted
        )
        with contextlib.redirect_stdout(io.StringIO()):
            code = pytest.main(arguments)
        if not results.is_file():
            raise RuntimeError(f"the grading run produced no results (pytest exit code {code})")
        return SubmissionResult.from_dict(json.loads(results.read_text(encoding="utf-8")))
