"""What a test calls: the student's module behind a sandbox, or a stand-in.

:class:`BudgetedSubmission` is the student's module in a worker, its calls
sharing the exercise's time budget; :class:`Absent` stands in for a module
the submission does not have; :class:`InProcess` calls a trusted module
directly, for the benchmark's in-process baseline. :class:`SubmissionWorkers`
hands them out exercise by exercise, one live at a time, in the submission's
one sandbox.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from autograder import results
from autograder.contract.pictures import series_of
from autograder.loading import load_module
from autograder.registry import Exercise, get_exercise
from autograder.sandbox import side_effects
from autograder.sandbox.axes import axes_summary, open_figures
from autograder.sandbox.client import CallTimeout, StudentFailure, Submission, Worker
from autograder.sandbox.limits import Limits
from autograder.sandbox.server import ForkServer, preloads_for
from autograder.suites.public_checks import public_course


class MissingModule(StudentFailure):
    """The submission has no readable file for this exercise."""

    def __init__(self, message: str, kind: str = results.MISSING) -> None:
        super().__init__(message)
        self.kind = kind


class Absent:
    """Stands in for a submission without a readable file for the exercise."""

    def __init__(self, message: str, kind: str = results.MISSING) -> None:
        self._message, self._kind = message, kind

    def stop(self) -> None:
        """Nothing runs, so nothing to stop."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise MissingModule(self._message, self._kind)


class InProcess:
    """A trusted module called directly, for the benchmark's in-process baseline.

    It observes what the sandbox observes of a call (arguments changed in
    place, warnings let out) with in-process helpers that only trusted code
    may be given; ``show()`` is never called by the project's own modules.
    """

    def __init__(self, module: Any) -> None:
        self._module = module
        self.changed_arguments: list = []
        self.warnings: list[str] = []
        self.show_called = False
        self.output = ""

    def __getattr__(self, name: str) -> Any:
        function = getattr(self._module, name)
        if not callable(function):
            return function

        def call(*args: Any, **kwargs: Any) -> Any:
            before = side_effects.snapshot(args, kwargs)
            with side_effects.recorded_warnings() as warned:
                try:
                    result = function(*args, **kwargs)
                except Exception as error:  # as the sandbox reports it: the module's, not ours
                    error.from_student = True
                    raise
            self.changed_arguments = side_effects.changed(args, kwargs, before)
            self.warnings = warned
            return result

        return call

    def plot(self, name: str, *args: Any, **kwargs: Any) -> dict:
        """The same plain summary the sandbox returns."""
        figures = open_figures()
        return axes_summary(getattr(self._module, name)(*args, **kwargs), figures)

    def stop(self) -> None:
        """Nothing to stop."""


class BudgetedSubmission(Submission):
    """A submission whose calls share one time budget for the whole exercise.

    Only time spent inside the student's calls counts, so a slow or busy
    grader never eats into a student's time. A call may compute for an eighth
    of the budget without a message (at most 5 s), and a function that timed
    out once is not called again: its remaining tests fail at once. A correct
    call takes milliseconds, so a call that computes that long without a
    message is a loop that does not end; calling it again would only spend
    the budget (and a core) once more. Two hanging functions (one calling the
    other) thus spend at most a quarter of the budget, and the student's other
    functions are still graded.

    Parameters
    ----------
    worker : Worker
        The worker holding the module.
    budget : float
        Seconds of calls allowed for the exercise (the registry's time limit).
    """

    STRIKES = 1

    def __init__(self, worker: Worker, budget: float) -> None:
        super().__init__(worker, call_timeout=budget / 2)
        self._budget = budget
        self._spent = 0.0
        self._timeouts: dict[str, int] = {}

    def stop(self) -> None:
        """Stop the worker."""
        self._worker.stop()

    def _request(self, payload: dict) -> Any:
        name = payload.get("name", "")
        if self._timeouts.get(name, 0) >= self.STRIKES:
            raise CallTimeout(f"{name} was not called: it timed out on earlier tests")
        left = self._budget - self._spent
        if left <= 0:
            raise CallTimeout(f"the exercise's time budget of {self._budget:g} s is used up")
        started = time.monotonic()
        try:
            return self._worker.request(
                payload,
                timeout=min(self._budget / 2, left),
                idle_timeout=min(5.0, self._budget / 8),
            )
        except CallTimeout as timeout:
            self._timeouts[name] = self._timeouts.get(name, 0) + 1
            raise CallTimeout(f"{name}: {timeout}") from None
        finally:
            self._spent += time.monotonic() - started


