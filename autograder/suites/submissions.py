"""What a test calls: the student's module behind a sandbox, or a stand-in.

:class:`BudgetedSubmission` is the student's module in a worker, its calls
sharing the exercise's time budget; :class:`Absent` stands in for a module
the submission does not have; :class:`InProcess` calls a trusted module
directly, for the benchmark's in-process baseline.
"""

from __future__ import annotations

import time
from typing import Any

from autograder import results
from autograder.sandbox import side_effects
from autograder.sandbox.axes import axes_summary, open_figures
from autograder.sandbox.client import CallTimeout, StudentFailure, Submission, Worker


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
