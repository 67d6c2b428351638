"""Intake: one handed-in entry becomes a clean folder of student modules.

Entries are built in ``tmp_path`` (folders, zips, notebooks as JSON) and the
result is checked on ``Prepared`` and on the files written under ``target``.
Intake never runs student code and never raises for bad content.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from autograder.grading import entry_limits, entry_names, folders, intake, zips
from autograder.grading.intake import (
    Prepared,
    discover,
    notebook_source,
    prepare,
    python_source,
    submission_name,
)
from autograder.grading.sources import CHECK_CELL, notebook_cells
from autograder.paths import EXERCISES_DIR
from autograder.registry import load_registry

EXERCISES = load_registry()
MODULES = {
    "exercise1": "exercise1/mse.py",
    "exercise2": "exercise2/gradients.py",
    "exercise3": "exercise3/house_prices.py",
    "exercise4": "exercise4/learning_rate.py",
    "exercise5": "exercise5/momentum.py",
    "exercise6": "exercise6/minibatch.py",
}
SOURCES = {
    name: f'"""{name}: a student\'s answer (é, θ, 漢字)."""\n\nANSWER = {number}\n'
    for number, name in enumerate(MODULES, start=1)
}


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def complete(prefix: str = "") -> dict[str, bytes]:
    """The six modules of a full submission, optionally under a top folder."""
    return {prefix + MODULES[name]: SOURCES[name].encode("utf-8") for name in MODULES}


def make_folder(root: Path, files: dict[str, bytes | str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


def make_zip(path: Path, files: dict[str | zipfile.ZipInfo, bytes | str], **options) -> Path:
    with zipfile.ZipFile(path, "w", **options) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def notebook(*cells: dict) -> bytes:
    return json.dumps(
        {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    ).encode("utf-8")


def code(source) -> dict:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "source": source}


def markdown(source) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def written(target: Path) -> dict[str, bytes]:
    """Every file under ``target``, by relative POSIX path."""
    return {
        path.relative_to(target).as_posix(): path.read_bytes()
        for path in target.rglob("*")
        if path.is_file() or path.is_symlink()
    }


def run_module(text: str) -> dict:
    namespace: dict = {}
    exec(compile(text, "<student>", "exec"), namespace)  # our own test fixtures only
    return namespace


def assert_accounted_for(prepared: Prepared, target: Path) -> None:
    """Every exercise has either a written module or a problem, never both."""
    files = written(target)
    for name, module in MODULES.items():
        assert (module in files) != (name in prepared.problems), name


def assert_complete(prepared: Prepared, target: Path) -> None:
    assert prepared.fatal is None
    assert prepared.problems == {}
    assert prepared.folder == target
    assert len(prepared.digest) == 64
    int(prepared.digest, 16)
    files = written(target)
    assert set(files) == set(MODULES.values())
    for name, module in MODULES.items():
        assert files[module] == SOURCES[name].encode("utf-8")


# --------------------------------------------------------------------------
# Registry expectations this file relies on
# --------------------------------------------------------------------------


def test_the_registry_names_the_six_modules_used_here():
    assert {e.name: f"{e.name}/{e.filename}" for e in EXERCISES} == MODULES


# --------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------


def test_a_complete_folder_gives_six_utf8_modules(tmp_path):
    entry = make_folder(tmp_path / "alice", complete())
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_complete(prepared, target)
    assert prepared.name == "alice"
    assert prepared.notes == []
    for module in MODULES.values():
        (target / module).read_bytes().decode("utf-8")


def test_the_target_may_already_exist(tmp_path):
    entry = make_folder(tmp_path / "alice", complete())
    target = tmp_path / "out"
    target.mkdir()
    assert_complete(prepare(entry, target), target)


@pytest.mark.parametrize(
    "layout",
    ["zip-root", "zip-top-folder", "folder-top-folder", "zip-top-folder-with-macosx"],
)
def test_the_layout_may_be_at_the_root_or_inside_one_top_folder(tmp_path, layout):
    if layout == "zip-root":
        entry = make_zip(tmp_path / "bob.zip", complete())
    elif layout == "zip-top-folder":
        entry = make_zip(tmp_path / "bob.zip", complete("bob-submission/"))
    elif layout == "folder-top-folder":
        entry = make_folder(tmp_path / "bob", complete("exercises/"))
    else:
        files = complete("exercises/")
        files["__MACOSX/exercises/exercise1/._mse.py"] = b"\x00\x05\x16\x07junk"
        files["__MACOSX/._exercises"] = b"junk"
        entry = make_zip(tmp_path / "bob.zip", files)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_complete(prepared, target)
    assert prepared.name == "bob"


def test_a_zip_with_compressed_members_and_directory_entries(tmp_path):
    path = tmp_path / "carol.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ["top/", *(f"top/{name}/" for name in MODULES)]:
            archive.writestr(name, b"")
        for name, data in complete("top/").items():
            archive.writestr(name, data)
    target = tmp_path / "out"
    assert_complete(prepare(path, target), target)


def test_a_zip_with_backslash_separators_is_understood(tmp_path):
    files = {name.replace("/", "\\"): data for name, data in complete().items()}
    entry = make_zip(tmp_path / "win.zip", files)
    target = tmp_path / "out"
    assert_complete(prepare(entry, target), target)


def test_only_registry_modules_are_written(tmp_path):
    files = complete()
    files["exercise1/helper.py"] = b"SECRET = 'helper'\n"
    files["exercise7/extra.py"] = b"SECRET = 'extra'\n"
    files["README.md"] = b"# hello\n"
    files["exercise2/data.csv"] = b"a,b\n1,2\n"
    entry = make_folder(tmp_path / "dave", files)
    target = tmp_path / "out"
    assert_complete(prepare(entry, target), target)


# --------------------------------------------------------------------------
# Debris
# --------------------------------------------------------------------------

DEBRIS = {
    "__MACOSX/exercise1/._mse.py": b"\x00\x05\x16\x07\xff\xfe not python",
    "__MACOSX/exercise9/thing.py": b"x",
    ".DS_Store": b"\x00\x00\x00\x01Bud1\xff",
    "exercise1/.DS_Store": b"\x00\x00\x00\x01Bud1\xff",
    ".ipynb_checkpoints/x-checkpoint.py": b"\xff\xfe broken",
    "exercise2/.ipynb_checkpoints/gradients-checkpoint.py": b"CHECKPOINT = 1\n",
    "exercise2/.ipynb_checkpoints/gradients-checkpoint.ipynb": b"{not json",
    "exercise3/__pycache__/house_prices.cpython-311.pyc": b"\x00\xff\x00\xff",
    ".hidden.py": b"HIDDEN = 1\n",
    "exercise4/.learning_rate.py.swp": b"\xff\xff",
    ".git/config": b"[core]\n",
    "exercise5/.momentum.ipynb": b"{not json",
}


def make_entry(folder: Path, name: str, files: dict, kind: str) -> Path:
    """A submission called ``name`` in ``folder``: a folder, or a zip of the same files."""
    if kind == "folder":
        return make_folder(folder / name, files)
    return make_zip(folder / f"{name}.zip", files)


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_debris_is_ignored_silently(tmp_path, kind):
    files = {**complete(), **DEBRIS}
    entry = make_entry(tmp_path, "erin", files, kind)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_complete(prepared, target)
    assert prepared.notes == []
    for module in MODULES.values():
        text = (target / module).read_text(encoding="utf-8")
        assert "CHECKPOINT" not in text and "HIDDEN" not in text


def test_a_module_present_only_as_debris_is_missing(tmp_path):
    files = complete()
    del files["exercise1/mse.py"]
    files["__MACOSX/exercise1/mse.py"] = SOURCES["exercise1"].encode()
    files["exercise1/.ipynb_checkpoints/mse-checkpoint.py"] = SOURCES["exercise1"].encode()
    files["exercise1/.mse.py"] = SOURCES["exercise1"].encode()
    entry = make_zip(tmp_path / "frank.zip", files)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert set(prepared.problems) == {"exercise1"}
    assert "exercise1/mse.py" in prepared.problems["exercise1"]
    assert "exercise1/mse.py" not in written(target)


# --------------------------------------------------------------------------
# Notebooks
# --------------------------------------------------------------------------


def test_a_notebook_replaces_the_py_with_its_code_cells_in_order(tmp_path):
    files = complete()
    del files["exercise3/house_prices.py"]
    files["exercise3/house_prices.ipynb"] = notebook(
        markdown(["# MARKDOWN_TITLE\n", "ORDER.append('markdown')\n"]),
        code(["%matplotlib inline\n", "import math\n", "ORDER = ['first']\n"]),
        {"cell_type": "raw", "metadata": {}, "source": "ORDER.append('raw')"},
        code("!pip install numpy\nORDER.append('second')\nratio = 10 % 3"),
        code(["ORDER.append('third')\n", "    %time nothing\n", "flag = 1 != 2"]),
        code([]),
        code(""),
        code(["def answer():\n", "    return ANSWER\n", "ANSWER = 42"]),
    )
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "gina", files), target)
    assert prepared.problems == {} and prepared.fatal is None
    assert prepared.notes == []
    text = (target / "exercise3" / "house_prices.py").read_text(encoding="utf-8")
    for dropped in ("%matplotlib", "pip install", "%time", "MARKDOWN_TITLE", "'raw'"):
        assert dropped not in text
    namespace = run_module(text)
    assert namespace["ORDER"] == ["first", "second", "third"]
    assert namespace["ratio"] == 1
    assert namespace["flag"] is True
    assert namespace["answer"]() == 42
    assert text.endswith("\n")


