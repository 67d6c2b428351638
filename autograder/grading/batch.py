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

import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from autograder import results
from autograder.assignments import Assignment, whole_course
from autograder.grading import warm_runs
from autograder.grading.atomic_write import write_atomically
from autograder.grading.class_gradebook import write_run_record
from autograder.grading.entry_names import NamedEntry
from autograder.grading.gradebook import (
    GradingRefused,
    check_same_secret,
    entries_of,
    grader_fingerprint,
    previous_result,
)
from autograder.grading.gradebook_files import write_reports
from autograder.grading.intake import (
    Prepared,
    prepare,
)
from autograder.grading.outcomes import BatchReport, Outcome
from autograder.grading.pytest_run import SUITES, run_environment
from autograder.grading.result_files import failed_outcome, result_document, stamp, write_result
from autograder.grading.run_settings import RunSettings, decide_run, keep_secret
from autograder.grading.submission_runs import (
    Runner,
    graded_exercises,
    graded_result,
    local_runner,
)
from autograder.grading.warm_runs import WarmRuns, WarmRunsFailed
from autograder.lms.roster import Roster
from autograder.results import SubmissionResult
from autograder.suites.plan import runs_directly


def grade_one(
    entry: NamedEntry,
    out: Path,
    work: Path,
    *,
    force: bool,
    settings: RunSettings,
    fingerprint: str,
    assignment: Assignment,
    run: Runner,
) -> Outcome:
    """Grade one entry (or reuse its unchanged result) and write its files.

    Its modules are prepared in a folder of ``work`` that the grader names,
    removed afterwards whatever happens. ``settings`` are the run's (see
    :func:`~autograder.grading.run_settings.decide_run`), ``fingerprint``
    the grader's (:func:`grader_fingerprint`), ``assignment`` what is graded,
    and ``run`` runs its suites: on this machine
    (:func:`~autograder.grading.submission_runs.local_runner`) or on a
    cluster (:mod:`~autograder.grading.cluster`).
    """
    name = entry.name
    folder = Path(tempfile.mkdtemp(prefix="entry-", dir=work))
    try:
        prepared = prepare(
            entry.path,
            folder,
            graded_exercises(assignment),
            notes=entry.notes,
            canvas_files=entry.canvas_files,
        )
        prepared.name = name
        previous = None if force else previous_result(out, name)
        if (
            previous is not None
            and previous.digest == prepared.digest
            and previous.grader == fingerprint
            and previous.secret == settings.fingerprint
            and previous.assignment == assignment.name
            and list(previous.exercises) == list(assignment.exercises)
            and previous.status != results.NEEDS_REGRADE
        ):
            if _hand_in_of(previous) != _hand_in_of(prepared):  # the same work, handed in anew
                _set_hand_in(previous, prepared)
                write_atomically(out / "results" / f"{name}.json", result_document(previous))
            return Outcome.of(name, previous, out, skipped=True, entry=entry.shown)
        result = graded_result(prepared, name, settings, assignment, run)
        stamp(result, name, prepared.notes, settings)
        result.digest, result.grader = prepared.digest, fingerprint
        result.assignment = assignment.name
        _set_hand_in(result, prepared)
        write_result(out, result)
        return Outcome.of(name, result, out, entry=entry.shown)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _hand_in_of(item: SubmissionResult | Prepared) -> tuple[str, bool, str]:
    """What the entry says of its hand-in: when, whether marked late, the LMS's user id."""
    return item.handed_in, item.marked_late, item.lms_user_id


def _set_hand_in(result: SubmissionResult, prepared: Prepared) -> None:
    result.handed_in, result.marked_late, result.lms_user_id = _hand_in_of(prepared)


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
    assignment: Assignment | None = None,
    roster: Roster | None = None,
    runner: Runner | None = None,
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
    assignment : Assignment, optional
        Grade its exercises only, out of their points, and apply its late
        rule in the gradebook; every exercise, with no deadline, by default.
    roster : Roster, optional
        The class's students: the gradebook then names each submission's
        student and lists those without one (:mod:`~autograder.lms.roster`).
    runner : callable, optional
        Runs the suites on a prepared entry (see
        :data:`~autograder.grading.submission_runs.Runner`); on this machine
        by default, each run forked by a warm process.

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
    assignment = assignment or whole_course()
    warm = _warm_runs(out) if len(chosen) > 1 and runner is None else None
    run = runner or local_runner(warm)
    write_run_record(out, assignment)
    try:
        with tempfile.TemporaryDirectory(
            prefix="gdlab-intake-", ignore_cleanup_errors=True
        ) as work:

            def task(entry: NamedEntry) -> Outcome:
                options = {"settings": settings, "fingerprint": fingerprint}
                options["assignment"] = assignment
                try:
                    return grade_one(
                        entry, out, Path(work), force=force or bool(only), run=run, **options
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
    report.rows = write_reports(out, report.results, assignment, roster)
    return report
