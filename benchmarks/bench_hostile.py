"""Benchmark: the grader's cost on a hostile class, beside an honest one.

Writes the hostile class of :mod:`autograder.dev.hostile` and an honest class
with as many entries (copies of the answer keys), grades each with
``gdlab grade`` at the default level, one after the other in the same run,
and prints for each the wall time and the peak resident memory of the
grader's own processes (``gdlab grade`` and its pytest runs, sampled every
50 ms; sandboxes are left out, their own limits bound them), then the ratios
hostile / honest. Memory and timing figures belong here, not in the tests.

Usage: ``python benchmarks/bench_hostile.py [--jobs J]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.dev.hostile import TEST_SECRET, grader_memory, write_hostile_class

MIB = 1 << 20


def grade(classroom: Path, out: Path, jobs: int) -> tuple[float, int, int]:
    """Grade ``classroom``; return wall seconds, peak grader bytes, exit code."""
    command = [sys.executable, "-m", "autograder", "grade", str(classroom), "--out", str(out)]
    environment = {**os.environ, "GDLAB_SECRET": TEST_SECRET}
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "-j", str(jobs)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, grader_memory(process.pid))
        time.sleep(0.05)
    return time.perf_counter() - started, peak, process.returncode


def main() -> None:
    """Grade both classes and print their figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gdlab-bench-hostile-") as folder:
        root = Path(folder)
        entries = write_hostile_class(root / "hostile")
        honest = next(entry for entry in entries if entry.honest)
        (root / "honest").mkdir()
        for number in range(len(entries)):
            honest.build(root / "honest" / f"student-{number:02d}")
        figures = {}
        for name in ("honest", "hostile"):
            seconds, peak, code = grade(root / name, root / f"{name}-out", options.jobs)
            figures[name] = (seconds, peak)
            print(
                f"{name:8} {len(entries)} entries: {seconds:6.1f} s, grader peak "
                f"{peak / MIB:7.1f} MiB (exit {code})"
            )
    (honest_s, honest_peak), (hostile_s, hostile_peak) = figures["honest"], figures["hostile"]
    print(
        f"hostile / honest: time {hostile_s / honest_s:.2f}x, "
        f"grader peak memory {hostile_peak / honest_peak:.2f}x"
    )


if __name__ == "__main__":
    main()
