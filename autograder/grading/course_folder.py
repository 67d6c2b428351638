"""Where a student's course folder is: the folder laid out like ``exercises/``."""

from __future__ import annotations

from pathlib import Path

from autograder.registry import load_registry


def find_course_folder(start: Path) -> Path | None:
    """The folder laid out like ``exercises/`` that holds ``start``, looking upwards.

    From ``start`` and each folder above it: its ``exercises/`` subfolder if
    that holds an exercise's folder, else the folder itself if it does. So
    ``gdlab check`` works from the hand-out's root, from ``exercises/`` and
    from inside an exercise's folder (a notebook's, for instance).

    Returns
    -------
    Path or None
        None when no folder up to the file system's root holds an exercise.
    """
    names = [exercise.name for exercise in load_registry()]

    def holds_exercises(folder: Path) -> bool:
        return any((folder / name).is_dir() for name in names)

    start = start.resolve()
    for folder in (start, *start.parents):
        if holds_exercises(folder / "exercises"):
            return folder / "exercises"
        if holds_exercises(folder):
            return folder
    return None
