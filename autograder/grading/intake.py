"""Intake: turn one handed-in entry into a clean folder of student modules.

An entry is a folder laid out like ``exercises/`` or a ``.zip`` of one (at its
root or inside one top folder). Intake reads it as untrusted data, without
running anything: it skips desktop debris and hidden files, refuses symlinks,
special files and zip members that would escape the submission, bounds sizes
and counts (files looked at, zip members, notes kept), turns a notebook's
code cells into a module, checks the text encoding, and writes each
exercise's module as UTF-8 into a fresh folder. Everything it notices is kept
as a message for the student; nothing stops the rest of the class.

Names are untrusted too: :func:`name_entries` gives every entry of a class a
distinct gradebook name that is printable, short enough for the file names
derived from it, and stable from one run to the next.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import re
import stat
import struct
import tokenize
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from autograder.registry import Exercise, load_registry

MAX_FILE_BYTES = 2 << 20
MAX_TOTAL_BYTES = 64 << 20
MAX_FILES = 2000
#: Files and folders looked at in a folder entry before intake stops walking it.
MAX_FOLDER_ENTRIES = 10_000
#: Members a zip may declare (or hold); more and it is refused before it is parsed.
MAX_MEMBERS = 10_000
#: Bytes the central directory of a zip may take (names, extra fields and comments of
#: MAX_MEMBERS members take far less); zipfile reads it whole into memory.
MAX_DIRECTORY_BYTES = 16 << 20
#: Notes kept per submission, the last one counting those left out.
MAX_NOTES = 20
#: A gradebook name's length before its hash; its derived file names stay far below 255.
MAX_NAME_BYTES = 100
NAME_HASH_LENGTH = 8
DEBRIS = {"__MACOSX", "__pycache__"}
#: Codecs whose decoding time grows with the square of the text: refused in coding lines.
SLOW_CODECS = {"punycode", "idna"}
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a named pipe must not block intake
    | getattr(os, "O_CLOEXEC", 0)
)


# --------------------------------------------------------------------------
# Names a human reads
# --------------------------------------------------------------------------

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def _shown_char(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable():  # lone surrogates, controls, format characters are not
        return char
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def display_name(name: str) -> str:
    """A file or member name as a human may see it: printable, one line, valid UTF-8.

    Bytes that are not UTF-8 (which ``os.listdir`` returns as surrogate
    escapes) are shown as ``\\xNN``; control and other unprintable characters
    (newline, tab, ESC, bidirectional overrides, lone surrogates) as Python
    escapes; a backslash is doubled, so that no name can pass for an escaped one.

    Parameters
    ----------
    name : str
        The name as the file system or the zip gave it.

    Returns
    -------
    str
    """
    try:
        text = os.fsencode(name).decode("utf-8", "surrogateescape")
    except UnicodeError:  # a lone surrogate no file system byte stands for
        text = name
    return "".join(_shown_char(char) for char in text)


def _raw_name(name: str) -> bytes:
    try:
        return os.fsencode(name)
    except UnicodeError:
        return name.encode("utf-8", "surrogatepass")


def name_hash(name: str, length: int = NAME_HASH_LENGTH) -> str:
    """A short, stable hash of an entry's raw file name (its bytes, ``os.fsencode``)."""
    return hashlib.sha256(_raw_name(name)).hexdigest()[:length]


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, at a character boundary."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _without_zip(name: str, every: bool = False) -> str:
    pattern = r"(?:\.zip)+$" if every else r"\.zip$"
    return re.sub(pattern, "", name, flags=re.IGNORECASE) or name


