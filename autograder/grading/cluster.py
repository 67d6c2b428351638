"""Grading on a Dask distributed cluster: ``gdlab grade --scheduler ADDRESS``.

The batch stays on the instructor's machine (:mod:`~autograder.grading.batch`):
it reads every entry (intake runs no student code), skips unchanged work,
and writes every result, atomically, as it always does. Only the suites' run
moves: each entry that needs grading becomes one task, which carries the
entry's prepared modules as text and runs on whichever worker the scheduler
picks, in a fresh grading process with gdlab's sandbox on that worker
(:func:`grade_on_worker`). The task returns the results document, and the
batch's thread that waits on it writes it, once.

A worker that dies mid-task (killed, out of memory, its machine lost) costs
nothing but time: the scheduler reruns the task elsewhere, and the batch
still receives one result. A task that fails on every worker it is tried on
becomes a grader problem for that entry (it ``needs regrade``), never a score.

Every worker must have the same gdlab installed: the runner refuses to start
when a worker's grader differs from this machine's, since hidden inputs and
scores must not depend on where an entry was graded.
"""

from __future__ import annotations

import re
import socket
import tempfile
from pathlib import Path

from autograder.assignments import Assignment
from autograder.grading.intake import Prepared
from autograder.grading.run_settings import RunSettings

#: Seconds to wait for the scheduler to answer.
CONNECT_SECONDS = 20
#: Times a task is rerun after the worker running it died.
RETRIES = 3


class ClusterUnavailable(Exception):
    """The cluster cannot grade: not installed, unreachable, no workers, or other graders."""


def grade_on_worker(
    modules: dict[str, str],
    problems: dict[str, dict[str, str]],
    seed: int,
    level: str,
    exercises: tuple[str, ...],
) -> tuple[dict | None, str | None]:
    """Run the suites on one prepared entry, on the worker this task landed on.

    Parameters
    ----------
    modules : dict
        ``exerciseN/<module>.py`` -> the module's text, as intake prepared it.
    problems, seed, level, exercises
        As :func:`~autograder.grading.pytest_run.run_in_subprocess` takes them.

    Returns
    -------
    tuple
        As :func:`~autograder.grading.pytest_run.run_in_subprocess`.
    """
    from autograder.grading.pytest_run import run_in_subprocess

    with tempfile.TemporaryDirectory(prefix="gdlab-cluster-entry-") as scratch:
        folder = Path(scratch)
        for relative, text in modules.items():
            path = folder / relative
            if folder not in path.resolve().parents:  # written by intake, checked anyway
                return None, f"the task named a module outside its folder: {relative!r}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return run_in_subprocess(folder, problems, seed, level, exercises=exercises)


def worker_fingerprint() -> str:
    """The grader's fingerprint on this worker (see ``grader_fingerprint``)."""
    from autograder.grading.gradebook import grader_fingerprint

    return grader_fingerprint()


def _modules(folder: Path) -> dict[str, str]:
    """The prepared modules of an entry's folder, by their path inside it."""
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.glob("*/*.py"))
    }


def _refuse_unreachable(address: str) -> None:
    """Refuse at once a ``tcp://`` scheduler that nothing listens at (Dask would retry for
    :data:`CONNECT_SECONDS`); other protocols are left to Dask."""
    found = re.fullmatch(r"tcp://\[?([^\]]+?)\]?:(\d+)", address)
    if found is None:
        return
    try:
        with socket.create_connection((found[1], int(found[2])), timeout=CONNECT_SECONDS):
            pass
    except OSError as error:
        why = error.strerror or type(error).__name__
        raise ClusterUnavailable(f"cannot reach the Dask scheduler {address}: {why}") from None


class ClusterRunner:
    """Runs each entry's suites as a task on a Dask cluster (a batch's ``Runner``).

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``tcp://10.0.0.5:8786``.

    Raises
    ------
    ClusterUnavailable
        When Dask is not installed, the scheduler does not answer, it has no
        workers, or a worker's grader differs from this machine's.
    """

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ClusterUnavailable(
                "grading on a cluster needs Dask: pip install 'gdlab[cluster]' here and on "
                "every worker"
            ) from None
        from autograder.grading.gradebook import grader_fingerprint

        _refuse_unreachable(address)
        try:
            self.client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterUnavailable(
                f"cannot reach the Dask scheduler {address}: {error}"
            ) from None
        try:
            found = self.client.run(worker_fingerprint)
            mine = grader_fingerprint()
        except Exception as error:  # a worker without gdlab cannot even run the check
            self.close()
            raise ClusterUnavailable(
                f"the cluster's workers cannot run gdlab ({type(error).__name__}: {error}); "
                "install this gdlab on every worker"
            ) from None
        if not found:
            self.close()
            raise ClusterUnavailable(f"the Dask scheduler {address} has no workers")
        others = sorted(worker for worker, theirs in found.items() if theirs != mine)
        if others:
            self.close()
            raise ClusterUnavailable(
                f"{len(others)} worker(s) run another gdlab than this machine's (e.g. "
                f"{others[0]}): install the same version and course on every worker"
            )
        self.address = address
        self.slots = sum(self.client.nthreads().values())

    def __call__(
        self, prepared: Prepared, settings: RunSettings, assignment: Assignment
    ) -> tuple[dict | None, str | None]:
        """Run the entry's suites on the cluster and wait for the document."""
        future = self.client.submit(
            grade_on_worker,
            _modules(prepared.folder),
            prepared.problem_records(),
            settings.seed,
            settings.level,
            tuple(assignment.exercises),
            pure=False,
            retries=RETRIES,
        )
        try:
            return future.result()
        except Exception as error:  # lost on every worker tried, or the scheduler went away
            why = f"{type(error).__name__}: {error}"
            return None, f"the cluster could not grade this entry ({why})"

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        self.client.close()

    def __enter__(self) -> ClusterRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
