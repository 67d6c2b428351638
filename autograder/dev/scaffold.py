"""Scaffold a new exercise: every file the course needs, ready to fill in.

``gdlab dev new exercise7 "Doubling numbers"`` appends a registry entry with
one task and writes the answer key, the reference module, the grader module,
the statement and the stub. What only the instructor can write (the answer,
the reference, the figures and cases, the statement's prose) is marked
``TODO(instructor)``; until the answer key and the reference implement the
task, ``gdlab dev check`` fails and says so.

Nothing is written unless every check passes: the name is ``exercise<N>``
and new, the module and task are identifiers, the module is no other
exercise's or reference module's, and no target file exists. The registry
keeps its text byte for byte; the entry is appended. What the files say is
:mod:`autograder.dev.scaffold_texts`'s (and its templates').
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from autograder.dev.scaffold_texts import (
    TODO,
    answer_key_text,
    grader_text,
    reference_text,
    registry_entry,
    statement_text,
)
from autograder.dev.stubs import write_stub
from autograder.paths import PROJECT_ROOT
from autograder.registry import Exercise, RegistryError, parse_registry

MAX_TITLE = 72
MAX_NAME = 40
#: Top-level names a student module must not shadow in the grader's worker.
SHADOWED = frozenset(sys.stdlib_module_names) | {
    "autograder",
    "matplotlib",
    "numpy",
    "pytest",
    "reference",
    "solutions",
}


class ScaffoldError(ValueError):
    """The exercise cannot be scaffolded as asked; nothing has been written."""


@dataclass(frozen=True)
class Layout:
    """Where the files of one exercise go under a project root.

    Attributes
    ----------
    registry : Path
        ``autograder/exercises.toml``.
    answer_key, reference, grader, statement, stub : Path
        The files that :func:`scaffold_exercise` writes.
    """

    registry: Path
    answer_key: Path
    reference: Path
    grader: Path
    statement: Path
    stub: Path

    @classmethod
    def of(cls, root: Path, name: str, module: str) -> Layout:
        """The layout of exercise ``name`` with student module ``module`` under ``root``."""
        return cls(
            registry=root / "autograder" / "exercises.toml",
            answer_key=root / "solutions" / name / f"{module}.py",
            reference=root / "reference" / f"{module}.py",
            grader=root / "autograder" / "course" / f"{name}.py",
            statement=root / "exercises" / name / "README.md",
            stub=root / "exercises" / name / f"{module}.py",
        )

    @property
    def new_files(self) -> tuple[Path, ...]:
        """The files that must not exist yet."""
        return (self.answer_key, self.reference, self.grader, self.statement, self.stub)


def module_slug(title: str) -> str:
    """A snake_case module name made of ``title``, e.g. ``"doubling_numbers"``.

    Parameters
    ----------
    title : str
        The exercise's title.

    Returns
    -------
    str

    Raises
    ------
    ScaffoldError
        When the title has no letter to start a name with.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^0-9a-z]+", "_", ascii_title.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        raise ScaffoldError(f"cannot make a module name of the title {title!r}: pass --module")
    return slug


def _is_name(text: str) -> bool:
    return text.isidentifier() and not keyword.iskeyword(text)


def _check_names(name: str, title: str, module: str, task: str) -> None:
    """Refuse a malformed name, title, module or task (before reading any file)."""
    if not re.fullmatch(r"exercise[1-9][0-9]*", name):
        raise ScaffoldError(f"{name!r} is not an exercise name: use 'exercise' and a number")
    if not title.strip() or any(unicodedata.category(c) == "Cc" for c in title):
        raise ScaffoldError("the title must be one non-empty line")
    if len(title) > MAX_TITLE:
        raise ScaffoldError(f"the title is longer than {MAX_TITLE} characters: shorten it")
    if "\\" in title or '"""' in title:
        raise ScaffoldError('the title must not contain a backslash or """')
    for what, value in (("module", module), ("task", task)):
        if not value.isascii() or not _is_name(value):
            raise ScaffoldError(f"the {what} {value!r} is not a Python identifier")
        if len(value) > MAX_NAME:
            raise ScaffoldError(f"the {what} {value!r} is longer than {MAX_NAME} characters")
    if module in SHADOWED or module.startswith("_"):
        raise ScaffoldError(
            f"the module {module!r} would shadow a module of Python, NumPy or gdlab "
            "(or is private): choose another --module"
        )
    if task == "np":
        raise ScaffoldError("the task 'np' would hide NumPy in its module: choose another --task")


