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
``gdlab grade SUBMISSIONS --out DIR``
    An instructor grades a whole class.
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

import json
import sys
from pathlib import Path

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


@main.command("check")
@click.argument("exercise", required=False)
@click.option(
    "--path",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Your folder laid out like exercises/ [default: found from the current folder "
    "upwards].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def check_command(exercise: str | None, folder: Path | None, as_json: bool) -> None:
    """Run the public tests on your work: one EXERCISE, or progress over all.

    Run it from anywhere inside your course folder. Exits 0 when every public
    test passes and 1 otherwise.
    """
    from autograder.grading.student_check import check as run_check
    from autograder.grading.student_check import (
        find_course_folder,
        passed,
        render,
        render_progress,
    )

    names = [item.name for item in load_registry()]
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
    result = run_check(folder, [exercise] if exercise else names)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=1))
    elif exercise:
        click.echo(render(result, color=sys.stdout.isatty()))
    else:
        click.echo(render_progress(result))
    sys.exit(0 if passed(result) else 1)


def _instructor_commands() -> tuple[click.Command, ...]:
    """The instructor's commands; the student package has none (it ships no such module)."""
    try:
        from autograder.instructor import COMMANDS
    except ModuleNotFoundError as error:
        if error.name != "autograder.instructor":
            raise
        return ()
    return COMMANDS


for _command in _instructor_commands():
    main.add_command(_command)
