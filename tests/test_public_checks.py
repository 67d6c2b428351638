"""The public checks as data: up to date, faithful to the course, free of answers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from autograder.contract.calls import call, from_data, seeded, to_data
from autograder.course import grading_of, reference_of
from autograder.dev.public_data import public_course_of, public_text
from autograder.dev.stubs import find_regions
from autograder.loading import load_module
from autograder.paths import PROJECT_ROOT, solution_path
from autograder.registry import load_registry
from autograder.suites.public_checks import data_path, public_course, sources_digest
from autograder.suites.public_document import from_document, render, to_document

EXERCISES = load_registry()


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.name)
def test_the_committed_public_checks_are_up_to_date(exercise):
    assert data_path(exercise.name).read_text(encoding="utf-8") == public_text(exercise), (
        f"{data_path(exercise.name)} is stale: run `gdlab dev build`"
    )


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.name)
def test_a_document_reads_back_to_the_same_checks(exercise):
    document = json.loads(data_path(exercise.name).read_text(encoding="utf-8"))
    again = to_document(from_document(document))
    assert render(again) == render(document)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.name)
def test_the_figures_read_back_compute_what_the_course_computes(exercise):
    """A figure read from data, run on the answer key, gives the grader module's value."""
    key = load_module(solution_path(exercise))
    shipped = public_course(exercise.name).figures
    written = grading_of(exercise.name).figures
    assert [check.claim for check in shipped] == [figure.claim for figure in written]
    for check, figure in zip(shipped, written, strict=True):
        ok, value = check.figure.check(key)
        assert ok, f"{figure.claim}: the answer key gives {value}"
        assert repr(value) == repr(figure.compute(key))


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.name)
def test_the_data_holds_no_line_of_an_answer(exercise):
    """No answer line of the answer key appears in the shipped checks (code is never data)."""
    text = data_path(exercise.name).read_text(encoding="utf-8")
    key = solution_path(exercise).read_text(encoding="utf-8").splitlines()
    for region in find_regions("\n".join(key), exercise):
        for line in key[region.begin + 1 : region.end]:
            code = line.strip()
            if len(code) > 12 and not code.startswith("#"):
                assert code not in text, f"{exercise.name}: {code!r} is in the public data"


def test_a_computation_survives_the_trip_through_json():
    expression = call("f", np.arange(3.0), (1, [2.5, "x"]), rng=seeded(4))[1]
    read = from_data(json.loads(json.dumps(to_data(expression))))

    class Module:
        @staticmethod
        def f(values, pair, rng):
            return values.sum() + pair[0], rng.integers(0, 1000)

    assert read(Module) == expression(Module) == np.random.default_rng(4).integers(0, 1000)


def test_code_is_refused_as_data():
    with pytest.raises(ValueError, match="code, not data"):
        to_data(call("f", lambda x: x))


def test_one_byte_of_a_source_changes_the_digest(tmp_path):
    for folder in ("reference", "autograder/course", "exercises"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    before = sources_digest(tmp_path)
    path = tmp_path / "reference" / "mse.py"
    path.write_bytes(path.read_bytes() + b"\n")
    assert sources_digest(tmp_path) != before
    shutil.rmtree(tmp_path / "exercises")
    assert sources_digest(tmp_path) is None  # an installed course: it carries its data
    shutil.rmtree(tmp_path / "reference")
    assert sources_digest(tmp_path) is None  # the student package: nothing to compare with


def test_the_example_outcomes_are_the_reference_s():
    exercise = EXERCISES[2]
    course = public_course_of(exercise, "")
    for example in course.examples:
        kind, value, _ = example.case.run(reference_of(exercise.name))
        if not example.case.plot:
            assert (kind, repr(value)) == (example.expected.kind, repr(example.expected.value))


def test_the_public_suite_needs_neither_the_course_nor_the_reference(tmp_path):
    """``gdlab check``'s run imports no grader module, no catalogue and no reference module
    but the contract's own functions: what the student package leaves out."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from autograder.grading.pytest_run import run_in_process\n"
        "names = [f'exercise{n}' for n in range(1, 7)]\n"
        f"result = run_in_process(Path({str(PROJECT_ROOT / 'solutions')!r}), names, ('public',))\n"
        "assert all(e.full_marks for e in result.exercises.values()), result.to_dict()\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    loaded = set(run.stdout.split())
    forbidden = {
        name
        for name in loaded
        if name.startswith(("autograder.course", "autograder.dev", "solutions"))
        or name in ("autograder.suites.hidden_checks", "autograder.suites.variants")
        or (name.startswith("reference") and name not in ("reference", "reference.objectives"))
    }
    assert not forbidden
