"""``gdlab dev mutation``: mutation testing of the answer keys against the suites.

Each answer key is mutated one small change at a time (``<`` for ``<=``, ``+``
for ``-``, a number off by one, a loop that never runs, ...) and every mutant
is graded by its exercise's real public and hidden suites (the hidden cases of
seed 0, the suites' default, as in ``gdlab dev mistakes``). A mutant is
*killed* when it scores less than full marks, or when its grading crashes or
runs out of time; a mutant that keeps full marks *survives*: either it is
equivalent to the answer, or the suites miss a mistake a student could make.

The tool is cosmic-ray (the ``mutation`` extra). It writes each mutant into
the file on disk, runs an arbitrary ``test-command`` under a per-mutant
timeout and judges by the command's exit code, and its line filter keeps only
the mutations inside the ``# BEGIN SOLUTION`` / ``# END SOLUTION`` regions. That
fits, because the grader loads a submission by path from a folder laid out
like ``exercises/``. mutmut 3 does not: it rewrites the code into trampolines
switched on inside a pytest run of the package's own tests, which never see a
file the grader loads by path.

cosmic-ray mutates in place, so every exercise is run in its own temporary
copy of its answer key; the working tree is never touched. The test command is
this module run as a script (``python -m autograder.dev.mutation FOLDER
EXERCISE``). It grades in-process (``trusted``): the mutants are the project's
own code.

Over 300 lines on purpose: driving cosmic-ray (configuration, run, report)
is one job, and its parts only make sense together.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.dev.stubs import find_regions
from autograder.grading.pytest_run import SUITES, run_in_process
from autograder.paths import solution_path
from autograder.registry import Exercise, get_exercise

# One BLAS thread per grading run: the exercises are run side by side instead.
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# The outcomes counted per exercise, after the number of mutants.
_OUTCOMES = ("killed", "survived", "timeout", "error")


class MutationError(RuntimeError):
    """Mutation testing cannot start or did not finish."""


@dataclass(frozen=True)
class Mutant:
    """One mutation of an answer key and how the suites fared against it.

    Attributes
    ----------
    path : str
        The answer key, relative to the project (``solutions/exerciseN/<module>.py``).
    line : int
        1-based line of the mutation.
    operator : str
        cosmic-ray's name of the mutation operator.
    outcome : str
        ``"killed"``, ``"survived"``, ``"timeout"`` or ``"error"`` (the tool
        could not apply the mutation or run the grading).
    diff : tuple of str
        The removed and added lines of the mutation's diff.
    """

    path: str
    line: int
    operator: str
    outcome: str
    diff: tuple[str, ...]


@dataclass(frozen=True)
class ExerciseRun:
    """The mutants of one exercise's answer key.

    Attributes
    ----------
    exercise : str
    mutants : tuple of Mutant
        In file order.
    timeout : float
        The per-mutant time limit, in seconds.
    seconds : float
        Wall time of the whole run.
    """

    exercise: str
    mutants: tuple[Mutant, ...]
    timeout: float
    seconds: float

    def count(self, outcome: str) -> int:
        """How many mutants had ``outcome``."""
        return sum(mutant.outcome == outcome for mutant in self.mutants)

    @property
    def survivors(self) -> list[Mutant]:
        """The mutants that kept full marks."""
        return [mutant for mutant in self.mutants if mutant.outcome == "survived"]


def mutation_score(runs: Sequence[ExerciseRun]) -> float:
    """Share of the mutants that did not survive, in percent (100 when there are none)."""
    total = sum(len(run.mutants) for run in runs)
    survived = sum(run.count("survived") for run in runs)
    return 100.0 * (total - survived) / total if total else 100.0


def grade_folder(folder: Path, exercise: str, seed: int = 0) -> tuple[float, float]:
    """Grade one exercise of a folder laid out like ``exercises/`` with both suites.

    Returns
    -------
    score, max_score : float
    """
    results = run_in_process(folder, [exercise], SUITES, seed=seed, trusted=True)
    entry = results.exercises[exercise]
    return entry.score, entry.max_score


def solution_lines(exercise: Exercise, source: str) -> list[str]:
    """The line ranges (``"first-last"``, 1-based) strictly inside the solution regions."""
    return [f"{region.begin + 2}-{region.end}" for region in find_regions(source, exercise)]


def _test_command(folder: Path, exercise: str, seed: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "autograder.dev.mutation",
        str(folder),
        exercise,
        "--seed",
        str(seed),
    ]


def _config(key: str, ranges: list[str], command: list[str], timeout: float) -> str:
    """cosmic-ray's TOML configuration (JSON strings are valid TOML strings)."""
    return "\n".join(
        [
            "[cosmic-ray]",
            f"module-path = {json.dumps(key)}",
            f"timeout = {timeout:.1f}",
            "excluded-modules = []",
            f"test-command = {json.dumps(shlex.join(command))}",
            "",
            "[cosmic-ray.distributor]",
            'name = "local"',
            "",
            "[cosmic-ray.filters.line-filter]",
            f"lines = {{ {json.dumps(key)} = {json.dumps(ranges)} }}",
            "",
        ]
    )


def _environment() -> dict[str, str]:
    return {**os.environ, **SINGLE_THREADED, "MPLBACKEND": "Agg"}


