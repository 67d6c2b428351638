"""Write a file of the grader's so that a killed grader never leaves it half-written.

Every file the grader writes (see :mod:`autograder.grading.reports`) goes to
a temporary name and is renamed into place by :func:`write_atomically`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

# Read once: mkstemp makes its files private, and the gradebook keeps the
# permissions an ordinary write would give.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    The temporary file is made by :func:`tempfile.mkstemp` in ``path``'s
    folder, under a name of the grader's (never one derived from a
    student's), and removed when the writing or the renaming fails.

    Parameters
    ----------
    path : Path
        The file to write; its folder is created when missing.
    data : str or bytes
        The contents; a text is written in UTF-8.

    Raises
    ------
    OSError, UnicodeEncodeError
        When the file could not be written; ``path`` is then left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".gdlab-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.fchmod(handle.fileno(), 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
