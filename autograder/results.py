"""The result model: what grading found, and its score, computed in one place.

A grading run records what happened in each test as a :class:`TestResult`
(its outcome, message, diagnosis). :func:`score_exercise` then applies the
contract's grading policy once ("What is graded" in ``EXERCISES.md``):

- each task's public and hidden points (from the registry) are split equally
  among that task's *graded* tests of each suite;
- an *advice* test (outside the graded domain, declared in the registry) is
  reported but worth 0 points, whatever its outcome;
- a test that expects a ``ValueError`` earns its points only when every
  graded test of the same function on valid inputs passed;
- a check the grader itself could not complete is a grader problem: it earns
  nothing and is not a failure either; the exercise, and with it the
  submission, *needs regrade*, and no score is published for it.

The plugin that runs the suites, the batch, the reports, ``gdlab check`` and
the dev commands all read these objects (or their JSON form, see
:meth:`SubmissionResult.to_dict`), so a score is never rebuilt elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from autograder.registry import Exercise, get_exercise

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

#: Points kept per curve in the results: twice the longest reference curve
#: (1001 losses), so that only an answer far longer than asked is cut.
MAX_POINTS = 2000

#: Largest results document, as ``json.dumps(..., indent=1)`` writes it; the
#: gradebook promises no file over 2 MiB for any submission.
MAX_DOCUMENT_BYTES = 1_500_000


@dataclass(frozen=True)
class Bounds:
    """What a results document keeps of a submission's texts, notes and curves.

    Attributes
    ----------
    notes : int
        Notes kept; the others are only counted.
    text_bytes : int
        Bytes a text may take in the JSON document (a character outside
        ASCII takes 6 or 12 there, so the bound is in bytes, not characters).
    points : int
        Values kept per curve: the first ones, so the steps stay in place.
    """

    notes: int
    text_bytes: int
    points: int


#: The bounds a document is written with, tried in turn until it fits in
#: :data:`MAX_DOCUMENT_BYTES`: the first keeps any honest result whole (a
#: message of 600 characters, every curve of the reference); the second
#: only one in which every test carries a hostile text.
DOCUMENT_BOUNDS = (Bounds(notes=100, text_bytes=2400, points=MAX_POINTS), Bounds(10, 240, 500))

UNEARNED = (
    "the ValueError was raised as the contract asks, but error handling earns its points "
    "only when {task} also passes its tests on valid inputs"
)


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
        Set by scoring: the outcome, except ``"advice"`` for advice tests and
        ``"failed"`` for error handling not earned.
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
        first of :data:`DOCUMENT_BOUNDS` under which it fits in
        :data:`MAX_DOCUMENT_BYTES`. The last bounds leave each test under a
        kilobyte, so the grader's suites (some 500 tests) always fit.
        """
        data = asdict(self)
        data.update(status=self.status, total=self.total, max_total=self.max_total)
        for bounds in DOCUMENT_BOUNDS:
            document = _bounded(data, bounds)
            if len(json.dumps(document, indent=1)) <= MAX_DOCUMENT_BYTES:
                break
        return document

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


def clip_text(text: str, budget: int) -> str:
    """``text``, cut to take at most ``budget`` bytes in a JSON document.

    Parameters
    ----------
    text : str
    budget : int
        Bytes, as :func:`json.dumps` writes the string (without its quotes).

    Returns
    -------
    str
        ``text`` itself, or its beginning followed by ``...``.
    """
    if len(json.dumps(text)) - 2 <= budget:
        return text
    kept, used = [], len("...")
    for char in text:
        used += len(json.dumps(char)) - 2
        if used > budget:
            break
        kept.append(char)
    return "".join(kept) + "..."


def bounded_series(item: dict, points: int = MAX_POINTS) -> dict:
    """A curve ``{"label", "values", ...}`` with at most ``points`` values.

    A longer curve keeps its first values, and ``length`` says how many it had.
    """
    values = item.get("values") or []
    if len(values) <= points:
        return item
    return {**item, "values": list(values[:points]), "length": item.get("length", len(values))}


def _bounded_curves(curves: dict | None, bounds: Bounds) -> dict | None:
    if not curves:
        return curves
    bounded = dict(curves)
    for whose in ("student", "reference"):
        bounded[whose] = [
            {
                **bounded_series(item, bounds.points),
                **({"note": clip_text(item["note"], bounds.text_bytes)} if "note" in item else {}),
            }
            for item in curves.get(whose) or []
        ]
    return bounded


def _bounded_exercise(entry: dict, bounds: Bounds) -> dict:
    def clip(text: str) -> str:
        return clip_text(text, bounds.text_bytes)

    tests = [
        {**test, "message": clip(test["message"]), "diagnosis": clip(test["diagnosis"])}
        for test in entry["tests"]
    ]
    return {
        **entry,
        "tests": tests,
        "problem": clip(entry["problem"]),
        "grader_problems": [clip(problem) for problem in entry["grader_problems"]],
        "curves": _bounded_curves(entry["curves"], bounds),
    }


