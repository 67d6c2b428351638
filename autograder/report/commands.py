"""``gdlab report``: the click command over :mod:`autograder.report.build`.

Added to ``gdlab`` by :mod:`autograder.instructor`.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("report")
@click.argument("gradebook", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Roster to name the students by [default: the one GRADEBOOK keeps].",
)
def report(gradebook: Path, roster: Path | None) -> None:
    """Write an HTML view of GRADEBOOK (a gdlab grade output folder) to open in a browser.

    GRADEBOOK/report.html is the class overview: the score distribution, each
    task's pass rate, the most common diagnosed mistakes and the students'
    scores, each linked to GRADEBOOK/report/<submission>.html, the student's
    feedback with its pictures.
    """
    from autograder.grading.class_gradebook import GradebookError
    from autograder.report.build import write_report

    try:
        index = write_report(gradebook, roster)
    except GradebookError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Report: {index} (open it in a browser)")
