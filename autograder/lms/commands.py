"""The LMS's commands of ``gdlab``: ``export`` (and the Gradescope autograder's).

A thin click layer over :mod:`autograder.lms`; added to ``gdlab`` by
:mod:`autograder.instructor`.
"""

from __future__ import annotations

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
