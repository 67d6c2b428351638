"""The layout a newcomer reads: small modules, and a README table that matches the tree."""

from __future__ import annotations

import ast
import re

from autograder.paths import PROJECT_ROOT

AUTOGRADER = PROJECT_ROOT / "autograder"
LONG = 330  # "about 300 lines": up to a tenth more
REASON = "Over 300 lines on purpose"


def _modules() -> list:
    return sorted(path for path in AUTOGRADER.rglob("*.py") if "__pycache__" not in path.parts)


def test_a_long_module_says_at_its_top_why_it_is_long():
    unexplained = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > LONG:
            docstring = ast.get_docstring(ast.parse(source)) or ""
            if REASON not in docstring:
                unexplained.append(f"{path.relative_to(PROJECT_ROOT)}: {source.count(chr(10))}")
    assert not unexplained, unexplained


def _layout_table() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Layout")
    return readme[start : readme.index("\n## ", start + 1)]


def test_every_path_the_layout_names_exists():
    named = re.findall(
        r"`((?:autograder|reference|exercises|solutions|tests|benchmarks|examples)"
        r"/[^`\s]*)`",
        _layout_table(),
    )
    assert len(named) > 10
    missing = [
        path
        for path in named
        if "exerciseN" not in path  # a pattern: one row for every grader module
        and not (PROJECT_ROOT / path.rstrip("/")).exists()
    ]
    assert not missing, missing


def test_the_layout_names_every_module_of_the_autograder():
    table = _layout_table()
    unnamed = []
    for path in _modules():
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        if path.name == "__init__.py":
            relative = relative.removesuffix("/__init__.py") + "/"
        elif path.parent.name in ("public", "hidden"):  # the suites' files, named by folder
            relative = path.parent.relative_to(PROJECT_ROOT).as_posix() + "/"
            if f"`{path.parent.name}/`" in table:
                continue
        elif path.parent.name == "course" and re.fullmatch(r"exercise\d+\.py", path.name):
            relative = "autograder/course/exerciseN.py"  # one row for the grader modules
        # A row may name a module by its full path or by its name in its package's row.
        if f"`{relative}`" not in table and f"`{path.name}`" not in table:
            unnamed.append(relative)
    assert not unnamed, unnamed
