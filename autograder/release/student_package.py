"""The student package: a wheel of ``gdlab`` with the public checks only.

It installs the ``gdlab`` command with the student's commands (``check``,
``list``): the registry, the sandbox, the public suite and its checks as data
(:mod:`autograder.suites.public_checks`), intake, the terminal and notebook
reports. It is built from an allow-list, :data:`STUDENT_FILES`, so that
nothing new reaches students by accident: no grader module
(``autograder/course``), no hidden suite, no catalogue, no reference beyond
the contract's own ``f`` and ``grad``, no answer key, no course secret and no
instructor command (``grade``, ``release``, ``dev``, ``nbgrader``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from autograder.paths import PROJECT_ROOT

PACKAGE_DIR = PROJECT_ROOT / "autograder"
DISTRIBUTION = "gdlab-student"

#: The files of the ``autograder`` package that students get (globs, relative to it).
STUDENT_FILES = (
    "__init__.py",
    "__main__.py",
    "cli.py",
    "registry.py",
    "exercises.toml",
    "results.py",
    "scoring.py",
    "result_bounds.py",
    "paths.py",
    "loading.py",
    "contract/*.py",
    "sandbox/*.py",
    "suites/__init__.py",
    "suites/plugin.py",
    "suites/options.py",
    "suites/submissions.py",
    "suites/assertions.py",
    "suites/diagnosis.py",
    "suites/recording.py",
    "suites/records.py",
    "suites/plan.py",
    "suites/direct.py",
    "suites/public_checks.py",
    "suites/public_document.py",
    "suites/pytest.ini",
    "suites/public/test_public.py",
    "suites/public/data/*.json",
    "grading/__init__.py",
    "grading/atomic_write.py",
    "grading/check_sandbox.py",
    "grading/course_folder.py",
    "grading/drawing.py",
    "grading/entry_limits.py",
    "grading/entry_names.py",
    "grading/escaping.py",
    "grading/feedback.py",
    "grading/folders.py",
    "grading/intake.py",
    "grading/pytest_run.py",
    "grading/reports.py",
    "grading/sources.py",
    "grading/student_check.py",
    "grading/watch.py",
    "grading/zips.py",
    "notebooks/__init__.py",
    "notebooks/inline.py",
)
#: The contract's functions (exercise 4's parabola, exercise 5's double well), which the
#: sandbox evaluates when a check passes them by name: copied beside the sandbox's files.
OBJECTIVES = PROJECT_ROOT / "reference" / "objectives.py"
OBJECTIVES_COPY = "sandbox/objectives.py"


def student_files(root: Path = PACKAGE_DIR) -> list[Path]:
    """The package's files that the student package holds, relative to ``root``."""
    found: set[Path] = set()
    for pattern in STUDENT_FILES:
        matches = [path for path in root.glob(pattern) if path.is_file()]
        if not matches:
            raise FileNotFoundError(f"the student package needs autograder/{pattern}")
        found.update(path.relative_to(root) for path in matches)
    return sorted(found)


def _project_file(version: str) -> str:
    """The student package's ``pyproject.toml``."""
    return textwrap.dedent(
        f"""\
        [build-system]
        requires = ["setuptools>=70.1"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{DISTRIBUTION}"
        version = "{version}"
        description = "gdlab for students: check your gradient-descent exercises."
        requires-python = ">=3.10"
        dependencies = [
            "numpy>=2.0",
            "matplotlib>=3.8",
            "click>=8.1",
            "pytest>=8.0",
            "tomli>=1.1; python_version < '3.11'",
        ]

        [project.optional-dependencies]
        # Checking in a notebook: the result table and the picture shown inline.
        notebook = ["ipython>=8.0"]

        [project.scripts]
        gdlab = "autograder.cli:main"

        [tool.setuptools.packages.find]
        include = ["autograder*"]

        [tool.setuptools.package-data]
        "*" = ["*.toml", "*.ini", "public/*.py", "public/data/*.json"]
        """
    )


def stage(folder: Path, version: str) -> Path:
    """Lay out the student package's sources in ``folder`` (a new, empty folder)."""
    package = folder / "autograder"
    for relative in student_files():
        target = package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGE_DIR / relative, target)
    shutil.copyfile(OBJECTIVES, package / OBJECTIVES_COPY)
    (folder / "pyproject.toml").write_text(_project_file(version), encoding="utf-8")
    return folder


def build_wheel(out: Path, version: str) -> Path:
    """Build the student wheel into ``out``; returns its path.

    Raises
    ------
    RuntimeError
        When the build fails, with pip's last lines.
    """
    with tempfile.TemporaryDirectory(prefix="gdlab-student-package-") as scratch:
        source = stage(Path(scratch) / "source", version)
        return pip_wheel(source, out, "the student package")


def pip_wheel(source: Path, out: Path, what: str) -> Path:
    """Build the wheel of the project in ``source`` into ``out``; returns its path.

    The build runs pip with this environment's setuptools (no download):
    ``pip wheel --no-deps --no-build-isolation``.

    Raises
    ------
    RuntimeError
        When the build fails, with pip's last lines; ``what`` names the wheel.
    """
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gdlab-wheel-") as built:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "--quiet",
                "--wheel-dir",
                built,
                str(source),
            ],
            capture_output=True,
            text=True,
        )
        wheels = list(Path(built).glob("*.whl"))
        if run.returncode != 0 or len(wheels) != 1:
            tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-8:])
            raise RuntimeError(f"building {what} failed:\n{tail}")
        target = out / wheels[0].name
        shutil.copyfile(wheels[0], target)
    return target
