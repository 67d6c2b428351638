"""`gdlab dev new` scaffolds an exercise that the dev check holds back until it is written.

The end-to-end test works in a private copy of the project: it scaffolds
exercise 7, sees the dev check fail on what is not written yet, writes the
answer key and the reference, and grades a class on the new exercise. The
project itself is never written to. The other tests call
:func:`~autograder.dev.scaffold.scaffold_exercise` on a bare temporary root.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from autograder.course import Grading
from autograder.dev.course_check import check_agreement
from autograder.dev.scaffold import ScaffoldError, module_slug, scaffold_exercise
from autograder.dev.stubs import find_regions
from autograder.paths import EXERCISES_DIR, PROJECT_ROOT, SOLUTIONS_DIR
from autograder.registry import REGISTRY_FILE, Exercise, load_registry, parse_registry

IGNORED = shutil.ignore_patterns(
    ".venv",
    ".git",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    "tests",
    "benchmarks",
    "examples",
)
NEW = ["exercise7", "Doubling numbers", "--module", "doubling", "--task", "double"]
ANSWER = "return 2 * np.asarray(x, dtype=np.float64)"
# What scaffolding exercise 7 would write in the project, were it run there.
PROJECT_FILES = (
    PROJECT_ROOT / "solutions" / "exercise7",
    PROJECT_ROOT / "exercises" / "exercise7",
    PROJECT_ROOT / "reference" / "doubling.py",
    PROJECT_ROOT / "autograder" / "course" / "exercise7.py",
)


# -- scaffold_exercise on a bare root ------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A root with the course's registry and a reference package, nothing else."""
    (tmp_path / "autograder").mkdir()
    shutil.copy(REGISTRY_FILE, tmp_path / "autograder" / "exercises.toml")
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "objectives.py").write_text("")
    return tmp_path


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def assert_statement_passes_the_registry_checks(statement: str, exercise: Exercise) -> None:
    """What tests/test_registry.py asks of every statement, for one exercise."""
    advice = Grading(exercise.name, (), lambda rng: ()).advice_statement()
    assert f"Total: {exercise.max_points} points." in statement
    rows = dict(re.findall(r"^\| `(\w+)\(.*?\)` \| (\d+) \|", statement, re.MULTILINE))
    assert rows == {task.function: str(task.points) for task in exercise.tasks}
    assert f"Grading allows {exercise.time_limit:g} seconds" in statement
    assert f"{exercise.tolerance_statement()}\n\n{advice}" in statement
    assert statement.index("### Graded rules") < statement.index("### Recommendations (0 points)")
    assert "Validation rules" not in statement


def test_scaffolding_writes_every_file_and_only_appends_to_the_registry(root):
    before = (root / "autograder" / "exercises.toml").read_bytes()
    written = scaffold_exercise("exercise7", "Doubling numbers", "doubling", "double", root)

    assert [path.relative_to(root).as_posix() for path in written] == [
        "autograder/exercises.toml",
        "solutions/exercise7/doubling.py",
        "reference/doubling.py",
        "autograder/course/exercise7.py",
        "exercises/exercise7/README.md",
        "exercises/exercise7/doubling.py",
    ]
    after = written[0].read_bytes()
    assert after.startswith(before)
    exercises = parse_registry(after.decode())
    assert [e.name for e in exercises[:-1]] == [e.name for e in parse_registry(before.decode())]
    exercise = exercises[-1]
    assert (exercise.name, exercise.title, exercise.module) == (
        "exercise7",
        "Doubling numbers",
        "doubling",
    )
    assert exercise.time_limit == 10 and exercise.hints == ()
    (task,) = exercise.tasks
    assert (task.function, task.points, task.public_points) == ("double", 2, 1)
    assert task.tolerance.name == "closed-form"
    assert task.todo == "write double as the statement says."

    key = (root / "solutions" / "exercise7" / "doubling.py").read_text()
    assert "Check your work with ``gdlab check exercise7``." in key
    assert "import numpy as np" in key
    assert [region.function for region in find_regions(key, exercise)] == ["double"]
    assert 'raise NotImplementedError("write the answer key of double")' in key
    reference = (root / "reference" / "doubling.py").read_text()
    assert '__all__ = ["double"]' in reference
    assert 'raise NotImplementedError("write the reference implementation of double")' in (
        reference
    )
    grader = (root / "autograder" / "course" / "exercise7.py").read_text()
    sections = re.findall(r"^# -- (\w+) -+$", grader, re.MULTILINE)
    assert sections == ["figures", "cases", "properties", "advice", "mistakes", "picture"]
    stub = (root / "exercises" / "exercise7" / "doubling.py").read_text()
    assert "# TODO: write double as the statement says.\n    raise NotImplementedError\n" in stub
    statement = (root / "exercises" / "exercise7" / "README.md").read_text()
    assert_statement_passes_the_registry_checks(statement, exercise)
    assert "TODO(instructor)" in statement


def test_a_registry_without_a_final_newline_gets_one_before_the_entry(root):
    registry = root / "autograder" / "exercises.toml"
    registry.write_text(registry.read_text().rstrip("\n"))
    scaffold_exercise("exercise7", "Doubling numbers", "doubling", "double", root)
    assert parse_registry(registry.read_text())[-1].name == "exercise7"


