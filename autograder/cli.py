"""The ``gdlab`` command line: a thin click layer over the plain core.

The student's commands are here; the instructor's are added from
:mod:`autograder.instructor` where it is installed (not in the student
package).

Commands
--------
``gdlab list``
    The exercise registry as a table.
``gdlab check [EXERCISE]``
    A student runs the public tests on their own files.
``gdlab watch [EXERCISE]``
    The same on every save, with the progress over all exercises.
``gdlab grade SUBMISSIONS --out DIR [--assignment NAME] [--roster CSV]``
    An instructor grades a whole class (``--scheduler ADDRESS``: on a Dask cluster).
``gdlab export DIR --format canvas|moodle|csv``
    The gradebook's final scores in the columns an LMS imports.
``gdlab gradescope build OUT``
    A Gradescope autograder zip that grades with gdlab's sandbox.
``gdlab report DIR``
    The gradebook as static HTML pages: the class overview and each feedback.
``gdlab release OUT``
    An instructor writes the students' hand-out.
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

import importlib.util
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from autograder.registry import RegistryError, load_registry

if TYPE_CHECKING:
    from autograder.grading.check_sandbox import CheckSandbox
    from autograder.results import SubmissionResult

#: The instructor's commands (:data:`autograder.instructor.COMMANDS`), named here so that a
#: student's ``gdlab check`` never imports them.
INSTRUCTOR_COMMANDS = ("dev", "export", "grade", "gradescope", "nbgrader", "release", "report")


#: ``--path``, the student's folder, of ``check`` and ``watch``.
STUDENT_FOLDER = click.option(
    "--path",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Your folder laid out like exercises/ [default: found from the current folder upwards].",
)


class CourseGroup(click.Group):
    """The ``gdlab`` group: the instructor's commands are imported only when one is asked for.

    The student package ships no :mod:`autograder.instructor`, so it has
    none of them.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        instructor = INSTRUCTOR_COMMANDS if _has_instructor() else ()
        return sorted([*super().list_commands(ctx), *instructor])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in INSTRUCTOR_COMMANDS and _has_instructor():
            from autograder.instructor import COMMANDS

            command = next((found for found in COMMANDS if found.name == name), None)
        return command


def _has_instructor() -> bool:
    return importlib.util.find_spec("autograder.instructor") is not None


@click.group(cls=CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
@STUDENT_FOLDER
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def check_command(exercise: str | None, folder: Path | None, as_json: bool) -> None:
    """Run the public tests on your work: one EXERCISE, or progress over all.

    Run it from anywhere inside your course folder. Exits 0 when every public
    test passes and 1 otherwise.
    """
    from autograder.grading.check_sandbox import CheckSandbox

    names = [item.name for item in load_registry()]
    folder = _student_folder(exercise, folder, names)
    chosen = [exercise] if exercise else names
    sandbox = CheckSandbox(folder, chosen)  # first: it starts while the rest is imported
    try:
        _check_with(sandbox, folder, chosen, exercise, as_json)
    finally:
        sandbox.stop()


def _student_folder(exercise: str | None, folder: Path | None, names: list[str]) -> Path:
    """The folder to check: ``--path``, else the course folder found from here upwards."""
    from autograder.grading.course_folder import find_course_folder

    if exercise is not None and exercise not in names:
        raise click.BadParameter(f"choose one of {', '.join(names)}", param_hint="EXERCISE")
    if folder is None:
        folder = find_course_folder(Path.cwd())
        if folder is None:
            raise click.ClickException(
                f"no exercise folder ({names[0]}/, ...) here or above: run this inside your "
                "course folder or pass --path"
            )
    elif not folder.is_dir():
        raise click.ClickException(f"no folder {folder}")
    return folder


@main.command("watch")
@click.argument("exercise", required=False)
@STUDENT_FOLDER
def watch_command(exercise: str | None, folder: Path | None) -> None:
    """Check your work again every time you save a file, until Ctrl-C.

    Shows the public tests of the exercise you saved (at start, EXERCISE or
    the first one not passing yet) and your progress over all of them.
    """
    from autograder.grading.watch import Watcher
    from autograder.suites.public_checks import PublicDataError

    names = [item.name for item in load_registry()]
    folder = _student_folder(exercise, folder, names)
    terminal = sys.stdout.isatty()
    watcher = Watcher(
        folder,
        names,
        exercise,
        echo=click.echo,
        clear=click.clear if terminal else lambda: None,
        color=terminal,
    )
    try:
        watcher.run()
    except KeyboardInterrupt:
        click.echo("\nStopped watching.")
    except PublicDataError as error:
        raise click.ClickException(str(error)) from None


def _check_with(
    sandbox: CheckSandbox, folder: Path, chosen: list[str], exercise: str | None, as_json: bool
) -> None:
    from autograder.grading.student_check import check as run_check
    from autograder.grading.student_check import passed, picture_line, render, render_progress
    from autograder.suites.public_checks import PublicDataError

    def show(verdict: SubmissionResult) -> None:  # before the picture is drawn
        if exercise:
            click.echo(render(verdict, color=sys.stdout.isatty()))
        else:
            click.echo(render_progress(verdict))

    try:
        result = run_check(folder, chosen, sandbox, on_verdict=None if as_json else show)
    except PublicDataError as error:  # the course's fault: said plainly, never a traceback
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=1))
    elif picture_line(result):
        click.echo(picture_line(result))
    sys.exit(0 if passed(result) else 1)
