"""The ``gdlab`` command line: a thin click layer over the plain core.

Commands
--------
``gdlab list``
    The exercise registry as a table.
``gdlab check [EXERCISE]``
    A student runs the public tests on their own files.
``gdlab grade SUBMISSIONS --out DIR``
    An instructor grades a whole class.
``gdlab dev new NAME TITLE``
    Scaffold a new exercise: registry entry, answer key, reference, grader
    module, statement and stub.
``gdlab dev build``
    Regenerate the student stubs from the answer keys.
``gdlab dev check``
    Verify that registry, answer keys, stubs and reference are consistent.
``gdlab dev mistakes``
    Grade every catalogued mistake with the suites.
``gdlab dev mutation [EXERCISE ...]``
    Mutation-test the answer keys against the suites (the ``mutation`` extra).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from autograder.dev import commands as dev_commands
from autograder.registry import RegistryError, load_registry


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gdlab")
def main() -> None:
    """gdlab: gradient-descent exercises, checked and graded."""


@main.command("list")
def list_exercises() -> None:
    """Print the exercises, their modules, tasks, points and time limits."""
    try:
        exercises = load_registry()
    except RegistryError as error:
        raise click.ClickException(str(error)) from None
    rows = [("exercise", "title", "file", "tasks", "points", "time limit")]
    for exercise in exercises:
        rows.append(
            (
                exercise.name,
                exercise.title,
                f"{exercise.name}/{exercise.filename}",
                ", ".join(task.function for task in exercise.tasks),
                str(exercise.max_points),
                f"{exercise.time_limit:g} s",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for index, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())
        if index == 0:
            click.echo("  ".join("-" * width for width in [*widths, len(row[-1])]))
    total = sum(exercise.max_points for exercise in exercises)
    click.echo(f"\n{len(exercises)} exercises, {total} points in all.")


@main.command("check")
@click.argument("exercise", required=False)
@click.option(
    "--path",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("exercises"),
    show_default=True,
    help="Your folder laid out like exercises/.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def check_command(exercise: str | None, folder: Path, as_json: bool) -> None:
    """Run the public tests on your work: one EXERCISE, or progress over all.

    Exits 0 when every public test passes and 1 otherwise.
    """
    from autograder.grading.student_check import check as run_check
    from autograder.grading.student_check import passed, render, render_progress

    names = [item.name for item in load_registry()]
    if exercise is not None and exercise not in names:
        raise click.BadParameter(f"choose one of {', '.join(names)}", param_hint="EXERCISE")
    if not folder.is_dir():
        raise click.ClickException(
            f"no folder {folder}: run this in your course folder or pass --path"
        )
    result = run_check(folder, [exercise] if exercise else names)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=1))
    elif exercise:
        click.echo(render(result, color=sys.stdout.isatty()))
    else:
        click.echo(render_progress(result))
    sys.exit(0 if passed(result) else 1)


@main.command()
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
def grade(
    submissions: Path,
    out: Path,
    jobs: int | None,
    force: bool,
    only: tuple[str, ...],
    secret: str | None,
    sandbox: str | None,
    accept_weak_isolation: bool,
) -> None:
    """Grade every submission (folder or .zip) in SUBMISSIONS.

    Writes OUT/grades.csv, OUT/results/<submission>.json,
    OUT/feedback/<submission>.md and OUT/summary.md. Exits 0 when every
    submission was graded, 1 when some could not be read or need a regrade
    (they are listed), and 2 when grading could not start (nothing written).
    """
    from autograder.grading.batch import grade_class
    from autograder.grading.gradebook import GradingRefused, entries_of
    from autograder.grading.run_settings import SECRET_FILE, decide_run, keep_secret
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
    if not (protection.files and protection.network) and not accept_weak_isolation:
        raise Refused(
            f"the {level!r} level leaves student code able to reach what it must not (see "
            "above). Install bubblewrap for a full sandbox, or pass --accept-weak-isolation "
            "to grade anyway"
        )
    try:
        pairs = entries_of(submissions, out)
    except GradingRefused as error:
        raise Refused(str(error)) from None
    problem = preflight(level)
    if problem:
        raise Refused(problem)
    keep_secret(out, settings)
    if settings.created:
        click.echo(
            f"Created the course secret {out / SECRET_FILE}: it seeds the hidden inputs. Keep "
            "it (or pass --secret) to regrade with the same inputs; never share it."
        )
    count = len(only) if only else len(pairs)
    click.echo(f"Grading {count} submission(s) into {out}/")
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
            )
    except GradingRefused as error:
        raise Refused(str(error)) from None
    fresh = [outcome for outcome in report.outcomes if not outcome.skipped]
    graded = sum(outcome.result.status == "graded" for outcome in fresh)
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
        result = outcome.result
        if result.status == "needs regrade":
            why = "; ".join(
                [*result.grader_problems]
                + [p for e in result.exercises.values() for p in e.grader_problems]
            )
            click.echo(f"  needs regrade {outcome.name}: the grader failed: {why[:300]}")
        elif result.status != "graded":
            click.echo(f"  {result.status} {outcome.name}: {result.fatal}")
    click.echo(
        f"Gradebook: {out / 'grades.csv'}; overview: {out / 'summary.md'}; "
        f"feedback: {out / 'feedback'}/"
    )
    sys.exit(0 if report.all_graded else 1)


main.add_command(dev_commands.dev)
