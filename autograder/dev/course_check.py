"""The dev check: is the course consistent?

In the spirit of rustlings' dev check, each step below verifies one promise
and says what to run when it is broken:

1. the registry parses;
2. every exercise has a reference module, a statement and a sound grader
   module (``autograder/course/<exercise>.py``);
3. every answer key's solution markers fit the registry;
4. every stub is what ``gdlab dev build`` would write now;
5. every stub has a TODO for each task and none of the answer's code;
6. every stub raises ``NotImplementedError`` for every task;
7. every answer key and the reference reproduce every figure of the contract;
8. the answer keys and the reference implement every task and agree on
   random inputs.

Answer keys and stubs are the project's own files, so they are imported here
in-process; student code never is.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.contract.cases import disagreements
from autograder.course import grading_of, problems_of, reference_of
from autograder.dev import public_data
from autograder.dev.stubs import StubError, build_stub, find_regions, solution_text
from autograder.loading import load_module
from autograder.notebooks.build import check_notebooks_fresh
from autograder.paths import (
    EXERCISES_DIR,
    SOLUTIONS_DIR,
    solution_path,
    statement_path,
    stub_path,
)
from autograder.registry import Exercise, RegistryError, load_registry


@dataclass(frozen=True)
class StepResult:
    """The outcome of one dev-check step.

    Attributes
    ----------
    name : str
        What the step checks.
    problems : tuple of str
        Empty when the step passed.
    advice : str
        What to do when it failed.
    """

    name: str
    problems: tuple[str, ...]
    advice: str = ""

    @property
    def ok(self) -> bool:
        """Whether the step passed."""
        return not self.problems


def _strict(function: Callable[..., Any], *args: Any) -> Any:
    """Call ``function(*args)`` with warnings raised as errors (divergence must be silent)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*args)


def check_registry() -> StepResult:
    """Step 1: the registry parses and is well formed."""
    try:
        exercises = load_registry()
    except RegistryError as error:
        return StepResult("registry", (str(error),), "fix autograder/exercises.toml")
    return StepResult(f"registry: {len(exercises)} exercises", ())


def check_course_files(
    exercises: tuple[Exercise, ...], solutions: Path = SOLUTIONS_DIR, stubs: Path = EXERCISES_DIR
) -> StepResult:
    """Step 2: each exercise has its reference module, statement and grader module."""
    problems = []
    for exercise in exercises:
        try:
            reference_of(exercise.name)
        except ModuleNotFoundError:
            problems.append(f"{exercise.name}: no reference module reference/{exercise.filename}")
        if not statement_path(exercise, stubs).is_file():
            problems.append(f"{exercise.name}: no statement at {statement_path(exercise, stubs)}")
        problems.extend(problems_of(exercise))
    return StepResult(
        "each exercise has a reference module, a statement and a grader module",
        tuple(problems),
        "write what is named above (`gdlab dev new` scaffolds them; README, 'Adding an exercise')",
    )


def check_answer_keys(
    exercises: tuple[Exercise, ...], solutions: Path = SOLUTIONS_DIR, stubs: Path = EXERCISES_DIR
) -> StepResult:
    """Step 3: each answer key exists and its markers fit the registry."""
    problems = []
    for exercise in exercises:
        path = solution_path(exercise, solutions)
        if not path.is_file():
            problems.append(f"{exercise.name}: no answer key at {path}")
            continue
        try:
            find_regions(path.read_text(encoding="utf-8"), exercise, str(path))
        except StubError as error:
            problems.append(str(error))
    return StepResult(
        "answer keys have one solution region per task",
        tuple(problems),
        "mark each task's answer with # BEGIN SOLUTION / # END SOLUTION",
    )


def check_stubs_fresh(
    exercises: tuple[Exercise, ...], solutions: Path = SOLUTIONS_DIR, stubs: Path = EXERCISES_DIR
) -> StepResult:
    """Step 4: each stub equals what the builder makes from its answer key."""
    problems = []
    for exercise in exercises:
        path = stub_path(exercise, stubs)
        key = solution_path(exercise, solutions).read_text(encoding="utf-8")
        if not path.is_file():
            problems.append(f"{exercise.name}: no stub at {path}")
        elif path.read_text(encoding="utf-8") != build_stub(key, exercise):
            problems.append(f"{exercise.name}: {path} is stale")
    return StepResult("stubs are up to date", tuple(problems), "run `gdlab dev build`")


def check_stubs_hide_answers(
    exercises: tuple[Exercise, ...], solutions: Path = SOLUTIONS_DIR, stubs: Path = EXERCISES_DIR
) -> StepResult:
    """Step 5: a TODO per task and no line of any answer in the stubs."""
    problems = []
    for exercise in exercises:
        key = solution_path(exercise, solutions).read_text(encoding="utf-8")
        stub = stub_path(exercise, stubs).read_text(encoding="utf-8")
        stub_lines = {line.strip() for line in stub.splitlines()}
        # Lines that the key also has outside its regions are public anyway.
        public = {line.strip() for line in build_stub(key, exercise).splitlines()}
        todos = sum(line.startswith("# TODO:") for line in stub_lines)
        if todos < len(exercise.tasks):
            problems.append(f"{exercise.name}: {todos} TODOs for {len(exercise.tasks)} tasks")
        leaked = [
            line
            for line in solution_text(key, exercise)
            if line in stub_lines and line not in public
        ]
        problems.extend(
            f"{exercise.name}: the stub contains answer code: {line}" for line in leaked
        )
    return StepResult("stubs show TODOs, not answers", tuple(problems), "run `gdlab dev build`")