def test_notebook_source_drops_magics_and_shell_lines_even_when_indented():
    text = notebook_source(
        notebook(
            code(
                [
                    "%load_ext autoreload\n",
                    "%%capture\n",
                    "!ls -la\n",
                    "if True:\n",
                    "    %timeit x = 1\n",
                    "\t!echo hi\n",
                    "    value = 5\n",
                ]
            )
        )
    )
    assert "%" not in text and "!" not in text
    assert run_module(text)["value"] == 5


def test_notebook_source_keeps_percent_and_bang_inside_lines():
    text = notebook_source(notebook(code(["a = 7 % 4\n", "b = 'x!' != 'y%'\n", "c = a  # %d!\n"])))
    namespace = run_module(text)
    assert (namespace["a"], namespace["b"], namespace["c"]) == (3, True, 3)


def test_notebook_source_accepts_a_list_of_lines_or_a_single_string():
    lines = ["x = 1\n", "%matplotlib inline\n", "y = x + 1\n", "z = y * 3"]
    as_list = notebook_source(notebook(code(lines), code(["w = z\n"])))
    as_string = notebook_source(notebook(code("".join(lines)), code("w = z\n")))
    assert as_list == as_string
    assert run_module(as_list)["w"] == 6


def test_cells_without_a_trailing_newline_do_not_run_together():
    text = notebook_source(notebook(code("a = 1"), code("b = 2"), code(["c = a + b"])))
    assert run_module(text)["c"] == 3


def test_notebook_line_endings_are_normalised():
    text = notebook_source(notebook(code("a = 1\r\nb = a + 1\r\n")))
    assert "\r" not in text
    assert run_module(text)["b"] == 2


def test_notebook_source_keeps_string_literals_intact():
    # Python (and IPython) only end lines at \n, \r\n and \r; other Unicode line
    # boundaries such as U+2028 or a form feed are ordinary characters in a
    # string literal, and the cell's code must not change meaning.
    text = notebook_source(notebook(code(["SEP = 'a\u2028b'\n", "FEED = 'c\x0cd'\n"])))
    namespace = run_module(text)
    assert namespace["SEP"] == "a\u2028b"
    assert namespace["FEED"] == "c\x0cd"


def test_notebook_without_code_cells_gives_a_module_of_no_cell():
    assert notebook_cells(notebook(markdown("just prose"), code("%%bash\nls"))) == []
    namespace = run_module(notebook_source(notebook(markdown("just prose"))))
    assert namespace["__gdlab_skipped__"] == []


def test_cells_are_numbered_from_the_top_markdown_included_and_check_cells_left_out():
    nbgrader_test = code("assert False")
    nbgrader_test["metadata"] = {"nbgrader": {"grade": True, "solution": False, "points": 2}}
    solution = code("ANSWER = 1")
    solution["metadata"] = {"nbgrader": {"grade": False, "solution": True}}
    cells = notebook_cells(
        notebook(
            markdown("# title"),
            code("A = 1"),
            markdown("prose"),
            solution,
            nbgrader_test,
            code(f"{CHECK_CELL} (this cell is not part of your module)\ncheck('exercise1')"),
            code("%%timeit\nA + 1"),
            code("B = A + ANSWER"),
        )
    )
    assert cells == [(2, "A = 1"), (4, "ANSWER = 1"), (8, "B = A + ANSWER")]


