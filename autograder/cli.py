"""The ``gdlab`` command line: a thin click layer over the plain core.

Commands
--------
``gdlab list``
    The exercise registry as a table.
``gdlab dev build``
    Regenerate the student stubs from the answer keys.
``gdlab dev check``
    Verify that registry, answer keys, stubs and reference are consistent.
"""

from __future__ import annotations

import click

from autograder.registry import RegistryError, load_registry


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


@main.group()
def dev() -> None:
    """Developer commands: build the stubs, check the course."""


@dev.command()
def build() -> None:
    """Regenerate every stub in exercises/ from its answer key in solutions/."""
    from autograder.dev.stubs import StubError, write_stub

    try:
        for exercise in load_registry():
            path = write_stub(exercise)
            click.echo(f"wrote {path}")
    except (RegistryError, StubError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo("Stubs rebuilt. Next: `gdlab dev check`.")


@dev.command()
def check() -> None:
    """Check registry, answer keys, stubs and reference against each other."""
    from autograder.dev.check import run_dev_check

    failed = 0
    for step in run_dev_check():
        mark = click.style("ok  ", fg="green") if step.ok else click.style("FAIL", fg="red")
        click.echo(f"{mark} {step.name}")
        for problem in step.problems:
            click.echo(f"       - {problem}")
        if not step.ok:
            failed += 1
            click.echo(f"       next: {step.advice}")
    if failed:
        raise click.ClickException(f"{failed} check(s) failed; see above.")
    click.echo("All checks passed: the course is consistent.")
