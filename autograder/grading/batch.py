"""Grade a whole class: intake, one pytest run per submission, reports.

Submissions are graded in parallel, each in its own pytest process (which in
turn keeps the student's code in sandboxed workers) with a time budget. Each
finished result is written at once and atomically, and a rerun skips every
submission whose content and grader are unchanged, so a killed batch loses
nothing that had finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading import plots, reports
from autograder.grading.intake import Prepared, discover, prepare, submission_name
from autograder.grading.suites import SUITES, pytest_arguments
from autograder.registry import load_registry
from autograder.sandbox.levels import choose_level

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
GRADER_SOURCES = ("autograder", "reference")
STARTUP_SECONDS = 30.0


@dataclass
class Outcome:
    """What happened to one submission in a batch."""

    name: str
    result: dict
    skipped: bool = False
    processed: bool = True


@dataclass
class BatchReport:
    """The whole batch: every outcome, and whether every entry could be processed."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def all_processed(self) -> bool:
        """True when every submission could be read and graded."""
        return all(outcome.processed for outcome in self.outcomes)


def grader_fingerprint() -> str:
    """A hash of the grader's own code and data: a change means regrading."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for folder in (root, root.parent / "reference"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".toml", ".ini") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


SECRET_FILE = ".gdlab-secret"


def course_secret(out: Path, secret: str | None = None) -> tuple[str, bool]:
    """The course secret that seeds the hidden inputs, and whether it was just created.

    Without a secret the hidden inputs would follow from the submission's name
    alone, and anyone with the project's code could compute them. So a secret
    is required: the one given, else the one kept in ``out/.gdlab-secret``,
    else a new random one written there (readable by its owner only), which
    later runs into the same folder reuse.

    Parameters
    ----------
    out : Path
        The gradebook folder.
    secret : str, optional
        A secret given by the instructor (``--secret`` or ``GDLAB_SECRET``).

    Raises
    ------
    ValueError
        When the given secret is empty.
    """
    if secret is not None:
        if not secret.strip():
            raise ValueError("the course secret must not be empty")
        return secret, False
    path = out / SECRET_FILE
    if path.is_file():
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return kept, False
    out.mkdir(parents=True, exist_ok=True)
    kept = secrets.token_hex(16)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(kept + "\n")
    return kept, True


def hidden_seed(secret: str, name: str) -> int:
    """The seed of a submission's hidden cases: fixed per course secret and student."""
    digest = hashlib.sha256(f"{secret}\0{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _run_suites(prepared: Prepared, seed: int, sandbox: str) -> tuple[dict | None, str | None]:
    """Run every suite on a prepared folder in a fresh pytest process."""
    exercises = [exercise.name for exercise in load_registry()]
    budget = sum(exercise.time_limit for exercise in load_registry()) + STARTUP_SECONDS
    with tempfile.TemporaryDirectory(prefix="gdlab-run-") as scratch:
        results = Path(scratch) / "results.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            *pytest_arguments(
                prepared.folder, exercises, SUITES, results, seed, sandbox, prepared.problems
            ),
        ]
        # A clean environment; HOME stays so that workers find the font cache.
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", scratch),
            "LANG": "C.UTF-8",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        try:
            subprocess.run(
                command,
                cwd=scratch,
                env=environment,
                timeout=budget,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            return None, f"grading took longer than its budget of {budget:g} s"
        if not results.is_file():
            return None, "the grading run ended without results"
        return json.loads(results.read_text(encoding="utf-8")), None


def grade_one(
    entry: Path,
    name: str,
    out: Path,
    work: Path,
    *,
    force: bool,
    secret: str,
    sandbox: str,
    fingerprint: str,
) -> Outcome:
    """Grade one entry (or reuse its unchanged result) and write its files."""
    prepared = prepare(entry, work / name)
    prepared.name = name
    result_path = out / "results" / f"{name}.json"
    if not force and result_path.is_file():
        try:
            previous = json.loads(result_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            previous = {}
        if previous.get("digest") == prepared.digest and previous.get("grader") == fingerprint:
            return Outcome(name, previous, skipped=True, processed=not previous.get("fatal"))
    suite_results, failure = (
        (None, prepared.fatal)
        if prepared.fatal
        else _run_suites(prepared, hidden_seed(secret, name), sandbox)
    )
    result = reports.submission_result(
        name, suite_results, prepared.problems, prepared.notes, sandbox, fatal=failure
    )
    result["digest"], result["grader"] = prepared.digest, fingerprint
    for exercise, entry in result["exercises"].items():
        if entry.get("curves"):
            plots.render(
                exercise, entry["curves"], out / reports.PLOTS / reports.plot_name(name, exercise)
            )
    reports.write_atomically(result_path, json.dumps(result, indent=1))
    reports.write_atomically(out / "feedback" / f"{name}.md", reports.feedback_markdown(result))
    shutil.rmtree(work / name, ignore_errors=True)
    return Outcome(name, result, processed=not result["fatal"])


def grade_class(
    submissions: Path,
    out: Path,
    jobs: int | None = None,
    force: bool = False,
    secret: str | None = None,
    sandbox: str | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> BatchReport:
    """Grade every entry of ``submissions`` into ``out``.

    Parameters
    ----------
    submissions : Path
        A folder with one entry (folder or zip) per student.
    out : Path
        Output folder (see :mod:`autograder.grading.reports`).
    jobs : int, optional
        Submissions graded at once; all cores by default.
    force : bool, optional
        Regrade even unchanged submissions.
    secret : str, optional
        The course secret that seeds the hidden cases; by default the one kept
        in ``out`` (see :func:`course_secret`).
    sandbox : str, optional
        Sandbox level; the strongest available by default.
    progress : callable, optional
        Called with each finished :class:`Outcome`.

    Returns
    -------
    BatchReport
    """
    entries = discover(submissions)
    names = [submission_name(entry) for entry in entries]
    # Two entries with one name (alice/ and alice.zip) keep their full names.
    names = [
        entry.name if names.count(name) > 1 else name
        for entry, name in zip(entries, names, strict=True)
    ]
    sandbox = choose_level(sandbox)
    out.mkdir(parents=True, exist_ok=True)
    secret, _ = course_secret(out, secret)
    # Another secret means other hidden inputs: results of the old one are stale.
    fingerprint = grader_fingerprint() + hashlib.sha256(secret.encode()).hexdigest()[:16]
    report = BatchReport()
    with tempfile.TemporaryDirectory(prefix="gdlab-intake-") as work:

        def task(pair: tuple[Path, str]) -> Outcome:
            return grade_one(
                pair[0],
                pair[1],
                out,
                Path(work),
                force=force,
                secret=secret,
                sandbox=sandbox,
                fingerprint=fingerprint,
            )

        with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            for future in as_completed(
                [pool.submit(task, pair) for pair in zip(entries, names, strict=True)]
            ):
                outcome = future.result()
                report.outcomes.append(outcome)
                if progress:
                    progress(outcome)
    results = [outcome.result for outcome in report.outcomes]
    reports.write_atomically(out / "grades.csv", reports.grades_csv(results))
    reports.write_atomically(out / "summary.md", reports.class_summary(results))
    return report
