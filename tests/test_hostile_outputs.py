"""The gradebook cannot be turned against its reader, whatever a submission holds.

A submission controls its name, intake's notes (file names), and through its
exceptions and return values the tests' messages and diagnoses and its curves.
These tests build results holding hostile texts and sizes, write them as the
batch does, and read the outputs back with real parsers: :mod:`csv` as a
spreadsheet would, and a CommonMark parser (markdown-it-py) for the feedback.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
from markdown_it import MarkdownIt

from autograder import results
from autograder.contract.pictures import series_of
from autograder.course import grading_of, reference_of
from autograder.grading import drawing, reports
from autograder.grading.atomic_write import write_atomically
from autograder.grading.escaping import TEXT_LIMIT, markdown_text
from autograder.grading.feedback import SHOWN_NOTES, feedback_markdown
from autograder.grading.gradebook_files import grades_csv
from autograder.grading.reports import class_summary, plot_name
from autograder.registry import get_exercise
from autograder.result_bounds import MAX_DOCUMENT_BYTES, MAX_POINTS
from autograder.results import ExerciseResult, SubmissionResult, TestResult
from autograder.scoring import score_exercise, unrun_exercise

MAX_FILE_BYTES = 2 << 20  # the gradebook's promise: no file over 2 MiB for any submission

HOSTILE = [
    "\n# Score 10 / 10",
    "<img src=x onerror=alert(1)>",
    "![t](http://evil.example/p.png)",
    "[click](javascript:alert(1))",
    "<http://evil.example>",
    "```",
    "| a | b |\n|---|---|",
    "text\n---",
    "> quote",
    "* item",
    "**Total: 60 / 60**",
    "1. first",
    "&lt;b&gt; ~~gone~~ $x$ _under_ \\",
    "    indented code",
]

# Block and inline tokens no student text may produce; the grader's own
# structure is checked separately (headings, lists, its emphasis and code).
FORBIDDEN = {
    "html_block",
    "html_inline",
    "link_open",
    "blockquote_open",
    "fence",
    "code_block",
    "hr",
    "table_open",
    "ordered_list_open",
    "s_open",
}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _parser(flavour: str = "commonmark") -> MarkdownIt:
    parser = MarkdownIt(flavour)
    if flavour == "gfm-like":
        # GitHub links bare "http://..." and e-mail addresses, not "gradients.py".
        parser.linkify.set({"fuzzy_link": False})
    return parser


def _tokens(markdown: str, flavour: str = "commonmark") -> list:
    tokens = _parser(flavour).parse(markdown)
    return tokens + [child for token in tokens for child in token.children or []]


def _headings(markdown: str) -> list[tuple[str, str]]:
    tokens = _parser().parse(markdown)
    return [
        (token.tag, _plain(tokens[index + 1]))
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def _plain(inline) -> str:
    """The literal text an inline token shows."""
    return "".join(
        " " if child.type == "softbreak" else child.content
        for child in inline.children or []
        if child.type in ("text", "text_special", "softbreak", "code_inline")
    )


def _texts(markdown: str) -> list[str]:
    return [_plain(token) for token in _parser().parse(markdown) if token.type == "inline"]


def _test(task: str, message: str = "", **fields) -> TestResult:
    """A test of ``task``: failed with ``message``, or passed without one."""
    outcome = results.FAILED if message else results.PASSED
    return TestResult(f"test_hidden[{task}]", task, outcome=outcome, message=message, **fields)


def _hostile_result(text: str) -> SubmissionResult:
    """A graded submission with ``text`` wherever a student's text can appear."""
    exercise1 = score_exercise(
        "exercise1",
        [
            _test("mse", text, diagnosis=f"you returned {text}"),
            _test("mse", f"mse (case 2): {text}"),
            _test("sse"),
            _test("best_slope", text, kind=results.ADVICE, check="no slopes"),
        ],
    )
    one_cause = score_exercise(  # every test failed for one reason: shown once
        "exercise4", [_test(task, text) for task in ("run_gd", "classify")]
    )
    curves = {
        "title": "t",
        "student": [],
        "reference": series_of(reference_of("exercise3"), grading_of("exercise3").picture),
    }
    return SubmissionResult(
        f"student {text}",
        {
            "exercise1": exercise1,
            "exercise2": unrun_exercise("exercise2", f"unreadable: {text}", results.UNREADABLE),
            "exercise3": score_exercise("exercise3", [_test("fit", text)], curves=curves),
            "exercise4": one_cause,
        },
        sandbox="bubblewrap",
        notes=[text, f"ignored {text}: the path leaves the submission"],
    )


