"""The pictures in the feedback: a student's curves beside the reference's.

For the exercises whose answers are trajectories or learning curves, the
grader module's ``PICTURE`` names the series to draw and how to compute them
on a module (the student's, through the sandbox, or the reference). The
series travel as plain data in the results; :func:`autograder.grading.drawing.render`
draws them.

Every ``compute`` and ``note`` is a call into the module: for the student's
module each is a round trip into the sandbox, so an exercise declares only
the few calls its picture needs.

A series keeps at most :data:`~autograder.result_bounds.MAX_POINTS` values, cut as
soon as they come back from the module: a history of millions of losses must
not become millions of Python floats, nor a results file of hundreds of
megabytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.contract.calls import Expr, given
from autograder.result_bounds import MAX_POINTS

#: In a series' note, the curve the series computed.
CURVE = given("curve")

#: Longest note kept: the contract's labels are short, and a student's
#: answer must not swamp the legend.
NOTE_LENGTH = 40


@dataclass(frozen=True)
class Series:
    """One curve of a picture.

    Attributes
    ----------
    label : str
        The curve's name in the legend.
    compute : Expr
        ``compute(module)`` gives the values, a 1-D sequence of numbers
        (a computation as data, :mod:`autograder.contract.calls`).
    note : Expr or None
        A short text drawn after the label (such as the module's own verdict
        on the curve), or None for no note: ``note(module, curve=values)``,
        where :data:`CURVE` stands for the float64 array ``compute`` gave.
    """

    label: str
    compute: Expr
    note: Expr | None = None


@dataclass(frozen=True)
class Picture:
    """What to draw for one exercise: its ``PICTURE``.

    Attributes
    ----------
    title, xlabel, ylabel : str
        Labels of the picture.
    log : bool
        Logarithmic y axis (for losses).
    series : tuple of Series
        The curves, in legend order.
    """

    title: str
    xlabel: str
    ylabel: str
    log: bool
    series: tuple[Series, ...]


def _note_text(note: Any) -> str | None:
    """A note fit for a legend, or None when the answer is not a usable text."""
    if not isinstance(note, str):
        return None
    # One short line, whatever the answer held (cut before splitting a huge one).
    text = " ".join(note[: 4 * NOTE_LENGTH].split())
    if len(text) > NOTE_LENGTH:
        text = text[: NOTE_LENGTH - 1] + "…"
    return text or None


def series_of(module: Any, picture: Picture) -> list[dict]:
    """Compute an exercise's series on ``module``; whatever fails is left out.

    Parameters
    ----------
    module : object
        The module, or the sandbox's stand-in for the student's module.
    picture : Picture
        What to compute.

    Returns
    -------
    list of dict
        ``{"label": str, "values": list of float}`` per series that could be
        computed as a non-empty 1-D sequence of numbers, with ``"note": str``
        too when the series declares a note and it could be computed. A
        series whose note fails is kept, without the note. A series longer
        than :data:`~autograder.result_bounds.MAX_POINTS` keeps its first values,
        and ``"length": int`` says how many it had.
    """
    found = []
    for series in picture.series:
        try:
            values = np.asarray(series.compute(module), dtype=np.float64)
        except Exception:  # the student's function failed: the tests say why
            continue
        if values.ndim != 1 or not values.size:
            continue
        # Cut before tolist(): only the kept values become Python floats.
        item: dict[str, Any] = {"label": series.label, "values": values[:MAX_POINTS].tolist()}
        if values.size > MAX_POINTS:
            item["length"] = int(values.size)
        if series.note is not None:
            try:
                note = _note_text(series.note(module, curve=values))
            except Exception:  # as above: the curve is still worth drawing
                note = None
            if note is not None:
                item["note"] = note
        found.append(item)
    return found
