"""Draw a student's curves over the reference's, as a PNG for the feedback.

The curves are plain data from the results; drawing them is the grader's own
trusted work, with matplotlib's object API (no pyplot, no window). One axes
holds both: the student's curves solid, the reference's dashed in the same
colour. The y range follows the reference, so a diverging answer cannot
flatten it; a note says when the student's values fall outside that range.

:func:`captions` gives the texts a picture carries (legend, notes, y range)
as data, so what a picture says can be checked without reading pixels.
"""

from __future__ import annotations

import functools
import io
import json
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.grading.atomic_write import write_atomically
from autograder.suites.public_checks import public_course

#: Relative slack when telling whether a student's value leaves the range
#: shown: rounding must never make a correct curve "leave" it.
SLACK = 1e-9

# Bounds of the y range: matplotlib's ticks overflow near the ends of float64
# (a span that overflows, a tick at 1e309), and nobody reads values beyond these.
_LIMIT = 1e200

# warnings.catch_warnings swaps the process-wide filters: two threads drawing
# at once could restore each other's filters and leave warnings silenced for
# good, so the silenced drawing runs one at a time.
_DRAWING = threading.Lock()


@dataclass(frozen=True)
class Captions:
    """The texts of one picture and the y range it shows.

    Attributes
    ----------
    legend : tuple of str
        The legend's entries in drawing order: the reference's, then the
        student's, such as ``"lr = 1.1 (yours): diverged"``; a curve cut to
        its first values says so, as in ``"fit (yours): first 2,000 of
        8,000,001 values"``.
    notes : tuple of str
        The warnings written under the curves; empty for full marks.
    ylim : tuple of float or None
        The y range shown: the reference's, padded (the student's without a
        reference); None when no value fits the scale.
    """

    legend: tuple[str, ...]
    notes: tuple[str, ...]
    ylim: tuple[float, float] | None


def _values(item: dict) -> np.ndarray:
    return np.asarray(item["values"], dtype=np.float64)


def _range(series: list[dict], log: bool) -> tuple[float, float] | None:
    """The padded y range of ``series``, finite and valid for the scale."""
    if not series:
        return None
    values = np.concatenate([_values(item) for item in series])
    values = values[np.isfinite(values) & ((values > 0) if log else True)]
    if not values.size:
        return None
    bounds = (1 / _LIMIT, _LIMIT) if log else (-_LIMIT, _LIMIT)
    low, high = (float(np.clip(value, *bounds)) for value in (values.min(), values.max()))
    if log:
        return max(low / 3, 1 / _LIMIT), min(high * 3, _LIMIT)
    # 0.1 * high - 0.1 * low cannot overflow as high - low can; a flat or
    # nearly flat curve still gets a visible margin.
    pad = max(0.1 * high - 0.1 * low, 1e-6 * max(abs(low), abs(high))) or 1.0
    return max(low - pad, -_LIMIT), min(high + pad, _LIMIT)


def _leaving(series: list[dict], shown: tuple[float, float], log: bool) -> list[str]:
    """The labels of the series with a raw value outside ``shown``.

    Infinite values are outside any range; NaN is nowhere, so it is not
    counted. On a log axis, zero and negative values lie below it.
    """
    low, high = shown
    if log:
        low, high = low * (1 - SLACK), high * (1 + SLACK)
    else:
        span = high - low
        low, high = low - SLACK * span, high + SLACK * span
    leaving = []
    for item in series:
        values = _values(item)
        values = values[~np.isnan(values)]
        if np.any((values < low) | (values > high)):
            leaving.append(item["label"])
    return leaving


def _entry(item: dict, whose: str) -> str:
    said = [item["note"]] if item.get("note") else []
    if item.get("length"):  # the results keep only the first values of a long curve
        said.append(f"first {len(item['values']):,} of {item['length']:,} values")
    return f"{item['label']} ({whose})" + (f": {'; '.join(said)}" if said else "")