def _check_free(layout: Layout, known: tuple[Exercise, ...], name: str, module: str) -> None:
    """Refuse a name or module already taken, or a target file that exists."""
    if any(exercise.name == name for exercise in known):
        raise ScaffoldError(f"{name} is already in the registry {layout.registry}")
    for exercise in known:
        if exercise.module == module:
            raise ScaffoldError(
                f"the module {module!r} is {exercise.name}'s: choose another --module"
            )
    reference = layout.reference.parent
    if (reference / f"{module}.py").exists() or (reference / module).is_dir():
        raise ScaffoldError(f"reference/ already has a module {module!r}: choose another --module")
    for path in layout.new_files:
        if path.exists():
            raise ScaffoldError(f"{path} exists: scaffolding would overwrite it")


def _python(text: str, path: Path) -> str:
    """``text`` unchanged, once it is known to compile."""
    try:
        compile(text, str(path), "exec")
    except SyntaxError as error:  # the checks above should make this impossible
        raise ScaffoldError(f"the skeleton of {path} does not compile: {error}") from None
    return text


def scaffold_exercise(
    name: str, title: str, module: str, task: str, root: Path = PROJECT_ROOT
) -> list[Path]:
    """Add exercise ``name`` to the course under ``root``, ready to fill in.

    Parameters
    ----------
    name : str
        ``"exercise<N>"``, not yet in the registry.
    title : str
        One line, shown to students.
    module : str
        The student's module name; its reference module has the same name.
    task : str
        The function of the exercise's one task, ``task(x)``.
    root : Path, optional
        The project's root; this checkout by default.

    Returns
    -------
    list of Path
        The files written: the registry (appended to), the answer key, the
        reference, the grader module, the statement and the stub.

    Raises
    ------
    ScaffoldError
        When a name is malformed or taken or a target file exists; then
        nothing has been written.
    """
    _check_names(name, title, module, task)
    layout = Layout.of(root, name, module)
    try:
        registry = layout.registry.read_text(encoding="utf-8")
        known = parse_registry(registry)
    except (OSError, RegistryError) as error:
        raise ScaffoldError(f"cannot read the registry {layout.registry}: {error}") from None
    _check_free(layout, known, name, module)
    separator = "" if registry.endswith("\n") or not registry else "\n"
    appended = separator + registry_entry(name, title, module, task)
    try:
        exercise = parse_registry(registry + appended)[-1]
    except RegistryError as error:  # the checks above should make this impossible
        raise ScaffoldError(f"the new registry entry is refused: {error}") from None
    files = {
        layout.answer_key: _python(answer_key_text(exercise), layout.answer_key),
        layout.reference: _python(reference_text(exercise), layout.reference),
        layout.grader: _python(grader_text(exercise), layout.grader),
        layout.statement: statement_text(exercise),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    with layout.registry.open("a", encoding="utf-8") as handle:
        handle.write(appended)
    stub = write_stub(exercise, solutions=root / "solutions", exercises=root / "exercises")
    _forget_cached_course()
    return [layout.registry, *files, stub]


def _forget_cached_course() -> None:
    """Drop the cached registry and grader modules, which no longer describe the course."""
    from autograder.course import grading_of
    from autograder.registry import load_registry

    load_registry.cache_clear()
    grading_of.cache_clear()


def next_steps(name: str, module: str, task: str) -> list[str]:
    """What the instructor does after :func:`scaffold_exercise`, as lines to print.

    Parameters
    ----------
    name, module, task : str
        As given to :func:`scaffold_exercise`.

    Returns
    -------
    list of str
        The paths in them are relative to the project's root.
    """
    layout = Layout.of(Path("."), name, module)
    return [
        "Next, write:",
        f"  - the answer key of {task} between the markers in {layout.answer_key},",
        f"  - the reference implementation in {layout.reference}, independently,",
        f"  - the figures and cases in {layout.grader},",
        f"  - the statement's {TODO} parts in {layout.statement},",
        f"  - the task's todo and hint in {layout.registry};",
        "then run `gdlab dev build` and `gdlab dev check`.",
    ]
