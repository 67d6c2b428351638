"""``gdlab release OUT``: the hand-out students get, as a folder and as a zip.

``OUT/handout/`` holds the statements, the stubs and the notebooks of
``exercises/``, the student package's wheel
(:mod:`autograder.release.student_package`) and a README that says how to
install it and check one's work; ``OUT/handout.zip`` holds the same files.
Nothing in it comes from ``solutions/``, ``reference/`` (beyond the
contract's own functions inside the wheel), the hidden suite, the catalogue
or a course secret.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path

from autograder.paths import EXERCISES_DIR
from autograder.registry import Exercise, load_registry
from autograder.release.student_package import build_wheel

HANDOUT = "handout"
#: A fixed date for every zip entry, so that the same course gives the same zip.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


class ReleaseError(RuntimeError):
    """The hand-out cannot be written (a missing file, an output folder in the way)."""


@dataclass(frozen=True)
class Release:
    """What :func:`release` wrote.

    Attributes
    ----------
    folder : Path
        The hand-out folder.
    archive : Path
        The same files as a zip.
    wheel : Path
        The student package, inside ``folder``.
    """

    folder: Path
    archive: Path
    wheel: Path


def exercise_files(exercise: Exercise, root: Path = EXERCISES_DIR) -> list[Path]:
    """The files of one exercise that students get: statement, stub and notebook.

    Raises
    ------
    ReleaseError
        When one is missing, or the notebook or the public checks are not what
        today's sources make (students would get stale checks).
    """
    from autograder.dev.public_data import public_text
    from autograder.notebooks.build import notebook_text
    from autograder.suites.public_checks import data_path

    folder = root / exercise.name
    wanted = [
        folder / "README.md",
        folder / exercise.filename,
        folder / exercise.notebook_filename,
    ]
    missing = [str(path) for path in wanted if not path.is_file()]
    if missing:
        raise ReleaseError(f"missing {', '.join(missing)}: run `gdlab dev build`")
    stale = [
        str(path)
        for path, text in (
            (wanted[2], lambda: notebook_text(exercise, root)),
            (data_path(exercise.name), lambda: public_text(exercise)),
        )
        if not path.is_file() or path.read_text(encoding="utf-8") != text()
    ]
    if stale:
        raise ReleaseError(f"{', '.join(stale)} stale: run `gdlab dev build`")
    return wanted


def student_readme(wheel: str, exercises: tuple[Exercise, ...]) -> str:
    """The hand-out's README: install, work, check."""
    rows = "\n".join(
        f"| {exercise.name} | {exercise.title} | `exercises/{exercise.name}/{exercise.filename}` "
        f"or `{exercise.notebook_filename}` |"
        for exercise in exercises
    )
    return f"""# Gradient descent: the exercises

| exercise | topic | your file |
|---|---|---|
{rows}

## Install

With Python 3.10 or newer, in this folder:

```sh
python3 -m venv .venv && .venv/bin/pip install "{wheel}[notebook]"
```

This installs the `gdlab` command (activate the environment with
`source .venv/bin/activate`, or call `.venv/bin/gdlab`). It holds the public
checks only: the numbers of the statements and a few worked examples.

## Work

Each `exercises/exerciseN/` holds the statement (`README.md`), the module to
complete (every `# TODO:` marks a function body) and the same exercise as a
notebook for JupyterLab. Work in either: when the module is left as handed
out, the notebook is what gets checked and graded.

## Check

From anywhere inside this folder:

```sh
gdlab check exercise3          # each public test, its points, and a hint on failure
gdlab check                    # progress over all exercises
```

In a notebook, the last cell checks the notebook in place. Grading adds
hidden tests on other inputs: passing the public checks is necessary, not
sufficient.
"""


def _zip(folder: Path, archive: Path) -> None:
    """Zip ``folder`` with fixed dates and sorted names: the same files give the same bytes."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                name = Path(folder.name, path.relative_to(folder)).as_posix()
                entry = zipfile.ZipInfo(name, ZIP_DATE)
                entry.external_attr = 0o644 << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(entry, path.read_bytes())


def release(out: Path, exercises_root: Path = EXERCISES_DIR) -> Release:
    """Write the hand-out into ``out`` (``out/handout/`` and ``out/handout.zip``).

    Parameters
    ----------
    out : Path
        The output folder; an earlier hand-out in it is replaced.
    exercises_root : Path, optional
        Where the statements, stubs and notebooks are (``exercises/``).

    Raises
    ------
    ReleaseError
        When a file is missing or the student package cannot be built.
    """
    exercises = load_registry()
    files = {exercise.name: exercise_files(exercise, exercises_root) for exercise in exercises}
    folder, archive = out / HANDOUT, out / f"{HANDOUT}.zip"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, paths in files.items():
        (folder / "exercises" / name).mkdir(parents=True)
        for path in paths:
            shutil.copyfile(path, folder / "exercises" / name / path.name)
    try:
        wheel = build_wheel(folder, installed_version("gdlab"))
    except RuntimeError as error:
        raise ReleaseError(str(error)) from None
    (folder / "README.md").write_text(student_readme(wheel.name, exercises), encoding="utf-8")
    _zip(folder, archive)
    return Release(folder, archive, wheel)