def captions(exercise: str, curves: dict, full_marks: bool = False) -> Captions:
    """What a picture of ``curves`` says, without drawing it.

    Parameters
    ----------
    exercise : str
        The exercise (which decides the scale).
    curves : dict
        ``{"title", "student": [...], "reference": [...]}``, each series
        ``{"label", "values"}`` with an optional ``"note"``, and ``"length"``
        when ``values`` holds only the first values of the curve.
    full_marks : bool, default False
        The exercise scored full marks: the picture carries no note.

    Returns
    -------
    Captions
        The legend's entries, the notes and the y range.
    """
    picture = public_course(exercise).picture
    reference, student = curves.get("reference") or [], curves.get("student") or []
    legend = tuple(
        [_entry(item, "reference") for item in reference]
        + [_entry(item, "yours") for item in student]
    )
    shown = _range(reference, picture.log)
    notes: list[str] = []
    if not full_marks and shown:
        leaving = _leaving(student, shown, picture.log)
        if len(leaving) == 1:
            notes.append(f"your curve leaves the range shown ({leaving[0]})")
        elif leaving:
            notes.append(f"your curves leave the range shown ({', '.join(leaving)})")
    if not full_marks and not student:
        notes.append("nothing of yours to draw: see the failed tests")
    # Without a reference the student's values set the range, still bounded:
    # matplotlib's own autoscaling fails on values near the float64 limits.
    return Captions(legend, tuple(notes), shown or _range(student, picture.log))


def render(exercise: str, curves: dict, path: Path, full_marks: bool = False) -> Path:
    """Save the picture of one exercise's curves.

    Parameters
    ----------
    exercise : str
        The exercise (which decides labels and scales).
    curves : dict
        ``{"title", "student": [...], "reference": [...]}`` from the results,
        each series ``{"label", "values"}`` with an optional ``"note"`` that
        the legend shows after the label (and ``"length"``, see :func:`captions`).
    path : Path
        The PNG to write, through a temporary file in its folder and a rename
        (see :func:`~autograder.grading.atomic_write.write_atomically`).
    full_marks : bool, default False
        The exercise scored full marks: no note is written on the picture.

    Returns
    -------
    Path
        ``path``.
    """
    # Student values can be inf, nan or 1e308: the warnings they raise while
    # drawing (overflow, log of non-positive values) say nothing to the
    # instructor, and the picture's notes already tell the student.
    with _DRAWING, warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        # Correct answers often give identical curves: draw each picture once.
        picture = _picture(exercise, json.dumps(curves, sort_keys=True), full_marks)
    write_atomically(path, picture)
    return path


def _escaped(text: str) -> str:
    # A student's note could hold "$...$", which matplotlib would parse as
    # mathematics (and fail on); show the dollars as they are.
    return text.replace("$", r"\$")


@functools.lru_cache(maxsize=32)
def _picture(exercise: str, curves_json: str, full_marks: bool) -> bytes:
    """The PNG bytes of one exercise's curves (``curves`` as JSON, for the cache's key)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    curves = json.loads(curves_json)
    picture = public_course(exercise).picture
    said = captions(exercise, curves, full_marks)
    reference, student = curves.get("reference") or [], curves.get("student") or []
    colours = {item["label"]: f"C{index}" for index, item in enumerate(reference)}
    figure = Figure(figsize=(9.0, 3.6))
    ax = figure.add_subplot()
    drawn = [(item, "--") for item in reference] + [(item, "-") for item in student]
    for (item, style), entry in zip(drawn, said.legend, strict=True):
        values = _values(item)
        ax.plot(
            np.arange(len(values)),
            values,
            style,
            color=colours.get(item["label"], "k"),
            label=_escaped(entry),
        )
    if picture.log:
        ax.set_yscale("log")
    if said.ylim:
        ax.set_ylim(*said.ylim)
    if said.notes:
        ax.text(
            0.5,
            0.03,
            "; ".join(said.notes),
            ha="center",
            transform=ax.transAxes,
            fontsize="small",
            color="C3",
        )
    ax.set_xlabel(picture.xlabel)
    ax.set_ylabel(picture.ylabel)
    ax.set_title(curves.get("title", picture.title), fontsize="medium")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps and epochs are counts
    if said.legend:
        # Beside the axes: eight entries (exercise 4) inside would hide the curves.
        ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.02, 1.0))
    figure.subplots_adjust(left=0.09, right=0.68, bottom=0.14, top=0.9)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()
