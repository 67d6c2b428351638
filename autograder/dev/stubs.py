"""Generate the student stubs from the answer keys.

An answer key marks each graded region with nbgrader's delimiters::

    # BEGIN SOLUTION
    ...the answer...
    # END SOLUTION

The stub is the answer key with every such region replaced by the task's TODO
text (from the registry) and ``raise NotImplementedError``, indented like the
markers. Everything outside the regions (imports, constants, docstrings, fixed
helpers) is copied unchanged. Each region must sit inside a function that the
registry lists as a task, and each task has exactly one region.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

from autograder.paths import solution_path, stub_path
from autograder.registry import Exercise

BEGIN_MARKER = "# BEGIN SOLUTION"
END_MARKER = "# END SOLUTION"
LINE_WIDTH = 99


class StubError(ValueError):
    """An answer key's solution markers do not fit the registry."""


@dataclass(frozen=True)
class SolutionRegion:
    """The lines of one answer between its markers.

    Attributes
    ----------
    function : str
        The task function enclosing the region.
    begin, end : int
        0-based indexes of the marker lines.
    indent : str
        The whitespace before the markers.
    """

    function: str
    begin: int
    end: int
    indent: str


def _marker(line: str) -> str | None:
    stripped = line.strip()
    return stripped if stripped in (BEGIN_MARKER, END_MARKER) else None


def find_regions(
    source: str, exercise: Exercise, origin: str = "answer key"
) -> list[SolutionRegion]:
    """Locate the solution regions of an answer key.

    Parameters
    ----------
    source : str
        The answer key's text.
    exercise : Exercise
        Its registry entry.
    origin : str, optional
        How to name the file in error messages.

    Returns
    -------
    list of SolutionRegion
        One per task, in file order.

    Raises
    ------
    StubError
        On unbalanced markers, a region outside a task function, or a task
        with no region or several.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise StubError(f"{origin} does not parse: {error}") from None
    lines = source.splitlines()
    functions = _function_extents(tree, len(lines))
    regions: list[SolutionRegion] = []
    begin: int | None = None
    for index, line in enumerate(lines):
        marker = _marker(line)
        if marker == BEGIN_MARKER:
            if begin is not None:
                raise StubError(
                    f"{origin}, line {index + 1}: BEGIN SOLUTION inside another region"
                )
            begin = index
        elif marker == END_MARKER:
            if begin is None:
                raise StubError(f"{origin}, line {index + 1}: END SOLUTION without BEGIN")
            regions.append(_region(functions, lines, begin, index, exercise, origin))
            begin = None
    if begin is not None:
        raise StubError(f"{origin}, line {begin + 1}: BEGIN SOLUTION is never closed")
    seen = [region.function for region in regions]
    for task in exercise.tasks:
        if seen.count(task.function) != 1:
            raise StubError(
                f"{origin}: task {task.function!r} needs exactly one solution region, "
                f"found {seen.count(task.function)}"
            )
    return regions


def _function_extents(tree: ast.Module, n_lines: int) -> list[tuple[str, int, int]]:
    """``(name, first, last)`` 0-based line spans of the top-level functions.

    A function's span runs to the line before the next top-level statement,
    because trailing comments such as ``# END SOLUTION`` lie past the last
    statement that ``ast`` reports.
    """
    starts = [node.lineno - 1 for node in tree.body] + [n_lines]
    return [
        (node.name, starts[i], starts[i + 1] - 1)
        for i, node in enumerate(tree.body)
        if isinstance(node, ast.FunctionDef)
    ]


def _region(functions, lines, begin, end, exercise, origin) -> SolutionRegion:
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    if lines[end][: len(lines[end]) - len(lines[end].lstrip())] != indent:
        raise StubError(f"{origin}, line {end + 1}: END SOLUTION is not indented like its BEGIN")
    for name, first, last in functions:
        if first < begin and end <= last:
            if name not in {task.function for task in exercise.tasks}:
                raise StubError(
                    f"{origin}, line {begin + 1}: the region is in {name!r}, "
                    f"which is not a task of {exercise.name} in the registry"
                )
            return SolutionRegion(name, begin, end, indent)
    raise StubError(
        f"{origin}, line {begin + 1}: a solution region must be inside a task function"
    )


def todo_lines(todo: str, indent: str) -> list[str]:
    """The stub's replacement for one region: the TODO comment and the raise.

    Parameters
    ----------
    todo : str
        The task's TODO text from the registry.
    indent : str
        Indentation of the region.

    Returns
    -------
    list of str
        Lines without line endings.
    """
    wrapped = textwrap.wrap(
        todo,
        width=LINE_WIDTH,
        initial_indent=f"{indent}# TODO: ",
        subsequent_indent=f"{indent}#       ",
    )
    return [*wrapped, f"{indent}raise NotImplementedError"]


def build_stub(source: str, exercise: Exercise, origin: str = "answer key") -> str:
    """Turn an answer key's text into the student stub's text.

    Parameters
    ----------
    source : str
        The answer key.
    exercise : Exercise
        Its registry entry, which supplies the TODO texts.
    origin : str, optional
        How to name the file in error messages.

    Returns
    -------
    str
        The stub, ending with a newline.

    Raises
    ------
    StubError
        As :func:`find_regions`.
    """
    lines = source.splitlines()
    out: list[str] = []
    position = 0
    for region in find_regions(source, exercise, origin):
        out.extend(lines[position : region.begin])
        out.extend(todo_lines(exercise.task(region.function).todo, region.indent))
        position = region.end + 1
    out.extend(lines[position:])
    return "\n".join(out) + "\n"


def solution_text(source: str, exercise: Exercise) -> list[str]:
    """The stripped, non-blank code lines inside an answer key's regions.

    Parameters
    ----------
    source : str
        The answer key.
    exercise : Exercise
        Its registry entry.

    Returns
    -------
    list of str
        The lines a stub must never contain.
    """
    lines = source.splitlines()
    return [
        line.strip()
        for region in find_regions(source, exercise)
        for line in lines[region.begin + 1 : region.end]
        if line.strip() and not line.strip().startswith("#")
    ]


def expected_stub(exercise: Exercise, solutions: Path | None = None) -> str:
    """The stub that ``gdlab dev build`` writes for ``exercise``.

    Parameters
    ----------
    exercise : Exercise
        The registry entry.
    solutions : Path, optional
        Root of the answer keys; the project's ``solutions/`` by default.

    Returns
    -------
    str
    """
    path = solution_path(exercise) if solutions is None else solution_path(exercise, solutions)
    return build_stub(path.read_text(encoding="utf-8"), exercise, origin=str(path))


def write_stub(
    exercise: Exercise, solutions: Path | None = None, exercises: Path | None = None
) -> Path:
    """Regenerate one stub on disk and return its path.

    Parameters
    ----------
    exercise : Exercise
        The registry entry.
    solutions, exercises : Path, optional
        Roots of the answer keys and of the stubs; the project's by default.

    Returns
    -------
    Path
        The stub written.
    """
    target = stub_path(exercise) if exercises is None else stub_path(exercise, exercises)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(expected_stub(exercise, solutions), encoding="utf-8")
    return target
