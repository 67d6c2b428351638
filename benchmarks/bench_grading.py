"""Benchmark: grading a whole class, against the same suites run in-process.

Builds a synthetic class of N submissions (a third correct, a third with
typical mistakes, a third with an infinite loop in exercise 4), grades it with
``gdlab grade``'s batch in the strongest sandbox, and, in the same run, times
the same public and hidden suites in-process against the answer keys (no
sandbox, no worker, no intake). Prints submissions per second and the
per-submission overhead of sandboxed grading. With ``--against REV`` it also
grades the same class with the grader of an earlier commit (installed from
``git archive`` into its own environment), in the same run, and prints both
speeds and their ratio.
Timing figures belong here, not in the tests: the machines are shared and
noisy.

Usage: ``python benchmarks/bench_grading.py [--n 200] [--jobs J] [--baseline-runs 3]
[--against REV]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder.grading.batch import grade_class
from autograder.grading.pytest_run import SUITES, pytest_arguments
from autograder.paths import PROJECT_ROOT, SOLUTIONS_DIR
from autograder.registry import load_registry
from autograder.sandbox.levels import strongest_level

# Typical mistakes, as (file, correct text, wrong text) edits of the answer keys.
MISTAKES = [
    (
        "exercise1/mse.py",
        "np.mean(squared_errors(y_true, y_pred))",
        "np.sum(squared_errors(y_true, y_pred))",
    ),
    ("exercise2/gradients.py", "return 2 * X.T @ residuals / n", "return X.T @ residuals / n"),
    (
        "exercise5/momentum.py",
        "velocity = beta * velocity + lr * grad(x)",
        "velocity = beta * velocity + grad(x)",
    ),
]
HANG = (
    "exercise4/learning_rate.py",
    "    trajectory = [x]\n",
    "    trajectory = [x]\n    while True:\n        pass\n",
)


def build_class(folder: Path, count: int) -> dict[str, int]:
    """Write ``count`` submissions; return how many of each kind."""
    kinds = {"correct": 0, "mistakes": 0, "hanging": 0}
    for index in range(count):
        kind = list(kinds)[index % 3]
        kinds[kind] += 1
        target = folder / f"{kind}-{index:04d}"
        shutil.copytree(SOLUTIONS_DIR, target)
        edits = {"mistakes": MISTAKES, "hanging": [HANG]}.get(kind, [])
        for name, correct, wrong in edits:
            path = target / name
            text = path.read_text(encoding="utf-8")
            assert correct in text, f"benchmark edit no longer applies to {name}"
            path.write_text(text.replace(correct, wrong, 1), encoding="utf-8")
        # A distinct comment: every submission has its own content digest.
        first = target / "exercise1" / "mse.py"
        first.write_text(first.read_text(encoding="utf-8") + f"\n# student {index}\n")
    return kinds


def time_in_process(runs: int) -> float:
    """Median seconds of the public and hidden suites run in-process on the answer keys."""
    names = [exercise.name for exercise in load_registry()]
    durations = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            results = Path(scratch) / "results.json"
            arguments = pytest_arguments(SOLUTIONS_DIR, names, SUITES, results, trusted=True)
            started = time.perf_counter()
            pytest.main(arguments)
            durations.append(time.perf_counter() - started)
            summary = json.loads(results.read_text(encoding="utf-8"))
            total = sum(entry["score"] for entry in summary["exercises"].values())
            assert abs(total - 60) < 1e-6, f"the answer keys scored {total} in-process"
    return statistics.median(durations)


def grade_with_revision(revision: str, submissions: Path, jobs: int, level: str) -> float:
    """Seconds the grader of an earlier commit takes on the same class.

    The commit is extracted with ``git archive`` and installed into its own
    virtual environment (not timed), so that every process of its batch,
    the pytest runs included, uses that commit's code and nothing of this
    checkout's.
    """
    with tempfile.TemporaryDirectory(prefix="gdlab-revision-") as scratch:
        tree, venv = Path(scratch) / "tree", Path(scratch) / "venv"
        tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "archive", revision], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        # Editable, as the README installs it: the tree's folders are the packages.
        subprocess.run([venv / "bin" / "pip", "install", "-q", "-e", str(tree)], check=True)
        script = (
            "import sys; from pathlib import Path; "
            "from autograder.grading.batch import grade_class; "
            "grade_class(Path(sys.argv[1]), Path(sys.argv[2]), jobs=int(sys.argv[3]), "
            "sandbox=sys.argv[4])"
        )
        command = [venv / "bin" / "python", "-c", script, submissions, Path(scratch) / "out"]
        started = time.perf_counter()
        subprocess.run([*map(str, command), str(jobs), level], cwd=scratch, check=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="submissions in the class")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="parallel jobs")
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--against", help="also time the grader of this earlier commit")
    options = parser.parse_args()
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    level = strongest_level()
    with tempfile.TemporaryDirectory(prefix="gdlab-bench-") as scratch:
        submissions, out = Path(scratch) / "class", Path(scratch) / "out"
        kinds = build_class(submissions, options.n)
        baseline = time_in_process(options.baseline_runs)
        started = time.perf_counter()
        report = grade_class(submissions, out, jobs=options.jobs, sandbox=level)
        elapsed = time.perf_counter() - started
        totals = {
            kind: statistics.mean(
                o.result.total or 0.0 for o in report.outcomes if o.name.startswith(kind)
            )
            for kind in kinds
            if kinds[kind]
        }
        for outcome in report.outcomes:  # a correct copy must never lose a point: say why
            if outcome.name.startswith("correct") and (outcome.result.total or 0.0) < 60:
                lost = [
                    f"{test.name}: {test.message[:200]}"
                    for entry in outcome.result.exercises.values()
                    for test in entry.graded_tests
                    if test.status != "passed"
                ]
                print(f"{outcome.name} ({outcome.result.status}) lost points: {lost[:3]}")
        earlier = (
            grade_with_revision(options.against, submissions, options.jobs, level)
            if options.against
            else None
        )
    per_submission = elapsed * options.jobs / options.n  # seconds of one job slot
    print(f"class: {options.n} submissions {kinds}, {options.jobs} jobs, sandbox {level!r}")
    print(f"mean totals: {', '.join(f'{k} {v:.2f}/60' for k, v in totals.items())}")
    print(
        f"sandboxed batch: {elapsed:.1f} s, {options.n / elapsed:.3f} submissions/s, "
        f"{per_submission:.2f} s per submission per job"
    )
    print(
        f"in-process suites on the answer keys: {baseline:.2f} s per submission "
        f"(median of {options.baseline_runs})"
    )
    print(
        f"overhead of sandboxed grading: {per_submission - baseline:+.2f} s per submission, "
        f"ratio {per_submission / baseline:.2f}"
    )
    if earlier is not None:
        print(
            f"grader of {options.against} on the same class: {earlier:.1f} s, "
            f"{options.n / earlier:.3f} submissions/s; this grader is "
            f"{earlier / elapsed:.2f} times as fast"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