def test_display_and_ipython_display_are_accepted_and_show_nothing():
    text = notebook_source(
        notebook(
            code("from IPython.display import display, Markdown\nimport IPython"),
            code("def f(x):\n    return 2 * x\ndisplay(Markdown('**hi**'), f(1))\nprint(f(2))"),
            code("IPython.display.HTML('<b>x</b>')\nVALUE = f(3)"),
        )
    )
    namespace = run_module(text)
    assert namespace["VALUE"] == 6 and namespace["__gdlab_skipped__"] == []


def test_a_cell_that_raises_while_loading_stops_there_and_the_next_cells_run():
    namespace = run_module(
        notebook_source(
            notebook(
                code("def fit():\n    raise NotImplementedError"),
                markdown("try it"),
                code("BEFORE = 1\nfit()\nAFTER = 1"),
                code("LATER = 2"),
            )
        )
    )
    assert namespace["BEFORE"] == 1 and "AFTER" not in namespace and namespace["LATER"] == 2
    (skipped,) = namespace["__gdlab_skipped__"]
    assert skipped.startswith("cell 3 raised NotImplementedError at line 2")


def test_a_syntax_error_names_its_cell_and_line():
    text = notebook_source(
        notebook(markdown("x"), code("A = 1"), code("B = 2\nif True\n    C = 3"))
    )
    with pytest.raises(SyntaxError) as raised:
        run_module(text)
    assert (raised.value.filename, raised.value.lineno) == ("cell 3", 2)


@pytest.mark.parametrize(
    "data",
    [b"{not json", b"", b"\xff\xfe\x00", b"[1, 2]", b'"cells"', b"{}", b'{"cells": "x"}'],
    ids=["bad-json", "empty", "not-utf8", "a-list", "a-string", "no-cells", "cells-not-list"],
)
def test_notebook_source_refuses_what_is_not_a_notebook(data):
    with pytest.raises(ValueError):
        notebook_source(data)


def test_both_py_and_ipynb_the_py_wins_with_a_note(tmp_path):
    files = complete()
    files["exercise2/gradients.ipynb"] = notebook(code("FROM_NOTEBOOK = True\n"))
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "hank", files), target)
    assert_complete(prepared, target)
    assert len(prepared.notes) == 1
    (note,) = prepared.notes
    assert "exercise2" in note and "gradients.py" in note and "gradients.ipynb" in note
    assert "FROM_NOTEBOOK" not in (target / "exercise2/gradients.py").read_text("utf-8")


def test_beside_the_untouched_stub_the_notebook_is_graded_with_a_note(tmp_path):
    files = complete()
    exercise = load_registry()[1]
    stub = (EXERCISES_DIR / exercise.name / exercise.filename).read_bytes()
    files[f"{exercise.name}/{exercise.filename}"] = stub
    files[f"{exercise.name}/{exercise.module}.ipynb"] = notebook(code("FROM_NOTEBOOK = True\n"))
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "ivy", files), target)
    assert prepared.problems == {} and prepared.fatal is None
    (note,) = prepared.notes
    assert note == (
        f"{exercise.name}: {exercise.module}.ipynb was graded; {exercise.filename} is the "
        "untouched stub"
    )
    graded = (target / exercise.name / exercise.filename).read_text("utf-8")
    assert run_module(graded)["FROM_NOTEBOOK"] is True
    # One byte changed, and the .py is the student's work again: it is graded.
    files[f"{exercise.name}/{exercise.filename}"] = stub + b"\n"
    again = prepare(make_folder(tmp_path / "jay", files), tmp_path / "out2")
    assert (
        "FROM_NOTEBOOK" not in (tmp_path / "out2" / exercise.name / exercise.filename).read_text()
    )
    assert "was graded" in again.notes[0] and f"{exercise.filename} was graded" in again.notes[0]


@pytest.mark.parametrize(
    "data",
    [b'{"cells": [', b"\x89PNG\r\n\x1a\n", notebook()[:-1], json.dumps({"nbformat": 4}).encode()],
    ids=["truncated-json", "binary", "unclosed", "no-cells"],
)
def test_a_broken_notebook_is_a_problem_for_its_exercise_only(tmp_path, data):
    files = complete()
    del files["exercise2/gradients.py"]
    files["exercise2/gradients.ipynb"] = data
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "ivy", files), target)
    assert prepared.fatal is None
    assert set(prepared.problems) == {"exercise2"}
    assert "exercise2/gradients.ipynb" in prepared.problems["exercise2"]
    assert set(written(target)) == set(MODULES.values()) - {"exercise2/gradients.py"}


@pytest.mark.parametrize(
    "data",
    [
        notebook(code([1, None])),
        notebook(code(["x = 1\n", ["nested"]])),
        b"[" * 100000,
        b'{"cells": ' * 100000,
    ],
    ids=["non-string-lines", "nested-list-line", "deeply-nested-list", "deeply-nested-object"],
)
def test_a_malformed_notebook_never_makes_prepare_raise(tmp_path, data):
    files = complete()
    del files["exercise4/learning_rate.py"]
    files["exercise4/learning_rate.ipynb"] = data
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "jack", files), target)
    assert prepared.fatal is None
    assert set(prepared.problems) == {"exercise4"}
    assert "exercise4/learning_rate.ipynb" in prepared.problems["exercise4"]


# --------------------------------------------------------------------------
# Text encodings
# --------------------------------------------------------------------------


def test_a_latin1_py_is_a_problem_mentioning_utf8(tmp_path):
    files = complete()
    files["exercise5/momentum.py"] = "NAME = 'café'\n".encode("latin-1")
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "kim", files), target)
    assert prepared.fatal is None
    assert set(prepared.problems) == {"exercise5"}
    assert "UTF-8" in prepared.problems["exercise5"]
    assert "exercise5/momentum.py" in prepared.problems["exercise5"]
    assert "exercise5/momentum.py" not in written(target)
    assert len(written(target)) == 5