def gradebook_name(file_name: str, hashed: bool = False, length: int = NAME_HASH_LENGTH) -> str:
    """The name an entry is graded under, before collisions are settled.

    The submission's name (the file name without one ``.zip``) as
    :func:`display_name` shows it, cut to :data:`MAX_NAME_BYTES`; when that
    changed it (or ``hashed`` asks), ``~`` and :func:`name_hash` of the raw
    file name follow, so that two long or undecodable names stay apart.
    """
    plain = _without_zip(file_name)
    shown = _cut(display_name(plain), MAX_NAME_BYTES)
    if hashed or shown != plain:
        return f"{shown}~{name_hash(file_name, length)}"
    return shown


def _collision_key(name: str) -> str:
    """Names equal under this key look alike, or overwrite each other's files somewhere."""
    shown = display_name(_without_zip(name, every=True))
    return unicodedata.normalize("NFC", shown).casefold()


@dataclass(frozen=True)
class NamedEntry:
    """One entry of a class and the name it is graded under.

    Attributes
    ----------
    path : Path
        The folder or zip handed in.
    name : str
        Its gradebook name: the ``grades.csv`` row, ``results/<name>.json``,
        ``feedback/<name>.md``.
    shown : str
        The entry's own file name, as :func:`display_name` shows it.
    notes : tuple of str
        Why ``name`` differs from the entry's name, for its feedback.
    """

    path: Path
    name: str
    shown: str
    notes: tuple[str, ...] = ()


