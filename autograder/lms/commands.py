"""The LMS's commands of ``gdlab``: ``export`` and ``gradescope build|run``.

A thin click layer over :mod:`autograder.lms`; added to ``gdlab`` by
:mod:`autograder.instructor`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("export")
@click.argument("gradebook", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--format",
    "form",
    type=click.Choice(["canvas", "moodle", "csv"]),
    required=True,
    help="canvas: Canvas's gradebook import; moodle: Moodle's CSV grade import; csv: every "
    "figure of each row.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write [default: GRADEBOOK/export-FORMAT.csv].",
)
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Roster to use [default: the one GRADEBOOK keeps from gdlab grade --roster].",
)
def export(gradebook: Path, form: str, out: Path | None, roster: Path | None) -> None:
    """Write the final scores of GRADEBOOK (a gdlab grade output folder) for an LMS to import.

    The scores are those of GRADEBOOK/grades.csv after the late rule, one per
    student of the roster; a student without a submission gets an empty cell.
    """
    from autograder.grading.atomic_write import write_atomically
    from autograder.lms.export import ExportError, default_path, export_gradebook

    try:
        export = export_gradebook(gradebook, form, roster)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    target = out or default_path(gradebook, form)
    write_atomically(target, export.text)
    if export.left_out:
        click.echo(
            f"Left out, not on the roster ({len(export.left_out)}): "
            f"{', '.join(export.left_out)}.",
            err=True,
        )
    click.echo(f"Wrote {target} ({form}).")


@click.group("gradescope")
def gradescope() -> None:
    """A Gradescope autograder that grades with gdlab's sandbox."""


@gradescope.command("build")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--assignment",
    metavar="NAME",
    default=None,
    help="Grade this assignment's exercises only [default: every exercise].",
)
@click.option(
    "--secret",
    envvar="GDLAB_SECRET",
    default=None,
    show_envvar=True,
    help="Course secret that seeds the hidden inputs [default: the one kept in "
    "OUT/.gdlab-secret, created on the first build]. Give gdlab grade's to get its totals.",
)
@click.option(
    "--accept-weak-isolation",
    is_flag=True,
    help="Let the autograder grade where Gradescope's container offers only a sandbox that "
    "leaves the grader's files or the network open to student code.",
)
def gradescope_build(
    out: Path, assignment: str | None, secret: str | None, accept_weak_isolation: bool
) -> None:
    """Write OUT/autograder.zip, to upload as a Gradescope programming assignment's autograder.

    It holds setup.sh and run_autograder, the course's wheel and its settings;
    inside, each submission is graded in gdlab's sandbox and its tests are
    written to results.json (public ones visible, hidden ones after the grades
    are published).
    """
    from autograder.assignments import get_assignment, whole_course
    from autograder.grading.run_settings import SECRET_FILE, course_secret
    from autograder.lms.gradescope import GradescopeError, build_autograder

    try:
        chosen = get_assignment(assignment) if assignment else whole_course()
        kept, created = course_secret(out, secret)
    except KeyError as error:
        raise click.UsageError(str(error.args[0])) from None
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    if created:
        click.echo(f"Created the course secret {out / SECRET_FILE}: keep it, never share it.")
    try:
        archive = build_autograder(out, kept, chosen, accept_weak_isolation)
    except GradescopeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Autograder: {archive} (upload it in the assignment's Configure Autograder page)")


@gradescope.command("run")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("/autograder"),
    show_default=True,
    help="Gradescope's folder: source/, submission/ and results/.",
)
def gradescope_run(root: Path) -> None:
    """Grade ROOT/submission and write ROOT/results/results.json (what run_autograder runs).

    Exits 1 without results when the grader cannot grade: Gradescope then
    shows an autograder failure to the staff, never a score to the student.
    """
    from autograder.lms.gradescope import GradescopeError, grade_submission

    try:
        document = grade_submission(root)
    except GradescopeError as error:
        click.echo(f"gdlab could not grade this submission: {error}")
        sys.exit(1)
    click.echo(f"Score {document['score']:g}: {root / 'results' / 'results.json'}")
