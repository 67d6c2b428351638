"""Intake: turn one handed-in entry into a clean folder of student modules.

An entry is a folder laid out like ``exercises/`` or a ``.zip`` of one (at its
root or inside one top folder). Intake reads it as untrusted data, without
running anything: it skips desktop debris and hidden files, refuses symlinks
and zip members that would escape the submission, bounds sizes, turns a
notebook's code cells into a module, checks the text encoding, and writes
each exercise's module as UTF-8 into a fresh folder. Everything it notices is
kept as a message for the student; nothing stops the rest of the class.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import tokenize
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.registry import Exercise, load_registry

MAX_FILE_BYTES = 2 << 20
MAX_TOTAL_BYTES = 64 << 20
MAX_FILES = 2000
DEBRIS = {"__MACOSX", "__pycache__"}


@dataclass
class Prepared:
    """One submission after intake.

    Attributes
    ----------
    name : str
        The submission's name (folder name, or zip name without ``.zip``).
    folder : Path
        Holds ``exerciseN/<module>.py`` for every exercise that could be read.
    notes : list of str
        Things the student should know (ignored files, .py preferred to .ipynb).
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
    """

    name: str
    folder: Path
    notes: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    fatal: str | None = None
    fatal_kind: str = ""
    digest: str = ""

    def problem_records(self) -> dict[str, dict[str, str]]:
        """Exercise -> ``{"problem", "kind"}``: what the grading run reports for each."""
        return {
            name: {
                "problem": problem,
                "kind": "unreadable" if name in self.unreadable else "missing",
            }
            for name, problem in self.problems.items()
        }


class IntakeError(Exception):
    """The whole entry cannot be graded.

    Parameters
    ----------
    message : str
        Why.
    kind : str
        ``"unreadable"`` (a corrupt zip, a file that is not a submission) or
        ``"missing"`` (nothing was handed in).
    """

    def __init__(self, message: str, kind: str = "unreadable") -> None:
        super().__init__(message)
        self.kind = kind


def discover(submissions: Path) -> list[Path]:
    """The entries of a class folder: sub-folders and ``.zip`` files, sorted.

    Hidden names are skipped; any other file is returned too, so that intake
    can say it is neither a folder nor a zip.
    """
    return sorted(path for path in submissions.iterdir() if not path.name.startswith("."))


def submission_name(entry: Path) -> str:
    """The name a submission is known by in the gradebook."""
    return entry.name[: -len(".zip")] if entry.name.lower().endswith(".zip") else entry.name


def _ignored(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") or part in DEBRIS for part in parts)


def _read_folder(folder: Path, notes: list[str]) -> dict[PurePosixPath, bytes]:
    files: dict[PurePosixPath, bytes] = {}
    total = 0
    for path in sorted(folder.rglob("*")):
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if _ignored(relative.parts):
            continue
        if path.is_symlink():
            notes.append(f"ignored {relative}: symbolic links are not followed")
            continue
        if not path.is_file():
            continue
        size = path.stat().st_size
        if size > MAX_FILE_BYTES or total + size > MAX_TOTAL_BYTES or len(files) >= MAX_FILES:
            notes.append(f"ignored {relative}: too large")
            continue
        total += size
        files[relative] = path.read_bytes()
    return files


def _read_zip(archive: Path, notes: list[str]) -> dict[PurePosixPath, bytes]:
    try:
        bundle = zipfile.ZipFile(archive)
    except Exception as error:  # BadZipFile, bad names, unsupported versions, ...
        raise IntakeError(f"{archive.name} is not a valid zip file ({error})") from None
    files: dict[PurePosixPath, bytes] = {}
    total = 0
    with bundle:
        for member in bundle.infolist():
            name = member.filename.replace("\\", "/")
            relative = PurePosixPath(name)
            # Before the hidden-file rule: ".." also starts with a dot.
            if relative.is_absolute() or ".." in relative.parts or not relative.parts:
                notes.append(f"ignored {member.filename!r}: the path leaves the submission")
                continue
            if member.is_dir() or _ignored(relative.parts):
                continue
            if stat.S_ISLNK(member.external_attr >> 16):
                notes.append(f"ignored {name}: symbolic links are not followed")
                continue
            if (
                member.file_size > MAX_FILE_BYTES
                or total + member.file_size > MAX_TOTAL_BYTES
                or len(files) >= MAX_FILES
            ):
                notes.append(f"ignored {name}: too large")
                continue
            try:
                with bundle.open(member) as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)  # never trust the declared size
            except Exception as error:  # corrupt data (zlib, EOF), encryption, methods, ...
                notes.append(f"ignored {name}: it cannot be extracted ({error})")
                continue
            if len(data) > MAX_FILE_BYTES:
                notes.append(f"ignored {name}: too large")
                continue
            total += len(data)
            files[relative] = data
    return files


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


def notebook_source(data: bytes) -> str:
    """The module a notebook stands for: its code cells in order.

    Lines starting with ``%`` or ``!`` (IPython magics and shell commands) are
    dropped, indented ones too, since IPython runs magics inside blocks; the
    price is that a continuation line starting with ``%`` (``    % 3``) is
    dropped as well, so such code must keep the operator on the line above.
    Lines end only at ``\\n``, ``\\r\\n`` or ``\\r``, as in Python.

    Raises
    ------
    ValueError
        When the bytes are not a JSON notebook with a list of cells whose
        sources are text.
    """
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f"the notebook is not valid JSON ({type(error).__name__})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ValueError("the notebook has no list of cells")
    chunks = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        parts = source if isinstance(source, list) else [source]
        if not all(isinstance(part, str) for part in parts):
            raise ValueError(f"cell {number} of the notebook has a malformed source")
        lines = re.split(r"\r\n|\r|\n", "".join(parts))
        if lines[-1] == "":  # a cell's final line end
            lines.pop()
        chunks.append(
            "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
        )
    return "\n\n".join(chunks) + "\n"


def python_source(data: bytes) -> str:
    """Decode a ``.py`` file as Python would (UTF-8 unless a coding line says otherwise).

    The text is written back as UTF-8, so a coding line naming another
    encoding is rewritten to say UTF-8: the module keeps its meaning.

    Raises
    ------
    ValueError
        When the bytes cannot be decoded.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(
            f"the file is not valid UTF-8 ({error}); save it with UTF-8 encoding"
        ) from None
    if encoding not in ("utf-8", "utf-8-sig"):
        head = text.split("\n", 2)
        for index in range(min(2, len(head))):
            head[index] = CODING_LINE.sub(r"\1utf-8", head[index], count=1)
        text = "\n".join(head)
    return text


