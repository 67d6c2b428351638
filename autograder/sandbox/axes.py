"""A matplotlib plot as plain data, for grading plotting functions.

Used by the worker on a student's Axes and by the grader on the reference's,
so both sides describe a plot the same way. Only the standard library and
NumPy at import time (the worker loads this file beside itself); matplotlib is
imported when a plot is summarised.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np


def open_figures() -> set[int]:
    """The numbers of the figures open in pyplot (none if pyplot was never imported)."""
    # Importing pyplot costs time; if nobody did, no pyplot figure is open.
    pyplot = sys.modules.get("matplotlib.pyplot")
    return set(pyplot.get_fignums()) if pyplot else set()


def axes_summary(ax: Any, figures_before: set[int] | None = None) -> dict:
    """Describe an Axes: its lines' data, y scale, labels, title, figures opened.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    figures_before : set of int, optional
        :func:`open_figures` before the call that made ``ax``: figures the
        module opened earlier (a notebook's exploratory cells) do not count.

    Returns
    -------
    dict
        ``lines`` (a list of ``(x, y)`` float arrays), ``yscale``, ``xlabel``,
        ``ylabel``, ``title`` and ``pyplot_figures`` (pyplot figures opened
        since ``figures_before``).

    Raises
    ------
    TypeError
        When ``ax`` is not a matplotlib Axes.
    """
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"expected a matplotlib Axes, got a {type(ax).__name__}")
    return {
        "lines": [
            (np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float))
            for line in ax.get_lines()
        ],
        "yscale": str(ax.get_yscale()),
        "xlabel": str(ax.get_xlabel()),
        "ylabel": str(ax.get_ylabel()),
        "title": str(ax.get_title()),
        "pyplot_figures": len(open_figures() - (figures_before or set())),
    }
