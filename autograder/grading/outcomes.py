"""What a batch keeps of each submission: its name and status, and where its result is.

A class of a thousand submissions is graded by one batch process; keeping
every result in it (a quarter of a megabyte of JSON each) made its memory
grow with the class. An :class:`Outcome` keeps what the batch reports on and
reads the full result back from its file when asked, so the batch's memory
stays flat however large the class.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from autograder import results
from autograder.grading.gradebook import read_result
from autograder.results import SubmissionResult


@dataclass
class Outcome:
    """What happened to one submission in a batch.

    A batch of a thousand submissions keeps a thousand outcomes, so an
    outcome holds only what the batch reports on; the full result is read
    back from its file when asked for (:attr:`result`).

    Attributes
    ----------
    name : str
        The gradebook name (see :func:`~autograder.grading.entry_names.name_entries`).
    status : str
        The submission's status (see ``results.SUBMISSION_STATUSES``).
    skipped : bool
        Its earlier result was reused: nothing changed since.
    entry : str
        The entry's own file name as handed in (``bob.zip``), printable: it
        may differ from ``name``, and the result's notes then say why.
    path : Path or None
        Its ``results/<name>.json``.
    """

    name: str
    status: str
    skipped: bool = False
    entry: str = ""
    path: Path | None = None
    _unwritten: SubmissionResult | None = None

    @classmethod
    def of(
        cls, name: str, result: SubmissionResult, out: Path, skipped: bool = False, entry: str = ""
    ) -> Outcome:
        """The outcome of ``name``'s ``result``, whose file was written into ``out`` (kept
        in memory only when it could not be)."""
        path = out / "results" / f"{name}.json"
        written = path.is_file()
        return cls(
            name,
            result.status,
            skipped,
            entry,
            path if written else None,
            None if written else result,
        )

    @property
    def result(self) -> SubmissionResult:
        """The full result, read from its file (or the one that could not be written)."""
        if self._unwritten is not None:
            return self._unwritten
        found = read_result(self.path) if self.path is not None else None
        if found is None:  # removed or spoilt since: what the batch knows of it
            return SubmissionResult(self.name, fatal=f"its result file {self.path} is gone")
        return found


@dataclass
class BatchReport:
    """The whole batch: every outcome, and the gradebook's rows once written.

    Attributes
    ----------
    outcomes : list of Outcome
    rows : list
        The rows of ``grades.csv``
        (:class:`~autograder.grading.class_gradebook.Row`): figures only.
    """

    outcomes: list[Outcome] = field(default_factory=list)
    rows: list = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many submissions have ``status`` (see ``results.SUBMISSION_STATUSES``)."""
        return sum(outcome.status == status for outcome in self.outcomes)

    @property
    def all_graded(self) -> bool:
        """True when every submission could be read and graded to the end."""
        return all(outcome.status == results.GRADED_STATUS for outcome in self.outcomes)

    def results(self) -> Iterator[SubmissionResult]:
        """Every full result, by name, read one at a time."""
        for outcome in sorted(self.outcomes, key=lambda item: item.name):
            yield outcome.result
