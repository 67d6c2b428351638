"""What intake reads of an entry at most, what it skips, and the error that refuses one.

Both readers of an entry (:mod:`autograder.grading.folders` and
:mod:`autograder.grading.zips`) bound the same sizes and counts, skip the
same desktop debris and hidden files, and raise :class:`IntakeError` when the
whole entry cannot be graded.
"""

from __future__ import annotations

import os
import stat
from pathlib import PurePosixPath

from autograder.grading.entry_names import shown_path

MAX_FILE_BYTES = 2 << 20
MAX_TOTAL_BYTES = 64 << 20
MAX_FILES = 2000
DEBRIS = {"__MACOSX", "__pycache__"}
OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a named pipe must not block intake
    | getattr(os, "O_CLOEXEC", 0)
)


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


def ignored(name: str) -> bool:
    """Whether a file or folder is skipped without a note: hidden, or debris."""
    return name.startswith(".") or name in DEBRIS


def special_kind(mode: int) -> str:
    """What a file that is not a regular one is, from its ``st_mode``."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def too_many_files(first: PurePosixPath | str) -> str:
    """The note for the first file past :data:`MAX_FILES` and those after it."""
    return (
        f"ignored {shown_path(first)} and every file after it: a submission holds at most "
        f"{MAX_FILES} files"
    )
