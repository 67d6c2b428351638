"""The sandbox's matplotlib backend: Agg, whose ``show()`` the grader can see.

Selected in the worker's environment (``MPLBACKEND=module://gdlab_backend``,
see :func:`autograder.sandbox.levels.clean_environment`). Drawing is Agg's;
``plt.show()`` and a pyplot figure's ``show()`` open no window, and instead
write one fixed line to fd 2 with a single ``os.write``, which the grader
reads on the worker's output pipe (``side_effects.SHOW_MARKER``; the bytes
are repeated here so that nothing a module changes in another module
changes them). Loaded by matplotlib inside the worker only.
"""

from __future__ import annotations

import os

from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg


def _mark() -> None:
    try:
        os.write(2, b"\n[gdlab sandbox] matplotlib show() was called\n")
    except OSError:  # fd 2 closed by the module: nothing to tell
        pass


class FigureManager(FigureManagerBase):
    """A pyplot figure's manager: ``figure.show()`` is seen, not shown."""

    def show(self) -> None:
        """Tell the grader instead of opening a window."""
        _mark()


class FigureCanvas(FigureCanvasAgg):
    """Agg's canvas, managed by :class:`FigureManager`."""

    manager_class = FigureManager


def show(*args: object, **kwargs: object) -> None:
    """``plt.show()``: tell the grader instead of opening a window."""
    _mark()