LATIN1_MODULE = "# -*- coding: latin-1 -*-\nNAME = 'café ±'\n"


def test_a_py_with_a_latin1_coding_line_is_accepted_and_written_as_utf8(tmp_path):
    files = complete()
    files["exercise5/momentum.py"] = LATIN1_MODULE.encode("latin-1")
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "lee", files), target)
    assert prepared.problems == {} and prepared.fatal is None
    text = (target / "exercise5/momentum.py").read_bytes().decode("utf-8")
    assert "NAME = 'café ±'" in text


def test_a_module_declared_latin1_keeps_its_meaning_once_written(tmp_path):
    # The worker imports the written file, and Python honours a coding line:
    # the bytes written must mean what the student wrote.
    files = complete()
    files["exercise5/momentum.py"] = LATIN1_MODULE.encode("latin-1")
    target = tmp_path / "out"
    prepare(make_folder(tmp_path / "lee", files), target)
    namespace: dict = {}
    exec(compile((target / "exercise5/momentum.py").read_bytes(), "momentum", "exec"), namespace)
    assert namespace["NAME"] == "café ±"


def test_a_utf8_bom_is_accepted(tmp_path):
    files = complete()
    files["exercise6/minibatch.py"] = b"\xef\xbb\xbf" + "NAME = 'é'\n".encode()
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "max", files), target)
    assert prepared.problems == {}
    data = (target / "exercise6/minibatch.py").read_bytes()
    namespace: dict = {}
    exec(compile(data, "minibatch", "exec"), namespace)
    assert namespace["NAME"] == "é"


def test_python_source_decodes_utf8_and_refuses_other_bytes():
    assert python_source("x = 'é'\n".encode()) == "x = 'é'\n"
    assert python_source(b"") == ""
    with pytest.raises(ValueError, match="UTF-8"):
        python_source(b"x = '\xe9'\n")
    with pytest.raises(ValueError):
        python_source(b"# coding: no-such-codec\nx = 1\n")


# --------------------------------------------------------------------------
# Missing files and unreadable entries
# --------------------------------------------------------------------------


@pytest.mark.parametrize("missing", list(MODULES))
def test_a_missing_exercise_is_a_problem_for_it_only(tmp_path, missing):
    files = complete()
    del files[MODULES[missing]]
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "ned", files), target)
    assert prepared.fatal is None
    assert set(prepared.problems) == {missing}
    assert MODULES[missing] in prepared.problems[missing]
    assert set(written(target)) == set(MODULES.values()) - {MODULES[missing]}


def test_a_module_in_the_wrong_place_is_missing(tmp_path):
    files = complete()
    del files["exercise1/mse.py"]
    files["exercise2/mse.py"] = SOURCES["exercise1"].encode()
    files["mse.py"] = SOURCES["exercise1"].encode()
    prepared = prepare(make_folder(tmp_path / "olga", files), tmp_path / "out")
    assert set(prepared.problems) == {"exercise1"}


def assert_fatal(prepared: Prepared, target: Path, *fragments: str) -> None:
    assert prepared.fatal
    for fragment in fragments:
        assert fragment in prepared.fatal
    assert prepared.problems == {name: prepared.fatal for name in MODULES}
    assert written(target) == {}
    assert len(prepared.digest) == 64


def test_a_corrupt_zip_is_fatal_with_a_clear_message(tmp_path):
    entry = tmp_path / "pat.zip"
    entry.write_bytes(os.urandom(4096))
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_fatal(prepared, target, "pat.zip", "not a valid zip")
    assert prepared.name == "pat"


def test_a_truncated_zip_is_fatal(tmp_path):
    entry = make_zip(tmp_path / "quinn.zip", complete())
    entry.write_bytes(entry.read_bytes()[:-30])
    target = tmp_path / "out"
    assert_fatal(prepare(entry, target), target, "quinn.zip")


@pytest.mark.parametrize(
    "files",
    [
        {},
        {".DS_Store": b"x", "__MACOSX/._x": b"x", ".ipynb_checkpoints/x-checkpoint.py": b"x"},
        {"exercise1/.hidden.py": b"x", "__pycache__/a.pyc": b"x"},
    ],
    ids=["nothing", "only-debris", "only-hidden"],
)
@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_an_empty_submission_is_fatal(tmp_path, files, kind):
    if kind == "folder":
        entry = make_folder(tmp_path / "rita", files)
        (entry / "empty-dir" / "deeper").mkdir(parents=True)
    else:
        entry = make_zip(tmp_path / "rita.zip", files)
    target = tmp_path / "out"
    assert_fatal(prepare(entry, target), target, "empty")


@pytest.mark.parametrize("name", ["sam.rar", "sam.txt", "sam", "sam.py"])
def test_a_plain_file_is_fatal(tmp_path, name):
    entry = tmp_path / name
    entry.write_bytes(SOURCES["exercise1"].encode())
    target = tmp_path / "out"
    assert_fatal(prepare(entry, target), target, "neither a folder nor a .zip")


def test_a_missing_entry_is_fatal(tmp_path):
    target = tmp_path / "out"
    assert_fatal(prepare(tmp_path / "nobody", target), target)


def test_a_symlinked_entry_is_fatal(tmp_path):
    real = make_folder(tmp_path / "real", complete())
    link = tmp_path / "tom"
    link.symlink_to(real, target_is_directory=True)
    target = tmp_path / "out"
    assert_fatal(prepare(link, target), target, "symbolic link")


def test_a_zip_with_a_zip_suffix_in_capitals_is_read(tmp_path):
    entry = make_zip(tmp_path / "Uma.ZIP", complete())
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_complete(prepared, target)
    assert prepared.name == "Uma"


# --------------------------------------------------------------------------
# Hostile zips and folders
# --------------------------------------------------------------------------

ESCAPING = ["../escaped.py", "/abs/path.py", "exercise1/../../x.py"]


def hostile_zip(path: Path) -> Path:
    files: dict = {name: b"ESCAPED = True\n" for name in ESCAPING}
    files["exercise1/mse.py"] = SOURCES["exercise1"].encode()
    return make_zip(path, files)