@pytest.mark.parametrize(
    ("name", "title", "module", "task", "message"),
    [
        ("exercise", "T", "doubling", "double", "not an exercise name"),
        ("exercise07", "T", "doubling", "double", "not an exercise name"),
        ("ex7", "T", "doubling", "double", "not an exercise name"),
        ("exercise7", " ", "doubling", "double", "one non-empty line"),
        ("exercise7", "Two\nlines", "doubling", "double", "one non-empty line"),
        ("exercise7", "x" * 73, "doubling", "double", "longer than 72"),
        ("exercise7", 'A """quoted""" title', "doubling", "double", "backslash or"),
        ("exercise7", "T", "not a name", "double", "module 'not a name' is not a Python"),
        ("exercise7", "T", "class", "double", "module 'class' is not a Python"),
        ("exercise7", "T", "doubling", "2x", "task '2x' is not a Python identifier"),
        ("exercise7", "T", "doubling", "np", "would hide NumPy"),
        ("exercise7", "T", "random", "double", "would shadow"),
        ("exercise7", "T", "numpy", "double", "would shadow"),
        ("exercise1", "T", "doubling", "double", "exercise1 is already in the registry"),
        ("exercise7", "T", "mse", "double", "module 'mse' is exercise1's"),
        ("exercise7", "T", "objectives", "double", "reference/ already has a module"),
    ],
)
def test_a_bad_or_taken_name_is_refused_and_nothing_is_written(
    root, name, title, module, task, message
):
    before = _files(root)
    with pytest.raises(ScaffoldError, match=re.escape(message)):
        scaffold_exercise(name, title, module, task, root)
    assert _files(root) == before


def test_an_existing_target_file_is_never_overwritten(root):
    statement = root / "exercises" / "exercise7" / "README.md"
    statement.parent.mkdir(parents=True)
    statement.write_text("the instructor's draft")
    before = _files(root)
    with pytest.raises(ScaffoldError, match="README.md exists"):
        scaffold_exercise("exercise7", "Doubling numbers", "doubling", "double", root)
    assert _files(root) == before


def test_the_default_module_is_the_title_in_snake_case():
    assert module_slug("Doubling numbers") == "doubling_numbers"
    assert module_slug("Régression, à la main!") == "regression_a_la_main"
    with pytest.raises(ScaffoldError, match="pass --module"):
        module_slug("2024")


def test_the_agreement_step_names_a_task_one_side_does_not_implement(tmp_path):
    """A key that raises NotImplementedError is reported as such, not case by case."""
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS_DIR, solutions)
    key = solutions / "exercise1" / "mse.py"
    key.write_text(
        key.read_text().replace(
            "return float(np.sum(squared_errors(y_true, y_pred)))", "raise NotImplementedError"
        )
    )
    (exercise1,) = [exercise for exercise in load_registry() if exercise.name == "exercise1"]
    step = check_agreement((exercise1,), solutions, EXERCISES_DIR)
    assert step.problems == ("exercise1: the answer key does not implement sse yet",)
    assert "not implemented" in step.advice


# -- gdlab dev new, end to end in a copy of the project ------------------------


