"""Import a module from a file path.

Only for the project's own trusted files (answer keys, stubs) in the dev check
and the tests: student code is never imported in the grading process.
"""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path
from types import ModuleType

_counter = itertools.count()


def load_module(path: Path) -> ModuleType:
    """Import the Python file at ``path`` as a fresh, uniquely named module.

    Parameters
    ----------
    path : Path
        A ``.py`` file.

    Returns
    -------
    ModuleType
        A new module object each call (no caching in ``sys.modules``), so that
        an answer key and its stub never shadow each other.
    """
    name = f"_gdlab_loaded_{path.stem}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
