"""A results document kept small, whatever a submission holds.

A submission controls its notes (file names), its tests' messages and
diagnoses (through its exceptions and return values) and its curves. The
document :meth:`autograder.results.SubmissionResult.to_dict` writes keeps the
first notes, cuts long texts and keeps the first values of a long curve, so
that it fits in :data:`MAX_DOCUMENT_BYTES`: see :func:`bounded_document`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

#: Points kept per curve in the results: twice the longest reference curve
#: (1001 losses), so that only an answer far longer than asked is cut.
MAX_POINTS = 2000

#: Largest results document, as ``json.dumps(..., indent=1)`` writes it; the
#: gradebook promises no file over 2 MiB for any submission.
MAX_DOCUMENT_BYTES = 1_500_000


@dataclass(frozen=True)
class Bounds:
    """What a results document keeps of a submission's texts, notes and curves.

    Attributes
    ----------
    notes : int
        Notes kept; the others are only counted.
    text_bytes : int
        Bytes a text may take in the JSON document (a character outside
        ASCII takes 6 or 12 there, so the bound is in bytes, not characters).
    points : int
        Values kept per curve: the first ones, so the steps stay in place.
    """

    notes: int
    text_bytes: int
    points: int


#: The bounds a document is written with, tried in turn until it fits in
#: :data:`MAX_DOCUMENT_BYTES`: the first keeps any honest result whole (a
#: message of 600 characters, every curve of the reference); the second
#: only one in which every test carries a hostile text.
DOCUMENT_BOUNDS = (Bounds(notes=100, text_bytes=2400, points=MAX_POINTS), Bounds(10, 240, 500))


def bounded_document(data: dict) -> dict:
    """``data``, a results document, within the first of :data:`DOCUMENT_BOUNDS` that fits.

    Parameters
    ----------
    data : dict
        :meth:`autograder.results.SubmissionResult.to_dict`'s document, whole.

    Returns
    -------
    dict
        The document bounded by the first bounds under which it takes at most
        :data:`MAX_DOCUMENT_BYTES` as ``json.dumps(..., indent=1)`` writes it,
        or by the last bounds.
    """
    for bounds in DOCUMENT_BOUNDS:
        document = _bounded(data, bounds)
        if len(json.dumps(document, indent=1)) <= MAX_DOCUMENT_BYTES:
            break
    return document


def clip_text(text: str, budget: int) -> str:
    """``text``, cut to take at most ``budget`` bytes in a JSON document.

    Parameters
    ----------
    text : str
    budget : int
        Bytes, as :func:`json.dumps` writes the string (without its quotes).

    Returns
    -------
    str
        ``text`` itself, or its beginning followed by ``...``.
    """
    if len(json.dumps(text)) - 2 <= budget:
        return text
    kept, used = [], len("...")
    for char in text:
        used += len(json.dumps(char)) - 2
        if used > budget:
            break
        kept.append(char)
    return "".join(kept) + "..."


def bounded_series(item: dict, points: int = MAX_POINTS) -> dict:
    """A curve ``{"label", "values", ...}`` with at most ``points`` values.

    A longer curve keeps its first values, and ``length`` says how many it had.
    """
    values = item.get("values") or []
    if len(values) <= points:
        return item
    return {**item, "values": list(values[:points]), "length": item.get("length", len(values))}


def _bounded_curves(curves: dict | None, bounds: Bounds) -> dict | None:
    if not curves:
        return curves
    bounded = dict(curves)
    for whose in ("student", "reference"):
        bounded[whose] = [
            {
                **bounded_series(item, bounds.points),
                **({"note": clip_text(item["note"], bounds.text_bytes)} if "note" in item else {}),
            }
            for item in curves.get(whose) or []
        ]
    return bounded


def _bounded_exercise(entry: dict, bounds: Bounds) -> dict:
    def clip(text: str) -> str:
        return clip_text(text, bounds.text_bytes)

    tests = [
        {**test, "message": clip(test["message"]), "diagnosis": clip(test["diagnosis"])}
        for test in entry["tests"]
    ]
    return {
        **entry,
        "tests": tests,
        "problem": clip(entry["problem"]),
        "grader_problems": [clip(problem) for problem in entry["grader_problems"]],
        "curves": _bounded_curves(entry["curves"], bounds),
    }


def _bounded(data: dict, bounds: Bounds) -> dict:
    """The document ``SubmissionResult.to_dict`` gives, within ``bounds``."""

    def clip(text: str) -> str:
        return clip_text(text, bounds.text_bytes)

    notes = data["notes"]
    return {
        **data,
        "notes": [clip(note) for note in notes[: bounds.notes]],
        "notes_left_out": data["notes_left_out"] + max(len(notes) - bounds.notes, 0),
        "fatal": clip(data["fatal"]),
        "grader_problems": [clip(problem) for problem in data["grader_problems"]],
        "exercises": {
            name: _bounded_exercise(entry, bounds) for name, entry in data["exercises"].items()
        },
    }
