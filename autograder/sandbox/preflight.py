"""Before a batch: can this machine run a student's code in the chosen sandbox?

A sandbox that cannot start would otherwise fail every test of every student
alike. :func:`preflight` starts one sandbox, forks a worker in it, imports
NumPy there and calls one function, and says why in words when any of it
fails, so that the grader can stop before writing a single grade.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograder.sandbox.client import StudentFailure, Submission, Worker
from autograder.sandbox.server import ForkServer, SandboxFailed

PROBE = """\
import numpy as np


def probe():
    return float(np.sqrt(np.float64(4.0)))
"""

FIXES = (
    "install bubblewrap (as root: apt-get install bubblewrap), which gives the sandbox its "
    "own view of the files; or put the Python environment and gdlab in folders that every "
    "user may enter and read (a home folder of mode 700 is closed to the sandbox's "
    "unprivileged user); or choose another level with --sandbox"
)


def preflight(level: str, timeout: float = 30.0) -> str | None:
    """Run a trivial module in a fresh sandbox at ``level``.

    Parameters
    ----------
    level : str
        The sandbox level the batch will use.
    timeout : float, optional
        Seconds allowed for starting, importing NumPy and answering.

    Returns
    -------
    str or None
        ``None`` when the sandbox works; otherwise what failed, followed by
        how to fix it.
    """
    server = ForkServer(level, answer_timeout=timeout)
    with tempfile.TemporaryDirectory(prefix="gdlab-preflight-") as folder:
        module = Path(folder) / "probe.py"
        module.write_text(PROBE, encoding="utf-8")
        worker = Worker(module, level, start_timeout=timeout, server=server)
        try:
            answer = Submission(worker, call_timeout=timeout).probe()
        except SandboxFailed as error:
            problem = str(error)
        except StudentFailure as error:  # here the "student" is the probe: the sandbox failed
            problem = f"a worker could not start in it and import NumPy ({error})"
        except Exception as error:  # noqa: BLE001 - whatever it is, the batch must not start
            problem = f"{type(error).__name__}: {error}"
        else:
            problem = None if answer == 2.0 else f"the probe answered {answer!r}, not 2.0"
        finally:
            worker.stop()
            server.stop()
    if problem is None:
        return None
    return (
        f"the {level!r} sandbox cannot run student code on this machine: {problem}. "
        f"To fix: {FIXES}."
    )
