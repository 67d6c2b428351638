"""Grade a whole class: intake, one grading run per submission, reports.

Submissions are graded in parallel, each in a grading process of its own
(which in turn keeps the student's code in sandboxed workers) with a time
budget; a warm process forks these runs, so the grader is imported once per
batch (:mod:`~autograder.grading.warm_runs`). Each finished result is
written at once and atomically (the batch keeps only each submission's
status in memory), and a rerun skips every
submission whose content, grader and course secret are unchanged (unless the
grader could not finish it last time), so a killed batch loses nothing that
had finished. Entries are graded under the names intake gives them
(distinct, printable, short: see :func:`~autograder.grading.entry_names.name_entries`),
and an entry whose grading raises costs that entry only: it needs a regrade,
and the others are graded.

The hidden inputs are drawn from the course secret alone, so two students
who hand in the same code get the same score. A gradebook holds the results
of one secret only: a run with another secret into the same folder is
refused unless every submission is regraded.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from autograder import results, scoring
from autograder.grading import drawing, reports, warm_runs
from autograder.grading.atomic_write import write_atomically
from autograder.grading.entry_names import NamedEntry, display_name
from autograder.grading.feedback import feedback_markdown
from autograder.grading.gradebook import (
    GradingRefused,
    check_same_secret,
    entries_of,
    grader_fingerprint,
    previous_result,
)
from autograder.grading.intake import (
    Prepared,
    cap_notes,
    prepare,
)
from autograder.grading.outcomes import BatchReport, Outcome
from autograder.grading.pytest_run import SUITES, run_environment, run_in_subprocess
from autograder.grading.run_settings import RunSettings, decide_run, keep_secret
from autograder.grading.warm_runs import WarmRuns, WarmRunsFailed
from autograder.registry import load_registry
from autograder.results import SubmissionResult
from autograder.sandbox.levels import isolation
from autograder.suites.plan import runs_directly


def _unrun(name: str, prepared: Prepared, why: str) -> dict[str, results.ExerciseResult]:
    """Every exercise as not run, with intake's problem where it has one."""
    return {
        exercise.name: scoring.unrun_exercise(
            exercise,
            prepared.problems.get(exercise.name, why),
            prepared.problem_records().get(exercise.name, {}).get("kind", results.MISSING),
        )
        for exercise in load_registry()
    }


def _stamp(result: SubmissionResult, name: str, notes: list[str], settings: RunSettings) -> None:
    """What every result records besides its tests: name, notes, sandbox, secret."""
    result.submission, result.notes = name, notes
    result.sandbox = result.sandbox or settings.level
    result.secret = settings.fingerprint
    result.isolation = isolation(result.sandbox).summary


def _graded(
    prepared: Prepared, name: str, settings: RunSettings, warm: WarmRuns | None = None
) -> SubmissionResult:
    """The result of a prepared entry: its suites' run, or why there was none."""
    if prepared.fatal:
        return SubmissionResult(
            name,
            _unrun(name, prepared, prepared.fatal),
            fatal=prepared.fatal,
            fatal_kind=prepared.fatal_kind,
        )
    written, failure = run_in_subprocess(
        prepared.folder, prepared.problem_records(), settings.seed, settings.level, warm=warm
    )
    if failure:
        return SubmissionResult(
            name, _unrun(name, prepared, "not graded: " + failure), grader_problems=[failure]
        )
    return SubmissionResult.from_dict(written)


def _write_result(out: Path, result: SubmissionResult) -> None:
    """A result's pictures, ``results/<name>.json`` and ``feedback/<name>.md``."""
    name = result.submission
    for exercise, graded in result.exercises.items():
        if graded.curves:
            drawing.render(
                exercise,
                graded.curves,
                out / reports.PLOTS / reports.plot_name(name, exercise),
                full_marks=graded.full_marks,
            )
    document = json.dumps(result.to_dict(), indent=1)
    write_atomically(out / "results" / f"{name}.json", document)
    write_atomically(out / "feedback" / f"{name}.md", feedback_markdown(result))


def grade_one(
    entry: NamedEntry,
    out: Path,
    work: Path,
    *,
    force: bool,
    settings: RunSettings,
    fingerprint: str,
    warm: WarmRuns | None = None,
) -> Outcome:
    """Grade one entry (or reuse its unchanged result) and write its files.

    Its modules are prepared in a folder of ``work`` that the grader names,
    removed afterwards whatever happens. ``settings`` are the run's (see
    :func:`~autograder.grading.run_settings.decide_run`), ``fingerprint``
    the grader's (:func:`grader_fingerprint`), ``warm`` the batch's warm
    process that forks the runs (:mod:`~autograder.grading.warm_runs`).
    """
    name = entry.name
    folder = Path(tempfile.mkdtemp(prefix="entry-", dir=work))
    try:
        prepared = prepare(entry.path, folder, notes=entry.notes)
        prepared.name = name
        previous = None if force else previous_result(out, name)
        if (
            previous is not None
            and previous.digest == prepared.digest
            and previous.grader == fingerprint
            and previous.secret == settings.fingerprint
            and previous.status != results.NEEDS_REGRADE
        ):
            return Outcome.of(name, previous, out, skipped=True, entry=entry.shown)
        result = _graded(prepared, name, settings, warm)
        _stamp(result, name, prepared.notes, settings)
        result.digest, result.grader = prepared.digest, fingerprint
        _write_result(out, result)
        return Outcome.of(name, result, out, entry=entry.shown)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _failure(error: Exception) -> str:
    """A grader failure in one line: what was raised, and where (in the grader, and last)."""
    frames = traceback.extract_tb(error.__traceback__)
    package = Path(__file__).resolve().parent.parent
    ours = [frame for frame in frames if Path(frame.filename).is_relative_to(package)]
    places = [f"{Path(frame.filename).name}:{frame.lineno}" for frame in ours[-1:] + frames[-1:]]
    where = f" at {' in '.join(dict.fromkeys(places))}" if places else ""
    return (
        f"the grader failed on this entry ({type(error).__name__}{where}: "
        f"{display_name(str(error))[:300]})"
    )


