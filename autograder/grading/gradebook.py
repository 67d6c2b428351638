"""The two folders of a class run: the class's entries and the gradebook.

Which entries of the class folder are students (a gradebook inside it never
is), what an earlier run left in the gradebook (each result, graded with
which grader and which course secret), and :class:`GradingRefused`, raised
before anything is graded or written when the folders do not fit: a folder
that is one student's rather than a class's, or a gradebook of another
secret.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path

from autograder.grading.entry_names import NamedEntry, display_name, name_entries
from autograder.grading.intake import discover, submission_name
from autograder.grading.run_settings import SECRET_FILE
from autograder.lms.canvas_download import group_canvas_files
from autograder.registry import load_registry
from autograder.results import SubmissionResult


class GradingRefused(Exception):
    """The batch must not start: nothing has been graded or written."""


def grader_fingerprint() -> str:
    """A hash of the grader's own code and data: a change means regrading."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent  # the autograder package
    kinds = (".py", ".toml", ".ini", ".json")  # code, registry, configuration, public checks
    for folder in (root, root.parent / "reference"):
        for path in sorted(folder.rglob("*")):
            if path.name == "assignments.toml":  # the calendar: dates change no check
                continue
            if path.suffix in kinds and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def previous_result(out: Path, name: str) -> SubmissionResult | None:
    """The result written for ``name`` by an earlier run, if it is readable."""
    return read_result(out / "results" / f"{name}.json")


def read_result(path: Path) -> SubmissionResult | None:
    """The result written at ``path``, if it is readable."""
    try:
        return SubmissionResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def check_same_secret(out: Path, fingerprint: str, names: list[str]) -> None:
    """Refuse to mix results of two course secrets in one gradebook.

    Raises
    ------
    GradingRefused
        When an earlier result among ``names`` was graded with another secret.
    """
    others = []
    for name in names:
        previous = previous_result(out, name)
        if previous is not None and previous.secret and previous.secret != fingerprint:
            others.append(name)
    if others:
        raise GradingRefused(
            f"{out} holds results graded with another course secret ({len(others)}, e.g. "
            f"{others[0]}); grading with this one would mix two sets of hidden inputs in one "
            "gradebook. Pass the secret used before (--secret, or keep OUT/.gdlab-secret), "
            "grade into another folder, or pass --force to regrade everyone with this secret"
        )


def entries_of(submissions: Path, out: Path) -> list[NamedEntry]:
    """The class's entries and the names they are graded under (see :func:`name_entries`).

    The output folder, and any other gradebook, is never an entry, even
    when it lies inside the submissions folder. The flat files of a Canvas
    bulk download make one entry per student
    (:mod:`~autograder.lms.canvas_download`).

    Raises
    ------
    GradingRefused
        When ``submissions`` looks like one student's folder (it holds
        ``exercise1/`` ...) rather than a folder of students.
    """
    found = discover(submissions)
    exercises = {exercise.name for exercise in load_registry()}
    mistaken = sorted(
        display_name(entry.name) for entry in found if submission_name(entry) in exercises
    )
    if mistaken:
        raise GradingRefused(
            f"{submissions} looks like one student's submission (it holds "
            f"{', '.join(mistaken)}), not a class: point gdlab grade at the folder that holds "
            "one folder or .zip per student"
        )
    target = os.path.realpath(out)
    kept = [e for e in found if os.path.realpath(e) != target and not is_gradebook(e)]
    module_names = {name for e in load_registry() for name in (e.filename, e.notebook_filename)}
    others, groups = group_canvas_files(kept, module_names)
    taken = {submission_name(entry) for entry in others}
    for key in [key for key in groups if key in taken]:  # an entry already has that name
        others += [file.path for file in groups.pop(key)]
    named = name_entries(sorted(others + [submissions / key for key in groups]))
    return [
        replace(entry, canvas_files=tuple(groups[entry.path.name]))
        if entry.path.name in groups and not entry.path.exists()
        else entry
        for entry in named
    ]


def is_gradebook(entry: Path) -> bool:
    """Whether a folder is a gdlab output folder (it keeps a secret or results)."""
    try:
        return entry.is_dir() and (
            (entry / SECRET_FILE).exists()
            or ((entry / "grades.csv").is_file() and (entry / "results").is_dir())
        )
    except OSError:  # a name too long, a folder that cannot be looked into: a student's
        return False