def _run(copy: Path, *arguments: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    """``python -m ARGUMENTS`` in the copy, whose packages come before the installed ones."""
    environment = {**os.environ, "PYTHONPATH": str(copy)}
    return subprocess.run(
        [python, "-m", *arguments],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy_interpreter(copy: Path, where: Path) -> str:
    """A Python that imports gdlab from ``copy`` and everything else from this environment.

    ``gdlab grade`` runs its suites in a Python started with a clean
    environment (no ``PYTHONPATH``), which would import the project through
    its editable install; this bare virtual environment has no install of
    gdlab, only a path file naming the copy and this environment's packages.
    """
    venv.EnvBuilder(symlinks=True, with_pip=False).create(where)
    (site,) = (where / "lib").glob("python*/site-packages")
    packages = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "gdlab-copy.pth").write_text("\n".join([str(copy), *packages]) + "\n")
    return str(where / "bin" / "python")


def _fill_in(copy: Path) -> None:
    """Write the answer key's region and the reference's body, and one figure."""
    key = copy / "solutions" / "exercise7" / "doubling.py"
    text = key.read_text()
    start = text.index("    # BEGIN SOLUTION\n") + len("    # BEGIN SOLUTION\n")
    key.write_text(text[:start] + f"    {ANSWER}\n" + text[text.index("    # END SOLUTION") :])
    reference = copy / "reference" / "doubling.py"
    reference.write_text(
        reference.read_text().replace(
            'raise NotImplementedError("write the reference implementation of double")', ANSWER
        )
    )
    grader = copy / "autograder" / "course" / "exercise7.py"
    grader.write_text(
        grader.read_text()
        .replace(
            "from autograder.contract.figures import Figure\n",
            "from autograder.contract.calls import call\n"
            "from autograder.contract.figures import Figure, approx\n",
        )
        .replace(
            "FIGURES: tuple[Figure, ...] = ()",
            "FIGURES = (\n"
            '    Figure("double", "double([1, 2.5])", call("double", [1, 2.5]),'
            ' approx("2.0", "5.0")),\n'
            ")",
        )
    )


def _exercise7(out: Path, student: str) -> dict:
    return json.loads((out / "results" / f"{student}.json").read_text())["exercises"]["exercise7"]


def test_a_scaffolded_exercise_fails_the_dev_check_until_written_then_grades(tmp_path):
    registry_before = REGISTRY_FILE.read_bytes()
    assert not any(path.exists() for path in PROJECT_FILES), "exercise 7 exists in the project"
    copy = tmp_path / "gdlab"
    shutil.copytree(PROJECT_ROOT, copy, ignore=IGNORED)

    # Scaffold, in the copy and only there.
    new = _run(copy, "autograder", "dev", "new", *NEW)
    assert new.returncode == 0, new.stdout + new.stderr
    written = [Path(line.removeprefix("wrote ")) for line in new.stdout.splitlines()[:6]]
    assert all(path.is_file() and path.is_relative_to(copy) for path in written), new.stdout
    assert "gdlab dev build" in new.stdout and "gdlab dev check" in new.stdout
    assert "solutions/exercise7/doubling.py" in new.stdout
    assert REGISTRY_FILE.read_bytes() == registry_before
    assert not any(path.exists() for path in PROJECT_FILES)
    ruff = Path(sys.executable).with_name("ruff")
    if ruff.is_file():  # the scaffold is lint-clean and formatted as it stands
        python = [str(path) for path in written if path.suffix == ".py"]
        for command in ([str(ruff), "check", *python], [str(ruff), "format", "--check", *python]):
            linted = subprocess.run(command, cwd=copy, capture_output=True, text=True)
            assert linted.returncode == 0, linted.stdout + linted.stderr

    # A second scaffold of the same exercise is refused, without a traceback.
    again = _run(copy, "autograder", "dev", "new", *NEW)
    assert again.returncode == 1
    assert "exercise7 is already in the registry" in again.stderr
    assert "Traceback" not in again.stderr

    # The statement passes the registry's checks of every statement (tests/test_registry.py).
    (copy / "tests").mkdir()
    for name in ("conftest.py", "test_registry.py"):
        shutil.copy(PROJECT_ROOT / "tests" / name, copy / "tests" / name)
    statements = _run(
        copy, "pytest", "-q", "-p", "no:cacheprovider", "tests/test_registry.py", "-k", "statement"
    )
    assert statements.returncode == 0, statements.stdout + statements.stderr

    # The dev check fails, naming what is not written yet.
    check = _run(copy, "autograder", "dev", "check")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "registry: 7 exercises" in check.stdout
    assert "exercise7: the answer key does not implement double yet" in check.stdout
    assert "exercise7: the reference does not implement double yet" in check.stdout
    failed = [line for line in check.stdout.splitlines() if line.startswith("FAIL")]
    assert failed == [
        # The registry and the stubs changed: the public checks and notebooks must be built.
        "FAIL public checks are up to date",
        "FAIL notebooks are up to date",
        "FAIL answer keys agree with the reference on random inputs",
    ], check.stdout
    assert "exercise7: no public checks at" in check.stdout
    assert "exercise7: no notebook at" in check.stdout

    # Written and rebuilt, the course is consistent again.
    _fill_in(copy)
    build = _run(copy, "autograder", "dev", "build")
    assert build.returncode == 0, build.stdout + build.stderr
    check = _run(copy, "autograder", "dev", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "All checks passed" in check.stdout

    # Graded: the answer key earns full marks, the stub nothing.
    classroom, out = tmp_path / "class", tmp_path / "out"
    for student, source in (("ada", "solutions"), ("bob", "exercises")):
        (classroom / student / "exercise7").mkdir(parents=True)
        shutil.copy(
            copy / source / "exercise7" / "doubling.py",
            classroom / student / "exercise7" / "doubling.py",
        )
    python = _copy_interpreter(copy, tmp_path / "venv")
    grade = _run(
        copy,
        "autograder",
        "grade",
        str(classroom),
        "--out",
        str(out),
        "--secret",
        "s",
        python=python,
    )
    assert grade.returncode == 0, grade.stdout + grade.stderr
    ada, bob = _exercise7(out, "ada"), _exercise7(out, "bob")
    assert ada["score"] == ada["max_score"] == 2.0, ada
    assert {test["suite"] for test in ada["tests"]} == {"public", "hidden"}
    assert bob["score"] == 0.0 and bob["max_score"] == 2.0, bob

    # With no --module or --task, the module is the title in snake_case and the task "solve".
    default = _run(copy, "autograder", "dev", "new", "exercise8", "Régression, à la main")
    assert default.returncode == 0, default.stdout + default.stderr
    key = copy / "solutions" / "exercise8" / "regression_a_la_main.py"
    assert "def solve(x):" in key.read_text()

    assert REGISTRY_FILE.read_bytes() == registry_before
    assert not any(path.exists() for path in PROJECT_FILES)
