"""Intake: turn one handed-in entry into a clean folder of student modules.

An entry is a folder laid out like ``exercises/`` or a ``.zip`` of one (at its
root or inside one top folder). Intake reads it as untrusted data, without
running anything, within the bounds of :mod:`~autograder.grading.entry_limits`
(:mod:`~autograder.grading.folders`, :mod:`~autograder.grading.zips`), turns
each exercise's ``.py`` file or notebook into a module
(:mod:`~autograder.grading.sources`), and writes it as UTF-8 into a fresh
folder. Everything it notices is kept as a message for the student, at most
:data:`MAX_NOTES` of them; nothing stops the rest of the class. The names
entries are graded under come from :mod:`~autograder.grading.entry_names`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from autograder.grading.entry_limits import IntakeError
from autograder.grading.entry_names import display_name, shown_path
from autograder.grading.folders import read_files, read_folder
from autograder.grading.sources import notebook_source, python_source, writable_text
from autograder.grading.zips import read_zip
from autograder.registry import Exercise, load_registry
from autograder.suites.public_checks import public_course

if TYPE_CHECKING:  # a type only: the student's check never loads the LMS's modules
    from autograder.lms.canvas_download import CanvasFile

#: Notes kept per submission, the last one counting those left out.
MAX_NOTES = 20


@dataclass
class Prepared:
    """One submission after intake.

    Attributes
    ----------
    name : str
        The submission's name (folder name, or zip name without ``.zip``),
        as :func:`~autograder.grading.entry_names.display_name` shows it.
    folder : Path
        Holds ``exerciseN/<module>.py`` for every exercise that could be read.
    notes : list of str
        Things the student should know (ignored files, .py preferred to
        .ipynb), at most :data:`MAX_NOTES`.
    problems : dict
        Exercise name -> why it has no gradable module.
    unreadable : set of str
        The exercises among ``problems`` whose file is there but cannot be
        read (not UTF-8, a broken notebook); the others are missing.
    fatal : str or None
        Why the entry could not be read at all (corrupt zip, empty, ...).
    fatal_kind : str
        ``"unreadable"``, or ``"missing"`` for an entry with nothing in it.
    digest : str
        Hash of what will be graded, for resuming.
    handed_in : str
        When a zip entry was made, from its members' times (the latest, ISO
        8601 without an offset: a zip keeps local times); empty for a folder,
        whose files' times say when they were copied, not handed in.
    marked_late : bool
        Whether the LMS's file names marked the entry late (Canvas's ``LATE``).
    lms_user_id : str
        The student's id in the LMS's file names (Canvas's user id), if any.
    """

    name: str
    folder: Path
    notes: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    fatal: str | None = None
    fatal_kind: str = ""
    digest: str = ""
    handed_in: str = ""
    marked_late: bool = False
    lms_user_id: str = ""

    def problem_records(self) -> dict[str, dict[str, str]]:
        """Exercise -> ``{"problem", "kind"}``: what the grading run reports for each."""
        return {
            name: {
                "problem": problem,
                "kind": "unreadable" if name in self.unreadable else "missing",
            }
            for name, problem in self.problems.items()
        }


def discover(submissions: Path) -> list[Path]:
    """The entries of a class folder: sub-folders and ``.zip`` files, sorted.

    Hidden names are skipped; any other file is returned too, so that intake
    can say it is neither a folder nor a zip.
    """
    return sorted(path for path in submissions.iterdir() if not path.name.startswith("."))


def submission_name(entry: Path) -> str:
    """The name a submission is known by (the entry's name without one ``.zip``), unescaped."""
    return entry.name[: -len(".zip")] if entry.name.lower().endswith(".zip") else entry.name


def cap_notes(notes: list[str], limit: int = MAX_NOTES) -> list[str]:
    """At most ``limit`` notes: the first ones, then one counting those left out."""
    if len(notes) <= limit:
        return list(notes)
    left_out = len(notes) - (limit - 1)
    return [*notes[: limit - 1], f"{left_out} more notes like these were left out"]


def _strip_top_folder(
    files: dict[PurePosixPath, bytes], exercises: tuple[Exercise, ...]
) -> dict[PurePosixPath, bytes]:
    """Accept the layout inside one top folder as well as at the root."""
    names = {exercise.name for exercise in exercises}
    tops = {path.parts[0] for path in files}
    if tops & names or len(tops) != 1 or all(len(path.parts) == 1 for path in files):
        return files
    return {
        PurePosixPath(*path.parts[1:]): data for path, data in files.items() if len(path.parts) > 1
    }


def is_untouched_stub(exercise: Exercise, data: bytes) -> bool:
    """Whether ``data`` is the stub of ``exercise`` exactly as handed out.

    Compared by SHA-256 with the digest the public checks carry (the student
    package has no ``exercises/`` of its own to compare with).
    """
    return hashlib.sha256(data).hexdigest() == public_course(exercise.name).stub_sha256


def _module_text(
    exercise: Exercise, files: dict[PurePosixPath, bytes], prepared: Prepared
) -> str | None:
    py = PurePosixPath(exercise.name, exercise.filename)
    ipynb = PurePosixPath(exercise.name, exercise.notebook_filename)
    try:
        if py in files and ipynb in files and is_untouched_stub(exercise, files[py]):
            prepared.notes.append(
                f"{exercise.name}: {ipynb.name} was graded; {py.name} is the untouched stub"
            )
            return notebook_source(files[ipynb], str(ipynb), prepared.notes)
        if py in files:
            if ipynb in files:
                prepared.notes.append(
                    f"{exercise.name}: both {py.name} and {ipynb.name} were "
                    f"handed in; {py.name} was graded"
                )
            return writable_text(python_source(files[py]), str(py), prepared.notes)
        if ipynb in files:
            return notebook_source(files[ipynb], str(ipynb), prepared.notes)
    except ValueError as error:
        prepared.problems[exercise.name] = f"{py if py in files else ipynb}: {error}"
        prepared.unreadable.add(exercise.name)
        return None
    prepared.problems[exercise.name] = f"missing {py} (or {ipynb.name})"
    return None


def _place_flat_files(
    files: dict[PurePosixPath, bytes], exercises: tuple[Exercise, ...]
) -> dict[PurePosixPath, bytes]:
    """Put module files handed in side by side (``mse.py``, ``minibatch.ipynb``) in their
    exercise folders, as an LMS or Gradescope upload gives them; a laid-out entry is kept."""
    names = {exercise.name for exercise in exercises}
    if any(path.parts[0] in names for path in files):
        return files
    homes = {}
    for exercise in exercises:
        for file_name in (exercise.filename, exercise.notebook_filename):
            homes[file_name] = PurePosixPath(exercise.name, file_name)
    return {homes.get(str(path), path): data for path, data in files.items()}


def _printable(text: str) -> str:
    """Any text made writable as UTF-8: a last guard for messages built above."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _read_canvas_files(
    canvas_files: tuple[CanvasFile, ...],
    exercises: tuple[Exercise, ...],
    notes: list[str],
    times: list[tuple[int, ...]],
) -> dict[PurePosixPath, bytes]:
    """A Canvas student's files under the names they were handed in as; a zip's members."""
    plain = [(file.handed_in_as, file.path) for file in canvas_files]
    files = read_files([(name, path) for name, path in plain if name.suffix != ".zip"], notes)
    for name, path in plain:
        if name.suffix == ".zip":
            files.update(_strip_top_folder(read_zip(path, notes, times), exercises))
    return files


def _read_entry(
    entry: Path,
    exercises: tuple[Exercise, ...],
    notes: list[str],
    canvas_files: tuple[CanvasFile, ...] = (),
    times: list[tuple[int, ...]] | None = None,
) -> dict:
    times = [] if times is None else times
    if canvas_files:
        files = _read_canvas_files(canvas_files, exercises, notes, times)
    elif entry.is_symlink():
        raise IntakeError("the submission is a symbolic link; hand in a folder or a .zip")
    elif entry.is_dir():
        files = read_folder(entry, notes)
    elif entry.suffix.lower() == ".zip":
        files = read_zip(entry, notes, times)
    else:
        raise IntakeError(f"{shown_path(entry.name)} is neither a folder nor a .zip file")
    files = _place_flat_files(_strip_top_folder(files, exercises), exercises)
    if not files:
        raise IntakeError("the submission is empty", "missing")
    return files


def _latest(times: list[tuple[int, ...]]) -> str:
    """The latest of a zip's member times, ISO 8601 without an offset; empty if none is valid."""
    valid = []
    for stamp in times:
        with contextlib.suppress(ValueError, TypeError):  # a zip may record day 0, month 13
            valid.append(datetime(*stamp))
    return max(valid).isoformat() if valid else ""


def prepare(
    entry: Path,
    target: Path,
    exercises: tuple[Exercise, ...] | None = None,
    notes: tuple[str, ...] | list[str] = (),
    canvas_files: tuple[CanvasFile, ...] = (),
) -> Prepared:
    """Read one entry and write its gradable modules under ``target``.

    Parameters
    ----------
    entry : Path
        A submission folder or zip file.
    target : Path
        A fresh folder to create; it receives ``exerciseN/<module>.py``.
    exercises : tuple of Exercise, optional
        The registry's exercises by default.
    notes : sequence of str, optional
        Notes to put first (how the entry was renamed, see
        :func:`~autograder.grading.entry_names.name_entries`).
    canvas_files : tuple of CanvasFile, optional
        The files of a Canvas bulk download that make up the entry, which is
        then read from them rather than from ``entry``
        (:mod:`~autograder.lms.canvas_download`).

    Returns
    -------
    Prepared
        Never raises for bad content: problems are recorded in it.
    """
    exercises = exercises or load_registry()
    prepared = Prepared(display_name(submission_name(entry)), target, list(notes))
    target.mkdir(parents=True, exist_ok=True)
    times: list[tuple[int, ...]] = []
    if canvas_files:
        prepared.marked_late = any(file.late for file in canvas_files)
        prepared.lms_user_id = canvas_files[0].user_id
    try:
        files = _read_entry(entry, exercises, prepared.notes, canvas_files, times)
        prepared.handed_in = _latest(times)
    except IntakeError as error:
        prepared.fatal, prepared.fatal_kind = _printable(str(error)), error.kind
        prepared.problems = {exercise.name: prepared.fatal for exercise in exercises}
        files = {}
    digest = hashlib.sha256()
    for exercise in exercises:
        if prepared.fatal:
            break
        text = _module_text(exercise, files, prepared)
        if text is None:
            continue
        module = target / exercise.name / exercise.filename
        module.parent.mkdir(exist_ok=True)
        module.write_text(text, encoding="utf-8")
        digest.update(f"{exercise.name}\0{text}\0".encode())
    prepared.notes = cap_notes([_printable(note) for note in prepared.notes])
    prepared.problems = {name: _printable(text) for name, text in prepared.problems.items()}
    digest.update(json.dumps([prepared.notes, prepared.problems, prepared.fatal]).encode())
    prepared.digest = digest.hexdigest()
    return prepared
