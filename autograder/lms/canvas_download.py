"""The layouts LMSs download submissions in: a Canvas bulk download's flat files.

Canvas's "Download Submissions" gives one zip of flat files, each named::

    <student>_<user id>_<attachment id>_<file name>
    <student>_LATE_<user id>_<attachment id>_<file name>

where ``<student>`` is the student's sortable name in lower case without
spaces or punctuation, ``LATE`` (any case) marks a file handed in after the
due date, and a file uploaded again under the same name gets ``-1``,
``-2`` ... before its suffix (``mse-1.py``). Unzipped into a class folder,
such files are grouped into one entry per student (keyed
``<student>_<user id>``), graded under that name, and each file is read as
if the student had handed it in under its own name. What the files hold is
read by intake within its usual bounds; this module only looks at names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CANVAS_NAME = re.compile(
    r"(?P<student>[a-z0-9]+)(?P<late>_late)?_(?P<user_id>\d+)_\d+_(?P<file>[^/]+)",
    re.IGNORECASE,
)
_COPY = re.compile(r"(?P<stem>.+)-\d+(?P<suffix>\.[A-Za-z0-9]+)")


@dataclass(frozen=True)
class CanvasFile:
    """One file of a Canvas bulk download, named as described in the module.

    Attributes
    ----------
    path : Path
        The file in the class folder.
    student : str
        The name part, e.g. ``lovelaceada``.
    user_id : str
        The student's Canvas user id.
    late : bool
        Whether Canvas marked the file late.
    handed_in_as : PurePosixPath
        The file's own name as the student uploaded it (without ``-1``).
    """

    path: Path
    student: str
    user_id: str
    late: bool
    handed_in_as: PurePosixPath

    @property
    def key(self) -> str:
        """The entry the file belongs to: ``<student>_<user id>``."""
        return f"{self.student}_{self.user_id}"


def canvas_file(path: Path, module_names: set[str]) -> CanvasFile | None:
    """The Canvas file ``path`` is, or ``None`` when its name is not one.

    Parameters
    ----------
    path : Path
        An entry of the class folder.
    module_names : set of str
        The file names a submission may hold (``mse.py``, ``mse.ipynb``, ...):
        only a file named after one of them, or a ``.zip``, is taken for a
        Canvas file, so that a student's folder called ``ada_2024_x`` is not.
    """
    found = CANVAS_NAME.fullmatch(path.name)
    if found is None:
        return None
    name = found["file"]
    copy = _COPY.fullmatch(name)
    if name not in module_names and copy is not None:
        name = copy["stem"] + copy["suffix"]
    if name not in module_names and not name.lower().endswith(".zip"):
        return None
    return CanvasFile(
        path, found["student"], found["user_id"], found["late"] is not None, PurePosixPath(name)
    )


def group_canvas_files(
    entries: list[Path], module_names: set[str]
) -> tuple[list[Path], dict[str, list[CanvasFile]]]:
    """Split a class folder's entries into ordinary entries and Canvas students' files.

    Parameters
    ----------
    entries : list of Path
        The class folder's entries, sorted.
    module_names : set of str
        As :func:`canvas_file`.

    Returns
    -------
    tuple
        The entries that are not Canvas files, and the Canvas files by
        student key, each student's files in name order.
    """
    others: list[Path] = []
    groups: dict[str, list[CanvasFile]] = {}
    for entry in entries:
        found = canvas_file(entry, module_names) if not entry.is_dir() else None
        if found is None:
            others.append(entry)
        else:
            groups.setdefault(found.key, []).append(found)
    return others, groups
