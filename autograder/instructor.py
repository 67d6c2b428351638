"""The instructor's commands of ``gdlab``: ``grade`` and ``release`` here; ``export``,
``gradescope``, ``report``, ``nbgrader`` and ``dev`` from their packages.

:mod:`autograder.cli` adds them to ``gdlab`` when this module is installed;
the student package leaves it out, so students have no ``grade``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from autograder.dev import commands as dev_commands
from autograder.lms import commands as lms_commands
from autograder.nbgrader import subcommands as nbgrader_commands
from autograder.report import commands as report_commands

if TYPE_CHECKING:
    from autograder.grading.outcomes import BatchReport


class Refused(click.ClickException):
    """Grading must not start; nothing has been written. Exits with status 2."""

    exit_code = 2


def _hide_from_proc(secret: str) -> None:
    """Overwrite ``secret`` in this process's command line and environment as /proc shows them.

    ``/proc/PID/cmdline`` is readable by every process of the machine, so a
    submission sandboxed without its own view of ``/proc`` could read a
    secret passed with ``--secret``; ``/proc/PID/environ`` likewise by
    processes of the same user. Python has its own copies of both, so only
    what ``/proc`` shows changes. Done before any student code runs.
    """
    import ctypes
    import os

    os.environ.pop("GDLAB_SECRET", None)  # never inherited by anything started later
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        # Fields 48 to 51 of proc(5): where the arguments and the environment lie.
        regions = [(int(fields[45]), int(fields[46])), (int(fields[47]), int(fields[48]))]
    except (OSError, ValueError, IndexError):
        return
    value = secret.encode()
    for start, end in regions:
        if not value or not 0 < start < end:
            continue
        shown = ctypes.string_at(start, end - start)
        at = shown.find(value)
        while at >= 0:
            ctypes.memset(start + at, ord("*"), len(value))
            at = shown.find(value, at + len(value))


@click.command()
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("gradebook"),
    show_default=True,
    help="Output folder.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Submissions graded at once [default: all cores].",
)
@click.option(
    "--force",
    is_flag=True,
    help="Regrade every submission, also unchanged ones and those graded with another secret.",
)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="NAME",
    help="Regrade this submission only (repeat for several); the others keep their results.",
)
@click.option(
    "--secret",
    envvar="GDLAB_SECRET",
    default=None,
    show_envvar=True,
    help="Course secret that seeds the hidden tests' inputs [default: the one kept in "
    "OUT/.gdlab-secret, created on the first run].",
)
@click.option(
    "--sandbox",
    type=click.Choice(["bubblewrap", "unshare", "process"]),
    default=None,
    help="Sandbox level [default: the strongest available].",
)
@click.option(
    "--accept-weak-isolation",
    is_flag=True,
    help="Grade at a sandbox level that leaves the grader's files or the network open to "
    "student code (see the README's isolation table).",
)
@click.option(
    "--assignment",
    metavar="NAME",
    default=None,
    help="Grade this assignment's exercises only, out of their points, and apply its late "
    "rule (see autograder/assignments.toml) [default: the one OUT was graded for, else every "
    "exercise].",
)
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV of the class's students (student_id, name, email, ...; Canvas's and Moodle's "
    "gradebook exports are read as they are): names each submission's student and lists "
    "those without one. Kept as OUT/roster.csv for later runs and exports.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Grade on a Dask distributed cluster (tcp://host:8786), one task per submission, "
    "each in a sandbox on the worker that runs it (needs the extra gdlab[cluster]).",
)
def grade(
    submissions: Path,
    out: Path,
    jobs: int | None,
    force: bool,
    only: tuple[str, ...],
    secret: str | None,
    sandbox: str | None,
    accept_weak_isolation: bool,
    assignment: str | None,
    roster: Path | None,
    scheduler: str | None,
) -> None:
    """Grade every submission (folder or .zip) in SUBMISSIONS.

    Writes OUT/grades.csv, OUT/results/<submission>.json,
    OUT/feedback/<submission>.md and OUT/summary.md. Exits 0 when every
    submission was graded, 1 when some could not be read or need a regrade
    (they are listed), and 2 when grading could not start (nothing written).
    """
    from autograder.grading.batch import grade_class
    from autograder.grading.class_gradebook import (
        GradebookMismatch,
        class_roster,
        decide_assignment,
        keep_roster,
    )
    from autograder.grading.gradebook import GradingRefused, entries_of
    from autograder.grading.run_settings import SECRET_FILE, decide_run, keep_secret
    from autograder.lms.roster import RosterError
    from autograder.registry import RegistryError
    from autograder.sandbox.levels import isolation
    from autograder.sandbox.preflight import preflight

    if secret is not None:
        _hide_from_proc(secret)
    try:  # the level and the secret, decided once for the whole run; nothing written yet
        settings = decide_run(out, secret, sandbox)
    except (RuntimeError, ValueError) as error:
        raise click.UsageError(str(error)) from None
    level = settings.level
    protection = isolation(level)
    click.echo(f"Sandbox: {level}. {protection.summary}")
    if protection.weak and not accept_weak_isolation:
        raise Refused(
            f"the {level!r} level leaves student code able to reach what it must not (see "
            "above). Install bubblewrap for a full sandbox, or pass --accept-weak-isolation "
            "to grade anyway"
        )
    try:
        pairs = entries_of(submissions, out)
        chosen = decide_assignment(out, assignment, force)
        students, roster_text = class_roster(out, roster)
    except (GradingRefused, GradebookMismatch, RosterError, RegistryError) as error:
        raise Refused(str(error)) from None
    except KeyError as error:
        raise click.UsageError(str(error.args[0])) from None
    problem = preflight(level)
    if problem:
        raise Refused(problem)
    runner = None
    if scheduler is not None:
        from autograder.grading.cluster import ClusterRunner, ClusterUnavailable

        try:
            runner = ClusterRunner(scheduler)
        except ClusterUnavailable as error:
            raise Refused(str(error)) from None
        jobs = jobs or 2 * runner.slots  # each waits on a task; keep every worker busy
        click.echo(f"Cluster: {scheduler}, {runner.slots} worker thread(s).")
    keep_secret(out, settings)
    if roster_text is not None:
        keep_roster(out, roster_text)
    if settings.created:
        click.echo(
            f"Created the course secret {out / SECRET_FILE}: it seeds the hidden inputs. Keep "
            "it (or pass --secret) to regrade with the same inputs; never share it."
        )
    count = len(only) if only else len(pairs)
    what = f"{chosen.name} ({', '.join(chosen.exercises)})" if chosen.name else "every exercise"
    click.echo(f"Grading {count} submission(s) for {what} into {out}/")
    try:
        with click.progressbar(
            length=count, label="grading", show_pos=True, item_show_func=lambda name: name
        ) as bar:
            report = grade_class(
                submissions,
                out,
                jobs=jobs,
                force=force,
                settings=settings,
                progress=lambda outcome: bar.update(1, outcome.name),
                only=list(only) or None,
                assignment=chosen,
                roster=students,
                runner=runner,
            )
    except GradingRefused as error:
        raise Refused(str(error)) from None
    finally:
        if runner is not None:
            runner.close()
    fresh = [outcome for outcome in report.outcomes if not outcome.skipped]
    graded = sum(outcome.status == "graded" for outcome in fresh)
    unchanged = len(report.outcomes) - len(fresh)
    counts = ", ".join(
        f"{report.count(status)} {status}"
        for status in ("needs regrade", "unreadable", "missing")
        if report.count(status)
    )
    click.echo(
        f"Done: {graded} graded, {unchanged} unchanged since the last run"
        + (f"; {counts}" if counts else "")
        + "."
    )
    for outcome in sorted(report.outcomes, key=lambda item: item.name):
        if outcome.status == "graded":
            continue
        result = outcome.result  # read back from its file: the batch keeps no results
        if result.status == "needs regrade":
            why = "; ".join(
                [*result.grader_problems]
                + [p for e in result.exercises.values() for p in e.grader_problems]
            )
            click.echo(f"  needs regrade {outcome.name}: the grader failed: {why[:300]}")
        elif result.status != "graded":
            click.echo(f"  {result.status} {outcome.name}: {result.fatal}")
    if students is not None:
        _echo_roster_check(report)
    click.echo(
        f"Gradebook: {out / 'grades.csv'}; overview: {out / 'summary.md'}; "
        f"feedback: {out / 'feedback'}/"
    )
    sys.exit(0 if report.all_graded else 1)


def _echo_roster_check(report: BatchReport) -> None:
    """Say which submissions are nobody's on the roster, and which students handed nothing in."""
    from autograder.grading.class_gradebook import roster_gaps

    absent, unknown = roster_gaps(report.rows)
    if unknown:
        click.echo(
            f"Not on the roster ({len(unknown)}): {', '.join(unknown)}. They are graded; give "
            "each a roster row (its submission column naming it) to export their scores."
        )
    if absent:
        shown = ", ".join(f"{s.name} ({s.student_id})" for s in absent)
        click.echo(f"On the roster without a submission ({len(absent)}): {shown}.")


@click.command("release")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def release_command(out: Path) -> None:
    """Write the students' hand-out into OUT: OUT/handout/ and OUT/handout.zip.

    It holds the statements, stubs and notebooks of exercises/ and the
    student package (a wheel with `gdlab check` and the public checks only),
    and nothing of solutions/, reference/, the hidden tests or the secret.
    """
    from autograder.release.handout import ReleaseError, release

    try:
        written = release(out)
    except (ReleaseError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Hand-out: {written.folder}/ and {written.archive}")
    click.echo(f"Student package: {written.wheel.name}")


COMMANDS: tuple[click.Command, ...] = (
    grade,
    lms_commands.export,
    lms_commands.gradescope,
    report_commands.report,
    release_command,
    dev_commands.dev,
    nbgrader_commands.nbgrader,
)
