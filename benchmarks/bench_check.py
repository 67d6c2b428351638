"""Benchmark: ``gdlab check`` and ``gdlab watch`` against ``python -c "import numpy"``.

For every exercise, on the answer key, interleaved with the baseline so that
the machine's noise falls on both sides alike (medians of ``--runs``):

- ``gdlab check exerciseN``, cold: the time until the verdict is printed and
  until the picture is ready, each as a ratio to ``import numpy`` (the
  issue's targets: 4 and 6);
- ``gdlab watch exerciseN``, warm: the time from a save to the re-check's
  verdict, as a ratio to ``import numpy`` (target 1.5);
- one cold check, stage by stage, in a fresh process that runs the steps of
  ``gdlab check`` with clocks between them: interpreter start, launching the
  sandbox, the checking process's imports, intake and reading the public
  checks, waiting for the sandbox, the tests (the student's module imported
  in a fresh worker, every call across the channel), the picture's curves,
  drawing, and stopping the sandbox.

Timing figures belong here, not in the tests: the machines are shared and
noisy.

With ``--against REV``, the check of an earlier commit (installed into its
own environment) is timed in the same loop, to the end of its run.

Usage: ``python benchmarks/bench_check.py [--runs 5] [--exercise exercise3 ...]
[--against REV]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from revision import installed

from autograder.paths import SOLUTIONS_DIR
from autograder.registry import load_registry

GDLAB = str(Path(sys.executable).with_name("gdlab"))
VERDICT = "These are the public tests only"
PICTURE = "your curves beside the reference's"
WATCH_DONE = "Save an exercise's file"

# Run in a fresh interpreter: the steps of `gdlab check EXERCISE --path FOLDER`, timed.
STAGES = r"""
import json, sys, time
clock = [("start", time.perf_counter())]
def mark(name):
    clock.append((name, time.perf_counter()))
from pathlib import Path
exercise, folder = sys.argv[1], Path(sys.argv[2])
from autograder.grading.check_sandbox import CheckSandbox
sandbox = CheckSandbox(folder, [exercise])
mark("launching the sandbox (its own imports first)")
import tempfile
from autograder import results
from autograder.grading import drawing
from autograder.grading.intake import prepare
from autograder.suites.direct import DirectRun
from autograder.suites.plan import planned_tests
mark("the checking process's imports")
with tempfile.TemporaryDirectory() as work:
    prepared = prepare(folder, Path(work) / "submission")
    planned_tests([exercise], (results.PUBLIC,))
    mark("intake and reading the public checks")
    server = sandbox.ready()
    mark("waiting for the sandbox")
    with DirectRun(prepared.folder, [exercise], (results.PUBLIC,), server.level,
                   server=server) as run:
        result = run.verdict()
        mark("the tests (worker, module, calls)")
        run.add_curves(result)
    mark("the picture's curves")
    entry = result.exercises[exercise]
    if entry.curves:
        drawing.render(exercise, entry.curves, Path(work) / "picture.png", full_marks=True)
    mark("drawing the picture, importing matplotlib")
sandbox.stop()
mark("stopping the sandbox")
stages = {name: clock[i][1] - clock[i - 1][1] for i, (name, _) in enumerate(clock) if i}
print(json.dumps({"stages": stages, "score": entry.score, "max": entry.max_score}))
"""


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - started


def _check_times(name: str) -> tuple[float, float]:
    """Seconds until ``gdlab check`` printed its verdict, and until it ended (picture ready)."""
    started = time.perf_counter()
    verdict = None
    with subprocess.Popen(
        [GDLAB, "check", name, "--path", str(SOLUTIONS_DIR)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as check:
        for line in check.stdout:
            if line.startswith(VERDICT) and verdict is None:
                verdict = time.perf_counter() - started
    return verdict or float("nan"), time.perf_counter() - started


class WatchSession:
    """``gdlab watch`` on a copy of the answer keys, timed from a save to the verdict."""

    def __init__(self, name: str, folder: Path) -> None:
        self.file = folder / name / next(e.filename for e in load_registry() if e.name == name)
        self.process = subprocess.Popen(
            [GDLAB, "watch", name, "--path", str(folder)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._wait_for(WATCH_DONE)
        self.saves = 0

    def _wait_for(self, prefix: str) -> float:
        for line in self.process.stdout:
            if line.startswith(prefix):
                return time.perf_counter()
        raise RuntimeError("gdlab watch ended")

    def recheck(self) -> float:
        """Save the file (a new comment) and time the re-check's verdict."""
        self.saves += 1
        text = self.file.read_text(encoding="utf-8")
        started = time.perf_counter()
        self.file.write_text(f"{text}\n# save {self.saves}\n", encoding="utf-8")
        ended = self._wait_for(VERDICT)
        self._wait_for(WATCH_DONE)
        return ended - started

    def stop(self) -> None:
        self.process.send_signal(2)
        self.process.communicate(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    parser.add_argument("--exercise", action="append", default=[], help="only this exercise")
    parser.add_argument("--against", help="also time the check of this earlier commit")
    options = parser.parse_args()
    with contextlib.ExitStack() as stack:
        earlier = stack.enter_context(installed(options.against)) if options.against else None
        _compare(options, earlier)


def _compare(options: argparse.Namespace, earlier: Path | None) -> None:
    """Print the table and the stages; ``earlier``: the earlier commit's ``bin`` folder."""
    names = options.exercise or [exercise.name for exercise in load_registry()]
    numpy = [sys.executable, "-c", "import numpy"]
    print(f"On the answer keys, {options.runs} runs each, interleaved medians (s)\n")
    print(
        f"{'exercise':<10} {'import numpy':>12} {'verdict':>8} {'ratio':>6} {'picture':>8} "
        f"{'ratio':>6} {'watch':>7} {'ratio':>6}"
        + (f" {options.against[:10]:>10} {'ratio':>6}" if earlier else "")
    )
    for name in names:
        base, verdict, picture, watch, before = [], [], [], [], []
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "course"
            shutil.copytree(SOLUTIONS_DIR, copy, ignore=shutil.ignore_patterns(".*"))
            session = WatchSession(name, copy)
            try:
                for _ in range(options.runs):
                    base.append(_wall(numpy))
                    shown, ready = _check_times(name)
                    verdict.append(shown)
                    picture.append(ready)
                    watch.append(session.recheck())
                    if earlier is not None:
                        before.append(
                            _wall(
                                [
                                    str(earlier / "gdlab"),
                                    "check",
                                    name,
                                    "--path",
                                    str(SOLUTIONS_DIR),
                                ]
                            )
                        )
            finally:
                session.stop()
        floor = statistics.median(base)
        row = [statistics.median(values) for values in (verdict, picture, watch)]
        then = (
            f" {statistics.median(before):>10.3f} {statistics.median(before) / floor:>6.2f}"
            if before
            else ""
        )
        print(
            f"{name:<10} {floor:>12.3f} {row[0]:>8.3f} {row[0] / floor:>6.2f} {row[1]:>8.3f} "
            f"{row[1] / floor:>6.2f} {row[2]:>7.3f} {row[2] / floor:>6.2f}{then}"
        )
    print("\nOne cold check, stage by stage (median of the runs, s)\n")
    interpreter = statistics.median(_wall([sys.executable, "-c", "pass"]) for _ in range(5))
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
        print(f"  {'interpreter start':<48} {interpreter:.3f}")
        for stage in runs[0]["stages"]:
            median = statistics.median(run["stages"][stage] for run in runs)
            print(f"  {stage:<48} {median:.3f}")


if __name__ == "__main__":
    main()
