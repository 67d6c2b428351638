"""Benchmark: where the time of ``gdlab check exerciseN`` goes, and how it compares.

For every exercise, on the answer key, in fresh processes, interleaved with
the baseline so that the machine's noise falls on both sides alike:

- the wall time of ``gdlab check exerciseN`` (cold, verdict and picture) and
  of ``python -c "import numpy"``; their ratio of medians is the issue's
  target (at most 4);
- a breakdown of one check, stage by stage, measured inside a fresh process
  that runs the same steps as ``gdlab check`` with a timing plugin:
  interpreter start, the checking process's imports, intake, pytest's
  start-up and collection (reading the public checks included), the first
  test (the sandbox starts on the first call: fork server, the worker's
  NumPy and the student's module), the other tests, the teardown (the
  picture's curves from the worker), and drawing the picture.

Timing figures belong here, not in the tests: the machines are shared and
noisy.

Usage: ``python benchmarks/bench_check.py [--runs 5] [--exercise exercise3 ...]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from autograder.paths import SOLUTIONS_DIR
from autograder.registry import load_registry

GDLAB = str(Path(sys.executable).with_name("gdlab"))

# Run in a fresh interpreter: the same steps as `gdlab check EXERCISE --path solutions`, timed.
STAGES = r"""
import json, sys, tempfile, time
started = time.perf_counter()
from pathlib import Path
import pytest
from autograder.grading import drawing
from autograder.grading.intake import prepare
from autograder.grading.pytest_run import RunOptions, pytest_arguments
from autograder.results import SubmissionResult
imported = time.perf_counter()
exercise, folder = sys.argv[1], Path(sys.argv[2])
marks = {}

class Timer:
    def pytest_sessionstart(self, session):
        marks["session"] = time.perf_counter()
    def pytest_collection_finish(self, session):
        marks["collected"] = time.perf_counter()
    def pytest_runtest_logreport(self, report):
        first = report.when in ("setup", "call") and f"first {report.when}" not in marks
        key = f"first {report.when}" if first else report.when
        marks[key] = marks.get(key, 0.0) + report.duration

with tempfile.TemporaryDirectory() as work:
    prepared = prepare(folder, Path(work) / "submission")
    intake = time.perf_counter()
    results = Path(work) / "results.json"
    options = RunOptions(0, None, prepared.problem_records()).write(Path(work))
    arguments = pytest_arguments(prepared.folder, [exercise], ("public",), results, options)
    pytest.main(arguments, plugins=[Timer()])
    ran = time.perf_counter()
    entry = SubmissionResult.from_dict(json.loads(results.read_text())).exercises[exercise]
    if entry.curves:
        drawing.render(exercise, entry.curves, Path(work) / "picture.png", full_marks=True)
    drawn = time.perf_counter()
print(json.dumps({
    "imports": imported - started,
    "intake": intake - imported,
    "pytest start-up and collection": marks["collected"] - intake,
    "first test (sandbox start, worker, module)": marks["first setup"] + marks["first call"],
    "other tests' calls": marks.get("call", 0.0),
    "other tests' setups": marks.get("setup", 0.0),
    "teardown (the picture's curves)": marks.get("teardown", 0.0),
    "rest of the run (recording, results)": ran - marks["collected"] - sum(
        marks.get(key, 0.0)
        for key in ("first setup", "first call", "call", "setup", "teardown")
    ),
    "picture": drawn - ran,
    "score": entry.score, "max": entry.max_score,
}))
"""


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    parser.add_argument("--exercise", action="append", default=[], help="only this exercise")
    options = parser.parse_args()
    names = options.exercise or [exercise.name for exercise in load_registry()]
    numpy = [sys.executable, "-c", "import numpy"]
    bare = [sys.executable, "-c", "pass"]
    print(f"gdlab check on the answer keys, {options.runs} runs each, interleaved medians (s)\n")
    print(f"{'exercise':<10} {'import numpy':>12} {'gdlab check':>12} {'ratio':>6}")
    for name in names:
        base, check = [], []
        for _ in range(options.runs):
            base.append(_wall(numpy))
            check.append(_wall([GDLAB, "check", name, "--path", str(SOLUTIONS_DIR)]))
        ratio = statistics.median(check) / statistics.median(base)
        print(
            f"{name:<10} {statistics.median(base):>12.3f} {statistics.median(check):>12.3f} "
            f"{ratio:>6.2f}"
        )
    print("\nOne check, stage by stage (median of the runs, s)\n")
    interpreter = statistics.median(_wall(bare) for _ in range(options.runs))
    for name in names:
        runs = []
        for _ in range(options.runs):
            done = subprocess.run(
                [sys.executable, "-c", STAGES, name, str(SOLUTIONS_DIR)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"{name} (score {runs[0]['score']:g}/{runs[0]['max']:g})")
        print(f"  {'interpreter start':<44} {interpreter:.3f}")
        for stage in runs[0]:
            if stage not in ("score", "max"):
                print(f"  {stage:<44} {statistics.median(run[stage] for run in runs):.3f}")


if __name__ == "__main__":
    main()