CODING_LINE = re.compile(r"^([ \t\f]*#.*?coding[:=][ \t]*)[-\w.]+")


def _module_text(
    exercise: Exercise, files: dict[PurePosixPath, bytes], prepared: Prepared
) -> str | None:
    py = PurePosixPath(exercise.name, exercise.filename)
    ipynb = PurePosixPath(exercise.name, f"{exercise.module}.ipynb")
    try:
        if py in files:
            if ipynb in files:
                prepared.notes.append(
                    f"{exercise.name}: both {py.name} and {ipynb.name} were "
                    f"handed in; {py.name} was graded"
                )
            return python_source(files[py])
        if ipynb in files:
            return notebook_source(files[ipynb])
    except ValueError as error:
        prepared.problems[exercise.name] = f"{py if py in files else ipynb}: {error}"
        prepared.unreadable.add(exercise.name)
        return None
    prepared.problems[exercise.name] = f"missing {py} (or {ipynb.name})"
    return None


def prepare(entry: Path, target: Path, exercises: tuple[Exercise, ...] | None = None) -> Prepared:
    """Read one entry and write its gradable modules under ``target``.

    Parameters
    ----------
    entry : Path
        A submission folder or zip file.
    target : Path
        A fresh folder to create; it receives ``exerciseN/<module>.py``.
    exercises : tuple of Exercise, optional
        The registry's exercises by default.

    Returns
    -------
    Prepared
        Never raises for bad content: problems are recorded in it.
    """
    exercises = exercises or load_registry()
    prepared = Prepared(submission_name(entry), target)
    target.mkdir(parents=True, exist_ok=True)
    try:
        if entry.is_symlink():
            raise IntakeError("the submission is a symbolic link; hand in a folder or a .zip")
        if entry.is_dir():
            files = _read_folder(entry, prepared.notes)
        elif entry.suffix.lower() == ".zip":
            files = _read_zip(entry, prepared.notes)
        else:
            raise IntakeError(f"{entry.name} is neither a folder nor a .zip file")
        files = _strip_top_folder(files, exercises)
        if not files:
            raise IntakeError("the submission is empty", "missing")
    except IntakeError as error:
        prepared.fatal, prepared.fatal_kind = str(error), error.kind
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
    digest.update(json.dumps([prepared.notes, prepared.problems, prepared.fatal]).encode())
    prepared.digest = digest.hexdigest()
    return prepared