def _check_no_markup_but_the_graders(markdown: str, result: SubmissionResult) -> None:
    for flavour in ("commonmark", "gfm-like"):
        kinds = {token.type for token in _tokens(markdown, flavour)}
        assert not kinds & FORBIDDEN, (flavour, kinds & FORBIDDEN)
    tokens = _tokens(markdown)
    pictures = [unquote(token.attrs["src"]) for token in tokens if token.type == "image"]
    assert pictures == [
        f"../plots/{plot_name(result.submission, name)}"
        for name, entry in result.exercises.items()
        if entry.curves
    ]
    # The grader's emphasis: the total in bold, the sandbox line in italics.
    assert sum(token.type == "strong_open" for token in tokens) == (
        result.status == results.GRADED_STATUS
    )
    assert sum(token.type == "em_open" for token in tokens) == 1
    code = {token.content for token in tokens if token.type == "code_inline"}
    tasks = {task.function for name in result.exercises for task in get_exercise(name).tasks}
    assert code <= tasks | {result.sandbox}


@pytest.mark.parametrize("text", HOSTILE)
def test_a_students_text_stays_text_in_the_feedback(text):
    result = _hostile_result(text)
    markdown = feedback_markdown(result)
    _check_no_markup_but_the_graders(markdown, result)
    expected = [("h1", f"Feedback for student {_flat(text)}")]
    for name in result.exercises:
        expected.append(("h2", f"{name}: {get_exercise(name).title}"))
        if name == "exercise1":  # its ignored advice
            expected.append(("h3", "Advice, 0 points"))
    assert _headings(markdown) == expected
    shown = _texts(markdown)
    for expected in (
        _flat(text),  # a note, and the one cause of exercise 4
        f"Note: ignored {_flat(text)}: the path leaves the submission",
        f"unreadable: {_flat(text)}",
        f"Diagnosis: you returned {_flat(text)}",
        f"mse (case 2): {_flat(text)}",
    ):
        assert any(expected in line for line in shown), (expected, shown)
    advice = [line for line in shown if line.startswith("best_slope: raise ValueError")]
    assert advice and advice[0].endswith(f"(for example: {_flat(text)})")


@pytest.mark.parametrize("text", HOSTILE)
def test_why_a_submission_could_not_be_graded_stays_text(text):
    result = SubmissionResult(
        text,
        fatal=f"{text}.zip is not a valid zip file",
        fatal_kind=results.UNREADABLE,
        sandbox="bubblewrap",
    )
    markdown = feedback_markdown(result)
    _check_no_markup_but_the_graders(markdown, result)
    assert _headings(markdown) == [("h1", f"Feedback for {_flat(text)}")]
    assert (
        f"Your submission could not be graded: {_flat(text)}.zip is not a valid zip file."
        in _texts(markdown)
    )


def test_names_stay_text_in_the_class_overview():
    unreadable = [
        SubmissionResult(text, fatal="broken", fatal_kind=results.UNREADABLE) for text in HOSTILE
    ]
    graded = SubmissionResult(HOSTILE[1], {"exercise1": score_exercise("exercise1", [])})
    markdown = class_summary([*unreadable, graded])
    kinds = {token.type for token in _tokens(markdown, "gfm-like")}
    # The grader's own table of exercises is the only table.
    assert not kinds & (FORBIDDEN - {"table_open"})
    assert sum(token.type == "table_open" for token in _tokens(markdown, "gfm-like")) == 1
    assert _headings(markdown) == [("h1", "Class overview")]
    listed = next(line for line in _texts(markdown) if line.startswith("unreadable: "))
    for text in HOSTILE:
        assert _flat(text) in listed


@pytest.mark.parametrize("raw", ["see http://evil.example/x now", "mail me@evil.com"])
def test_bare_addresses_are_not_linked_where_github_would_link_them(raw):
    linked = [t for t in _tokens(f"- {raw}\n", "gfm-like") if t.type == "link_open"]
    assert linked, "the check would prove nothing"
    shown = markdown_text(raw)
    assert not [t for t in _tokens(f"- {shown}\n", "gfm-like") if t.type == "link_open"]
    assert _texts(f"- {shown}\n") == [raw]


