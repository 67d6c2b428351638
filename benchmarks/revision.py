"""An earlier commit of gdlab, installed into a virtual environment of its own.

The benchmarks compare this checkout with an earlier one side by side, in
the same run: the commit is extracted with ``git archive`` and installed
editable, as the README installs gdlab, so that every process it starts uses
that commit's code and nothing of this checkout's.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from autograder.paths import PROJECT_ROOT


@contextlib.contextmanager
def installed(revision: str) -> Iterator[Path]:
    """Install ``revision``; yield its environment's ``bin`` folder; remove it afterwards."""
    with tempfile.TemporaryDirectory(prefix="gdlab-revision-") as scratch:
        tree, venv = Path(scratch) / "tree", Path(scratch) / "venv"
        tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "archive", revision], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [venv / "bin" / "pip", "install", "-q", "-e", str(tree)],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        yield venv / "bin"