def test_escaping_members_are_not_used_and_nothing_is_written_outside(tmp_path):
    (tmp_path / "entries").mkdir()
    entry = hostile_zip(tmp_path / "entries" / "vic.zip")
    target = tmp_path / "work" / "vic"
    prepared = prepare(entry, target)
    assert prepared.fatal is None
    assert set(prepared.problems) == set(MODULES) - {"exercise1"}
    assert written(target) == {"exercise1/mse.py": SOURCES["exercise1"].encode()}
    outside = [
        path
        for path in tmp_path.rglob("*")
        if path.is_file() and target not in path.parents and path != entry
    ]
    assert outside == []
    assert not any(path.name in {"escaped.py", "x.py", "path.py"} for path in tmp_path.rglob("*"))
    assert not Path("/abs/path.py").exists()


@pytest.mark.parametrize("member", ESCAPING)
def test_each_escaping_member_is_reported_in_a_note(tmp_path, member):
    entry = hostile_zip(tmp_path / "vic.zip")
    prepared = prepare(entry, tmp_path / "out")
    assert any(member in note for note in prepared.notes), prepared.notes


def test_a_symlink_member_in_a_zip_is_ignored_with_a_note(tmp_path):
    files: dict = complete()
    del files["exercise2/gradients.py"]
    link = zipfile.ZipInfo("exercise2/gradients.py")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    files[link] = b"/etc/passwd"
    entry = make_zip(tmp_path / "wes.zip", files)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert set(prepared.problems) == {"exercise2"}
    assert any("exercise2/gradients.py" in n and "symbolic link" in n for n in prepared.notes)
    assert "exercise2/gradients.py" not in written(target)
    for path in target.rglob("*"):
        assert not path.is_symlink()


def test_a_symlink_in_a_folder_is_ignored_with_a_note(tmp_path):
    secret = tmp_path / "secret.py"
    secret.write_text("TOP_SECRET_OUTSIDE = 1\n", encoding="utf-8")
    files = complete()
    del files["exercise2/gradients.py"]
    entry = make_folder(tmp_path / "xena", files)
    (entry / "exercise2").mkdir(exist_ok=True)
    os.symlink(secret, entry / "exercise2" / "gradients.py")
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert set(prepared.problems) == {"exercise2"}
    assert any("exercise2/gradients.py" in n and "symbolic link" in n for n in prepared.notes)
    for data in written(target).values():
        assert b"TOP_SECRET_OUTSIDE" not in data
    for path in target.rglob("*"):
        assert not path.is_symlink()


def test_a_symlinked_directory_in_a_folder_is_not_followed(tmp_path):
    outside = make_folder(tmp_path / "outside", {"house_prices.py": "TOP_SECRET_DIR = 1\n"})
    files = complete()
    del files["exercise3/house_prices.py"]
    entry = make_folder(tmp_path / "yann", files)
    os.symlink(outside, entry / "exercise3", target_is_directory=True)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert set(prepared.problems) == {"exercise3"}
    assert any("exercise3" in note and "symbolic link" in note for note in prepared.notes)
    for data in written(target).values():
        assert b"TOP_SECRET_DIR" not in data


def test_a_fifo_in_a_folder_is_skipped_without_blocking(tmp_path):
    files = complete()
    del files["exercise6/minibatch.py"]
    entry = make_folder(tmp_path / "zoe", files)
    (entry / "exercise6").mkdir(exist_ok=True)
    os.mkfifo(entry / "exercise6" / "minibatch.py")
    prepared = prepare(entry, tmp_path / "out")
    assert set(prepared.problems) == {"exercise6"}


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_a_file_over_the_size_limit_is_ignored_as_too_large(tmp_path, monkeypatch, kind):
    monkeypatch.setattr(folders if kind == "folder" else zips, "MAX_FILE_BYTES", 200)
    files = complete()
    files["exercise4/learning_rate.py"] = b"# padding\n" * 100 + b"BIG = 1\n"
    if kind == "folder":
        entry = make_folder(tmp_path / "amy", files)
    else:
        entry = make_zip(tmp_path / "amy.zip", files, compression=zipfile.ZIP_DEFLATED)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert prepared.fatal is None
    assert set(prepared.problems) == {"exercise4"}
    assert any("exercise4/learning_rate.py" in n and "too large" in n for n in prepared.notes)
    assert "exercise4/learning_rate.py" not in written(target)


def _central_header(data: bytearray, name: bytes) -> int:
    at = 0
    while True:
        at = data.find(b"PK\x01\x02", at)
        assert at != -1, name
        if data[at + 46 : at + 46 + len(name)] == name:
            return at
        at += 4


def test_a_zip_member_whose_size_header_lies_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setattr(zips, "MAX_FILE_BYTES", 200)
    files = complete()
    files["exercise4/learning_rate.py"] = b"# padding\n" * 100 + b"BIG = 1\n"
    entry = make_zip(tmp_path / "ben.zip", files, compression=zipfile.ZIP_DEFLATED)
    # Declare a tiny uncompressed size in the central directory.
    data = bytearray(entry.read_bytes())
    at = _central_header(data, b"exercise4/learning_rate.py")
    data[at + 24 : at + 28] = (10).to_bytes(4, "little")
    entry.write_bytes(bytes(data))
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert prepared.fatal is None
    assert set(prepared.problems) == {"exercise4"}
    assert "exercise4/learning_rate.py" not in written(target)
    assert any("exercise4/learning_rate.py" in note for note in prepared.notes)


def _damaged_zip(path: Path, damage: str) -> Path:
    files = complete()
    files["exercise2/gradients.py"] = b"GRADIENT = 1\n" * 500
    if damage == "bad-utf8-name":
        del files["exercise2/gradients.py"]
        files["exercise2/gradients_é.py"] = b"X = 1\n"  # stored with the UTF-8 flag
    make_zip(path, files, compression=zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    if damage == "bad-utf8-name":
        data = bytearray(data.replace("é".encode(), b"\xff\xfe"))
    elif damage == "unsupported-version":
        at = _central_header(data, b"exercise2/gradients.py")
        data[at + 6 : at + 8] = (255).to_bytes(2, "little")  # needs "version 25.5"
    elif damage == "corrupt-deflate-data":
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("exercise2/gradients.py")
        start = info.header_offset
        name_length = int.from_bytes(data[start + 26 : start + 28], "little")
        extra_length = int.from_bytes(data[start + 28 : start + 30], "little")
        body = start + 30 + name_length + extra_length
        data[body : body + 8] = b"\xff" * 8  # an invalid deflate block type
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    "damage", ["bad-utf8-name", "unsupported-version", "corrupt-deflate-data"]
)
def test_a_damaged_zip_never_makes_prepare_raise(tmp_path, damage):
    entry = _damaged_zip(tmp_path / "cleo.zip", damage)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert isinstance(prepared, Prepared)
    assert "exercise2" in prepared.problems
    assert_accounted_for(prepared, target)