def test_www_addresses_are_broken_as_github_would_link_them():
    # linkify-it links "www." only together with any bare domain ("gradients.py"),
    # which GitHub does not: the escape itself is checked.
    assert markdown_text("go to www.evil.example") == "go to www\\.evil.example"
    assert markdown_text("go to WWW.evil.example") == "go to WWW\\.evil.example"


def test_honest_messages_read_the_same_in_the_markdown_file():
    for message in (
        "the module could not be imported: SyntaxError at line 12: '(' was never closed "
        "(gradients.py, line 12)",
        "your velocity adds the raw gradient: the update is v = beta * v + lr * grad(x).",
        "find_critical_lr's results are compared to a relative 1e-07",
        "classify(run_gd(grad, 0.0, lr=1.1), 2.0): you got 'converging'",
    ):
        assert markdown_text(message) == message


def test_invisible_characters_and_line_breaks_never_reach_the_feedback():
    text = "line\r\nbreak\x1b[31m red \u202eevil\u200b caf\udce9 \x00"
    shown = markdown_text(text)
    assert shown == "line break\ufffd\\[31m red \ufffdevil\ufffd caf\ufffd \ufffd"
    feedback = feedback_markdown(SubmissionResult(text, notes=[text]))
    feedback.encode("utf-8")  # a name that is not UTF-8 can still be written


def test_long_texts_are_cut_and_say_so():
    shown = markdown_text("x" * 100_000)
    assert shown == "x" * TEXT_LIMIT + "…"


# -- the gradebook ------------------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_no_cell_starting_a_formula_reaches_the_spreadsheet(start):
    name = f'{start}HYPERLINK("http://evil.example","grades")'
    exercise = score_exercise("exercise1", [_test("mse"), _test("sse", "wrong")])
    graded = SubmissionResult(name, {"exercise1": exercise})
    header, row = _rows(grades_csv([graded]))
    assert row[0] == "'" + name  # quoted by csv, read back whole, neutralised
    assert row[header.index("status")] == "graded"
    # The grader's numbers stay numbers: no quote in front of them.
    assert 0 < exercise.score < exercise.max_score
    for column, value in (("exercise1", exercise.score), ("total", graded.total)):
        assert row[header.index(column)] == reports.format_points(value)
        assert float(row[header.index(column)]) == pytest.approx(value, abs=0.005)
    assert float(row[header.index("max_total")]) == 10.0


def test_plain_names_are_kept_as_they_are_and_names_that_are_not_utf8_can_be_written():
    names = ["ada", "o'brien", 'line\nbreak, "quoted"', "caf\udce9-latin1"]
    text = grades_csv([SubmissionResult(name, fatal="x", fatal_kind="missing") for name in names])
    text.encode("utf-8")
    assert sorted(row[0] for row in _rows(text)[1:]) == sorted(
        ["ada", "o'brien", 'line\nbreak, "quoted"', "caf\ufffd-latin1"]
    )


# -- caps -----------------------------------------------------------------------------


class LongHistory:
    """A fit whose history is right, then repeats its last loss 8 million times."""

    def fit(self, *args, **kwargs):
        w, b, history = reference_of("exercise3").fit(*args, **kwargs)
        return w, b, np.concatenate([history, np.full(8_000_000, history[-1])])

    def fit_standardized(self, *args, **kwargs):
        return reference_of("exercise3").fit_standardized(*args, **kwargs)


def test_a_huge_history_and_200000_notes_keep_every_file_small(tmp_path):
    student = series_of(LongHistory(), grading_of("exercise3").picture)
    fit = student[0]
    assert len(fit["values"]) == MAX_POINTS and fit["length"] == 8_001_001
    assert "length" not in student[1]  # an honest curve is kept whole
    curves = {
        "title": "t",
        "student": student,
        "reference": series_of(reference_of("exercise3"), grading_of("exercise3").picture),
    }
    notes = [f"ignored ../{index:06d}: the path leaves the submission" for index in range(200_000)]
    exercise = score_exercise("exercise3", [_test("fit", "history too long")], curves=curves)
    result = SubmissionResult("many", {"exercise3": exercise}, notes=notes)
    # Written as the batch writes them.
    document = tmp_path / "results" / "many.json"
    write_atomically(document, json.dumps(result.to_dict(), indent=1))
    feedback = tmp_path / "feedback" / "many.md"
    write_atomically(feedback, feedback_markdown(result))
    picture = drawing.render("exercise3", curves, tmp_path / "plots" / "many-exercise3.png")
    for path in (document, feedback, picture):
        assert path.stat().st_size <= MAX_FILE_BYTES, path.name
    shown = feedback.read_text(encoding="utf-8")
    assert shown.count("- Note: ") == SHOWN_NOTES
    assert "- ... and 199,980 more notes" in shown
    kept = SubmissionResult.from_dict(json.loads(document.read_text(encoding="utf-8")))
    assert len(kept.notes) + kept.notes_left_out == 200_000
    assert feedback_markdown(kept) == shown  # the same feedback from the stored result
    assert kept.exercises["exercise3"].curves["student"][0]["length"] == 8_001_001
    legend = drawing.captions("exercise3", curves).legend
    assert "fit (yours): first 2,000 of 8,001,001 values" in legend


