"""The result model: what grading found in each test, exercise and submission.

A grading run records what happened in each test as a :class:`TestResult`
(its outcome, message, diagnosis); :func:`autograder.scoring.score_exercise`
scores an exercise's tests once, by the grading policy, into an
:class:`ExerciseResult`; a :class:`SubmissionResult` gathers a submission's
exercises, and derives its status and total from them.

The plugin that runs the suites, the batch, the reports, ``gdlab check`` and
the dev commands all read these objects (or their JSON form, see
:meth:`SubmissionResult.to_dict`, kept small by
:mod:`autograder.result_bounds`), so a score is never rebuilt elsewhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from autograder.result_bounds import bounded_document

# Where a test comes from, and what it is worth.
PUBLIC, HIDDEN = "public", "hidden"
GRADED, ADVICE = "graded", "advice"

# A test's outcome: what happened when it ran.
PASSED, FAILED, ERROR, TIMEOUT = "passed", "failed", "error", "timeout"
GRADER_ERROR = "grader error"  # the grader could not complete the check

# Why nothing of the student's ran (a test's ``reason``, an exercise's status).
NOT_STARTED, MISSING, UNREADABLE = "not started", "missing", "unreadable"

# The status of a whole submission, as in the gradebook's ``status`` column.
GRADED_STATUS, NEEDS_REGRADE = "graded", "needs regrade"
SUBMISSION_STATUSES = (GRADED_STATUS, NEEDS_REGRADE, UNREADABLE, MISSING)


@dataclass
class TestResult:
    """One test of one task.

    Attributes
    ----------
    name : str
        The test's id, e.g. ``"test_against_reference[fit: steps = -1]"``.
    task : str
        The function it tests.
    check : str
        What it checks: the case's label, the property's or figure's claim.
    suite : str
        ``"public"`` or ``"hidden"``.
    kind : str
        ``"graded"``, or ``"advice"`` for a check outside the graded domain.
    expects_error : bool
        The contract asks for an exception here rather than a value.
    outcome : str
        What happened: ``passed``, ``failed``, ``error`` (the student's code
        crashed), ``timeout`` or ``grader error``.
    message : str
        What the student reads about it; empty when it passed.
    diagnosis : str
        Why the result is wrong, when the diagnosis is sure of it.
    mistake : str
        The catalogue's name of the mistake the diagnosis recognised.
    reason : str
        ``"not started"``, ``"missing"`` or ``"unreadable"`` when none of the
        student's code could run for it; empty otherwise.
    status : str
        Set by scoring (:mod:`autograder.scoring`): the outcome, except
        ``"advice"`` for advice tests and ``"failed"`` for error handling not
        earned.
    score, max_score : float
        Set by scoring.
    """

    __test__ = False  # not a pytest test class, despite its name

    name: str
    task: str
    check: str = ""
    suite: str = HIDDEN
    kind: str = GRADED
    expects_error: bool = False
    outcome: str = PASSED
    message: str = ""
    diagnosis: str = ""
    mistake: str = ""
    reason: str = ""
    status: str = ""
    score: float = 0.0
    max_score: float = 0.0

    @property
    def followed(self) -> bool:
        """For advice: whether the submission follows it."""
        return self.outcome == PASSED


@dataclass
class ExerciseResult:
    """One exercise of one submission.

    Attributes
    ----------
    name : str
        ``"exercise1"`` ...
    tests : list of TestResult
    score, max_score : float
        Set by scoring; ``max_score`` counts the suites that ran.
    status : str
        Set by scoring: ``passed``, ``partial``, ``failed``, ``not started``,
        ``missing``, ``unreadable``, ``error``, ``timeout`` or ``needs regrade``.
    problem : str
        Why the student's file could not be graded (missing, unreadable).
    problem_kind : str
        ``"missing"`` or ``"unreadable"`` when there is a problem.
    grader_problems : list of str
        Checks the grader could not complete: the exercise needs regrading.
    curves : dict or None
        The student's and the reference's curves, for the picture.
    picture : str
        Where the picture of the curves was drawn, once it is.
    """

    name: str
    tests: list[TestResult] = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    status: str = ""
    problem: str = ""
    problem_kind: str = ""
    grader_problems: list[str] = field(default_factory=list)
    curves: dict | None = None
    picture: str = ""

    @property
    def graded_tests(self) -> list[TestResult]:
        """The tests that count for points."""
        return [test for test in self.tests if test.kind == GRADED]

    @property
    def advice(self) -> list[TestResult]:
        """The advice checks, followed or not."""
        return [test for test in self.tests if test.kind == ADVICE]

    @property
    def full_marks(self) -> bool:
        """Every graded point earned."""
        return self.status == PASSED


@dataclass
class SubmissionResult:
    """One submission: the ``results/<submission>.json`` document.

    Attributes
    ----------
    submission : str
        The submission's name.
    exercises : dict
        Exercise name -> :class:`ExerciseResult`, in registry order.
    sandbox : str
        The sandbox level its code ran in.
    isolation : str
        What that level protected, in words.
    secret : str
        The fingerprint of the course secret that drew the hidden inputs.
    notes : list of str
        What intake noticed (ignored files, a ``.py`` preferred to a notebook).
    notes_left_out : int
        Notes counted but not kept (see :meth:`to_dict`).
    fatal : str
        Why the whole entry could not be graded (unreadable or empty).
    fatal_kind : str
        ``"unreadable"`` or ``"missing"`` when ``fatal`` is set.
    grader_problems : list of str
        The grader's own failures outside any one check (a suite that did not
        load, a run that crashed or overran): the submission needs regrading.
    digest, grader : str
        What was graded and with which grader, to skip unchanged work.
    assignment : str
        The assignment it was graded for; empty for every exercise.
    handed_in : str
        When it was handed in as far as the entry itself says (a zip's
        member times, ISO 8601 without an offset); empty when it does not.
    marked_late : bool
        Whether the LMS's file names marked it late (Canvas's ``LATE``).
    lms_user_id : str
        The student's id in the LMS's file names (Canvas's user id), if any.
    """

    submission: str
    exercises: dict[str, ExerciseResult] = field(default_factory=dict)
    sandbox: str = ""
    isolation: str = ""
    secret: str = ""
    notes: list[str] = field(default_factory=list)
    notes_left_out: int = 0
    fatal: str = ""
    fatal_kind: str = ""
    grader_problems: list[str] = field(default_factory=list)
    digest: str = ""
    grader: str = ""
    assignment: str = ""
    handed_in: str = ""
    marked_late: bool = False
    lms_user_id: str = ""

    @property
    def status(self) -> str:
        """``graded``, ``needs regrade``, ``unreadable`` or ``missing``."""
        if self.grader_problems or any(
            exercise.grader_problems for exercise in self.exercises.values()
        ):
            return NEEDS_REGRADE
        if self.fatal:
            return self.fatal_kind or UNREADABLE
        return GRADED_STATUS

    @property
    def total(self) -> float | None:
        """The points earned; ``None`` unless the submission was graded."""
        if self.status != GRADED_STATUS:
            return None
        return round(sum(exercise.score for exercise in self.exercises.values()), 6)

    @property
    def max_total(self) -> float:
        """The points the graded exercises are worth (in the suites that ran)."""
        return round(sum(exercise.max_score for exercise in self.exercises.values()), 6)

    def to_dict(self) -> dict:
        """The JSON-ready document, with ``status``, ``total`` and ``max_total``.

        Whatever the submission did, the document stays small: it keeps the
        first notes (counting the others in ``notes_left_out``), cuts long
        texts (ending them with ``...``) and keeps the first values of a long
        curve (the curve's ``length`` then says how many it had), with the
        first of :data:`~autograder.result_bounds.DOCUMENT_BOUNDS` under which
        it fits in :data:`~autograder.result_bounds.MAX_DOCUMENT_BYTES` (see
        :func:`~autograder.result_bounds.bounded_document`). The last bounds
        leave each test under a kilobyte, so the grader's suites (some 500
        tests) always fit.
        """
        data = asdict(self)
        data.update(status=self.status, total=self.total, max_total=self.max_total)
        return bounded_document(data)

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        """Read :meth:`to_dict`'s output back (derived keys are recomputed)."""
        exercises = {
            name: ExerciseResult(
                **{
                    **_known(ExerciseResult, entry),
                    "tests": [TestResult(**_known(TestResult, t)) for t in entry["tests"]],
                }
            )
            for name, entry in data.get("exercises", {}).items()
        }
        return cls(**{**_known(cls, data), "exercises": exercises})


def _known(kind: type, data: dict) -> dict:
    names = {item.name for item in fields(kind)}
    return {key: value for key, value in data.items() if key in names}
