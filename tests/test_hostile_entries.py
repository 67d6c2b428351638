"""Odd and hostile entries, graded in one batch beside an honest classmate.

Each entry below once crashed ``gdlab grade`` or spoiled its gradebook: text
that cannot be written as UTF-8, codecs that raise, names that are not UTF-8,
too long, full of control characters or colliding, special files, a zip of
200,000 members, a flood of notes, and an output file the grader cannot
write. The class is graded once with the real batch and the real sandbox
(:func:`autograder.grading.batch.grade_class`), and so is a class holding
only the honest entry; each test checks one promise against those runs.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from autograder import results
from autograder.grading.batch import grade_class
from autograder.grading.entry_names import name_hash
from autograder.grading.gradebook import entries_of
from autograder.grading.intake import MAX_NOTES, prepare
from autograder.paths import SOLUTIONS_DIR
from autograder.sandbox import library_view

SECRET = "hostile-entries-secret"
ANSWER = (SOLUTIONS_DIR / "exercise1" / "mse.py").read_text(encoding="utf-8")
SECOND = (SOLUTIONS_DIR / "exercise2" / "gradients.py").read_text(encoding="utf-8")
NFC, NFD = "Jos\u00e9", "Jose\u0301"
LATIN1_NAME = os.fsdecode(b"caf\xe9-latin1")  # as os.listdir returns it after unzip
CONTROL_NAME = "line\nbreak\x1b[31m"
LONG_NAME = "n" * 222
FLOOD = 5000  # members named ../NNNN, below the member bound


def _module(source: str | bytes, name: str = "mse.py") -> Callable[[Path], None]:
    """A folder holding exercise1's module (and exercise2's answer key)."""

    def build(root: Path) -> None:
        (root / "exercise1").mkdir(parents=True)
        data = source.encode("utf-8") if isinstance(source, str) else source
        (root / "exercise1" / name).write_bytes(data)
        (root / "exercise2").mkdir()
        (root / "exercise2" / "gradients.py").write_text(SECOND, encoding="utf-8")

    return build


def _zip(members: dict[str, str | bytes]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        with zipfile.ZipFile(path, "w") as bundle:
            for name, data in members.items():
                bundle.writestr(zipfile.ZipInfo(name), data)

    return build


def _honest(root: Path) -> None:
    shutil.copytree(SOLUTIONS_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))


def _notebook(root: Path) -> None:
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": "# a smile: \ud83d\n"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": ANSWER},
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / "exercise1").mkdir(parents=True)
    # json.dumps writes the lone surrogate as the escape \ud83d, as Jupyter would.
    (root / "exercise1" / "mse.ipynb").write_text(json.dumps(notebook), encoding="ascii")


def _cookie(codec: str) -> bytes:
    return f"# -*- coding: {codec} -*-\n{ANSWER}".encode()


RAW_ESCAPE = ("# -*- coding: raw_unicode_escape -*-\n# a smile: \\ud83d\n" + ANSWER).encode(
    "raw_unicode_escape"
)


def _special_files(root: Path) -> None:
    """A named pipe for exercise1's module and a socket for exercise2's."""
    for folder in ("exercise1", "exercise2"):
        (root / folder).mkdir(parents=True)
    os.mkfifo(root / "exercise1" / "mse.py")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(root / "exercise2" / "gradients.py"))  # the file outlives the socket
    (root / "exercise3").mkdir()
    source = (SOLUTIONS_DIR / "exercise3" / "house_prices.py").read_text(encoding="utf-8")
    (root / "exercise3" / "house_prices.py").write_text(source, encoding="utf-8")


def _many_members(path: Path, count: int = 200_000) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as bundle:
        for number in range(count):
            bundle.writestr(zipfile.ZipInfo(f"../{number:06d}"), b"")


def _empty(root: Path) -> None:
    (root / "exercise1").mkdir(parents=True)


def _plain_file(path: Path) -> None:
    path.write_text("my answers are in the mail\n", encoding="utf-8")


TWO_ANSWERS = {"exercise1/mse.py": ANSWER, "exercise2/gradients.py": SECOND}
GRADED, REGRADE = results.GRADED_STATUS, results.NEEDS_REGRADE
UNREADABLE, MISSING = results.UNREADABLE, results.MISSING

#: file name -> (how it is shown, expected status, builder)
ENTRIES: dict[str, tuple[str, str, Callable[[Path], None]]] = {
    "honest": ("honest", GRADED, _honest),
    "surrogate-notebook": ("surrogate-notebook", GRADED, _notebook),
    "codec-cookie": ("codec-cookie", GRADED, _module(RAW_ESCAPE)),
    "cookie-undefined": ("cookie-undefined", GRADED, _module(_cookie("undefined"))),
    "cookie-rot13": ("cookie-rot13", GRADED, _module(_cookie("rot13"))),
    LATIN1_NAME: ("caf\\xe9-latin1", GRADED, _module(ANSWER)),
    CONTROL_NAME: ("line\\nbreak\\x1b[31m", GRADED, _module(ANSWER)),
    LONG_NAME: (LONG_NAME, GRADED, _module(ANSWER)),
    "bob": ("bob", GRADED, _module(ANSWER)),
    "Bob": ("Bob", GRADED, _module(ANSWER)),
    "bob.zip": ("bob.zip", GRADED, _zip(TWO_ANSWERS)),
    "bob.zip.zip": ("bob.zip.zip", GRADED, _zip(TWO_ANSWERS)),
    NFC: (NFC, GRADED, _module(ANSWER)),
    NFD: (NFD, GRADED, _module(ANSWER)),
    "special-files": ("special-files", GRADED, _special_files),
    "pipe.zip": ("pipe.zip", UNREADABLE, os.mkfifo),
    "members-200000.zip": ("members-200000.zip", UNREADABLE, _many_members),
    "note-flood.zip": (
        "note-flood.zip",
        GRADED,
        _zip({**{f"../{n:04d}": b"" for n in range(FLOOD)}, **TWO_ANSWERS}),
    ),
    "empty": ("empty", MISSING, _empty),
    "letter.txt": ("letter.txt", UNREADABLE, _plain_file),
    "unwritable": ("unwritable", REGRADE, _module(ANSWER)),
}
COLLIDING = ("bob", "Bob", "bob.zip", "bob.zip.zip", NFC, NFD)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class and an honest-only class, each graded once, with a private temporary folder."""
    root = tmp_path_factory.mktemp("hostile-entries")
    classroom, alone = root / "class", root / "honest-class"
    classroom.mkdir()
    alone.mkdir()
    for file_name, (_, _, build) in ENTRIES.items():
        build(classroom / file_name)
    _honest(alone / "honest")
    out = root / "out"
    # A real condition the grader cannot overcome: its feedback file is a folder.
    (out / "feedback" / "unwritable.md").mkdir(parents=True)
    private_tmp = root / "tmp"
    private_tmp.mkdir()
    # The test process's own view of the libraries (made once per process, removed at its
    # exit) is no leftover of grading: made first, it is not made in the private folder.
    library_view.view_folder()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(private_tmp))
        patch.setattr(tempfile, "tempdir", str(private_tmp))
        report = grade_class(classroom, out, jobs=2, secret=SECRET)
        honest_report = grade_class(alone, root / "honest-out", jobs=2, secret=SECRET)
    return {
        "root": root,
        "out": out,
        "tmp": private_tmp,
        "report": report,
        "honest_report": honest_report,
        "outcomes": {outcome.entry: outcome for outcome in report.outcomes},
    }


