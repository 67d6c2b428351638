"""The hand-out: built by ``gdlab release``, installed in a fresh environment, no answer in it.

The student package is installed from the hand-out's zip into a new virtual
environment, and every student command runs from a copy of the hand-out
outside the repository, with nothing of the repository on any path.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.contract.figures import expected_from_spec
from autograder.dev.stubs import find_regions
from autograder.paths import PROJECT_ROOT, solution_path, stub_path
from autograder.registry import load_registry

EXERCISES = load_registry()
SAMPLE_CLASS = PROJECT_ROOT / "examples" / "sample-class"
#: Lines any NumPy code holds, answers or not: imports and float64 conversions.
GENERIC = re.compile(
    r"^(import |from \S+ import |(return |\w+ = )np\.asarray\(\w+, dtype=np\.float64\)$)"
)


def _body_lines(path: Path) -> set[str]:
    """The code lines of every function body of a module, docstrings left out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            for statement in body:
                for line in lines[statement.lineno - 1 : statement.end_lineno]:
                    code = line.strip()
                    if len(code) > 24 and not code.startswith(("#", '"', "'")):
                        found.add(code)
    return found


def _answer_lines() -> dict[str, set[str]]:
    """What must never reach students: answers, the reference, the grader modules' code."""
    answers = set()
    for exercise in EXERCISES:
        key = solution_path(exercise).read_text(encoding="utf-8")
        lines = key.splitlines()
        for region in find_regions(key, exercise):
            answers |= {
                line.strip()
                for line in lines[region.begin + 1 : region.end]
                if len(line.strip()) > 12 and not line.strip().startswith("#")
            }
    shared = _body_lines(PROJECT_ROOT / "reference" / "objectives.py")
    reference = set().union(
        *(_body_lines(path) for path in (PROJECT_ROOT / "reference").glob("*.py"))
    )
    course = set().union(
        *(
            _body_lines(path)
            for path in (PROJECT_ROOT / "autograder" / "course").glob("exercise*.py")
        )
    )
    # What students are given anyway: the stubs' fixed parts and TODO texts, the statements,
    # the registry's hints (an update rule spelled out in a TODO is not an answer leaked).
    given = "\n".join(
        path.read_text(encoding="utf-8")
        for exercise in EXERCISES
        for path in (stub_path(exercise), stub_path(exercise).with_name("README.md"))
    ) + (PROJECT_ROOT / "autograder" / "exercises.toml").read_text(encoding="utf-8")
    return {
        what: {line for line in lines if line not in given and not GENERIC.match(line)}
        for what, lines in (
            ("an answer key", answers),
            ("the reference", reference - shared),
            ("a grader module", course),
        )
    }


def _run(command: list[str], cwd: Path, env: dict | None = None, timeout: float = 300):
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """``gdlab release OUT``, run as an instructor would."""
    out = tmp_path_factory.mktemp("release")
    made = _run([sys.executable, "-m", "autograder", "release", str(out)], PROJECT_ROOT)
    assert made.returncode == 0, made.stdout + made.stderr
    return out


@pytest.fixture(scope="module")
def student(release, tmp_path_factory) -> dict:
    """A student's machine: the hand-out unzipped, its wheel installed in a fresh venv."""
    home = tmp_path_factory.mktemp("student")
    with zipfile.ZipFile(release / "handout.zip") as bundle:
        bundle.extractall(home)
    folder = home / "handout"
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    wheel = next(folder.glob("*.whl"))
    env = {
        "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", str(home)),
        "LANG": "C.UTF-8",
    }
    installed = _run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], home, env, 600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return {"folder": folder, "venv": venv, "env": env}


