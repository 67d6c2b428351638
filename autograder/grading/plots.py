"""Draw a student's curves beside the reference's, as a PNG for the feedback.

The curves are plain data from the results; drawing them is the grader's own
trusted work, with matplotlib's object API (no pyplot, no window).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from autograder.curves import CURVES


def render(exercise: str, curves: dict, path: Path) -> Path:
    """Save the picture of one exercise's curves.

    Parameters
    ----------
    exercise : str
        The exercise (which decides labels and scales).
    curves : dict
        ``{"title", "student": [...], "reference": [...]}`` from the results,
        each series ``{"label", "values"}``.
    path : Path
        The PNG to write (atomically).

    Returns
    -------
    Path
        ``path``.
    """
    from matplotlib.figure import Figure

    spec = CURVES[exercise]
    figure = Figure(figsize=(10, 3.8), layout="constrained")
    # Separate scales: a diverging answer must not flatten the reference.
    left, right = figure.subplots(1, 2)
    for ax, side, heading in ((left, "student", "your answer"), (right, "reference", "reference")):
        for series in curves.get(side, []):
            values = np.asarray(series["values"], dtype=np.float64)
            ax.plot(np.arange(len(values)), values, label=series["label"])
        if spec.log:
            ax.set_yscale("log")
        ax.set_title(heading)
        ax.set_xlabel(spec.xlabel)
        ax.set_ylabel(spec.ylabel)
        if ax.lines:
            ax.legend(fontsize="small")
    if not curves.get("student"):
        left.text(
            0.5,
            0.5,
            "nothing to draw:\nsee the failed tests",
            ha="center",
            va="center",
            transform=left.transAxes,
        )
    figure.suptitle(curves.get("title", spec.title))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp.png")
    figure.savefig(temporary, dpi=90)
    os.replace(temporary, path)
    return path
