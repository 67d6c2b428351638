"""Show a student's text as plain text: in Markdown on one line, in the gradebook never a formula.

Nothing a student wrote can turn the grader's files against their reader.
Every text that can come from a submission (its name, intake's notes, why it
could not be read, test messages and diagnoses, which quote the student's
exceptions and values) is shown in Markdown by :func:`markdown_text`, as
plain text on one line of at most :data:`TEXT_LIMIT` characters, and in the
gradebook by :func:`spreadsheet_cell`, never as a formula.
"""

from __future__ import annotations

import re
import string
import unicodedata

#: Longest text of a student's shown in the feedback, in characters (a test's
#: message is already cut at 600 when it is recorded).
TEXT_LIMIT = 600

# What could start Markdown anywhere in a line (CommonMark, and GitHub's
# strikethrough, maths, mentions and bare links): escapes, code, links and
# images ("]" and "|" are harmless once "[" and the start of the line are
# escaped), HTML and autolinks, entities; "*" and "_" only where they could
# open or close emphasis (not in "lr * grad" nor in "find_critical_lr");
# the ":" of "://" and the "." of "www.".
_MARKUP = re.compile(
    r"[\\`\[<&~$#@]|(?<!\s)\*|\*(?!\s)|(?<![^\W_])_|_(?![^\W_])|:(?=//)|(?<=www)\.", re.I
)

# At the start of a line, an ordered list's marker: "1." or "1)".
_ORDERED = re.compile(r"\d+(?=[.)])")

# A spreadsheet evaluates a cell that starts with one of these (OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _visible(char: str) -> str:
    if char.isspace():
        return " "
    # Control and format characters (a terminal's escapes, bidirectional
    # overrides) and halves of surrogate pairs (names that are not UTF-8).
    return "\ufffd" if unicodedata.category(char) in ("Cc", "Cf", "Cs") else char


def _one_line(text: str) -> str:
    """``text`` on one line, white space collapsed, invisible characters shown as U+FFFD."""
    return " ".join("".join(map(_visible, text)).split())


def markdown_text(text: str, limit: int = TEXT_LIMIT) -> str:
    """Show ``text`` in Markdown as exactly that text, on one line.

    For the texts a student can influence: whatever they hold, they make no
    heading, list, block quote, table, code, emphasis, link, image, autolink
    or HTML. The text is cut to ``limit`` characters, put on one line, and
    every character that could start Markdown is escaped with a backslash,
    which CommonMark allows before any ASCII punctuation; the rest is left
    as it is, so an honest message reads the same in the ``.md`` file.

    Parameters
    ----------
    text : str
    limit : int, default TEXT_LIMIT
        Characters kept; a longer text ends with ``…``.

    Returns
    -------
    str
        For example ``\\<img src=x onerror=alert(1)>`` for
        ``<img src=x onerror=alert(1)>``.
    """
    if len(text) > limit:
        text = text[:limit] + "…"
    line = _MARKUP.sub(lambda found: "\\" + found.group(), _one_line(text))
    # At the start of a line, more starts a block: "#", ">", "-", "+", "=", "1.".
    if line and line[0] in string.punctuation and line[0] != "\\":
        return "\\" + line
    ordered = _ORDERED.match(line)
    if ordered:
        return line[: ordered.end()] + "\\" + line[ordered.end() :]
    return line


def spreadsheet_cell(text: str) -> str:
    """A text cell of the gradebook that no spreadsheet evaluates.

    The OWASP rule against CSV injection: a cell that starts with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
    (the :mod:`csv` module already quotes separators and quotes). Halves of
    surrogate pairs (names that are not UTF-8) become U+FFFD, which UTF-8
    can write.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