def _tool(arguments: list[str], cwd: Path) -> str:
    """Run ``python -m MODULE ...`` of cosmic-ray in ``cwd``; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise MutationError(
            f"{' '.join(arguments[:2])} failed ({done.returncode}): {done.stderr.strip()[-2000:]}"
        )
    return done.stdout


def _mutant(item: dict, result: dict | None) -> Mutant | None:
    """One line of ``cosmic-ray dump``; None for a mutation the line filter skipped."""
    (mutation,) = item["mutations"]
    if result is not None and result["worker_outcome"] == "skipped":
        return None
    if result is None or result["worker_outcome"] != "normal":
        outcome = "error"
    elif result["test_outcome"] == "survived":
        outcome = "survived"
    elif result["test_outcome"] == "killed":
        outcome = "timeout" if result["output"] == "timeout" else "killed"
    else:
        outcome = "error"
    diff = (result or {}).get("diff") or ""
    changed = tuple(
        line
        for line in diff.splitlines()
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    )
    return Mutant(
        mutation["module_path"],
        mutation["start_pos"][0],
        mutation["operator_name"],
        outcome,
        changed,
    )


def mutate_exercise(exercise: Exercise, seed: int = 0) -> ExerciseRun:
    """Mutate one answer key in a temporary copy and grade every mutant.

    The unmutated key is graded first: it must score full marks, and the time
    it takes sets the per-mutant timeout (twice that time plus the exercise's
    time limit from the registry).

    Raises
    ------
    MutationError
        When cosmic-ray is missing, the answer key does not score full marks,
        or the tool fails.
    """
    if importlib.util.find_spec("cosmic_ray") is None:
        raise MutationError("cosmic-ray is not installed: pip install -e '.[mutation]'")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"gdlab-mutation-{exercise.name}-") as name:
        work = Path(name)
        key = f"solutions/{exercise.name}/{exercise.filename}"
        source = solution_path(exercise).read_text(encoding="utf-8")
        (work / key).parent.mkdir(parents=True)
        shutil.copyfile(solution_path(exercise), work / key)
        command = _test_command(work / "solutions", exercise.name, seed)
        baseline = time.monotonic()
        graded = subprocess.run(
            command, cwd=work, env=_environment(), capture_output=True, text=True, check=False
        )
        if graded.returncode != 0:
            raise MutationError(
                f"the answer key of {exercise.name} must score full marks before mutation: "
                f"{(graded.stdout + graded.stderr).strip()[-2000:]}"
            )
        timeout = 2 * (time.monotonic() - baseline) + exercise.time_limit
        config = work / "cosmic-ray.toml"
        config.write_text(_config(key, solution_lines(exercise, source), command, timeout))
        session = str(work / "session.sqlite")
        _tool(["cosmic_ray.cli", "init", str(config), session], work)
        _tool(["cosmic_ray.tools.filters.line_filter", session, "--config", str(config)], work)
        _tool(["cosmic_ray.cli", "exec", str(config), session], work)
        dump = _tool(["cosmic_ray.cli", "dump", session], work)
    mutants = [_mutant(*json.loads(line)) for line in dump.splitlines() if line.strip()]
    kept = sorted(
        (mutant for mutant in mutants if mutant is not None),
        key=lambda mutant: (mutant.line, mutant.operator),
    )
    return ExerciseRun(exercise.name, tuple(kept), timeout, time.monotonic() - started)


def mutate_exercises(
    names: Sequence[str],
    jobs: int = 2,
    seed: int = 0,
    done: Callable[[ExerciseRun], None] | None = None,
) -> list[ExerciseRun]:
    """Mutation-test several answer keys, ``jobs`` exercises at a time.

    The exercises with the most solution lines start first, so that the
    longest runs overlap. ``done`` is called as each exercise finishes.

    Returns
    -------
    list of ExerciseRun
        In the order of ``names``.
    """
    exercises = [get_exercise(name) for name in names]
    size = {
        exercise.name: len(solution_path(exercise).read_text(encoding="utf-8").splitlines())
        for exercise in exercises
    }

    def run(exercise: Exercise) -> ExerciseRun:
        outcome = mutate_exercise(exercise, seed)
        if done is not None:
            done(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        ordered = sorted(exercises, key=lambda exercise: -size[exercise.name])
        futures = {exercise.name: pool.submit(run, exercise) for exercise in ordered}
        return [futures[name].result() for name in names]


def summary(runs: Sequence[ExerciseRun]) -> list[str]:
    """The report: a table per exercise and in total, then every survivor with its diff."""
    header = ("exercise", "mutants", "killed", "survived", "timeouts", "errors", "score")
    rows = [
        (
            run.exercise,
            *(str(n) for n in (len(run.mutants), *map(run.count, _OUTCOMES))),
            f"{mutation_score([run]):.1f}%",
        )
        for run in runs
    ]
    totals = [sum(int(row[column]) for row in rows) for column in range(1, 6)]
    rows.append(("total", *map(str, totals), f"{mutation_score(runs):.1f}%"))
    lines = [f"{header[0]:<10}" + "".join(f"{cell:>10}" for cell in header[1:])]
    lines += [f"{row[0]:<10}" + "".join(f"{cell:>10}" for cell in row[1:]) for row in rows]
    survivors = [mutant for run in runs for mutant in run.survivors]
    lines.append("")
    lines.append(f"{len(survivors)} surviving mutant(s)" + (":" if survivors else "."))
    for mutant in survivors:
        lines.append(f"{mutant.path}:{mutant.line}  {mutant.operator.removeprefix('core/')}")
        lines += [f"    {change}" for change in mutant.diff]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """The test command: 0 when EXERCISE of FOLDER scores full marks, 1 otherwise."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("folder", type=Path, help="a folder laid out like exercises/")
    parser.add_argument("exercise")
    parser.add_argument("--seed", type=int, default=0, help="seed of the hidden cases")
    arguments = parser.parse_args(argv)
    score, max_score = grade_folder(arguments.folder, arguments.exercise, arguments.seed)
    print(f"{arguments.exercise}: {score:g}/{max_score:g}")
    return 0 if score >= max_score - 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
