"""What the suites check, phrased for students.

Each helper calls the student's function through the ``submission`` proxy,
computes the expected outcome with the trusted reference in this process, and
fails with a message that says what was called, what came back and what the
contract asks for.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import pytest

import reference
from autograder.cases import Case, cases_for, difference, plot_difference
from autograder.diagnosis import changed_in_place, diagnose, unused_generator, warned
from autograder.figures import Figure, figures_for
from autograder.properties import Property, properties_for
from autograder.registry import get_exercise
from autograder.sandbox import side_effects
from autograder.sandbox.client import StudentFailure

PUBLIC_SEED = 20_261_121
EXAMPLES_PER_TASK = 2


def short(value: Any, width: int = 120) -> str:
    """A compact, bounded description of a value for a message."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, threshold=8, edgeitems=3):
            text = f"array{value.shape} {np.array2string(value, separator=', ')}"
    else:
        text = repr(value)
    text = " ".join(text.split())  # one line, whatever NumPy's layout
    return text if len(text) <= width else text[: width - 3] + "..."


def figure_params(exercise: str) -> dict:
    """``pytest.mark.parametrize`` keywords over the contract's figures of ``exercise``."""
    figures = figures_for(exercise)
    return {"argvalues": figures, "ids": [figure.claim for figure in figures]}


def example_params(exercise: str) -> dict:
    """Parametrize keywords over the public example cases (a fixed seed)."""
    picked, per_task = [], {}
    for case in cases_for(exercise, PUBLIC_SEED):
        if per_task.get(case.task, 0) < EXAMPLES_PER_TASK:
            picked.append(case)
            per_task[case.task] = per_task.get(case.task, 0) + 1
    return _case_params(picked)


def hidden_params(exercise: str, seed: int) -> dict:
    """Parametrize keywords over the hidden cases drawn with ``seed``."""
    return _case_params(cases_for(exercise, seed))


def property_params(exercise: str, seed: int) -> dict:
    """Parametrize keywords over the properties drawn with ``seed``."""
    found = properties_for(exercise, seed)
    return {"argvalues": found, "ids": [f"{item.task}: {item.claim}" for item in found]}


def _case_params(cases: list[Case]) -> dict:
    return {"argvalues": cases, "ids": [f"{case.task}: {case.label}" for case in cases]}


def check_figure(submission: Any, figure: Figure) -> None:
    """Fail unless the submission reproduces one figure of the contract."""
    ok, actual = figure.check(submission)
    if not ok:
        exercise = figure.exercise
        expected = figure.compute(reference.MODULES[exercise])
        why = diagnose(exercise, figure.task, actual, expected, figure.compute)
        pytest.fail(
            f"{figure.claim}: you got {short(actual)}, the contract says "
            f"{figure.expected.description}." + (f" Diagnosis: {why}" if why else ""),
            pytrace=False,
        )


def check_case(submission: Any, case: Case, exercise: str) -> None:
    """Fail unless the submission does what the reference does on ``case``."""
    if case.plot:
        kind, expected, reference_kwargs = "value", case.expected_plot(), {}
    else:
        kind, expected, reference_kwargs = case.run(reference.MODULES[exercise])
    args, kwargs = case.arguments()
    call = f"{case.task} ({case.label})"
    if kind == "raises":
        expected_type = getattr(builtins, expected, None)
        if not (isinstance(expected_type, type) and issubclass(expected_type, Exception)):
            expected_type = Exception
        try:
            actual = _invoke(submission, case, args, kwargs)
        except expected_type:
            return
        pytest.fail(
            f"{call}: the contract requires {expected} here, but your function "
            f"returned {short(actual)}",
            pytrace=False,
        )
    actual = _invoke(submission, case, args, kwargs)
    tolerance = get_exercise(exercise).task(case.task).tolerance
    if case.plot:
        problem = plot_difference(actual, expected)
    else:
        problem = difference(actual, expected, tolerance.rtol, tolerance.atol)
    changed = side_effects.describe(getattr(submission, "changed_arguments", []), case.unchanged)
    if changed and not problem:
        pytest.fail(
            f"{call}: the result is right, but your function changed {', '.join(changed)} in "
            "place, and the contract leaves it unchanged. Diagnosis: "
            + changed_in_place(exercise, case.task, changed),
            pytrace=False,
        )
    warnings = getattr(submission, "warnings", [])
    if warnings and not problem:
        pytest.fail(
            f"{call}: the result is right, but the call let a warning out ({warnings[0]}); "
            "the contract asks for silence, also when a run diverges. Diagnosis: "
            + warned(exercise, case.task),
            pytrace=False,
        )
    if not problem:
        for name in case.seeds:  # the same numbers must come from the same draws
            if kwargs[name].bit_generator.state != reference_kwargs[name].bit_generator.state:
                pytest.fail(
                    f"{call}: the result is right, but {name} was left in another state than "
                    "the contract's draws leave it: draw exactly as the statement says",
                    pytrace=False,
                )
        return
    why = _explain(exercise, case, kwargs, actual, expected)
    pytest.fail(
        f"{call}: {problem}; expected {short(expected)}, got {short(actual)} "
        f"({case.task}'s results are {tolerance.statement})."
        + (f" Diagnosis: {why}" if why else ""),
        pytrace=False,
    )


def check_property(submission: Any, promise: Property) -> None:
    """Fail, in the property's own words, unless the submission keeps it."""
    try:
        problem = promise.check(submission)
    except StudentFailure:
        raise
    except Exception as error:
        if getattr(error, "from_student", False):
            raise
        # The property read the student's result and could not use it.
        pytest.fail(
            f"{promise.task} returned a result that is not what the contract describes "
            f"({type(error).__name__}: {short(str(error))})",
            pytrace=False,
        )
    if problem:
        pytest.fail(problem.rstrip(".") + ".", pytrace=False)


def _explain(exercise: str, case: Case, kwargs: dict, actual: Any, expected: Any) -> str | None:
    """Why the student's result differs, when the diagnosis can tell."""
    for name, seed in case.seeds.items():
        # Every random case draws from its generator; one that comes back as it
        # left means the function drew its numbers elsewhere.
        untouched = np.random.default_rng(seed).bit_generator.state
        if kwargs[name].bit_generator.state == untouched:
            return unused_generator(exercise, case.task)
    if case.plot:
        return None
    return diagnose(exercise, case.task, actual, expected, lambda module: case.call(module)[1])


def _invoke(submission: Any, case: Case, args: list, kwargs: dict) -> Any:
    if case.plot:
        return submission.plot(case.task, *args, **kwargs)
    return getattr(submission, case.task)(*args, **kwargs)