def test_a_long_curve_put_straight_into_a_result_is_cut_when_stored():
    values = [1.0] * 1_000_000
    curves = {"title": "t", "student": [{"label": "fit", "values": values}], "reference": []}
    result = SubmissionResult("long", {"exercise3": ExerciseResult("exercise3", curves=curves)})
    stored = result.to_dict()["exercises"]["exercise3"]["curves"]["student"][0]
    assert stored["values"] == values[:MAX_POINTS] and stored["length"] == 1_000_000
    assert len(result.exercises["exercise3"].curves["student"][0]["values"]) == 1_000_000


def test_a_document_where_every_test_carries_a_hostile_text_still_fits():
    flood = "\U0001f600" * 600  # 12 bytes each in JSON
    tests = [
        TestResult(f"t{index}", "mse", outcome=results.FAILED, message=flood, diagnosis=flood)
        for index in range(600)
    ]
    result = SubmissionResult(
        "flood", {"exercise1": score_exercise("exercise1", tests)}, notes=[flood] * 1000
    )
    document = json.dumps(result.to_dict(), indent=1)
    assert len(document) <= MAX_DOCUMENT_BYTES
    stored = json.loads(document)["exercises"]["exercise1"]["tests"]
    assert len(stored) == 600 and all(test["message"].endswith("...") for test in stored)
    assert len(feedback_markdown(result).encode("utf-8")) <= MAX_FILE_BYTES


def test_an_honest_result_is_stored_whole():
    result = _hostile_result("expected 1.0, got 2.0")
    assert SubmissionResult.from_dict(result.to_dict()) == result


def test_feedback_counts_the_notes_it_does_not_show():
    result = SubmissionResult("n", notes=[f"note {index}" for index in range(21)])
    shown = feedback_markdown(result)
    assert shown.count("- Note: ") == 20 and "- ... and 1 more note\n" in shown
    assert "more note" not in feedback_markdown(SubmissionResult("n", notes=["one"] * 20))


# -- temporary files ---------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_text_that_cannot_be_encoded_leaves_nothing_behind(tmp_path):
    with pytest.raises(UnicodeEncodeError):
        write_atomically(tmp_path / "feedback.md", "caf\udce9")
    assert _leftovers(tmp_path) == []


def test_a_failed_rename_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "results.json"
    target.mkdir()
    (target / "keep").write_text("kept")  # a folder where the file should go
    with pytest.raises(OSError):
        write_atomically(target, "{}")
    assert _leftovers(tmp_path) == ["results.json"]
    assert (target / "keep").read_text() == "kept"


def test_a_folder_that_is_a_file_is_an_error_not_a_leftover(tmp_path):
    (tmp_path / "feedback").write_text("a file")
    with pytest.raises(OSError):
        write_atomically(tmp_path / "feedback" / "x.md", "text")
    assert _leftovers(tmp_path) == ["feedback"]


def test_a_picture_that_cannot_be_renamed_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "plots" / "p.png"
    (target / "inside").mkdir(parents=True)
    curves = {"title": "t", "student": [], "reference": []}
    with pytest.raises(OSError):
        drawing.render("exercise6", curves, target)
    assert _leftovers(tmp_path / "plots") == ["p.png"]


def test_temporary_names_are_the_graders_even_for_a_name_at_the_length_limit(tmp_path):
    name = "n" * 250  # "<name>.json" is 255 bytes: a temporary name built on it is too long
    write_atomically(tmp_path / f"{name}.json", "{}")
    assert _leftovers(tmp_path) == [f"{name}.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / f"{name}.json").stat().st_mode & 0o777 == 0o666 & ~umask