def check_stubs_unimplemented(
    exercises: tuple[Exercise, ...], solutions: Path = SOLUTIONS_DIR, stubs: Path = EXERCISES_DIR
) -> StepResult:
    """Step 6: calling any task of a stub raises NotImplementedError."""
    problems = []
    for exercise in exercises:
        stub = load_module(stub_path(exercise, stubs))
        cases = grading_of(exercise.name).cases()
        for task in exercise.tasks:
            case = next(case for case in cases if case.task == task.function)
            outcome = _strict(case.call, stub)
            if outcome != ("raises", "NotImplementedError"):
                problems.append(f"{exercise.name}.{task.function}: the stub gives {outcome!r:.80}")
    return StepResult(
        "stubs raise NotImplementedError for every task",
        tuple(problems),
        "keep each task's whole answer inside its solution region, then run `gdlab dev build`",
    )


def _figure_problems(exercise: Exercise, module: Any, who: str) -> Iterator[str]:
    for figure in grading_of(exercise.name).figures:
        try:
            ok, actual = _strict(figure.check, module)
        except Exception as error:  # a broken key must be reported, not crash the check
            yield f"{who} {exercise.name}: {figure.claim} raised {type(error).__name__}: {error}"
            continue
        if not ok:
            yield (
                f"{who} {exercise.name}: {figure.claim} gave {actual!r:.80}, "
                f"expected {figure.expected.description}"
            )


def check_figures(
    exercises: tuple[Exercise, ...], solutions: Path = SOLUTIONS_DIR, stubs: Path = EXERCISES_DIR
) -> StepResult:
    """Step 7: answer keys and reference reproduce the contract's figures."""
    problems = []
    for exercise in exercises:
        problems.extend(
            _figure_problems(
                exercise, load_module(solution_path(exercise, solutions)), "answer key"
            )
        )
        problems.extend(_figure_problems(exercise, reference_of(exercise.name), "reference"))
    return StepResult(
        "answer keys and reference reproduce the contract's figures",
        tuple(problems),
        "fix the answer key or the reference named above",
    )


class _Watched:
    """A module whose functions note the names of those that raise ``NotImplementedError``.

    Two sides that both raise it would otherwise "agree" on every case.
    """

    def __init__(self, module: Any) -> None:
        self._module = module
        self.unimplemented: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._module, name)
        if not callable(attribute):
            return attribute

        def watched(*args: Any, **kwargs: Any) -> Any:
            try:
                return attribute(*args, **kwargs)
            except NotImplementedError:
                if name not in self.unimplemented:
                    self.unimplemented.append(name)
                raise

        return watched


def check_agreement(
    exercises: tuple[Exercise, ...],
    solutions: Path = SOLUTIONS_DIR,
    stubs: Path = EXERCISES_DIR,
    seed: int = 0,
) -> StepResult:
    """Step 8: answer keys and reference implement every task and agree on random inputs.

    A side that raises ``NotImplementedError`` on a case has not written that
    task yet (a scaffolded exercise); the disagreements of such a task are
    not listed beside it.
    """
    problems, unimplemented = [], False
    for exercise in exercises:
        key = _Watched(load_module(solution_path(exercise, solutions)))
        reference = _Watched(reference_of(exercise.name))
        found = []
        for case in grading_of(exercise.name).cases(seed):
            found += [(case.task, line) for line in _strict(disagreements, key, reference, [case])]
        for who, side in (("the answer key", key), ("the reference", reference)):
            problems += [
                f"{exercise.name}: {who} does not implement {task} yet"
                for task in side.unimplemented
            ]
        missing = {*key.unimplemented, *reference.unimplemented}
        unimplemented = unimplemented or bool(missing)
        problems += [f"{exercise.name}: {line}" for task, line in found if task not in missing]
    advice = "the contract decides which side is wrong; fix that side"
    if unimplemented:
        advice = (
            "write each task named as not implemented (the answer key between its markers, "
            f"then `gdlab dev build`); elsewhere {advice}"
        )
    return StepResult(
        "answer keys agree with the reference on random inputs",
        tuple(problems),
        advice,
    )


def run_dev_check(
    solutions: Path = SOLUTIONS_DIR, stubs: Path = EXERCISES_DIR
) -> Iterator[StepResult]:
    """Run the steps in order, stopping after a step that later ones depend on.

    Parameters
    ----------
    solutions, stubs : Path, optional
        Roots of the answer keys and of the stubs; the project's by default.

    Yields
    ------
    StepResult
        One per step run.
    """
    registry = check_registry()
    yield registry
    if not registry.ok:
        return
    exercises = load_registry()
    for first in (check_course_files, check_answer_keys):  # the later steps need these
        step = first(exercises, solutions, stubs)
        yield step
        if not step.ok:
            return
    for step in (
        check_stubs_fresh,
        public_data.check_public_data_fresh,
        check_notebooks_fresh,
        check_stubs_hide_answers,
        check_stubs_unimplemented,
        check_figures,
        check_agreement,
    ):
        yield step(exercises, solutions, stubs)