def _gdlab(student: dict, *arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    return _run([str(student["venv"] / "bin" / "gdlab"), *arguments], cwd, student["env"])


def test_the_wheel_holds_the_public_checks_only(release):
    wheel = next((release / "handout").glob("*.whl"))
    with zipfile.ZipFile(wheel) as package:
        names = package.namelist()
        texts = {name: package.read(name).decode("utf-8", "replace") for name in names}
    assert "autograder/suites/public/test_public.py" in names
    assert {f"autograder/suites/public/data/{e.name}.json" for e in EXERCISES} <= set(names)
    for name in names:
        assert not name.startswith(("reference/", "solutions/", "autograder/course/")), name
        assert not name.startswith(("autograder/dev/", "autograder/release/")), name
        assert not name.startswith("autograder/nbgrader/"), name
        assert "hidden" not in name and "secret" not in name and "variants" not in name, name
        assert name != "autograder/instructor.py"  # grade, release, dev
    forbidden = _answer_lines()
    for name, text in texts.items():
        for what, lines in forbidden.items():
            leaked = [line for line in lines if line in text]
            assert not leaked, f"{name} holds a line of {what}: {leaked[:3]}"


def test_the_handout_zip_holds_statements_stubs_and_notebooks_only(release):
    with zipfile.ZipFile(release / "handout.zip") as bundle:
        names = set(bundle.namelist())
        for exercise in EXERCISES:
            stub = f"handout/exercises/{exercise.name}/{exercise.filename}"
            assert bundle.read(stub) == stub_path(exercise).read_bytes()
            assert f"handout/exercises/{exercise.name}/{exercise.module}.ipynb" in names
            assert f"handout/exercises/{exercise.name}/README.md" in names
        texts = {name: bundle.read(name) for name in names if not name.endswith(".whl")}
    assert len([name for name in names if name.endswith(".whl")]) == 1
    assert all(name.startswith("handout/") for name in names)
    for name, data in texts.items():
        text = data.decode("utf-8")
        for what, lines in _answer_lines().items():
            leaked = [line for line in lines if line in text]
            assert not leaked, f"{name} holds a line of {what}: {leaked[:3]}"


def test_students_have_no_reference_and_no_grade(student):
    folder, python = student["folder"], str(student["venv"] / "bin" / "python")
    imported = _run([python, "-c", "import reference"], folder, student["env"])
    assert imported.returncode == 1 and "No module named 'reference'" in imported.stderr
    commands = _gdlab(student, "--help", cwd=folder)
    assert commands.returncode == 0
    section = commands.stdout.split("Commands:")[1]
    names = {line.split()[0] for line in section.splitlines() if line.strip()}
    assert {"check", "list", "watch"} <= names
    assert not {"grade", "release", "dev", "nbgrader"} & names
    assert "No such command" in _gdlab(student, "grade", ".", cwd=folder).stderr


def test_check_in_the_handout_says_not_started_then_full_marks(student, tmp_path):
    copy = tmp_path / "handout"
    shutil.copytree(student["folder"], copy)
    exercise = EXERCISES[2]
    folder = copy / "exercises" / exercise.name  # where the notebook's kernel runs
    stub = _gdlab(student, "check", exercise.name, cwd=folder)
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert stub.stdout.count("not started") == len(exercise.tasks), stub.stdout
    shutil.copy(solution_path(exercise), folder / exercise.filename)
    key = _gdlab(student, "check", exercise.name, cwd=folder)
    assert key.returncode == 0, key.stdout + key.stderr
    public = sum(task.public_points for task in exercise.tasks)
    assert f"{public:g}/{public:g} public points" in key.stdout
    progress = _gdlab(student, "check", cwd=copy)
    assert progress.returncode == 1 and f"{exercise.name}  passed" in progress.stdout


def test_watch_runs_from_the_student_package(student):
    """Everything ``gdlab watch`` needs is in the wheel: it reports, then stops on Ctrl-C."""
    watch = subprocess.Popen(
        [str(student["venv"] / "bin" / "gdlab"), "watch"],
        cwd=student["folder"],
        env={**student["env"], "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    report = []
    for line in watch.stdout:  # the first report ends with this line
        report.append(line)
        if line.startswith("Save an exercise's file"):
            break
    watch.send_signal(signal.SIGINT)
    rest, errors = watch.communicate(timeout=60)
    assert watch.returncode == 0, "".join(report) + rest + errors
    assert any("0/6 exercises pass" in line for line in report), report
    assert "Stopped watching." in rest and "Traceback" not in errors


def test_the_statements_state_the_figures_check_expects(release):
    wheel = next((release / "handout").glob("*.whl"))
    with zipfile.ZipFile(wheel) as package, zipfile.ZipFile(release / "handout.zip") as bundle:
        for exercise in EXERCISES:
            data = json.loads(package.read(f"autograder/suites/public/data/{exercise.name}.json"))
            statement = bundle.read(f"handout/exercises/{exercise.name}/README.md").decode()
            assert data["figures"]
            for figure in data["figures"]:
                description = expected_from_spec(figure["expected"]).description
                assert f"- `{figure['claim']}`: {description}\n" in statement, figure["claim"]


def _public_tests(result: dict) -> set[tuple]:
    return {
        (exercise, test["name"], test["status"], test["score"])
        for exercise, entry in result["exercises"].items()
        for test in entry["tests"]
        if test["suite"] == "public"
    }


@pytest.mark.parametrize("submission", ["ada-excellent", "ben-notebooks", "dan-partial"])
def test_check_and_grade_agree_on_every_public_test(student, submission, tmp_path):
    classroom = tmp_path / "class"
    shutil.copytree(SAMPLE_CLASS / submission, classroom / submission)
    graded = _run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            str(classroom),
            "--out",
            str(tmp_path / "out"),
            "--secret",
            "handout-test",
        ],
        PROJECT_ROOT,
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    result = json.loads((tmp_path / "out" / "results" / f"{submission}.json").read_text())
    checked = _gdlab(
        student, "check", "--json", "--path", str(classroom / submission), cwd=tmp_path
    )
    assert checked.stdout, checked.stderr
    assert _public_tests(json.loads(checked.stdout)) == _public_tests(result)


def test_student_code_cannot_import_the_installed_gdlab(student, tmp_path):
    """The student package is installed beside NumPy (not editable), yet student code in the
    sandbox sees only NumPy, matplotlib and what they need: check and grade offer it the same
    imports."""
    exercise = EXERCISES[0]
    folder = tmp_path / "work" / exercise.name
    folder.mkdir(parents=True)
    peeking = "from autograder.suites.public_checks import public_course\n"
    key = solution_path(exercise).read_text(encoding="utf-8")
    (folder / exercise.filename).write_text(peeking + key, encoding="utf-8")
    python = str(student["venv"] / "bin" / "python")
    assert _run([python, "-c", "import autograder"], tmp_path, student["env"]).returncode == 0
    checked = _gdlab(student, "check", exercise.name, cwd=folder)
    assert checked.returncode == 1
    assert "No module named 'autograder'" in checked.stdout, checked.stdout
