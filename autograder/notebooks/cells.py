"""Split an exercise's module into the code cells of its notebook.

A stub (or an answer key: they share their layout) becomes, in order:

- its module docstring, which a notebook shows as text rather than code;
- *fixed* cells: each run of top-level statements that are not tasks
  (imports, data, the contract's ``f`` and ``grad``, helpers);
- one *task* cell per graded function, holding the whole function with its
  docstring and its TODO (or its answer, for an answer key).

Joining the cells' sources with blank lines gives back a module that runs as
the file did: comments and blank lines above a statement travel with it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

DOCSTRING = "docstring"
FIXED = "fixed"
TASK = "task"


@dataclass(frozen=True)
class ModuleCell:
    """One cell of a module.

    Attributes
    ----------
    kind : str
        :data:`DOCSTRING` (the module docstring's text, unquoted),
        :data:`FIXED` (given code) or :data:`TASK` (a graded function).
    source : str
        The cell's text, without a final newline.
    task : str or None
        The function of a task cell.
    """

    kind: str
    source: str
    task: str | None = None


def module_cells(source: str, tasks: Iterable[str]) -> list[ModuleCell]:
    """The cells of a module: its docstring, its fixed parts and one cell per task.

    Parameters
    ----------
    source : str
        The module's text.
    tasks : iterable of str
        The names of its graded functions (the registry's tasks).

    Returns
    -------
    list of ModuleCell
        In the module's order; fixed statements between two tasks form one
        cell.

    Raises
    ------
    SyntaxError
        When ``source`` is not Python.
    """
    tasks = set(tasks)
    tree = ast.parse(source)
    lines = source.splitlines()
    body = list(tree.body)
    cells: list[ModuleCell] = []
    if body and _is_docstring(body[0]):
        cells.append(ModuleCell(DOCSTRING, ast.get_docstring(tree, clean=True) or ""))
        start = body[0].end_lineno or 0
        body = body[1:]
    else:
        start = 0
    # Each statement owns the lines from the end of the previous one to its own end,
    # so comments above a function stay with it.
    pending: list[str] = []
    for index, node in enumerate(body):
        first = start
        following = _first_line(body[index + 1]) if index + 1 < len(body) else len(lines)
        start = _last_line(lines, node.end_lineno or start, following)
        text = "\n".join(lines[first:start]).strip("\n")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in tasks:
            _flush(pending, cells)
            cells.append(ModuleCell(TASK, text, node.name))
        else:
            pending.append(text)
    trailing = "\n".join(lines[start:]).strip("\n")
    if trailing.strip():
        pending.append(trailing)
    _flush(pending, cells)
    return cells


def _first_line(node: ast.stmt) -> int:
    """0-based index of a statement's first line, its decorators included."""
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(decorator.lineno for decorator in decorators)]) - 1


def _last_line(lines: list[str], end: int, following: int) -> int:
    """Where a statement ending at line ``end`` (1-based) really ends: indented comments
    after its last statement (an answer key's ``# END SOLUTION``) belong to it."""
    for index in range(end, following):
        if lines[index].strip() and not lines[index][0].isspace():
            break
        if lines[index].strip():
            end = index + 1
    return end


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _flush(pending: list[str], cells: list[ModuleCell]) -> None:
    if pending:
        cells.append(ModuleCell(FIXED, "\n\n".join(pending).strip("\n")))
        pending.clear()