def test_a_member_that_cannot_be_extracted_is_noted_and_the_rest_prepared(tmp_path):
    entry = _damaged_zip(tmp_path / "dina.zip", "corrupt-deflate-data")
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert prepared.fatal is None
    assert set(prepared.problems) == {"exercise2"}
    assert any("exercise2/gradients.py" in note for note in prepared.notes)
    assert set(written(target)) == set(MODULES.values()) - {"exercise2/gradients.py"}


# --------------------------------------------------------------------------
# Digest
# --------------------------------------------------------------------------


def test_the_digest_depends_on_content_not_on_the_entry_name(tmp_path):
    first = prepare(make_folder(tmp_path / "a" / "eve", complete()), tmp_path / "o1")
    again = prepare(make_folder(tmp_path / "b" / "eve", complete()), tmp_path / "o2")
    renamed = prepare(make_folder(tmp_path / "c" / "eve-renamed", complete()), tmp_path / "o3")
    assert first.digest == again.digest == renamed.digest
    zipped = prepare(make_zip(tmp_path / "eve.zip", complete()), tmp_path / "o4")
    assert zipped.digest == first.digest

    changed_files = complete()
    changed_files["exercise4/learning_rate.py"] += b"# one more line\n"
    changed = prepare(make_folder(tmp_path / "d" / "eve", changed_files), tmp_path / "o5")
    assert changed.digest != first.digest

    missing_files = complete()
    del missing_files["exercise6/minibatch.py"]
    missing = prepare(make_folder(tmp_path / "e" / "eve", missing_files), tmp_path / "o6")
    assert missing.digest not in {first.digest, changed.digest}


def test_the_digest_follows_the_graded_text_not_the_raw_bytes(tmp_path):
    files = complete()
    del files["exercise1/mse.py"]
    plain = {**files, "exercise1/mse.ipynb": notebook(code("X = 1\n"))}
    magic = {**files, "exercise1/mse.ipynb": notebook(code("%matplotlib inline\nX = 1\n"))}
    other = {**files, "exercise1/mse.ipynb": notebook(code("X = 2\n"))}
    digests = [
        prepare(make_folder(tmp_path / name, entry), tmp_path / f"out-{name}").digest
        for name, entry in (("plain", plain), ("magic", magic), ("other", other))
    ]
    assert digests[0] != digests[2]
    # A dropped magic line stays a blank line, so that the cell's lines keep their numbers.
    assert (tmp_path / "out-magic/exercise1/mse.py").read_text("utf-8") == (
        tmp_path / "out-plain/exercise1/mse.py"
    ).read_text("utf-8").replace("(1, 'X = 1\\n')", "(1, '\\nX = 1\\n')")


# --------------------------------------------------------------------------
# discover and submission_name
# --------------------------------------------------------------------------


def test_discover_returns_sorted_entries_without_hidden_ones(tmp_path):
    make_folder(tmp_path / "zed", {"exercise1/mse.py": "X = 1\n"})
    make_folder(tmp_path / "Adam", {})
    make_zip(tmp_path / "bella.zip", complete())
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden.zip").write_bytes(b"x")
    entries = discover(tmp_path)
    assert entries == sorted(entries)
    assert [entry.name for entry in entries] == ["Adam", "bella.zip", "notes.txt", "zed"]
    assert all(entry.parent == tmp_path for entry in entries)


def test_discover_of_an_empty_class_is_empty(tmp_path):
    assert discover(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alice.zip", "alice"),
        ("Bob.ZIP", "Bob"),
        ("carol", "carol"),
        ("dave.tar.gz", "dave.tar.gz"),
        ("eve.zip.zip", "eve.zip"),
        ("zip", "zip"),
        ("frank_zip", "frank_zip"),
    ],
)
def test_submission_name_strips_only_a_zip_suffix(tmp_path, name, expected):
    assert submission_name(tmp_path / name) == expected


# --------------------------------------------------------------------------
# Untrusted text: codecs, lone surrogates
# --------------------------------------------------------------------------

SMILE_HALF = "\ud83d"  # half of the UTF-16 pair of an emoji: no UTF-8 form


def test_a_raw_unicode_escape_module_with_a_lone_surrogate_is_graded_with_a_note(tmp_path):
    files = complete()
    source = "# -*- coding: raw_unicode_escape -*-\n# a smile: \\ud83d\nVALUE = 'caf\\u00e9'\n"
    files["exercise1/mse.py"] = source.encode("raw_unicode_escape")
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "cora", files), target)
    assert prepared.problems == {} and prepared.fatal is None
    text = (target / "exercise1/mse.py").read_bytes().decode("utf-8")
    assert "# a smile: \ufffd\n" in text
    assert run_module(text)["VALUE"] == "café"
    (note,) = prepared.notes
    assert "exercise1/mse.py" in note and "U+FFFD" in note and "\\ud83d" in note
    assert "line(s) 2 " in note
    note.encode("utf-8")


def test_a_notebook_with_a_lone_surrogate_escape_is_graded_with_a_note(tmp_path):
    files = complete()
    del files["exercise3/house_prices.py"]
    files["exercise3/house_prices.ipynb"] = notebook(
        code(f"# a smile: {SMILE_HALF}\n"), code(f"LABEL = 'x{SMILE_HALF}{SMILE_HALF}'\n")
    )
    assert b"\\ud83d" in files["exercise3/house_prices.ipynb"]  # as JSON escapes
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "dora", files), target)
    assert prepared.problems == {}
    text = (target / "exercise3/house_prices.py").read_text(encoding="utf-8")
    assert run_module(text)["LABEL"] == "x\ufffd\ufffd"
    first, second = prepared.notes  # one per cell, naming it
    assert first.startswith("exercise3/house_prices.ipynb, cell 1: 1 character(s)")
    assert second.startswith("exercise3/house_prices.ipynb, cell 2: 2 character(s)")
    assert "line(s) 1 " in first and "line(s) 1 " in second