def _listing(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _clashing(names: dict[Path, str]) -> list[Path]:
    keys: dict[str, list[Path]] = {}
    for entry, name in names.items():
        keys.setdefault(unicodedata.normalize("NFC", name).casefold(), []).append(entry)
    return [entry for group in keys.values() if len(group) > 1 for entry in group]


def name_entries(entries: list[Path]) -> list[NamedEntry]:
    """Give every entry of a class a distinct, printable, stable gradebook name.

    Entries whose names collide once case, Unicode normalisation (NFC/NFD)
    and ``.zip`` suffixes are set aside (``bob/``, ``Bob.zip``,
    ``bob.zip.zip``) are all graded as ``<name>~<hash of the raw file name>``,
    whatever the other entries are, and each is told why in a note.

    Parameters
    ----------
    entries : list of Path
        The class's entries (see :func:`discover`).

    Returns
    -------
    list of NamedEntry
        In the order of ``entries``.
    """
    groups: dict[str, list[Path]] = {}
    for entry in entries:
        groups.setdefault(_collision_key(entry.name), []).append(entry)
    names = {
        entry: gradebook_name(entry.name, len(groups[_collision_key(entry.name)]) > 1)
        for entry in entries
    }
    for length in (16, 64):  # a student may have named a folder like another's new name
        for entry in _clashing(names):
            names[entry] = gradebook_name(entry.name, True, length)
    named = []
    for entry in entries:
        name, plain = names[entry], _without_zip(entry.name)
        reasons = []
        if _cut(display_name(plain), MAX_NAME_BYTES) != display_name(plain):
            reasons.append(f"its name is longer than {MAX_NAME_BYTES} bytes")
        if display_name(plain) != plain:
            reasons.append(
                "its name holds bytes that are not UTF-8, unprintable characters or "
                "backslashes, shown escaped"
            )
        group = groups[_collision_key(entry.name)]
        others = [display_name(other.name) for other in group if other != entry]
        if others:
            who = "another entry is" if len(others) == 1 else f"{len(others)} other entries are"
            called = display_name(_without_zip(entry.name, every=True))
            reasons.append(f"{who} also called {called} ({_listing(others)})")
        if name != display_name(plain) and not reasons:
            reasons.append("another entry's new name would have been the same as its name")
        notes = (f"graded as {name}: {'; '.join(reasons)}",) if reasons else ()
        named.append(NamedEntry(entry, name, display_name(entry.name), notes))
    return named


def _reason(error: BaseException, limit: int = 200) -> str:
    """An exception as a short printable phrase: it may quote untrusted names or bytes."""
    text = display_name(str(error) or type(error).__name__)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------
# The prepared submission
# --------------------------------------------------------------------------


@dataclass
class Prepared:
    """One submission after intake.

    Attributes
    ----------
    name : str
        The submission's name (folder name, or zip name without ``.zip``),
        as :func:`display_name` shows it.
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
    """The name a submission is known by (the entry's name without one ``.zip``), unescaped."""
    return entry.name[: -len(".zip")] if entry.name.lower().endswith(".zip") else entry.name


def cap_notes(notes: list[str], limit: int = MAX_NOTES) -> list[str]:
    """At most ``limit`` notes: the first ones, then one counting those left out."""
    if len(notes) <= limit:
        return list(notes)
    left_out = len(notes) - (limit - 1)
    return [*notes[: limit - 1], f"{left_out} more notes like these were left out"]


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in DEBRIS


def _shown(path: PurePosixPath | str) -> str:
    return display_name(str(path))


# --------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _kind(child: os.DirEntry) -> str:
    """``"link"``, ``"folder"``, ``"file"``, or why it is none of them."""
    try:
        if child.is_symlink():
            return "link"
        if child.is_dir(follow_symlinks=False):
            return "folder"
        if child.is_file(follow_symlinks=False):
            return "file"
        return _special_kind(child.stat(follow_symlinks=False).st_mode)
    except OSError as error:  # vanished, or cannot be looked at
        return f"it cannot be read ({_reason(error)})"


def _walk(folder: Path, notes: list[str]) -> Iterator[tuple[PurePosixPath, Path]]:
    """The regular files under ``folder``, depth first in name order.

    Links are never followed, hidden folders and debris never entered, and
    at most :data:`MAX_FOLDER_ENTRIES` files and folders are looked at (no
    listing is ever read in full).

    Raises
    ------
    IntakeError
        When ``folder`` itself cannot be listed.
    """
    pending = [(folder, PurePosixPath())]
    seen = 0
    while pending:
        directory, relative = pending.pop()
        try:
            with os.scandir(directory) as listing:
                bounded = itertools.islice(listing, MAX_FOLDER_ENTRIES - seen + 1)
                children = sorted(bounded, key=lambda child: child.name)
        except OSError as error:
            if not relative.parts:
                raise IntakeError(f"the folder cannot be read ({_reason(error)})") from None
            why = _reason(error)
            notes.append(f"ignored {_shown(relative)}: the folder cannot be read ({why})")
            continue
        subfolders = []
        for child in children:
            seen += 1
            if seen > MAX_FOLDER_ENTRIES:
                notes.append(
                    f"stopped reading the folder after {MAX_FOLDER_ENTRIES:,} files and "
                    "folders; the rest was ignored"
                )
                return
            path = relative / child.name
            if _ignored(child.name):
                continue
            kind = _kind(child)
            if kind == "link":
                notes.append(f"ignored {_shown(path)}: symbolic links are not followed")
            elif kind == "folder":
                subfolders.append((Path(child.path), path))
            elif kind == "file":
                yield path, Path(child.path)
            else:
                notes.append(f"ignored {_shown(path)}: {kind}, not a regular file")
        pending.extend(reversed(subfolders))  # the first in name order is walked next


def _read_regular(path: Path, budget: int) -> bytes:
    """A regular file's bytes, never following a link nor waiting on a pipe.

    Raises
    ------
    _TooLarge
        When it holds more than ``budget`` bytes (checked before and while reading).
    OSError
        When it cannot be opened or read, or is not a regular file.
    """
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"it is {_special_kind(status.st_mode)}")
        if status.st_size > budget:
            raise _TooLarge
        chunks, size = [], 0
        while size <= budget:  # never trust the size it had a moment ago
            chunk = os.read(descriptor, min(budget + 1 - size, 1 << 20))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        raise _TooLarge
    finally:
        os.close(descriptor)


def _too_many_files(first: PurePosixPath | str) -> str:
    return (
        f"ignored {_shown(first)} and every file after it: a submission holds at most "
        f"{MAX_FILES} files"
    )


def _read_folder(folder: Path, notes: list[str]) -> dict[PurePosixPath, bytes]:
    files: dict[PurePosixPath, bytes] = {}
    total = 0
    for relative, path in _walk(folder, notes):
        if len(files) >= MAX_FILES:
            notes.append(_too_many_files(relative))
            break
        try:
            data = _read_regular(path, min(MAX_FILE_BYTES, MAX_TOTAL_BYTES - total))
        except _TooLarge:
            notes.append(f"ignored {_shown(relative)}: too large")
            continue
        except OSError as error:  # vanished, no permission, a pipe swapped in, EIO ...
            notes.append(f"ignored {_shown(relative)}: it cannot be read ({_reason(error)})")
            continue
        total += len(data)
        files[relative] = data
    return files


# --------------------------------------------------------------------------
# Zips
# --------------------------------------------------------------------------

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
_LOCATOR = struct.Struct("<4sLQL")  # zip64 end of central directory locator
_LOCATOR_SIGNATURE = b"PK\x06\x07"
_END64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory record
_END64_SIGNATURE = b"PK\x06\x06"
_HEADER = struct.Struct("<4s4B4HL2L5H2L")  # central directory file header
_HEADER_SIGNATURE = b"PK\x01\x02"


def _open_regular(entry: Path) -> BinaryIO:
    try:
        descriptor = os.open(entry, _OPEN_FLAGS)
    except OSError as error:
        raise IntakeError(f"{_shown(entry.name)} cannot be read ({_reason(error)})") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise IntakeError(f"{_shown(entry.name)} is {_special_kind(mode)}, not a zip file")
    return os.fdopen(descriptor, "rb")


def _end_record(handle: BinaryIO) -> tuple[int, int, int] | None:
    """``(members declared, start, end)`` of the central directory, found as zipfile finds it.

    The end record is the last 22 bytes, or else the last one within the
    final 64 KiB (after it, a comment); a zip64 locator and record may
    precede it. ``None`` when there is none: zipfile then refuses the file.
    """
    size = handle.seek(0, os.SEEK_END)
    if size < _END.size:
        return None
    handle.seek(size - _END.size)
    tail = handle.read()
    if not (tail.startswith(_END_SIGNATURE) and tail.endswith(b"\0\0")):
        start = max(size - 0xFFFF - _END.size, 0)
        handle.seek(start)
        found = handle.read()
        at = found.rfind(_END_SIGNATURE)
        tail = found[at : at + _END.size] if at >= 0 else b""
        if len(tail) != _END.size:
            return None
        size = start + at + _END.size
    *_, members, directory_size, _, _ = _END.unpack(tail)
    location = size - _END.size
    extra = _LOCATOR.size + _END64.size
    if location >= extra:
        handle.seek(location - extra)
        record, locator = handle.read(_END64.size), handle.read(_LOCATOR.size)
        if locator.startswith(_LOCATOR_SIGNATURE) and record.startswith(_END64_SIGNATURE):
            fields = _END64.unpack(record)
            members, directory_size, location = fields[7], fields[8], location - extra
    return members, location - directory_size, location


def _count_members(handle: BinaryIO, start: int, end: int, bound: int) -> int:
    """Central directory headers between ``start`` and ``end``, counted up to ``bound``."""
    count, at = 0, start
    while 0 <= at and at + _HEADER.size <= end and count < bound:
        handle.seek(at)
        header = handle.read(_HEADER.size)
        if len(header) < _HEADER.size or not header.startswith(_HEADER_SIGNATURE):
            break
        name_length, extra_length, comment_length = _HEADER.unpack(header)[12:15]
        at += _HEADER.size + name_length + extra_length + comment_length
        count += 1
    return count


def _refuse_many_members(handle: BinaryIO, shown: str) -> None:
    """Refuse, before zipfile parses it, a central directory too long or of too many members."""
    found = _end_record(handle)
    if found is None:
        return
    declared, start, end = found
    if end - start > MAX_DIRECTORY_BYTES:
        raise IntakeError(
            f"{shown} declares a list of members of {end - start:,} bytes; a submission's "
            f"may take at most {MAX_DIRECTORY_BYTES:,}: zip only the exercise folders"
        )
    if declared > MAX_MEMBERS:
        raise IntakeError(
            f"{shown} declares {declared:,} members; a submission may hold at most "
            f"{MAX_MEMBERS:,}: zip only the exercise folders"
        )
    # The count is only declared: zipfile reads every header in the directory's size.
    if _count_members(handle, start, end, MAX_MEMBERS + 1) > MAX_MEMBERS:
        raise IntakeError(
            f"{shown} holds more than {MAX_MEMBERS:,} members; zip only the exercise folders"
        )


def _read_zip(archive: Path, notes: list[str]) -> dict[PurePosixPath, bytes]:
    shown = _shown(archive.name)
    with _open_regular(archive) as handle:
        _refuse_many_members(handle, shown)
        try:
            bundle = zipfile.ZipFile(handle)
        except Exception as error:  # BadZipFile, bad names, unsupported versions, ...
            raise IntakeError(f"{shown} is not a valid zip file ({_reason(error)})") from None
        with bundle:
            return _zip_members(bundle, notes)


def _zip_members(bundle: zipfile.ZipFile, notes: list[str]) -> dict[PurePosixPath, bytes]:
    files: dict[PurePosixPath, bytes] = {}
    total = 0
    for member in bundle.infolist():
        name = member.filename.replace("\\", "/")
        relative = PurePosixPath(name)
        # Before the hidden-file rule: ".." also starts with a dot.
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            notes.append(f"ignored {_shown(member.filename)}: the path leaves the submission")
            continue
        if member.is_dir() or any(_ignored(part) for part in relative.parts):
            continue
        if stat.S_ISLNK(member.external_attr >> 16):
            notes.append(f"ignored {_shown(name)}: symbolic links are not followed")
            continue
        if len(files) >= MAX_FILES:
            notes.append(_too_many_files(name))
            break
        if member.file_size > MAX_FILE_BYTES or total + member.file_size > MAX_TOTAL_BYTES:
            notes.append(f"ignored {_shown(name)}: too large")
            continue
        try:
            with bundle.open(member) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)  # never trust the declared size
        except Exception as error:  # corrupt data (zlib, EOF), encryption, methods, ...
            notes.append(f"ignored {_shown(name)}: it cannot be extracted ({_reason(error)})")
            continue
        if len(data) > MAX_FILE_BYTES or total + len(data) > MAX_TOTAL_BYTES:
            notes.append(f"ignored {_shown(name)}: too large")
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


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


