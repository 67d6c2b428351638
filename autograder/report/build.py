"""Write a gradebook's HTML report: ``DIR/report.html`` and ``DIR/report/<submission>.html``.

The pages are static and self-contained (no script, no web font), link the
pictures of ``DIR/plots/`` and show the same figures as ``DIR/grades.csv``.
"""

from __future__ import annotations

from pathlib import Path

from autograder.grading.atomic_write import write_atomically
from autograder.grading.class_gradebook import read_class
from autograder.report.overview import ClassFigures, overview_html
from autograder.report.student_pages import student_html

REPORT = "report"


def write_report(gradebook: Path, roster: Path | None = None) -> Path:
    """Write the report of the gradebook folder ``gradebook``.

    Parameters
    ----------
    gradebook : Path
        A folder ``gdlab grade`` wrote.
    roster : Path, optional
        A roster to name the students by, instead of the one the folder keeps.

    Returns
    -------
    Path
        The overview, ``gradebook/report.html``; each submission's page is
        ``gradebook/report/<submission>.html``, beside ``feedback/`` so that
        the feedback's links to ``../plots/`` hold.

    Raises
    ------
    GradebookError
        When the gradebook cannot be read.
    """
    graded = read_class(gradebook, roster)
    rows = graded.rows()
    figures = ClassFigures()
    folder = gradebook / REPORT
    by_name = {row.submission: row for row in rows if row.submission}
    for result in graded.results:
        figures.add(result)
        page = student_html(result, by_name[result.submission])
        write_atomically(folder / f"{result.submission}.html", page)
    index = gradebook / f"{REPORT}.html"
    write_atomically(index, overview_html(graded, rows, figures))
    return index