def _bounded(data: dict, bounds: Bounds) -> dict:
    """The document :meth:`SubmissionResult.to_dict` gives, within ``bounds``."""

    def clip(text: str) -> str:
        return clip_text(text, bounds.text_bytes)

    notes = data["notes"]
    return {
        **data,
        "notes": [clip(note) for note in notes[: bounds.notes]],
        "notes_left_out": data["notes_left_out"] + max(len(notes) - bounds.notes, 0),
        "fatal": clip(data["fatal"]),
        "grader_problems": [clip(problem) for problem in data["grader_problems"]],
        "exercises": {
            name: _bounded_exercise(entry, bounds) for name, entry in data["exercises"].items()
        },
    }


def _known(kind: type, data: dict) -> dict:
    names = {item.name for item in fields(kind)}
    return {key: value for key, value in data.items() if key in names}


def task_share(exercise: Exercise, task: str, suite: str) -> float:
    """The points of ``task`` earned in ``suite``, from the registry."""
    found = exercise.task(task)
    return float(found.public_points if suite == PUBLIC else found.hidden_points)


def score_exercise(
    exercise: Exercise | str,
    tests: list[TestResult],
    suites: tuple[str, ...] = (PUBLIC, HIDDEN),
    problem: str = "",
    problem_kind: str = "",
    grader_problems: list[str] | None = None,
    curves: dict | None = None,
) -> ExerciseResult:
    """Score one exercise's tests by the grading policy (see the module's docstring).

    Parameters
    ----------
    exercise : Exercise or str
    tests : list of TestResult
        Their outcomes; their ``status``, ``score`` and ``max_score`` are set here.
    suites : tuple of str
        The suites that ran, which decide the exercise's ``max_score``.
    problem, problem_kind : str
        Why the student's file could not be graded, and whether it was
        ``missing`` or ``unreadable``.
    grader_problems : list of str, optional
        The grader's failures on this exercise besides its tests'.
    curves : dict, optional
        The curves for the picture.

    Returns
    -------
    ExerciseResult
    """
    if isinstance(exercise, str):
        exercise = get_exercise(exercise)
    counts: dict[tuple[str, str], int] = {}
    for test in tests:
        if test.kind == GRADED:
            counts[(test.task, test.suite)] = counts.get((test.task, test.suite), 0) + 1
    failed_on_values = {
        test.task
        for test in tests
        if test.kind == GRADED and not test.expects_error and test.outcome != PASSED
    }
    problems = list(grader_problems or [])
    for test in tests:
        test.max_score = (
            task_share(exercise, test.task, test.suite) / counts[(test.task, test.suite)]
            if test.kind == GRADED
            else 0.0
        )
        test.status = test.outcome
        if test.kind == ADVICE:
            test.status = ADVICE
        elif test.outcome == GRADER_ERROR:
            problems.append(f"{test.name}: {test.message}")
        elif test.outcome == PASSED and test.expects_error and test.task in failed_on_values:
            test.status = FAILED
            test.message = UNEARNED.format(task=test.task)
        test.score = test.max_score if test.status == PASSED else 0.0
    result = ExerciseResult(
        exercise.name,
        tests,
        score=round(sum(test.score for test in tests), 6),
        max_score=round(
            sum(
                task_share(exercise, task.function, suite)
                for task in exercise.tasks
                for suite in suites
            ),
            6,
        ),
        problem=problem,
        problem_kind=problem_kind if problem else "",
        grader_problems=problems,
        curves=curves,
    )
    result.status = exercise_status(result)
    return result


def exercise_status(result: ExerciseResult) -> str:
    """One word for an exercise, from its scored tests.

    ``needs regrade`` (the grader failed on it), ``missing`` or ``unreadable``
    (no gradable file), ``passed`` (every graded test), ``partial`` (some),
    ``not started`` (every function still a TODO), ``error`` or ``timeout``
    (when every graded test ended so), otherwise ``failed``.
    """
    if result.grader_problems:
        return NEEDS_REGRADE
    if result.problem:
        return result.problem_kind or MISSING
    graded = result.graded_tests
    if graded and all(test.status == PASSED for test in graded):
        return PASSED
    if any(test.status == PASSED for test in graded):
        return "partial"
    for reason in (MISSING, UNREADABLE, NOT_STARTED):
        if graded and all(test.reason == reason for test in graded):
            return reason
    outcomes = {test.status for test in graded}
    for outcome in (ERROR, TIMEOUT):
        if outcomes == {outcome}:
            return outcome
    return FAILED


def unrun_exercise(
    exercise: Exercise | str,
    problem: str,
    problem_kind: str,
    suites: tuple[str, ...] = (PUBLIC, HIDDEN),
) -> ExerciseResult:
    """The result of an exercise none of whose tests could run (its file is missing, ...)."""
    return score_exercise(exercise, [], suites, problem=problem, problem_kind=problem_kind)

