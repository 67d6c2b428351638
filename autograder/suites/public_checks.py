"""The public checks of an exercise, as data: what ``gdlab check`` and the public suite run.

Everything the public tests need is written, per exercise, to
``autograder/suites/public/data/<exercise>.json`` when the course is built
(``gdlab dev build``; :mod:`autograder.dev.public_data` writes it from the
grader module and the reference):

- the contract's figures, each a computation as data with what the
  reference gives and what each catalogue mistake gives;
- the public example cases with the reference's outcome and the mistakes';
- the catalogue's explanations of symptoms (a generator left unused, ...),
  the advice (checks worth 0 points), the picture and the reference's curves;
- the SHA-256 of the untouched stub, and of the sources the file was built
  from (to see that it is stale).

So the public suite holds no answer and no mistake's code: the student
package ships these files, and ``gdlab grade`` reads the very same ones, so
``check`` and ``grade`` agree on every public test.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from autograder.contract.advice import Advice
from autograder.contract.cases import Case
from autograder.contract.pictures import Picture
from autograder.paths import PROJECT_ROOT
from autograder.suites.assertions import Expectation, FigureCheck, params

DATA_DIR = Path(__file__).resolve().parent / "public" / "data"
FORMAT = 1
#: What the public checks are computed from, under the project's root: the grader modules,
#: the types they are written with, the functions sent by name, the registry, the
#: reference and the stubs.
SOURCES = (
    "autograder/course/*.py",
    "autograder/contract/*.py",
    "autograder/sandbox/functions.py",
    "autograder/exercises.toml",
    "reference/*.py",
    "exercises/*/*.py",
)


class PublicDataError(LookupError):
    """An exercise's public checks are missing or unreadable: the course must be rebuilt."""


@dataclass(frozen=True)
class ExampleCheck:
    """A public example: a case and what the contract expects of it.

    Attributes
    ----------
    case : Case
    expected : Expectation
    """

    case: Case
    expected: Expectation

    @property
    def task(self) -> str:
        return self.case.task

    @property
    def label(self) -> str:
        return self.case.label


@dataclass(frozen=True)
class PublicCourse:
    """What the public side knows of one exercise.

    Attributes
    ----------
    exercise : str
    figures : tuple of FigureCheck
    examples : tuple of ExampleCheck
    advice : tuple of Advice
    picture : Picture or None
    reference_curves : list of dict
        The picture's series computed on the reference
        (:func:`~autograder.contract.pictures.series_of`).
    stub_sha256 : str
        The digest of the untouched stub's bytes.
    sources : str
        The digest of the sources the checks were built from.
    """

    exercise: str
    figures: tuple[FigureCheck, ...] = ()
    examples: tuple[ExampleCheck, ...] = ()
    advice: tuple[Advice, ...] = ()
    picture: Picture | None = None
    reference_curves: list[dict] = field(default_factory=list)
    stub_sha256: str = ""
    sources: str = ""

    def advice_for(self, task: str, check: str) -> Advice | None:
        """The advice check ``check`` of ``task`` belongs to, or ``None`` when it is graded."""
        for advice in self.advice:
            if advice.task == task and check in advice.checks:
                return advice
        return None


def data_path(exercise: str, folder: Path = DATA_DIR) -> Path:
    """Where the public checks of ``exercise`` are written."""
    return folder / f"{exercise}.json"


def sources_digest(root: Path = PROJECT_ROOT) -> str | None:
    """The SHA-256 of the :data:`SOURCES` files under ``root``, names and bytes.

    ``None`` outside the project's checkout, where the sources are not all at
    hand to compute from: the student package (no reference) and an
    installed course (no stubs), which carry the data they were built with.
    """
    if not ((root / "reference").is_dir() and (root / "exercises").is_dir()):
        return None
    digest = hashlib.sha256()
    for pattern in SOURCES:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


_sources_now = cache(sources_digest)  # once per process: the files do not change under a run


@cache
def public_course(exercise: str) -> PublicCourse:
    """The public checks of ``exercise``, read once.

    Raises
    ------
    PublicDataError
        When the file is missing, not of this version's format, or (where the
        sources are at hand) built from other sources than today's: grading
        with stale expectations would blame students for the course's change.
    """
    path = data_path(exercise)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PublicDataError(
            f"no public checks for {exercise} ({path}): run `gdlab dev build`"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PublicDataError(f"{path} is not in this gdlab's format: run `gdlab dev build`")
    current = _sources_now()
    if current is not None and document.get("sources") != current:
        raise PublicDataError(
            f"the public checks of {exercise} were built from other sources than the course's "
            "today (a grader module, the reference, the registry or a stub changed): run "
            "`gdlab dev build`"
        )
    from autograder.suites.public_document import from_document

    return from_document(document)


# -- pytest parameters ------------------------------------------------------------------


def figure_params(exercises: list[str]) -> dict:
    """``pytest.mark.parametrize`` keywords for ``("exercise", "figure")``."""
    return params(exercises, lambda name: public_course(name).figures, lambda c: c.claim)


def example_params(exercises: list[str]) -> dict:
    """``pytest.mark.parametrize`` keywords for ``("exercise", "example")``."""
    return params(
        exercises, lambda name: public_course(name).examples, lambda e: f"{e.task}: {e.label}"
    )
