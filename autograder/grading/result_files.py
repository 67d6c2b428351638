"""One submission's files in the gradebook: its result, its feedback and its pictures.

Every result records what it was graded with (:func:`stamp`) and is written
atomically with its feedback and pictures (:func:`write_result`); an entry
whose grading raised still gets its files, saying it needs a regrade
(:func:`failed_outcome`).
"""

from __future__ import annotations

import contextlib
import json
import traceback
from pathlib import Path

from autograder import results, scoring
from autograder.assignments import Assignment
from autograder.grading import drawing, reports
from autograder.grading.atomic_write import write_atomically
from autograder.grading.entry_names import NamedEntry, display_name
from autograder.grading.feedback import feedback_markdown
from autograder.grading.intake import cap_notes
from autograder.grading.outcomes import Outcome
from autograder.grading.run_settings import RunSettings
from autograder.grading.submission_runs import graded_exercises
from autograder.results import SubmissionResult
from autograder.sandbox.levels import isolation


def stamp(result: SubmissionResult, name: str, notes: list[str], settings: RunSettings) -> None:
    """What every result records besides its tests: name, notes, sandbox, secret."""
    result.submission, result.notes = name, notes
    result.sandbox = result.sandbox or settings.level
    result.secret = settings.fingerprint
    result.isolation = isolation(result.sandbox).summary


def result_document(result: SubmissionResult) -> str:
    """The text of ``results/<name>.json``."""
    return json.dumps(result.to_dict(), indent=1)


def write_result(out: Path, result: SubmissionResult) -> None:
    """A result's pictures, ``results/<name>.json`` and ``feedback/<name>.md``."""
    name = result.submission
    for exercise, graded in result.exercises.items():
        if graded.curves:
            drawing.render(
                exercise,
                graded.curves,
                out / reports.PLOTS / reports.plot_name(name, exercise),
                full_marks=graded.full_marks,
            )
    write_atomically(out / "results" / f"{name}.json", result_document(result))
    write_atomically(out / "feedback" / f"{name}.md", feedback_markdown(result))


def _failure(error: Exception) -> str:
    """A grader failure in one line: what was raised, and where (in the grader, and last)."""
    frames = traceback.extract_tb(error.__traceback__)
    package = Path(__file__).resolve().parent.parent
    ours = [frame for frame in frames if Path(frame.filename).is_relative_to(package)]
    places = [f"{Path(frame.filename).name}:{frame.lineno}" for frame in ours[-1:] + frames[-1:]]
    where = f" at {' in '.join(dict.fromkeys(places))}" if places else ""
    return (
        f"the grader failed on this entry ({type(error).__name__}{where}: "
        f"{display_name(str(error))[:300]})"
    )


def failed_outcome(
    entry: NamedEntry,
    out: Path,
    error: Exception,
    *,
    settings: RunSettings,
    fingerprint: str,
    assignment: Assignment,
) -> Outcome:
    """The outcome of an entry whose grading raised: it needs a regrade.

    Its result is written where it can be (the failure may be the output
    folder's), so that its row, its result and its feedback agree.
    """
    why = _failure(error)
    unrun = {
        exercise.name: scoring.unrun_exercise(exercise, "not graded: " + why, results.MISSING)
        for exercise in graded_exercises(assignment)
    }
    result = SubmissionResult(
        entry.name, unrun, grader_problems=[why], grader=fingerprint, assignment=assignment.name
    )
    with contextlib.suppress(Exception):  # the failure may have been there
        stamp(result, entry.name, cap_notes(list(entry.notes)), settings)
    for path, text in (
        (out / "results" / f"{entry.name}.json", lambda: result_document(result)),
        (out / "feedback" / f"{entry.name}.md", lambda: feedback_markdown(result)),
    ):
        with contextlib.suppress(Exception):  # already failing: the row is what matters
            write_atomically(path, text())
    return Outcome.of(entry.name, result, out, entry=entry.shown)
