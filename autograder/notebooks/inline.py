"""Check an exercise from its notebook: the last cell of every exercise's notebook calls this.

>>> from autograder.notebooks.inline import check
>>> check("exercise3")

It runs what ``gdlab check exercise3`` runs, on the course folder the
notebook is in (found from the kernel's working folder, the notebook's own),
so the same rule picks the file: the notebook *as last saved* when the
module beside it is the untouched stub, the module otherwise. Student code
runs in the sandbox's workers, never in the kernel. In a notebook the
result is a table (one row per public test) and, for exercises 3 to 6, the
picture of the curves; elsewhere the terminal report is printed.
"""

from __future__ import annotations

import html
from pathlib import Path

from autograder import results
from autograder.grading import feedback, reports
from autograder.grading.course_folder import find_course_folder
from autograder.grading.student_check import check as check_folder
from autograder.grading.student_check import render
from autograder.registry import get_exercise
from autograder.results import SubmissionResult

VERDICTS = {results.PASSED: "PASS", results.TIMEOUT: "TIME", results.GRADER_ERROR: "GRADER"}


def check(exercise: str, folder: str | Path | None = None) -> SubmissionResult:
    """Run the public tests of ``exercise`` and show the result here.

    Parameters
    ----------
    exercise : str
        The exercise, e.g. ``"exercise3"``.
    folder : str or Path, optional
        The course folder (laid out like ``exercises/``); by default found
        from the working folder upwards.

    Returns
    -------
    SubmissionResult
        The public results, also shown.
    """
    course = Path(folder) if folder is not None else find_course_folder(Path.cwd())
    if course is None:
        raise FileNotFoundError(
            f"no {exercise}/ folder here or above {Path.cwd()}: pass folder=..."
        )
    result = check_folder(course, [exercise])
    _show(result, exercise)
    return result


def table(result: SubmissionResult, exercise: str) -> str:
    """The result as an HTML table: one row per public test, with hints and advice.

    Every text that comes from the student's run is escaped.
    """
    entry = result.exercises[exercise]
    hints = {task.function: task.hint for task in get_exercise(exercise).tasks}
    rows = []
    not_started = {test.task for test in entry.tests if test.reason == results.NOT_STARTED}
    for task in get_exercise(exercise).tasks:
        if task.function in not_started:
            rows.append(
                (task.function, "TODO", "", "not started (it still raises NotImplementedError)")
            )
            continue
        for test in entry.graded_tests:
            if test.task != task.function:
                continue
            points = reports.fraction(test.score, test.max_score)
            if test.status == results.PASSED:
                rows.append((test.name, "PASS", points, ""))
            else:
                said = " ".join(feedback.failure_lines(test))
                rows.append(
                    (
                        test.name,
                        VERDICTS.get(test.status, "FAIL"),
                        points,
                        f"{said} Hint: {hints[task.function]}",
                    )
                )
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>"
        for row in rows
    )
    notes = "".join(f"<p>{html.escape(note)}</p>" for note in result.notes)
    return (
        f"<p><b>{html.escape(exercise)}</b>: {reports.fraction(entry.score, entry.max_score)} "
        "public points (grading adds hidden tests)</p>"
        "<table><tr><th>test</th><th>verdict</th><th>points</th><th>why</th></tr>"
        f"{cells}</table>{notes}"
    )


def _show(result: SubmissionResult, exercise: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import HTML, Image, display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:  # not in a kernel: the terminal report
        print(render(result, color=False))
        return
    display(HTML(table(result, exercise)))
    picture = result.exercises[exercise].picture
    if picture and Path(picture).is_file():
        display(Image(filename=picture))
