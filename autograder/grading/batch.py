"""Grade a whole class: intake, one pytest run per submission, reports.

Submissions are graded in parallel, each in its own pytest process (which in
turn keeps the student's code in sandboxed workers) with a time budget. Each
finished result is written at once and atomically, and a rerun skips every
submission whose content, grader and course secret are unchanged (unless the
grader could not finish it last time), so a killed batch loses nothing that
had finished.

The hidden inputs are drawn from the course secret alone, so two students
who hand in the same code get the same score. A gradebook holds the results
of one secret only: a run with another secret into the same folder is
refused unless every submission is regraded.
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

from autograder import results
from autograder.grading import plots, reports
from autograder.grading.intake import Prepared, discover, prepare, submission_name
from autograder.grading.suites import SUITES, pytest_arguments
from autograder.registry import load_registry
from autograder.results import SubmissionResult
from autograder.sandbox.levels import choose_level, isolation

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
GRADER_SOURCES = ("autograder", "reference")
STARTUP_SECONDS = 30.0


@dataclass
class Outcome:
    """What happened to one submission in a batch.

    Attributes
    ----------
    name : str
    result : SubmissionResult
    skipped : bool
        Its earlier result was reused: nothing changed since.
    """

    name: str
    result: SubmissionResult
    skipped: bool = False


@dataclass
class BatchReport:
    """The whole batch: every outcome."""

    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many submissions have ``status`` (see ``results.SUBMISSION_STATUSES``)."""
        return sum(outcome.result.status == status for outcome in self.outcomes)

    @property
    def all_graded(self) -> bool:
        """True when every submission could be read and graded to the end."""
        return all(outcome.result.status == results.GRADED_STATUS for outcome in self.outcomes)


class GradingRefused(Exception):
    """The batch must not start: nothing has been graded or written."""


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

    Without a secret the hidden inputs would follow from the project's code
    alone, and anyone with it could compute them. So a secret is required:
    the one given, else the one kept in ``out/.gdlab-secret``, else a new
    random one written there (readable by its owner only), which later runs
    into the same folder reuse.

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


def hidden_seed(secret: str) -> int:
    """The seed of the hidden cases: one draw per course secret, the same for every student."""
    digest = hashlib.sha256(f"gdlab hidden inputs\0{secret}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def secret_fingerprint(secret: str) -> str:
    """A short, one-way name of the secret, recorded in every result."""
    return hashlib.sha256(f"gdlab secret fingerprint\0{secret}".encode()).hexdigest()[:16]


def previous_result(out: Path, name: str) -> SubmissionResult | None:
    """The result written for ``name`` by an earlier run, if it is readable."""
    try:
        data = json.loads((out / "results" / f"{name}.json").read_text(encoding="utf-8"))
        return SubmissionResult.from_dict(data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def check_same_secret(out: Path, fingerprint: str, names: list[str]) -> None:
    """Refuse to mix results of two course secrets in one gradebook.

    Raises
    ------
    GradingRefused
        When an earlier result among ``names`` was graded with another secret.
    """
    others = []
    for name in names:
        previous = previous_result(out, name)
        if previous is not None and previous.secret and previous.secret != fingerprint:
            others.append(name)
    if others:
        raise GradingRefused(
            f"{out} holds results graded with another course secret ({len(others)}, e.g. "
            f"{others[0]}); grading with this one would mix two sets of hidden inputs in one "
            "gradebook. Pass the secret used before (--secret, or keep OUT/.gdlab-secret), "
            "grade into another folder, or pass --force to regrade everyone with this secret"
        )


def _run_suites(prepared: Prepared, seed: int, sandbox: str) -> tuple[dict | None, str | None]:
    """Run every suite on a prepared folder in a fresh pytest process."""
    exercises = [exercise.name for exercise in load_registry()]
    budget = sum(exercise.time_limit for exercise in load_registry()) + STARTUP_SECONDS
    with tempfile.TemporaryDirectory(prefix="gdlab-run-") as scratch:
        results_file = Path(scratch) / "results.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            *pytest_arguments(
                prepared.folder,
                exercises,
                SUITES,
                results_file,
                seed,
                sandbox,
                prepared.problem_records(),
            ),
        ]
        # A clean environment; HOME stays so that workers find the font cache.
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", scratch),
            "LANG": "C.UTF-8",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        if "TMPDIR" in os.environ:
            environment["TMPDIR"] = os.environ["TMPDIR"]
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
            return None, f"the grading run took longer than its budget of {budget:g} s"
        if not results_file.is_file():
            return None, "the grading run ended without results"
        return json.loads(results_file.read_text(encoding="utf-8")), None


