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


def axes_summary(ax: Any) -> dict:
    """Describe an Axes: its lines' data, y scale, labels, title, open figures.

    Parameters
    ----------
    ax : matplotlib.axes.Axes

    Returns
    -------
    dict
        ``lines`` (a list of ``(x, y)`` float arrays), ``yscale``, ``xlabel``,
        ``ylabel``, ``title`` and ``pyplot_figures`` (figures open in pyplot).

    Raises
    ------
    TypeError
        When ``ax`` is not a matplotlib Axes.
    """
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"expected a matplotlib Axes, got a {type(ax).__name__}")
    # Importing pyplot costs time; if nobody did, no pyplot figure is open.
    pyplot = sys.modules.get("matplotlib.pyplot")
    return {
        "lines": [
            (np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float))
            for line in ax.get_lines()
        ],
        "yscale": str(ax.get_yscale()),
        "xlabel": str(ax.get_xlabel()),
        "ylabel": str(ax.get_ylabel()),
        "title": str(ax.get_title()),
        "pyplot_figures": len(pyplot.get_fignums()) if pyplot else 0,
    }