@pytest.mark.parametrize(
    ("codec", "said"),
    [
        ("undefined", "undefined"),
        ("rot13", "not a text encoding"),
        ("hex", "not a text encoding"),
        ("utf-16", "utf-16"),
        ("punycode", "punycode"),
        ("no-such-codec", "unknown encoding"),
    ],
)
def test_a_coding_line_whose_codec_fails_makes_that_exercise_unreadable(tmp_path, codec, said):
    files = complete()
    files["exercise2/gradients.py"] = f"# -*- coding: {codec} -*-\nX = 1\n".encode()
    target = tmp_path / "out"
    prepared = prepare(make_folder(tmp_path / "emil", files), target)
    assert prepared.fatal is None
    assert set(prepared.problems) == {"exercise2"} and prepared.unreadable == {"exercise2"}
    problem = prepared.problems["exercise2"]
    assert problem.startswith("exercise2/gradients.py: ") and said in problem
    assert "UTF-8" in problem
    assert set(written(target)) == set(MODULES.values()) - {"exercise2/gradients.py"}


def test_a_huge_codec_name_gives_a_short_problem(tmp_path):
    files = complete()
    files["exercise2/gradients.py"] = b"# coding: " + b"x" * 100_000 + b"\nX = 1\n"
    prepared = prepare(make_folder(tmp_path / "fay", files), tmp_path / "out")
    assert "exercise2" in prepared.unreadable
    assert len(prepared.problems["exercise2"]) < 400


# --------------------------------------------------------------------------
# Untrusted names and special files
# --------------------------------------------------------------------------