def failed_outcome(
    entry: NamedEntry, out: Path, error: Exception, *, settings: RunSettings, fingerprint: str
) -> Outcome:
    """The outcome of an entry whose grading raised: it needs a regrade.

    Its result is written where it can be (the failure may be the output
    folder's), so that its row, its result and its feedback agree.
    """
    why = _failure(error)
    unrun = {
        exercise.name: scoring.unrun_exercise(exercise, "not graded: " + why, results.MISSING)
        for exercise in load_registry()
    }
    result = SubmissionResult(entry.name, unrun, grader_problems=[why], grader=fingerprint)
    with contextlib.suppress(Exception):  # the failure may have been there
        _stamp(result, entry.name, cap_notes(list(entry.notes)), settings)
    for path, text in (
        (out / "results" / f"{entry.name}.json", lambda: json.dumps(result.to_dict(), indent=1)),
        (out / "feedback" / f"{entry.name}.md", lambda: feedback_markdown(result)),
    ):
        with contextlib.suppress(Exception):  # already failing: the row is what matters
            write_atomically(path, text())
    return Outcome.of(entry.name, result, out, entry=entry.shown)


def _warm_runs(out: Path) -> WarmRuns | None:
    """A warm process for the batch's runs, where this machine and the suites allow one."""
    if not (warm_runs.usable() and runs_directly(SUITES)):
        return None
    try:
        return WarmRuns(run_environment(out))
    except (WarmRunsFailed, OSError):  # every run starts cold instead
        return None


def grade_class(
    submissions: Path,
    out: Path,
    jobs: int | None = None,
    force: bool = False,
    secret: str | None = None,
    sandbox: str | None = None,
    progress: Callable[[Outcome], None] | None = None,
    only: list[str] | None = None,
    settings: RunSettings | None = None,
) -> BatchReport:
    """Grade every entry of ``submissions`` into ``out``.

    Whatever one entry holds, and whatever fails while it is graded, every
    entry gets one row in ``grades.csv``: an entry whose grading raised
    needs a regrade (see :func:`failed_outcome`), and the others are graded.

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
        in ``out``, else a new one kept there (see
        :func:`~autograder.grading.run_settings.decide_run`). Only without
        ``settings``.
    sandbox : str, optional
        Sandbox level; the strongest available by default. Only without
        ``settings``.
    progress : callable, optional
        Called with each finished :class:`Outcome`.
    only : list of str, optional
        Regrade these submissions (gradebook names) only; the others keep
        their earlier results.
    settings : RunSettings, optional
        The run's sandbox level and course secret, as the caller decided them
        with :func:`~autograder.grading.run_settings.decide_run`; decided here
        once, from ``secret`` and ``sandbox``, when not given. A new secret
        is kept in ``out`` (:func:`~autograder.grading.run_settings.keep_secret`).

    Returns
    -------
    BatchReport

    Raises
    ------
    GradingRefused
        Before anything is graded: see :func:`entries_of`,
        :func:`check_same_secret`, and unknown names in ``only``.
    ValueError
        When ``settings`` is given with ``secret`` or ``sandbox``, or the
        secret given is empty.
    RuntimeError
        When the wanted sandbox level does not work here.
    """
    if settings is not None and (secret is not None or sandbox is not None):
        raise ValueError("give the run's settings, or its secret and sandbox level, not both")
    entries = entries_of(submissions, out)
    names = [entry.name for entry in entries]
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise GradingRefused(f"no submission called {', '.join(unknown)} in {submissions}")
    if settings is None:
        settings = decide_run(out, secret, sandbox)
    keep_secret(out, settings)
    fingerprint = grader_fingerprint()
    if not force:
        check_same_secret(out, settings.fingerprint, names)
    out.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    chosen = [entry for entry in entries if not only or entry.name in only]
    for entry in entries:  # the others keep what they had
        kept = previous_result(out, entry.name) if only and entry.name not in only else None
        if kept is not None:
            report.outcomes.append(
                Outcome.of(entry.name, kept, out, skipped=True, entry=entry.shown)
            )
    warm = _warm_runs(out) if len(chosen) > 1 else None
    try:
        with tempfile.TemporaryDirectory(
            prefix="gdlab-intake-", ignore_cleanup_errors=True
        ) as work:

            def task(entry: NamedEntry) -> Outcome:
                options = {"settings": settings, "fingerprint": fingerprint}
                try:
                    return grade_one(
                        entry, out, Path(work), force=force or bool(only), warm=warm, **options
                    )
                except Exception as error:  # a bug of ours, a full disk: this entry only
                    return failed_outcome(entry, out, error, **options)

            with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
                for future in as_completed([pool.submit(task, entry) for entry in chosen]):
                    outcome = future.result()
                    report.outcomes.append(outcome)
                    if progress:
                        progress(outcome)
    finally:
        if warm is not None:
            warm.stop()
    write_atomically(out / "grades.csv", reports.grades_csv(report.results()))
    write_atomically(out / "summary.md", reports.class_summary(report.results()))
    return report