def notebook_source(data: bytes) -> str:
    """The module a notebook stands for: its code cells in order.

    Lines starting with ``%`` or ``!`` (IPython magics and shell commands) are
    dropped, indented ones too, since IPython runs magics inside blocks; the
    price is that a continuation line starting with ``%`` (``    % 3``) is
    dropped as well, so such code must keep the operator on the line above.
    Lines end only at ``\\n``, ``\\r\\n`` or ``\\r``, as in Python. The text
    may hold lone surrogates (JSON escapes such as ``\\ud83d``).

    Raises
    ------
    ValueError
        When the bytes are not a JSON notebook with a list of cells whose
        sources are text.
    """
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # not UTF-8, not JSON, too many digits
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
    encoding is rewritten to say UTF-8: the module keeps its meaning. The
    text may hold lone surrogates (a ``raw_unicode_escape`` file's ``\\ud83d``).

    Raises
    ------
    ValueError
        When the bytes cannot be decoded, whatever the codec raised, or the
        coding line names a codec whose decoding time is quadratic.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # not UTF-8, an unknown codec, a BOM that contradicts
        raise ValueError(
            f"the file is not valid UTF-8 ({_reason(error)}); save it with UTF-8 encoding"
        ) from None
    if encoding.replace("_", "-").lower() in SLOW_CODECS:
        raise ValueError(
            f"its coding line names {encoding}, which is not an encoding for Python files; "
            "save it with UTF-8 encoding"
        )
    try:
        text = data.decode(encoding)
    except Exception as error:  # a codec may raise anything: LookupError (rot13), ...
        what = "valid UTF-8" if encoding.startswith("utf-8") else f"valid {encoding}"
        raise ValueError(
            f"the file is not {what} as its coding line says ({type(error).__name__}: "
            f"{_reason(error)}); save it with UTF-8 encoding"
        ) from None
    if encoding not in ("utf-8", "utf-8-sig"):
        head = text.split("\n", 2)
        for index in range(min(2, len(head))):
            head[index] = CODING_LINE.sub(r"\1utf-8", head[index], count=1)
        text = "\n".join(head)
    return text


CODING_LINE = re.compile(r"^([ \t\f]*#.*?coding[:=][ \t]*)[-\w.]+")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def writable_text(text: str, origin: str, notes: list[str]) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, noting what and where.

    A lone surrogate (half of an emoji's UTF-16 pair) can be decoded from a
    notebook's JSON escape or a ``raw_unicode_escape`` file but cannot be
    written as UTF-8.
    """
    matches = LONE_SURROGATE.finditer(text)
    first = list(itertools.islice(matches, 5))
    if not first:
        return text
    count = len(first) + sum(1 for _ in matches)
    lines = sorted({text.count("\n", 0, match.start()) + 1 for match in first})
    examples = ", ".join(dict.fromkeys(f"\\u{ord(match.group()):04x}" for match in first))
    notes.append(
        f"{origin}: {count} character(s) that cannot be written as UTF-8 (lone surrogates, "
        f"halves of a UTF-16 pair such as an emoji's: {examples}) were replaced with U+FFFD, "
        f"on line(s) {', '.join(map(str, lines))}{' ...' if count > len(first) else ''} "
        "of the graded module"
    )
    return LONE_SURROGATE.sub("\ufffd", text)


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
            return writable_text(python_source(files[py]), str(py), prepared.notes)
        if ipynb in files:
            return writable_text(notebook_source(files[ipynb]), str(ipynb), prepared.notes)
    except ValueError as error:
        prepared.problems[exercise.name] = f"{py if py in files else ipynb}: {error}"
        prepared.unreadable.add(exercise.name)
        return None
    prepared.problems[exercise.name] = f"missing {py} (or {ipynb.name})"
    return None


def _printable(text: str) -> str:
    """Any text made writable as UTF-8: a last guard for messages built above."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _read_entry(entry: Path, exercises: tuple[Exercise, ...], notes: list[str]) -> dict:
    if entry.is_symlink():
        raise IntakeError("the submission is a symbolic link; hand in a folder or a .zip")
    if entry.is_dir():
        files = _read_folder(entry, notes)
    elif entry.suffix.lower() == ".zip":
        files = _read_zip(entry, notes)
    else:
        raise IntakeError(f"{_shown(entry.name)} is neither a folder nor a .zip file")
    files = _strip_top_folder(files, exercises)
    if not files:
        raise IntakeError("the submission is empty", "missing")
    return files


def prepare(
    entry: Path,
    target: Path,
    exercises: tuple[Exercise, ...] | None = None,
    notes: tuple[str, ...] | list[str] = (),
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
        Notes to put first (how the entry was renamed, see :func:`name_entries`).

    Returns
    -------
    Prepared
        Never raises for bad content: problems are recorded in it.
    """
    exercises = exercises or load_registry()
    prepared = Prepared(display_name(submission_name(entry)), target, list(notes))
    target.mkdir(parents=True, exist_ok=True)
    try:
        files = _read_entry(entry, exercises, prepared.notes)
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