def _unrun(name: str, prepared: Prepared, why: str) -> dict[str, results.ExerciseResult]:
    """Every exercise as not run, with intake's problem where it has one."""
    return {
        exercise.name: results.unrun_exercise(
            exercise,
            prepared.problems.get(exercise.name, why),
            prepared.problem_records().get(exercise.name, {}).get("kind", results.MISSING),
        )
        for exercise in load_registry()
    }


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
    previous = None if force else previous_result(out, name)
    if (
        previous is not None
        and previous.digest == prepared.digest
        and previous.grader == fingerprint
        and previous.secret == secret_fingerprint(secret)
        and previous.status != results.NEEDS_REGRADE
    ):
        shutil.rmtree(work / name, ignore_errors=True)
        return Outcome(name, previous, skipped=True)
    if prepared.fatal:
        result = SubmissionResult(
            name,
            _unrun(name, prepared, prepared.fatal),
            fatal=prepared.fatal,
            fatal_kind=prepared.fatal_kind,
        )
    else:
        written, failure = _run_suites(prepared, hidden_seed(secret), sandbox)
        if failure:
            result = SubmissionResult(
                name, _unrun(name, prepared, "not graded: " + failure), grader_problems=[failure]
            )
        else:
            result = SubmissionResult.from_dict(written)
    result.submission, result.notes = name, prepared.notes
    result.sandbox = result.sandbox or sandbox
    result.isolation = isolation(result.sandbox).summary
    result.secret = secret_fingerprint(secret)
    result.digest, result.grader = prepared.digest, fingerprint
    for exercise, graded in result.exercises.items():
        if graded.curves:
            plots.render(
                exercise,
                graded.curves,
                out / reports.PLOTS / reports.plot_name(name, exercise),
                full_marks=graded.full_marks,
            )
    document = json.dumps(result.to_dict(), indent=1)
    reports.write_atomically(out / "results" / f"{name}.json", document)
    reports.write_atomically(out / "feedback" / f"{name}.md", reports.feedback_markdown(result))
    shutil.rmtree(work / name, ignore_errors=True)
    return Outcome(name, result)


def entries_of(submissions: Path, out: Path) -> list[tuple[Path, str]]:
    """The class's entries and the names they are graded under.

    The output folder, and any other gradebook, is never an entry, even
    when it lies inside the submissions folder.

    Raises
    ------
    GradingRefused
        When ``submissions`` looks like one student's folder (it holds
        ``exercise1/`` ...) rather than a folder of students.
    """
    found = discover(submissions)
    exercises = {exercise.name for exercise in load_registry()}
    mistaken = sorted(entry.name for entry in found if submission_name(entry) in exercises)
    if mistaken:
        raise GradingRefused(
            f"{submissions} looks like one student's submission (it holds "
            f"{', '.join(mistaken)}), not a class: point gdlab grade at the folder that holds "
            "one folder or .zip per student"
        )
    target = out.resolve()
    entries = [entry for entry in found if entry.resolve() != target and not is_gradebook(entry)]
    names = [submission_name(entry) for entry in entries]
    # Two entries with one name (alice/ and alice.zip) keep their full names.
    return [
        (entry, entry.name if names.count(name) > 1 else name)
        for entry, name in zip(entries, names, strict=True)
    ]


def is_gradebook(entry: Path) -> bool:
    """Whether a folder is a gdlab output folder (it keeps a secret or results)."""
    return entry.is_dir() and (
        (entry / SECRET_FILE).exists()
        or ((entry / "grades.csv").is_file() and (entry / "results").is_dir())
    )


def grade_class(
    submissions: Path,
    out: Path,
    jobs: int | None = None,
    force: bool = False,
    secret: str | None = None,
    sandbox: str | None = None,
    progress: Callable[[Outcome], None] | None = None,
    only: list[str] | None = None,
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
        Regrade every submission, also unchanged ones (and those of another
        course secret).
    secret : str, optional
        The course secret that seeds the hidden cases; by default the one kept
        in ``out`` (see :func:`course_secret`).
    sandbox : str, optional
        Sandbox level, already checked by the caller; the strongest available
        by default.
    progress : callable, optional
        Called with each finished :class:`Outcome`.
    only : list of str, optional
        Regrade these submissions only; the others keep their earlier results.

    Returns
    -------
    BatchReport

    Raises
    ------
    GradingRefused
        Before anything is graded: see :func:`entries_of`,
        :func:`check_same_secret`, and unknown names in ``only``.
    """
    pairs = entries_of(submissions, out)
    names = [name for _, name in pairs]
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise GradingRefused(f"no submission called {', '.join(unknown)} in {submissions}")
    sandbox = sandbox or choose_level()
    if secret is None:
        secret, _ = course_secret(out)
    fingerprint = grader_fingerprint()
    if not force:
        check_same_secret(out, secret_fingerprint(secret), names)
    out.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    chosen = [pair for pair in pairs if not only or pair[1] in only]
    for _, name in pairs:  # the others keep what they had
        if only and name not in only and (kept := previous_result(out, name)) is not None:
            report.outcomes.append(Outcome(name, kept, skipped=True))
    with tempfile.TemporaryDirectory(prefix="gdlab-intake-") as work:

        def task(pair: tuple[Path, str]) -> Outcome:
            return grade_one(
                pair[0],
                pair[1],
                out,
                Path(work),
                force=force or bool(only),
                secret=secret,
                sandbox=sandbox,
                fingerprint=fingerprint,
            )

        with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            for future in as_completed([pool.submit(task, pair) for pair in chosen]):
                outcome = future.result()
                report.outcomes.append(outcome)
                if progress:
                    progress(outcome)
    graded = [outcome.result for outcome in report.outcomes]
    reports.write_atomically(out / "grades.csv", reports.grades_csv(graded))
    reports.write_atomically(out / "summary.md", reports.class_summary(graded))
    return report