def test_display_name_escapes_bytes_that_are_not_utf8_and_control_characters():
    assert entry_names.display_name("José 漢字 😀") == "José 漢字 😀"
    assert entry_names.display_name(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert entry_names.display_name("line\nbreak\ttab\x1b[31m") == "line\\nbreak\\ttab\\x1b[31m"
    assert entry_names.display_name("a\u202eb\x00c") == "a\\u202eb\\x00c"
    assert entry_names.display_name("half" + SMILE_HALF) == "half\\ud83d"
    assert entry_names.display_name("back\\slash") == "back\\\\slash"
    for name in ("caf\\xe9", os.fsdecode(b"caf\xe9")):
        entry_names.display_name(name).encode("utf-8")
    assert entry_names.display_name("caf\\xe9") != entry_names.display_name(
        os.fsdecode(b"caf\xe9")
    )


def test_a_long_name_is_cut_at_a_character_boundary_and_hashed(tmp_path):
    name = "é" * 150 + ".zip"  # 300 bytes before the suffix
    graded = entry_names.gradebook_name(name)
    shown, digest = graded.rsplit("~", 1)
    assert shown == "é" * 50 and len(shown.encode()) == entry_names.MAX_NAME_BYTES
    assert digest == entry_names.name_hash(name) and len(digest) == entry_names.NAME_HASH_LENGTH
    assert entry_names.gradebook_name("a" + name) != graded
    assert entry_names.gradebook_name(name) == graded  # stable
    assert len(f".{graded}-exercise6.png.123456.tmp".encode()) < 255
    assert entry_names.gradebook_name("alice.zip") == "alice"


def named(tmp_path: Path, *names: str | bytes) -> dict[str, entry_names.NamedEntry]:
    """Entries made in ``tmp_path`` (folders, or zips for ``.zip``), named; by file name."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = tmp_path / os.fsdecode(name)
        if path.name.lower().endswith(".zip"):
            make_zip(path, complete())
        else:
            make_folder(path, complete())
    return {entry.path.name: entry for entry in entry_names.name_entries(discover(tmp_path))}


NFC, NFD = "Jos\u00e9", "Jose\u0301"


def test_colliding_names_get_distinct_stable_names_and_a_note(tmp_path):
    entries = named(tmp_path, "bob", "bob.zip", "bob.zip.zip", "Bob", NFC, NFD, "carol")
    names = [entry.name for entry in entries.values()]
    assert len(set(names)) == len({name.casefold() for name in names}) == 7
    assert entries["carol"].name == "carol" and entries["carol"].notes == ()
    for file_name in ("bob", "bob.zip", "bob.zip.zip", "Bob", NFC, NFD):
        entry = entries[file_name]
        stem = file_name.removesuffix(".zip")
        assert entry.name == f"{stem}~{entry_names.name_hash(file_name)}"
        (note,) = entry.notes
        assert note.startswith(f"graded as {entry.name}: ") and "also called" in note
    bob_note = entries["bob"].notes[0]
    assert "3 other entries are also called bob (Bob, bob.zip, bob.zip.zip)" in bob_note
    assert "another entry is also called" in entries[NFC].notes[0]
    assert entries["bob.zip"].shown == "bob.zip"


def test_a_renamed_entry_keeps_its_name_whatever_the_other_entries(tmp_path):
    first = named(tmp_path / "one", "bob", "bob.zip")
    second = named(tmp_path / "two", "bob.zip", "BOB.zip.zip", "Bob", "zed")
    assert first["bob.zip"].name == second["bob.zip"].name
    assert second["zed"].name == "zed"


def test_a_name_like_a_renamed_one_does_not_collide_with_it(tmp_path):
    taken = f"bob~{entry_names.name_hash('bob.zip')}"
    entries = named(tmp_path, "bob", "bob.zip", taken)
    names = [entry.name for entry in entries.values()]
    assert len({name.casefold() for name in names}) == 3
    assert entries[taken].name.startswith(f"{taken}~")
    assert "another entry's new name" in entries[taken].notes[0]


def test_undecodable_and_unprintable_names_are_escaped_and_hashed(tmp_path):
    entries = named(tmp_path, b"caf\xe9-latin1", "line\nbreak\x1b[31m", "n" * 222)
    latin = entries[os.fsdecode(b"caf\xe9-latin1")]
    assert latin.name == f"caf\\xe9-latin1~{entry_names.name_hash(latin.path.name)}"
    assert latin.shown == "caf\\xe9-latin1"
    assert entries["line\nbreak\x1b[31m"].name.startswith("line\\nbreak\\x1b[31m~")
    long = entries["n" * 222]
    assert long.name == "n" * entry_names.MAX_NAME_BYTES + "~" + entry_names.name_hash("n" * 222)
    assert "longer than 100 bytes" in long.notes[0]
    for entry in entries.values():
        assert entry.name.isprintable() and entry.name.encode("utf-8")
        assert "not UTF-8" in entry.notes[0] or "longer" in entry.notes[0]


def test_names_inside_a_folder_that_are_not_utf8_are_noted_escaped(tmp_path):
    files = complete()
    entry = make_folder(tmp_path / "gus", files)
    strange = Path(os.fsdecode(bytes(entry) + b"/exercise1/\xff\x1b"))
    strange.symlink_to(entry / "exercise1" / "mse.py")
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_complete(prepared, target)
    (note,) = prepared.notes
    assert note == "ignored exercise1/\\xff\\x1b: symbolic links are not followed"


def test_sockets_and_pipes_in_a_folder_are_noted_as_such(tmp_path):
    import socket

    files = complete()
    del files["exercise1/mse.py"], files["exercise2/gradients.py"]
    entry = make_folder(tmp_path / "hal", files)
    (entry / "exercise1").mkdir()
    (entry / "exercise2").mkdir()
    os.mkfifo(entry / "exercise1" / "mse.py")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(entry / "exercise2" / "gradients.py"))
    try:
        prepared = prepare(entry, tmp_path / "out")
    finally:
        server.close()
    assert set(prepared.problems) == {"exercise1", "exercise2"}
    assert prepared.notes == [
        "ignored exercise1/mse.py: a named pipe, not a regular file",
        "ignored exercise2/gradients.py: a socket, not a regular file",
    ]


def test_a_named_pipe_named_like_a_zip_is_unreadable_without_blocking(tmp_path):
    entry = tmp_path / "ivan.zip"
    os.mkfifo(entry)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_fatal(prepared, target, "ivan.zip is a named pipe, not a zip file")
    assert prepared.fatal_kind == "unreadable"


# --------------------------------------------------------------------------
# Bounds: folders walked, zip members, notes
# --------------------------------------------------------------------------


def test_a_folder_walk_stops_after_its_bound_with_a_note(tmp_path):
    entry = make_folder(tmp_path / "jude", complete())
    crowd = entry / "zz-crowd"
    crowd.mkdir()
    for number in range(folders.MAX_FOLDER_ENTRIES + 50):
        (crowd / f"{number:05d}").mkdir()
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_complete(prepared, target)  # the exercises come first in name order
    assert prepared.notes == [
        f"stopped reading the folder after {folders.MAX_FOLDER_ENTRIES:,} files and folders; "
        "the rest was ignored"
    ]


def test_hidden_folders_are_not_walked(tmp_path):
    entry = make_folder(tmp_path / "kurt", complete())
    hidden = entry / ".git" / "objects"
    hidden.mkdir(parents=True)
    for number in range(folders.MAX_FOLDER_ENTRIES + 50):
        (hidden / f"{number:05d}").touch()
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_complete(prepared, target)
    assert prepared.notes == []


def _set_declared_members(path: Path, count: int) -> None:
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = count.to_bytes(2, "little") * 2
    path.write_bytes(bytes(data))


def test_a_zip_declaring_too_many_members_is_refused_before_it_is_parsed(tmp_path):
    entry = make_zip(tmp_path / "lena.zip", complete())
    _set_declared_members(entry, zips.MAX_MEMBERS + 1)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_fatal(prepared, target, "lena.zip declares 10,001 members", "at most 10,000")
    assert prepared.fatal_kind == "unreadable"


def test_a_zip_lying_about_its_member_count_is_refused_too(tmp_path):
    entry = tmp_path / "milo.zip"
    with zipfile.ZipFile(entry, "w") as archive:
        for number in range(zips.MAX_MEMBERS + 1):
            archive.writestr(zipfile.ZipInfo(f"x/{number}"), b"")
    _set_declared_members(entry, 6)
    target = tmp_path / "out"
    assert_fatal(prepare(entry, target), target, "milo.zip holds more than 10,000 members")


def test_a_zip_with_a_comment_and_many_members_is_still_counted(tmp_path):
    entry = tmp_path / "nina.zip"
    with zipfile.ZipFile(entry, "w") as archive:
        for number in range(zips.MAX_MEMBERS + 1):
            archive.writestr(zipfile.ZipInfo(f"x/{number}"), b"")
        archive.comment = b"the end record is no longer the last 22 bytes" * 1000
    target = tmp_path / "out"
    assert_fatal(prepare(entry, target), target, "nina.zip declares 10,001 members")


def test_notes_are_capped_with_a_count_of_the_rest(tmp_path):
    files: dict = {f"../{number:04d}": b"" for number in range(500)}
    files.update(complete())
    entry = make_zip(tmp_path / "otto.zip", files)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_complete(prepared, target)
    assert len(prepared.notes) == intake.MAX_NOTES
    assert prepared.notes[0] == "ignored ../0000: the path leaves the submission"
    left_out = 500 - (intake.MAX_NOTES - 1)
    assert prepared.notes[-1] == f"{left_out} more notes like these were left out"


def test_member_names_with_control_characters_are_noted_escaped(tmp_path):
    files: dict = complete()
    files["../evil\n\x1b[2Jname"] = b"x"
    prepared = prepare(make_zip(tmp_path / "pia.zip", files), tmp_path / "out")
    assert prepared.notes == ["ignored ../evil\\n\\x1b[2Jname: the path leaves the submission"]


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_files_beyond_the_file_bound_are_ignored_with_one_note(tmp_path, kind):
    files: dict = complete()
    files.update({f"zz/{number:04d}.txt": b"" for number in range(entry_limits.MAX_FILES + 30)})
    entry = make_entry(tmp_path, "quin", files, kind)
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_complete(prepared, target)
    (note,) = prepared.notes
    assert note.startswith("ignored zz/") and "every file after it" in note
    assert f"at most {entry_limits.MAX_FILES} files" in note


def test_a_zip_declaring_a_huge_member_list_is_refused_before_it_is_parsed(tmp_path):
    entry = make_zip(tmp_path / "rosa.zip", complete())
    data = bytearray(entry.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 12 : end + 16] = (zips.MAX_DIRECTORY_BYTES + 1).to_bytes(4, "little")
    entry.write_bytes(bytes(data))
    target = tmp_path / "out"
    prepared = prepare(entry, target)
    assert_fatal(prepared, target, "rosa.zip declares a list of members of 16,777,217 bytes")
