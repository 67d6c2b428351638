"""Turn a handed-in file into the text of a module: a notebook's code, a ``.py`` file decoded.

A ``.py`` file is decoded as Python would decode it (its coding line
rewritten to say UTF-8), a notebook becomes a module that runs its code cells
one by one, each under its own name, without IPython's magics, and
:func:`writable_text` replaces what UTF-8 cannot write, noting it. None of
them runs anything.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import tokenize

from autograder.grading.entry_names import error_reason

#: Codecs whose decoding time grows with the square of the text: refused in coding lines.
SLOW_CODECS = {"punycode", "idna"}


#: The first line of gdlab's own check cell in a notebook: never part of the graded module.
CHECK_CELL = "# gdlab: check your work"


def notebook_cells(data: bytes) -> list[tuple[int, str]]:
    """The code cells a notebook's module is made of: ``(cell number, source)`` in order.

    Cells are numbered from 1 at the top, markdown cells included, as a
    student counts them in JupyterLab. Left out: cell magics (a cell
    starting with ``%%``), gdlab's check cell (first line
    :data:`CHECK_CELL`), nbgrader's autograder-test cells (metadata
    ``nbgrader.grade`` true, ``nbgrader.solution`` false) and empty cells.
    In the others, lines starting with ``%`` or ``!`` (IPython magics and
    shell commands) become blank lines, indented ones too, since IPython runs
    magics inside blocks; a continuation line starting with ``%`` (``    % 3``)
    is dropped as well, so such code must keep the operator on the line above.
    Lines end only at ``\\n``, ``\\r\\n`` or ``\\r``, as in Python. The text
    may hold lone surrogates (JSON escapes such as ``\\ud83d``).

    Raises
    ------
    ValueError
        When the bytes are not a JSON notebook with a list of cells whose
        sources are text.
    """
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # not UTF-8, not JSON, too many digits
        raise ValueError(f"the notebook is not valid JSON ({type(error).__name__})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ValueError("the notebook has no list of cells")
    found = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        parts = source if isinstance(source, list) else [source]
        if not all(isinstance(part, str) for part in parts):
            raise ValueError(f"cell {number} of the notebook has a malformed source")
        text = "".join(parts)
        if text.lstrip().startswith(("%%", CHECK_CELL)) or _is_nbgrader_test(cell):
            continue
        lines = re.split(r"\r\n|\r|\n", text)
        kept = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)
        if kept.strip():
            found.append((number, kept))
    return found


def _is_nbgrader_test(cell: dict) -> bool:
    """An nbgrader autograder-test cell: the course's tests, not the student's module."""
    metadata = cell.get("metadata")
    marks = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return isinstance(marks, dict) and marks.get("grade") is True and not marks.get("solution")


#: What a graded notebook's module runs before its cells: what a Jupyter kernel offers.
NOTEBOOK_PREAMBLE = '''\
"""The code cells of a notebook, as gdlab grades them (written by gdlab's intake).

Each cell runs in order under its own name, as JupyterLab's Run All runs them,
so that an error names its cell ("cell 4, line 2"). A syntax error in any cell
fails the whole module; a cell that raises while the module loads (an
exploratory call of an unfinished function) stops there and the next cells
still run. display() and IPython.display are accepted and show nothing.
"""

import sys as _gdlab_sys
import types as _gdlab_types


def display(*objects, **options):
    """Show nothing: a graded notebook has no output."""


class _GdlabShown(_gdlab_types.ModuleType):
    """IPython.display as a graded notebook sees it: its objects are made and shown nowhere."""

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None


if "IPython" not in _gdlab_sys.modules:  # IPython as installed, with no kernel running
    _gdlab_ipython = _gdlab_types.ModuleType("IPython")
    _gdlab_ipython.version_info = (8, 24, 0)
    _gdlab_ipython.get_ipython = lambda: None
    _gdlab_ipython.display = _GdlabShown("IPython.display")
    _gdlab_ipython.display.display = display
    _gdlab_sys.modules["IPython"] = _gdlab_ipython
    _gdlab_sys.modules["IPython.display"] = _gdlab_ipython.display
__gdlab_skipped__ = []
'''

NOTEBOOK_RUN = '''
_gdlab_codes = [
    compile(_gdlab_source, f"cell {_gdlab_number}", "exec", dont_inherit=True)
    for _gdlab_number, _gdlab_source in _GDLAB_CELLS
]
for (_gdlab_number, _), _gdlab_code in zip(_GDLAB_CELLS, _gdlab_codes):
    try:
        exec(_gdlab_code)
    except Exception as _gdlab_error:
        _gdlab_line = getattr(_gdlab_error.__traceback__.tb_next, "tb_lineno", "?")
        __gdlab_skipped__.append(
            f"cell {_gdlab_number} raised {type(_gdlab_error).__name__} at line {_gdlab_line} "
            "while the notebook loaded; the rest of that cell did not run"
        )
'''


def notebook_source(data: bytes, origin: str = "the notebook", notes: list | None = None) -> str:
    """The module a notebook stands for: its code cells (:func:`notebook_cells`), each run
    under its own name after a preamble that offers what a kernel does.

    Parameters
    ----------
    data : bytes
        The ``.ipynb`` file.
    origin : str
        The notebook's name, for notes.
    notes : list, optional
        Receives a note per cell whose text needed :func:`writable_text`.

    Raises
    ------
    ValueError
        As :func:`notebook_cells`.
    """
    notes = [] if notes is None else notes
    cells = [
        (number, writable_text(text, f"{origin}, cell {number}", notes, "of that cell"))
        for number, text in notebook_cells(data)
    ]
    listed = "".join(f"    ({number}, {text!r}),\n" for number, text in cells)
    return f"{NOTEBOOK_PREAMBLE}\n_GDLAB_CELLS = (\n{listed})\n{NOTEBOOK_RUN}"


def python_source(data: bytes) -> str:
    """Decode a ``.py`` file as Python would (UTF-8 unless a coding line says otherwise).

    The text is written back as UTF-8, so a coding line naming another
    encoding is rewritten to say UTF-8: the module keeps its meaning. The
    text may hold lone surrogates (a ``raw_unicode_escape`` file's ``\\ud83d``).

    Raises
    ------
    ValueError
        When the bytes cannot be decoded, whatever the codec raised, or the
        coding line names a codec whose decoding time is quadratic.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # not UTF-8, an unknown codec, a BOM that contradicts
        raise ValueError(
            f"the file is not valid UTF-8 ({error_reason(error)}); save it with UTF-8 encoding"
        ) from None
    if encoding.replace("_", "-").lower() in SLOW_CODECS:
        raise ValueError(
            f"its coding line names {encoding}, which is not an encoding for Python files; "
            "save it with UTF-8 encoding"
        )
    try:
        text = data.decode(encoding)
    except Exception as error:  # a codec may raise anything: LookupError (rot13), ...
        what = "valid UTF-8" if encoding.startswith("utf-8") else f"valid {encoding}"
        raise ValueError(
            f"the file is not {what} as its coding line says ({type(error).__name__}: "
            f"{error_reason(error)}); save it with UTF-8 encoding"
        ) from None
    if encoding not in ("utf-8", "utf-8-sig"):
        head = text.split("\n", 2)
        for index in range(min(2, len(head))):
            head[index] = CODING_LINE.sub(r"\1utf-8", head[index], count=1)
        text = "\n".join(head)
    return text


CODING_LINE = re.compile(r"^([ \t\f]*#.*?coding[:=][ \t]*)[-\w.]+")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def writable_text(
    text: str, origin: str, notes: list[str], within: str = "of the graded module"
) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, noting what and where.

    A lone surrogate (half of an emoji's UTF-16 pair) can be decoded from a
    notebook's JSON escape or a ``raw_unicode_escape`` file but cannot be
    written as UTF-8.
    """
    matches = LONE_SURROGATE.finditer(text)
    first = list(itertools.islice(matches, 5))
    if not first:
        return text
    count = len(first) + sum(1 for _ in matches)
    lines = sorted({text.count("\n", 0, match.start()) + 1 for match in first})
    examples = ", ".join(dict.fromkeys(f"\\u{ord(match.group()):04x}" for match in first))
    notes.append(
        f"{origin}: {count} character(s) that cannot be written as UTF-8 (lone surrogates, "
        f"halves of a UTF-16 pair such as an emoji's: {examples}) were replaced with U+FFFD, "
        f"on line(s) {', '.join(map(str, lines))}{' ...' if count > len(first) else ''} "
        f"{within}"
    )
    return LONE_SURROGATE.sub("\ufffd", text)
