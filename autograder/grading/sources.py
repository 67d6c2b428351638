"""Turn a handed-in file into the text of a module: a notebook's code, a ``.py`` file decoded.

A ``.py`` file is decoded as Python would decode it (its coding line
rewritten to say UTF-8), a notebook becomes its code cells without IPython's
magics, and :func:`writable_text` replaces what UTF-8 cannot write, noting it.
None of them runs anything.
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


def notebook_source(data: bytes) -> str:
    """The module a notebook stands for: its code cells in order.

    Lines starting with ``%`` or ``!`` (IPython magics and shell commands) are
    dropped, indented ones too, since IPython runs magics inside blocks; the
    price is that a continuation line starting with ``%`` (``    % 3``) is
    dropped as well, so such code must keep the operator on the line above.
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
    chunks = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        parts = source if isinstance(source, list) else [source]
        if not all(isinstance(part, str) for part in parts):
            raise ValueError(f"cell {number} of the notebook has a malformed source")
        lines = re.split(r"\r\n|\r|\n", "".join(parts))
        if lines[-1] == "":  # a cell's final line end
            lines.pop()
        chunks.append(
            "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
        )
    return "\n\n".join(chunks) + "\n"


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


def writable_text(text: str, origin: str, notes: list[str]) -> str:
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
        "of the graded module"
    )
    return LONE_SURROGATE.sub("\ufffd", text)
