"""Read a zip entry: its members, bounded before and while zipfile parses it, as bytes.

The end of the central directory is read first, so that a zip declaring (or
holding) too many members, or too long a list of them, is refused before
:mod:`zipfile` reads that list into memory. Members are then read within the
same bounds as a folder's files; a member whose path leaves the submission, a
link, a hidden file or debris is skipped, and noted when the student should know.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

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

#: Members a zip may declare (or hold); more and it is refused before it is parsed.
MAX_MEMBERS = 10_000
#: Bytes the central directory of a zip may take (names, extra fields and comments of
#: MAX_MEMBERS members take far less); zipfile reads it whole into memory.
MAX_DIRECTORY_BYTES = 16 << 20

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
        descriptor = os.open(entry, OPEN_FLAGS)
    except OSError as error:
        raise IntakeError(
            f"{shown_path(entry.name)} cannot be read ({error_reason(error)})"
        ) from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise IntakeError(f"{shown_path(entry.name)} is {special_kind(mode)}, not a zip file")
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


def read_zip(
    archive: Path, notes: list[str], times: list[tuple[int, ...]] | None = None
) -> dict[PurePosixPath, bytes]:
    """The members of a zip entry, by their paths inside it.

    Within the bounds a folder's files have (see
    :mod:`~autograder.grading.entry_limits`); what is left out is noted in
    ``notes``. ``times``, when given, receives the ``date_time`` the zip
    records for each member read (local time, as the zipping machine's clock
    showed it).

    Raises
    ------
    IntakeError
        When ``archive`` cannot be opened, is not a valid zip, or declares or holds
        too many members.
    """
    shown = shown_path(archive.name)
    with _open_regular(archive) as handle:
        _refuse_many_members(handle, shown)
        try:
            bundle = zipfile.ZipFile(handle)
        except Exception as error:  # BadZipFile, bad names, unsupported versions, ...
            raise IntakeError(f"{shown} is not a valid zip file ({error_reason(error)})") from None
        with bundle:
            return _zip_members(bundle, notes, [] if times is None else times)


def _zip_members(
    bundle: zipfile.ZipFile, notes: list[str], times: list[tuple[int, ...]]
) -> dict[PurePosixPath, bytes]:
    files: dict[PurePosixPath, bytes] = {}
    total = 0
    for member in bundle.infolist():
        name = member.filename.replace("\\", "/")
        relative = PurePosixPath(name)
        # Before the hidden-file rule: ".." also starts with a dot.
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            notes.append(f"ignored {shown_path(member.filename)}: the path leaves the submission")
            continue
        if member.is_dir() or any(ignored(part) for part in relative.parts):
            continue
        if stat.S_ISLNK(member.external_attr >> 16):
            notes.append(f"ignored {shown_path(name)}: symbolic links are not followed")
            continue
        if len(files) >= MAX_FILES:
            notes.append(too_many_files(name))
            break
        if member.file_size > MAX_FILE_BYTES or total + member.file_size > MAX_TOTAL_BYTES:
            notes.append(f"ignored {shown_path(name)}: too large")
            continue
        try:
            with bundle.open(member) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)  # never trust the declared size
        except Exception as error:  # corrupt data (zlib, EOF), encryption, methods, ...
            notes.append(
                f"ignored {shown_path(name)}: it cannot be extracted ({error_reason(error)})"
            )
            continue
        if len(data) > MAX_FILE_BYTES or total + len(data) > MAX_TOTAL_BYTES:
            notes.append(f"ignored {shown_path(name)}: too large")
            continue
        total += len(data)
        files[relative] = data
        times.append(tuple(member.date_time))
    return files
