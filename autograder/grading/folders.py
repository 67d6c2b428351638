"""Read a folder entry: its regular files, walked within bounds, as bytes.

The walk never follows a link, never enters a hidden folder or debris, never
waits on a named pipe, and looks at a bounded number of files and folders;
everything it passes over is kept as a note for the student.
"""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from autograder.grading.entry_limits import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    OPEN_FLAGS,
    IntakeError,
    ignored,
    special_kind,
    too_many_files,
)
from autograder.grading.entry_names import error_reason, shown_path

#: Files and folders looked at in a folder entry before intake stops walking it.
MAX_FOLDER_ENTRIES = 10_000


class _TooLarge(Exception):
    pass


def _kind(child: os.DirEntry) -> str:
    """``"link"``, ``"folder"``, ``"file"``, or why it is none of them."""
    try:
        if child.is_symlink():
            return "link"
        if child.is_dir(follow_symlinks=False):
            return "folder"
        if child.is_file(follow_symlinks=False):
            return "file"
        return special_kind(child.stat(follow_symlinks=False).st_mode)
    except OSError as error:  # vanished, or cannot be looked at
        return f"it cannot be read ({error_reason(error)})"


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
                raise IntakeError(f"the folder cannot be read ({error_reason(error)})") from None
            why = error_reason(error)
            notes.append(f"ignored {shown_path(relative)}: the folder cannot be read ({why})")
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
            if ignored(child.name):
                continue
            kind = _kind(child)
            if kind == "link":
                notes.append(f"ignored {shown_path(path)}: symbolic links are not followed")
            elif kind == "folder":
                subfolders.append((Path(child.path), path))
            elif kind == "file":
                yield path, Path(child.path)
            else:
                notes.append(f"ignored {shown_path(path)}: {kind}, not a regular file")
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
    descriptor = os.open(path, OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"it is {special_kind(status.st_mode)}")
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


def read_folder(folder: Path, notes: list[str]) -> dict[PurePosixPath, bytes]:
    """The files of a folder entry, by their paths inside it.

    At most ``MAX_FILES`` files of at most ``MAX_FILE_BYTES`` each and
    ``MAX_TOTAL_BYTES`` in all (see :mod:`~autograder.grading.entry_limits`);
    what is left out is noted in ``notes``.

    Raises
    ------
    IntakeError
        When ``folder`` itself cannot be listed.
    """
    return read_files(_walk(folder, notes), notes)


def read_files(
    found: Iterable[tuple[PurePosixPath, Path]], notes: list[str]
) -> dict[PurePosixPath, bytes]:
    """The bytes of the regular files ``found`` lists, as ``(path inside the entry, file)``.

    Within the bounds of :func:`read_folder`; what is left out is noted in ``notes``.
    """
    files: dict[PurePosixPath, bytes] = {}
    total = 0
    for relative, path in found:
        if len(files) >= MAX_FILES:
            notes.append(too_many_files(relative))
            break
        try:
            data = _read_regular(path, min(MAX_FILE_BYTES, MAX_TOTAL_BYTES - total))
        except _TooLarge:
            notes.append(f"ignored {shown_path(relative)}: too large")
            continue
        except OSError as error:  # vanished, no permission, a pipe swapped in, EIO ...
            notes.append(
                f"ignored {shown_path(relative)}: it cannot be read ({error_reason(error)})"
            )
            continue
        total += len(data)
        files[relative] = data
    return files