class SubmissionWorkers:
    """The student's modules of one submission, one live at a time, in one sandbox.

    A grading run's tests go exercise by exercise; each exercise's public and
    hidden tests share its worker and its time budget, and the worker of the
    previous exercise is stopped (its picture's curves taken first) when the
    next one's starts.

    Parameters
    ----------
    root : Path
        The submission, laid out like ``exercises/``.
    level : str
        The sandbox level.
    problems : dict, optional
        Intake's problems per exercise (``{"problem", "kind"}``), reported by
        the tests of an exercise without a module.
    trusted : bool, optional
        Import the modules into this process: only for the project's own code.
    server : ForkServer, optional
        A sandbox to fork the workers in, kept running by its owner (``gdlab
        watch`` keeps one warm); by default one is started on first use and
        stopped by :meth:`stop`.

    Attributes
    ----------
    curves : dict
        Exercise -> the picture's curves (title, the student's series, the
        reference's), for each exercise with a picture closed so far.
    """

    def __init__(
        self,
        root: Path,
        level: str,
        problems: dict[str, dict] | None = None,
        trusted: bool = False,
        server: ForkServer | None = None,
    ) -> None:
        self.root, self.level, self.trusted = Path(root), level, trusted
        self.problems = problems or {}
        self.server, self._owns_server = server, server is None
        self.curves: dict[str, dict] = {}
        self._live: tuple[str, Any] | None = None

    def module(self, exercise: str) -> Any:
        """What the tests of ``exercise`` call (closing the previous exercise's worker)."""
        if self._live is not None and self._live[0] == exercise:
            return self._live[1]
        self.close()
        self._live = (exercise, self._open(get_exercise(exercise)))
        return self._live[1]

    def close(self) -> None:
        """Stop the live worker, taking its picture's curves first."""
        if self._live is None:
            return
        name, held = self._live
        self._live = None
        try:
            found = None if isinstance(held, Absent) else curves_of(name, held)
            if found is not None:
                self.curves[name] = found
        finally:
            held.stop()

    def stop(self) -> None:
        """Stop the live worker, and the sandbox when it is this object's own."""
        try:
            self.close()
        finally:
            if self._owns_server and self.server is not None:
                self.server.stop()

    def _open(self, exercise: Exercise) -> Any:
        path = self.root / exercise.name / exercise.filename
        if not path.is_file():
            problem = self.problems.get(exercise.name) or {}
            return Absent(
                problem.get("problem")
                or f"there is no {exercise.name}/{exercise.filename} in the submission",
                problem.get("kind", results.MISSING),
            )
        if self.trusted:
            return InProcess(load_module(path))
        if self.server is None:
            modules = sorted(self.root.glob("*/*.py"))
            self.server = ForkServer(self.level, preload=preloads_for(modules))
        limits = Limits(cpu_seconds=int(exercise.time_limit) + 10)
        worker = Worker(path, self.level, limits, server=self.server)
        return BudgetedSubmission(worker, budget=exercise.time_limit)


def curves_of(exercise: str, held: Any) -> dict | None:
    """The picture's curves of ``exercise``: the student's series beside the reference's.

    ``None`` for an exercise without a picture.
    """
    course = public_course(exercise)
    if course.picture is None:
        return None
    return {
        "title": course.picture.title,
        "student": series_of(held, course.picture),
        "reference": course.reference_curves,
    }