def _rows(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "grades.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = {row["submission"]: row for row in rows}
    assert len(found) == len(rows), "two rows share a name"
    return found


def _result(out: Path, name: str) -> dict:
    return json.loads((out / "results" / f"{name}.json").read_text(encoding="utf-8"))


def _outcome(graded: dict, file_name: str):
    return graded["outcomes"][ENTRIES[file_name][0]]


def _rendered(markdown: Path) -> str:
    """The text a reader sees in a Markdown file (escapes resolved, markup dropped)."""
    tokens = MarkdownIt("commonmark").parse(markdown.read_text(encoding="utf-8"))
    inline = [child for token in tokens for child in token.children or []]
    return "\n".join(child.content for child in inline if child.type == "text")


def _key_score(graded: dict, *exercises: str) -> float:
    """What the answer keys of ``exercises`` score when graded alone (whatever the suites)."""
    (alone,) = graded["honest_report"].outcomes
    return sum(alone.result.exercises[exercise].score for exercise in exercises)


def test_every_entry_gets_exactly_one_row_with_its_status_and_a_reason(graded):
    rows = _rows(graded["out"])
    assert len(rows) == len(ENTRIES) == len(graded["report"].outcomes)
    assert set(graded["outcomes"]) == {shown for shown, _, _ in ENTRIES.values()}
    for shown, status, _ in ENTRIES.values():
        outcome = graded["outcomes"][shown]
        assert rows[outcome.name]["status"] == status, shown
        result = _result(graded["out"], outcome.name)
        assert result["status"] == status, shown
        if status in (UNREADABLE, MISSING):
            assert result["fatal"], shown
        if status == REGRADE:
            assert result["grader_problems"], shown


def test_the_honest_entry_is_graded_as_if_it_were_alone(graded):
    (alone,) = graded["honest_report"].outcomes
    assert alone.result.status == GRADED and alone.result.total > 0
    beside = _result(graded["out"], "honest")
    expected = _result(graded["root"] / "honest-out", "honest")
    assert beside["total"] == expected["total"]
    for exercise, wanted in expected["exercises"].items():
        tests = beside["exercises"][exercise]["tests"]
        assert [(t["name"], t["outcome"], t["message"], t["score"]) for t in tests] == [
            (t["name"], t["outcome"], t["message"], t["score"]) for t in wanted["tests"]
        ]


def test_no_temporary_or_leftover_file_remains(graded):
    out = graded["out"]
    names = {outcome.name for outcome in graded["report"].outcomes}
    for path in out.rglob("*"):
        relative = path.relative_to(out)
        assert not path.name.startswith(".") and not path.name.endswith(".tmp"), relative
        if relative.parts[0] in ("results", "feedback") and len(relative.parts) == 2:
            assert path.stem in names and path.suffix in (".json", ".md"), relative
        elif relative.parts[0] == "plots" and len(relative.parts) == 2:
            assert path.suffix == ".png" and path.stem.rsplit("-", 1)[0] in names, relative
        else:
            files = ("grades.csv", "summary.md", "gradebook.json")
            assert str(relative) in (*files, "results", "feedback", "plots")
    assert list(graded["tmp"].iterdir()) == []  # work folders and runs' folders


def test_every_file_name_of_the_gradebook_is_under_255_bytes(graded):
    for path in graded["out"].rglob("*"):
        assert len(os.fsencode(path.name)) < 255
    long = _outcome(graded, LONG_NAME)
    assert long.name == "n" * 100 + "~" + name_hash(LONG_NAME)
    assert long.result.notes[0].startswith(f"graded as {long.name}: its name is longer")
    assert long.result.total == _key_score(graded, "exercise1", "exercise2")


def test_names_that_are_not_utf8_or_hold_control_characters_are_shown_escaped(graded):
    latin = _outcome(graded, LATIN1_NAME)
    assert latin.name == f"caf\\xe9-latin1~{name_hash(LATIN1_NAME)}"
    control = _outcome(graded, CONTROL_NAME)
    assert control.name == f"line\\nbreak\\x1b[31m~{name_hash(CONTROL_NAME)}"
    for outcome in (latin, control):
        assert outcome.result.total == _key_score(graded, "exercise1", "exercise2")
        assert "not UTF-8, unprintable characters" in outcome.result.notes[0]
    text = (graded["out"] / "grades.csv").read_text(encoding="utf-8")
    assert all(char.isprintable() or char == "\n" for char in text)
    feedback = (graded["out"] / "feedback" / f"{control.name}.md").read_text(encoding="utf-8")
    assert "\x1b" not in feedback


def test_colliding_entries_get_distinct_rows_and_are_told_why(graded):
    outcomes = [_outcome(graded, file_name) for file_name in COLLIDING]
    names = [outcome.name for outcome in outcomes]
    keys = {unicodedata.normalize("NFC", name).casefold() for name in names}
    assert len(keys) == len(COLLIDING)
    rows = _rows(graded["out"])
    for file_name, outcome in zip(COLLIDING, outcomes, strict=True):
        assert outcome.name == f"{file_name.removesuffix('.zip')}~{name_hash(file_name)}"
        assert outcome.entry == file_name  # what the CLI can show beside the new name
        assert rows[outcome.name]["status"] == GRADED
        expected = _key_score(graded, "exercise1", "exercise2")
        assert float(rows[outcome.name]["total"]) == pytest.approx(expected, abs=0.01)
        note = outcome.result.notes[0]
        assert note.startswith(f"graded as {outcome.name}: ") and "also called" in note
        feedback = graded["out"] / "feedback" / f"{outcome.name}.md"
        assert f"graded as {outcome.name}" in _rendered(feedback)


def test_text_that_cannot_be_written_as_utf8_is_replaced_and_noted(graded):
    for file_name, origin in (
        ("surrogate-notebook", "mse.ipynb, cell 1"),  # a notebook's note names the cell
        ("codec-cookie", "mse.py"),
    ):
        result = _outcome(graded, file_name).result
        assert result.exercises["exercise1"].score == _key_score(graded, "exercise1") > 0
        (note,) = result.notes
        assert f"exercise1/{origin}: 1 character(s)" in note and "U+FFFD" in note


@pytest.mark.parametrize(
    ("file_name", "said"), [("cookie-undefined", "undefined"), ("cookie-rot13", "rot13")]
)
def test_a_codec_that_raises_makes_only_its_exercise_unreadable(graded, file_name, said):
    result = _outcome(graded, file_name).result
    first, second = result.exercises["exercise1"], result.exercises["exercise2"]
    assert first.status == UNREADABLE and said in first.problem
    assert first.problem.startswith("exercise1/mse.py: ")
    assert second.score == _key_score(graded, "exercise2") > 0


def test_the_200000_member_zip_is_refused_small_and_fast(graded, tmp_path):
    outcome = _outcome(graded, "members-200000.zip")
    # The count is in the zip64 end record only: the 32-bit one says 65,535.
    assert "declares 200,000 members" in outcome.result.fatal
    for folder, suffix in (("results", ".json"), ("feedback", ".md")):
        assert (graded["out"] / folder / f"{outcome.name}{suffix}").stat().st_size < 100_000
    started = time.monotonic()
    prepared = prepare(graded["root"] / "class" / "members-200000.zip", tmp_path / "target")
    assert time.monotonic() - started < 0.5  # zipfile alone takes about a second to parse it
    assert prepared.fatal == outcome.result.fatal


def test_a_flood_of_notes_is_capped(graded):
    outcome = _outcome(graded, "note-flood.zip")
    notes = outcome.result.notes
    assert len(notes) == MAX_NOTES
    assert notes[-1] == f"{FLOOD - (MAX_NOTES - 1)} more notes like these were left out"
    assert outcome.result.total == _key_score(graded, "exercise1", "exercise2")
    # As small as the result of the same answer without the flood, give or take the notes.
    flooded = (graded["out"] / "results" / f"{outcome.name}.json").stat().st_size
    plain = (graded["out"] / "results" / f"{_outcome(graded, 'bob.zip').name}.json").stat()
    assert abs(flooded - plain.st_size) < 5_000


def test_special_files_are_skipped_and_named(graded):
    special = _outcome(graded, "special-files").result
    assert special.notes == [
        "ignored exercise1/mse.py: a named pipe, not a regular file",
        "ignored exercise2/gradients.py: a socket, not a regular file",
    ]
    assert special.exercises["exercise3"].score == _key_score(graded, "exercise3") > 0
    assert _outcome(graded, "pipe.zip").result.fatal == "pipe.zip is a named pipe, not a zip file"


def test_a_grader_failure_on_one_entry_costs_that_entry_only(graded):
    failed = _outcome(graded, "unwritable").result
    (problem,) = failed.grader_problems
    assert problem.startswith("the grader failed on this entry (IsADirectoryError")
    assert _result(graded["out"], "unwritable")["status"] == REGRADE
    assert list((graded["out"] / "feedback" / "unwritable.md").iterdir()) == []
    others = [o for o in graded["report"].outcomes if o.name != "unwritable"]
    assert all(outcome.result.status != REGRADE for outcome in others)


def test_every_entry_keeps_its_name_from_one_run_to_the_next(graded):
    again = {
        entry.shown: entry.name for entry in entries_of(graded["root"] / "class", graded["out"])
    }
    assert again == {shown: outcome.name for shown, outcome in graded["outcomes"].items()}
