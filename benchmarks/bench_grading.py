"""Benchmark: grading a whole class, against the floor and against an earlier grader.

Builds a synthetic class of N submissions (half the answer keys, half with
typical mistakes; ``--hanging`` adds a third with an infinite loop in
exercise 4) and, in one run, side by side:

- grades it with ``gdlab grade``'s batch in the strongest sandbox: wall time,
  submissions per second, and the CPU of every process it started, per
  submission;
- runs the very same suites on the very same submissions in-process, without
  sandbox, worker or channel, each submission in a fresh process: the CPU of
  the grading itself (the students' own compute plus the expected values),
  the floor sandboxed grading is compared with;
- with ``--against REV``, grades the same class with the same course secret
  with the grader of an earlier commit (installed from ``git archive`` into
  its own environment) and prints both speeds, their ratio, and whether every
  submission got the same score from both;
- samples the batch process's resident memory as submissions finish.

Timing figures belong here, not in the tests: the machines are shared and
noisy.

Usage: ``python benchmarks/bench_grading.py [--n 200] [--jobs J] [--against REV]
[--hanging] [--no-floor]`` (``--n 1000 --no-floor`` for the memory alone)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from revision import installed

from autograder.grading.batch import grade_class
from autograder.grading.run_settings import hidden_seed
from autograder.paths import SOLUTIONS_DIR
from autograder.sandbox.levels import strongest_level

SECRET = "benchmark-secret"
# One submission graded in-process, in a fresh interpreter: the CPU of the grading alone.
FLOOR = r"""
import json, sys, time
from pathlib import Path
from autograder.grading.pytest_run import SUITES
from autograder.registry import load_registry
from autograder.suites.direct import run_direct
names = [exercise.name for exercise in load_registry()]
started = time.process_time()
result = run_direct(Path(sys.argv[1]), names, SUITES, "process", seed=int(sys.argv[2]),
                    trusted=True)
print(json.dumps({"cpu": time.process_time() - started, "total": result.total}))
"""

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


def build_class(folder: Path, count: int, hanging: bool) -> dict[str, int]:
    """Write ``count`` submissions; return how many of each kind."""
    kinds = {"correct": 0, "mistakes": 0, **({"hanging": 0} if hanging else {})}
    for index in range(count):
        kind = list(kinds)[index % len(kinds)]
        kinds[kind] += 1
        target = folder / f"{kind}-{index:04d}"
        shutil.copytree(SOLUTIONS_DIR, target, ignore=shutil.ignore_patterns(".*"))
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


def machine_cpu() -> float:
    """CPU seconds the whole machine has spent so far (every process, all cores).

    Read from ``/proc/stat`` rather than from this process's children: the
    sandboxes' processes are not all reaped by a process that reports them.
    """
    with open("/proc/stat", encoding="ascii") as handle:
        fields = handle.readline().split()[1:]
    busy = sum(int(value) for index, value in enumerate(fields) if index not in (3, 4))
    return busy / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def own_cpu() -> float:
    """CPU seconds of this process (the batch: intake, pictures, gradebook)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def resident_mib() -> float:
    """This process's resident memory, in MiB."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def floor(submissions: Path, seed: int) -> tuple[float, dict[str, float]]:
    """Mean CPU seconds per submission of the suites run in-process, and each one's total."""
    cpu, totals = [], {}
    for submission in sorted(submissions.iterdir()):
        done = subprocess.run(
            [sys.executable, "-c", FLOOR, str(submission), str(seed)],
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        cpu.append(measured["cpu"])
        totals[submission.name] = measured["total"]
    return statistics.mean(cpu), totals


def totals_of(out: Path) -> dict[str, float | None]:
    """Each submission's total in a gradebook's ``results/``."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))["total"]
        for path in (out / "results").glob("*.json")
    }


def grade_with_revision(revision: str, submissions: Path, out: Path, jobs: int, level: str):
    """Seconds and the machine's CPU the grader of an earlier commit takes on the same class."""
    with installed(revision) as bin_folder:
        script = (
            "import sys; from pathlib import Path; "
            "from autograder.grading.batch import grade_class; "
            "grade_class(Path(sys.argv[1]), Path(sys.argv[2]), jobs=int(sys.argv[3]), "
            "sandbox=sys.argv[4], secret=sys.argv[5])"
        )
        command = [bin_folder / "python", "-c", script, submissions, out, jobs, level, SECRET]
        cpu, started = machine_cpu(), time.perf_counter()
        subprocess.run([*map(str, command)], cwd=out.parent, check=True)
        return time.perf_counter() - started, machine_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="submissions in the class")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="parallel jobs")
    parser.add_argument("--against", help="also grade with the grader of this earlier commit")
    parser.add_argument("--hanging", action="store_true", help="add hanging submissions")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the in-process floor (memory runs)"
    )
    options = parser.parse_args()
    level = strongest_level()
    with tempfile.TemporaryDirectory(prefix="gdlab-bench-") as scratch:
        submissions, out = Path(scratch) / "class", Path(scratch) / "out"
        kinds = build_class(submissions, options.n, options.hanging)
        memory: list[tuple[int, float]] = [(0, resident_mib())]

        def note(outcome) -> None:
            memory.append((len(memory), resident_mib()))

        cpu, parent, started = machine_cpu(), own_cpu(), time.perf_counter()
        grade_class(
            submissions, out, jobs=options.jobs, sandbox=level, secret=SECRET, progress=note
        )
        elapsed, sandboxed_cpu = time.perf_counter() - started, machine_cpu() - cpu
        parent = own_cpu() - parent
        ours = totals_of(out)
        floor_cpu, floor_totals = (
            (float("nan"), {}) if options.no_floor else floor(submissions, hidden_seed(SECRET))
        )
        earlier = None
        if options.against:
            earlier_out = Path(scratch) / "earlier"
            earlier = grade_with_revision(
                options.against, submissions, earlier_out, options.jobs, level
            )
            theirs = totals_of(earlier_out)
    print(f"class: {options.n} submissions {kinds}, {options.jobs} jobs, sandbox {level!r}")
    print(
        f"this grader: {elapsed:.1f} s, {options.n / elapsed:.3f} submissions/s, "
        f"CPU {sandboxed_cpu / options.n:.2f} s per submission (the machine's), of which "
        f"{parent / options.n:.2f} s in the batch process"
    )
    print(
        f"floor (the same suites in-process, a fresh process each): CPU {floor_cpu:.2f} s per "
        f"submission; sandboxed grading costs {sandboxed_cpu / options.n / floor_cpu:.2f}x it"
    )
    agree = sum(floor_totals.get(name) == total for name, total in ours.items())
    print(f"in-process and sandboxed totals agree for {agree}/{len(ours)} submissions")
    marks = sorted({1, min(100, len(memory) - 1), len(memory) // 2, len(memory) - 1})
    print(
        "batch process memory: "
        + ", ".join(f"{memory[i][1]:.0f} MiB after {memory[i][0]}" for i in marks if i > 0)
    )
    if earlier is not None:
        seconds, cpu_then = earlier
        same = sum(theirs.get(name) == total for name, total in ours.items())
        print(
            f"grader of {options.against}: {seconds:.1f} s, {options.n / seconds:.3f} "
            f"submissions/s, CPU {cpu_then / options.n:.2f} s per submission; this grader is "
            f"{seconds / elapsed:.2f} times as fast, with the same total for {same}/{len(ours)}"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
