"""Draw a student's curves over the reference's, as a PNG for the feedback.

The curves are plain data from the results; drawing them is the grader's own
trusted work, with matplotlib's object API (no pyplot, no window). One axes
holds both: the student's curves solid, the reference's dashed in the same
colour. The y range follows the reference, so a diverging answer cannot
flatten it; a note says when the student's curve leaves that range.
"""

from __future__ import annotations

import functools
import io
import json
import os
import threading
from pathlib import Path

import numpy as np

from autograder.curves import CURVES


def _range(series: list[dict], log: bool) -> tuple[float, float] | None:
    values = np.concatenate([np.asarray(item["values"], dtype=np.float64) for item in series])
    values = values[np.isfinite(values) & ((values > 0) if log else True)]
    if not values.size:
        return None
    low, high = float(values.min()), float(values.max())
    if log:
        return low / 3, high * 3
    pad = 0.1 * (high - low) or 1.0
    return low - pad, high + pad


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
    # Correct answers often give identical curves: draw each picture once.
    picture = _picture(exercise, json.dumps(curves, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp.png")
    temporary.write_bytes(picture)
    os.replace(temporary, path)
    return path


@functools.lru_cache(maxsize=32)
def _picture(exercise: str, curves_json: str) -> bytes:
    """The PNG bytes of one exercise's curves (``curves`` as JSON, for the cache's key)."""
    curves = json.loads(curves_json)
    from matplotlib.figure import Figure

    spec = CURVES[exercise]
    figure = Figure(figsize=(7.5, 3.6))
    ax = figure.add_subplot()
    colours = {
        item["label"]: f"C{index}" for index, item in enumerate(curves.get("reference", []))
    }
    for item in curves.get("reference", []):
        values = np.asarray(item["values"], dtype=np.float64)
        ax.plot(
            np.arange(len(values)),
            values,
            "--",
            color=colours[item["label"]],
            label=f"{item['label']} (reference)",
        )
    for item in curves.get("student", []):
        values = np.asarray(item["values"], dtype=np.float64)
        ax.plot(
            np.arange(len(values)),
            values,
            color=colours.get(item["label"], "k"),
            label=f"{item['label']} (yours)",
        )
    if spec.log:
        ax.set_yscale("log")
    shown = _range(curves.get("reference", []), spec.log) if curves.get("reference") else None
    notes = []
    if shown:
        ax.set_ylim(*shown)
        mine = _range(curves.get("student", []), spec.log) if curves.get("student") else None
        if mine and (mine[0] < shown[0] or mine[1] > shown[1]):
            notes.append("your curve leaves the range shown")
    if not curves.get("student"):
        notes.append("nothing of yours to draw: see the failed tests")
    if notes:
        ax.text(
            0.5,
            0.03,
            "; ".join(notes),
            ha="center",
            transform=ax.transAxes,
            fontsize="small",
            color="C3",
        )
    ax.set_xlabel(spec.xlabel)
    ax.set_ylabel(spec.ylabel)
    ax.set_title(curves.get("title", spec.title), fontsize="medium")
    ax.legend(fontsize="x-small", loc="upper right")
    figure.subplots_adjust(left=0.11, right=0.97, bottom=0.14, top=0.9)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()
