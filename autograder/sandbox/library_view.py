"""What of the installed packages student code may import: NumPy, matplotlib and their needs.

The worker runs with ``-I -S``, so it has no site-packages of its own. Its one
library folder is a *view*: a private folder of symbolic links to the
top-level entries (packages, modules, compiled libraries, metadata) of the
distributions NumPy and matplotlib need at run time, read from the
installed metadata, and to nothing else of the folders they are installed
in. So gdlab itself, its reference, pytest or any other installed package
stays out of reach of student code, whether gdlab is installed editable or
not, and ``gdlab check`` in a student's environment and ``gdlab grade`` in
an instructor's offer student code the same imports.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import os
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

#: What student code may import besides the standard library.
ROOTS = ("numpy", "matplotlib")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _needs(distribution: importlib.metadata.Distribution) -> list[str]:
    """The distributions ``distribution`` requires at run time (no extras, markers that hold)."""
    from packaging.requirements import Requirement  # a dependency of matplotlib's

    found = []
    for text in distribution.requires or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.append(requirement.name)
    return found


def _top_level_names(distribution: importlib.metadata.Distribution) -> set[str]:
    """The first path component of every file the distribution installed.

    Read from its ``RECORD`` as text: NumPy's lists thousands of files, and
    making a path object of each took a fifth of a second.
    """
    record = distribution.read_text("RECORD")
    if record is None:  # installed without a RECORD: what importlib can say
        return {file.parts[0] for file in distribution.files or [] if file.parts}
    names = set()
    for line in record.splitlines():
        path = line.rsplit(",", 2)[0].strip('"')  # path,hash,size; a quoted path may hold commas
        if path:
            names.add(path.replace("\\", "/").split("/", 1)[0])
    return names


@cache
def allowed_entries() -> tuple[Path, ...]:
    """The top-level entries of the installed distributions of :data:`ROOTS` and their needs.

    Returns
    -------
    tuple of Path
        Real paths of packages, modules, compiled-library folders and
        ``*.dist-info`` folders, each directly inside a library folder.
    """
    seen: set[str] = set()
    pending = list(ROOTS)
    entries: set[Path] = set()
    while pending:
        name = _canonical(pending.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        base = Path(distribution.locate_file("")).resolve()
        for top in _top_level_names(distribution):
            if top in ("..", "__pycache__") or top.endswith(".pth"):
                continue
            entry = base / top
            if entry.exists():
                entries.add(entry)
        pending += _needs(distribution)
    return tuple(sorted(entries))


@cache
def view_folder() -> Path:
    """A private folder of links to :func:`allowed_entries`, made once per process.

    It is removed when the process ends; made with ``mkdtemp`` (in the run's
    own temporary folder, which the batch sweeps if the process is killed).
    """
    folder = Path(tempfile.mkdtemp(prefix="gdlab-libraries-"))
    folder.chmod(0o755)  # the sandbox's private uid must read it
    atexit.register(shutil.rmtree, folder, True)
    for entry in allowed_entries():
        link = folder / entry.name
        if not link.exists():  # the same name in two library folders: the first wins
            os.symlink(entry, link)
    return folder
