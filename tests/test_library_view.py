"""The worker's library folder: NumPy, matplotlib and what they need, nothing else installed."""

from __future__ import annotations

import os

from autograder.sandbox.library_view import allowed_entries, view_folder


def test_the_view_holds_numpy_matplotlib_and_their_needs_only():
    names = {entry.name for entry in allowed_entries()}
    assert {"numpy", "matplotlib", "PIL", "dateutil", "pyparsing"} <= names
    for other in (
        "autograder",
        "reference",
        "solutions",
        "pytest",
        "_pytest",
        "click",
        "nbgrader",
    ):
        assert other not in names


def test_the_view_links_to_the_real_entries_and_is_readable_by_others():
    folder = view_folder()
    assert os.stat(folder).st_mode & 0o005 == 0o005
    linked = {path.name: path.resolve() for path in folder.iterdir()}
    assert set(linked) == {entry.name for entry in allowed_entries()}
    assert all(target in allowed_entries() for target in linked.values())
