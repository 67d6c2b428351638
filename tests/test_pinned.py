"""Pins: the hidden inputs of a fixed secret, and the sample class's results test by test.

Moving the course's code around (or any change meant to keep grading as it
is) must not change what a student is asked or what they get. Two pins hold
that in place:

- a digest of every drawn input (hidden cases, properties, public examples)
  of every exercise for a fixed course secret;
- the sample class graded with that secret, every test's outcome, points,
  message and diagnosis.

Both are recorded in ``tests/pinned/`` (gzipped JSON). A change that is meant to change
them regenerates the records with ``GDLAB_REPIN=1 pytest tests/test_pinned.py``
and says why in its commit.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder.course import grading_of
from autograder.dev import public_data
from autograder.grading.run_settings import hidden_seed
from autograder.paths import PROJECT_ROOT
from autograder.registry import load_registry
from autograder.sandbox.functions import Function

PINNED = Path(__file__).with_name("pinned")
SECRET = "a fixed course secret for the pins"
SAMPLE_CLASS = PROJECT_ROOT / "examples" / "sample-class"
GDLAB = str(Path(sys.executable).with_name("gdlab"))
REPIN = os.environ.get("GDLAB_REPIN") == "1"


def canonical(value: Any, depth: int = 0) -> Any:
    """``value`` as plain JSON data that says exactly what it holds.

    Floats are written in hex (every bit counts), arrays by dtype, shape and a
    hash of their bytes, functions by name, defaults and closure (the inputs a
    property drew live there), generators by their state.
    """
    if depth > 40:
        raise ValueError("nested too deep to pin")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return {"int": int(value), "type": type(value).__name__}
    if isinstance(value, (float, np.floating)):
        return {"float": float(value).hex(), "type": type(value).__name__}
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        digest = hashlib.sha256(data.tobytes()).hexdigest()
        return {"array": data.dtype.str, "shape": list(data.shape), "sha256": digest}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [canonical(item, depth + 1) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[str(key), canonical(value[key], depth + 1)] for key in sorted(value)]}
    if isinstance(value, Function):
        return {"formula": value.name, "params": canonical(value.params, depth + 1)}
    if isinstance(value, np.random.Generator):
        return {"generator": canonical(value.bit_generator.state, depth + 1)}
    if isinstance(value, types.FunctionType):
        cells = value.__closure__ or ()
        closure = {
            name: canonical(cell.cell_contents, depth + 1)
            for name, cell in zip(value.__code__.co_freevars, cells, strict=True)
        }
        return {
            "function": value.__name__,
            "defaults": canonical(value.__defaults__, depth + 1),
            "closure": canonical(closure, depth + 1),
        }
    return {"object": type(value).__name__}


def drawn_inputs(seed: int) -> dict[str, Any]:
    """Every input the suites draw for one seed, exercise by exercise."""
    drawn = {}
    for exercise in load_registry():
        name = exercise.name
        cases = grading_of(name).cases(seed)
        examples = public_data.examples(name)
        promises = grading_of(name).properties(seed)
        drawn[name] = {
            "hidden cases": [_case(case) for case in cases],
            "examples": [_case(case) for case in examples],
            "properties": [[item.task, item.claim, canonical(item.check)] for item in promises],
        }
    return drawn


def _case(case: Any) -> list:
    return [
        case.task,
        case.label,
        canonical(case.args),
        canonical(case.kwargs),
        canonical(case.seeds),
        case.plot,
    ]


def digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _pinned(name: str, found: Any) -> Any:
    """The record ``name`` (gzipped JSON), or write ``found`` as it when repinning."""
    path = PINNED / name
    if REPIN:
        PINNED.mkdir(exist_ok=True)
        text = json.dumps(found, indent=1, sort_keys=True) + "\n"
        # mtime=0: the same record gives the same bytes, so a repin without change is no diff.
        path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    return json.loads(gzip.decompress(path.read_bytes()))


def test_the_hidden_inputs_of_a_fixed_secret_are_pinned():
    drawn = drawn_inputs(hidden_seed(SECRET))
    found = {name: digest(inputs) for name, inputs in drawn.items()}
    found["all"] = digest(drawn)
    pinned = _pinned("hidden-inputs.json.gz", found)
    changed = [name for name in pinned if found.get(name) != pinned[name]]
    assert not changed, f"the drawn inputs changed for {changed}"
    assert set(found) == set(pinned)


def test_the_digest_sees_a_single_changed_bit():
    drawn = drawn_inputs(hidden_seed(SECRET))
    other = drawn_inputs(hidden_seed(SECRET + "!"))
    assert digest(drawn["exercise3"]) != digest(other["exercise3"])
    # One ulp in one argument of one case changes the digest.
    case = grading_of("exercise4").cases(7)[0]
    moved = (case.args[0], np.nextafter(case.args[1], 9), *case.args[2:])
    nudged = type(case)(case.task, case.label, moved, case.kwargs)
    assert digest(_case(case)) != digest(_case(nudged))


def _tests_of(result: dict) -> dict:
    """A submission's results, test by test, as they reach the student."""
    found = {}
    for name, exercise in sorted(result["exercises"].items()):
        tests = [
            {
                key: test.get(key)
                for key in (
                    "suite",
                    "task",
                    "check",
                    "kind",
                    "outcome",
                    "expects_error",
                    "score",
                    "max_score",
                    "message",
                    "diagnosis",
                    "mistake",
                    "reason",
                    "status",
                )
            }
            for test in exercise["tests"]
        ]
        tests.sort(key=lambda test: (test["suite"], test["task"], test["check"]))
        found[name] = {
            "score": exercise.get("score"),
            "status": exercise.get("status"),
            "tests": tests,
        }
    return found


def test_the_sample_class_results_are_pinned(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [GDLAB, "grade", str(SAMPLE_CLASS), "--out", str(out), "--secret", SECRET],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode in (0, 1), done.stderr
    found = {
        path.stem: _tests_of(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((out / "results").glob("*.json"))
    }
    pinned = _pinned("sample-class.json.gz", found)
    assert sorted(found) == sorted(pinned)
    for student, exercises in pinned.items():
        for exercise, expected in exercises.items():
            actual = found[student].get(exercise)
            assert actual is not None, f"{student}: {exercise} is no longer graded"
            assert actual["score"] == expected["score"], (student, exercise)
            assert actual["status"] == expected["status"], (student, exercise)
            assert len(actual["tests"]) == len(expected["tests"]), (student, exercise)
            for got, want in zip(actual["tests"], expected["tests"], strict=True):
                assert got == want, f"{student}, {exercise}: {want} became {got}"


@pytest.mark.parametrize("seed", [0, 1])
def test_canonical_tells_apart_what_grading_tells_apart(seed):
    rng = np.random.default_rng(seed)
    assert canonical(np.float64(1.0)) != canonical(1.0)
    assert canonical([1, 2]) != canonical((1, 2))
    assert canonical(np.arange(3)) != canonical(np.arange(3.0))
    first = canonical(rng)
    rng.random()
    assert canonical(rng) != first
