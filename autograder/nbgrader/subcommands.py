"""``gdlab nbgrader``: the nbgrader route, a thin click layer over :mod:`autograder.nbgrader`."""

from __future__ import annotations

from pathlib import Path

import click

from autograder.nbgrader.course_files import ASSIGNMENT


@click.group("nbgrader")
def nbgrader() -> None:
    """The exercises as an nbgrader course (needs pip install -e '.[nbgrader]')."""


@nbgrader.command("init")
@click.argument("course", type=click.Path(file_okay=False, path_type=Path))
@click.option("--assignment", default=ASSIGNMENT, show_default=True, help="The assignment.")
@click.option("--secret", envvar="GDLAB_SECRET", default=None, help="The course secret.")
@click.option(
    "--exercise", "exercises", multiple=True, help="Only this exercise (repeat it) [default: all]."
)
def init_command(
    course: Path, assignment: str, secret: str | None, exercises: tuple[str, ...]
) -> None:
    """Write an nbgrader course into COURSE: its config and one source notebook per exercise."""
    from autograder.nbgrader.course_files import init_course

    try:
        written = init_course(course, assignment, secret, list(exercises) or None)
    except (OSError, ValueError, KeyError) as error:
        raise click.ClickException(str(error)) from None
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"Next: cd {course} && nbgrader generate_assignment {assignment}")


@nbgrader.command("autograde")
@click.argument("course", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("assignment")
@click.option("--secret", envvar="GDLAB_SECRET", default=None, help="The course secret.")
def autograde_command(course: Path, assignment: str, secret: str | None) -> None:
    """Grade COURSE's submitted notebooks of ASSIGNMENT in gdlab's sandbox and write the
    scores into nbgrader's gradebook."""
    try:
        from autograder.nbgrader.sandboxed import NbgraderCourseError, autograde
    except ImportError as error:
        raise click.ClickException(
            f"{error}: install the nbgrader extra (pip install -e '.[nbgrader]')"
        ) from None
    try:
        written = autograde(course, assignment, secret)
    except (NbgraderCourseError, OSError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    for student, total in sorted(written.totals.items()):
        click.echo(f"{student}: {total:g}")
    for student, why in sorted(written.not_written.items()):
        click.echo(f"{student}: not written ({why})")
    if written.not_written:
        raise SystemExit(1)
