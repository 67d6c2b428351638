"""The names a human reads: entries, files and errors shown printable, and gradebook names.

Names are untrusted: a file or member name may hold bytes that are not UTF-8,
control characters or bidirectional overrides. :func:`display_name` shows any
of them printable, on one line; :func:`name_entries` gives every entry of a
class a distinct gradebook name that is printable, short enough for the file
names derived from it, and stable from one run to the next.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: A gradebook name's length before its hash; its derived file names stay far below 255.
MAX_NAME_BYTES = 100
NAME_HASH_LENGTH = 8

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def _shown_char(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable():  # lone surrogates, controls, format characters are not
        return char
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def display_name(name: str) -> str:
    """A file or member name as a human may see it: printable, one line, valid UTF-8.

    Bytes that are not UTF-8 (which ``os.listdir`` returns as surrogate
    escapes) are shown as ``\\xNN``; control and other unprintable characters
    (newline, tab, ESC, bidirectional overrides, lone surrogates) as Python
    escapes; a backslash is doubled, so that no name can pass for an escaped one.

    Parameters
    ----------
    name : str
        The name as the file system or the zip gave it.

    Returns
    -------
    str
    """
    try:
        text = os.fsencode(name).decode("utf-8", "surrogateescape")
    except UnicodeError:  # a lone surrogate no file system byte stands for
        text = name
    return "".join(_shown_char(char) for char in text)


def _raw_name(name: str) -> bytes:
    try:
        return os.fsencode(name)
    except UnicodeError:
        return name.encode("utf-8", "surrogatepass")


def name_hash(name: str, length: int = NAME_HASH_LENGTH) -> str:
    """A short, stable hash of an entry's raw file name (its bytes, ``os.fsencode``)."""
    return hashlib.sha256(_raw_name(name)).hexdigest()[:length]


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, at a character boundary."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _without_zip(name: str, every: bool = False) -> str:
    pattern = r"(?:\.zip)+$" if every else r"\.zip$"
    return re.sub(pattern, "", name, flags=re.IGNORECASE) or name


def gradebook_name(file_name: str, hashed: bool = False, length: int = NAME_HASH_LENGTH) -> str:
    """The name an entry is graded under, before collisions are settled.

    The submission's name (the file name without one ``.zip``) as
    :func:`display_name` shows it, cut to :data:`MAX_NAME_BYTES`; when that
    changed it (or ``hashed`` asks), ``~`` and :func:`name_hash` of the raw
    file name follow, so that two long or undecodable names stay apart.
    """
    plain = _without_zip(file_name)
    shown = _cut(display_name(plain), MAX_NAME_BYTES)
    if hashed or shown != plain:
        return f"{shown}~{name_hash(file_name, length)}"
    return shown


def _collision_key(name: str) -> str:
    """Names equal under this key look alike, or overwrite each other's files somewhere."""
    shown = display_name(_without_zip(name, every=True))
    return unicodedata.normalize("NFC", shown).casefold()


@dataclass(frozen=True)
class NamedEntry:
    """One entry of a class and the name it is graded under.

    Attributes
    ----------
    path : Path
        The folder or zip handed in.
    name : str
        Its gradebook name: the ``grades.csv`` row, ``results/<name>.json``,
        ``feedback/<name>.md``.
    shown : str
        The entry's own file name, as :func:`display_name` shows it.
    notes : tuple of str
        Why ``name`` differs from the entry's name, for its feedback.
    canvas_files : tuple
        For a student of a Canvas bulk download, the files that make up the
        entry (:class:`~autograder.lms.canvas_download.CanvasFile`); ``path``
        is then the class folder joined with the student's key.
    """

    path: Path
    name: str
    shown: str
    notes: tuple[str, ...] = ()
    canvas_files: tuple = ()


def _listing(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _clashing(names: dict[Path, str]) -> list[Path]:
    keys: dict[str, list[Path]] = {}
    for entry, name in names.items():
        keys.setdefault(unicodedata.normalize("NFC", name).casefold(), []).append(entry)
    return [entry for group in keys.values() if len(group) > 1 for entry in group]


def name_entries(entries: list[Path]) -> list[NamedEntry]:
    """Give every entry of a class a distinct, printable, stable gradebook name.

    Entries whose names collide once case, Unicode normalisation (NFC/NFD)
    and ``.zip`` suffixes are set aside (``bob/``, ``Bob.zip``,
    ``bob.zip.zip``) are all graded as ``<name>~<hash of the raw file name>``,
    whatever the other entries are, and each is told why in a note.

    Parameters
    ----------
    entries : list of Path
        The class's entries (see :func:`~autograder.grading.intake.discover`).

    Returns
    -------
    list of NamedEntry
        In the order of ``entries``.
    """
    groups: dict[str, list[Path]] = {}
    for entry in entries:
        groups.setdefault(_collision_key(entry.name), []).append(entry)
    names = {
        entry: gradebook_name(entry.name, len(groups[_collision_key(entry.name)]) > 1)
        for entry in entries
    }
    for length in (16, 64):  # a student may have named a folder like another's new name
        for entry in _clashing(names):
            names[entry] = gradebook_name(entry.name, True, length)
    named = []
    for entry in entries:
        name, plain = names[entry], _without_zip(entry.name)
        reasons = []
        if _cut(display_name(plain), MAX_NAME_BYTES) != display_name(plain):
            reasons.append(f"its name is longer than {MAX_NAME_BYTES} bytes")
        if display_name(plain) != plain:
            reasons.append(
                "its name holds bytes that are not UTF-8, unprintable characters or "
                "backslashes, shown escaped"
            )
        group = groups[_collision_key(entry.name)]
        others = [display_name(other.name) for other in group if other != entry]
        if others:
            who = "another entry is" if len(others) == 1 else f"{len(others)} other entries are"
            called = display_name(_without_zip(entry.name, every=True))
            reasons.append(f"{who} also called {called} ({_listing(others)})")
        if name != display_name(plain) and not reasons:
            reasons.append("another entry's new name would have been the same as its name")
        notes = (f"graded as {name}: {'; '.join(reasons)}",) if reasons else ()
        named.append(NamedEntry(entry, name, display_name(entry.name), notes))
    return named


def error_reason(error: BaseException, limit: int = 200) -> str:
    """An exception as a short printable phrase: it may quote untrusted names or bytes."""
    text = display_name(str(error) or type(error).__name__)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown_path(path: PurePosixPath | str) -> str:
    """A path inside an entry as :func:`display_name` shows it."""
    return display_name(str(path))
