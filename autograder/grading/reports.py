"""What grading writes: results, feedback, the gradebook and the class overview.

The layout of the output folder is a contract other tools read::

    DIR/grades.csv                 one row per submission, with its status
    DIR/results/<submission>.json  every test of every exercise
    DIR/feedback/<submission>.md   what the student reads
    DIR/plots/<submission>-<exercise>.png  curves beside the reference's
    DIR/summary.md                 the class overview

Every file is written to a temporary name and renamed into place, so a killed
grader never leaves a half-written file.

Nothing a student wrote can turn these files against their reader. Every text
that can come from a submission (its name, intake's notes, why it could not be
read, test messages and diagnoses, which quote the student's exceptions and
values) is shown in Markdown by :func:`markdown_text`, as plain text on one
line, and in the gradebook by :func:`spreadsheet_cell`, never as a formula.
The feedback shows at most :data:`SHOWN_NOTES` notes and :data:`TEXT_LIMIT`
characters of any one text, saying what it left out.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import statistics
import string
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import quote

from autograder import results
from autograder.course import grading_of
from autograder.registry import get_exercise, load_registry
from autograder.results import ExerciseResult, SubmissionResult

PLOTS = "plots"

#: Longest text of a student's shown in the feedback, in characters (a test's
#: message is already cut at 600 when it is recorded).
TEXT_LIMIT = 600

#: Notes shown per submission; the others are counted.
SHOWN_NOTES = 20

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

# Read once: mkstemp makes its files private, and the gradebook keeps the
# permissions an ordinary write would give.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def plot_name(submission: str, exercise: str) -> str:
    """The file name of a submission's picture for an exercise, in ``DIR/plots/``."""
    return f"{submission}-{exercise}.png"


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    The temporary file is made by :func:`tempfile.mkstemp` in ``path``'s
    folder, under a name of the grader's (never one derived from a
    student's), and removed when the writing or the renaming fails.

    Parameters
    ----------
    path : Path
        The file to write; its folder is created when missing.
    data : str or bytes
        The contents; a text is written in UTF-8.

    Raises
    ------
    OSError, UnicodeEncodeError
        When the file could not be written; ``path`` is then left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".gdlab-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.fchmod(handle.fileno(), 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


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


def format_points(value: float) -> str:
    """Points without trailing zeros: 2.5, 10, 0.33."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fraction(score: float, out_of: float, separator: str = "/") -> str:
    """``score/out_of`` in points, e.g. ``7.5/10``."""
    return f"{format_points(score)}{separator}{format_points(out_of)}"


def failure_lines(test: results.TestResult) -> list[str]:
    """A failed test's message and, when the diagnosis is sure, its explanation."""
    lines = [test.message or test.name]
    if test.diagnosis:
        lines.append(f"Diagnosis: {test.diagnosis}")
    return lines


def _failure(test: results.TestResult) -> tuple[str, ...]:
    """:func:`failure_lines` in Markdown, the student's texts shown as text."""
    return tuple(
        [markdown_text(test.message or test.name)]
        + ([f"Diagnosis: {markdown_text(test.diagnosis)}"] if test.diagnosis else [])
    )


def _picture_link(submission: str, exercise: str) -> str:
    # The name is a student's: percent-encoded, it cannot end the link's address.
    name = quote(plot_name(submission, exercise), safe="", errors="surrogateescape")
    return f"![{exercise}](../{PLOTS}/{name})"


def _notes(result: SubmissionResult) -> list[str]:
    """The first notes, then how many more there were."""
    shown = result.notes[:SHOWN_NOTES]
    lines = [f"- Note: {markdown_text(note)}" for note in shown]
    more = len(result.notes) + result.notes_left_out - len(shown)
    if more:
        lines.append(f"- ... and {more:,} more note{'s' if more > 1 else ''}")
    return lines + [""] if lines else []


def _banner(result: SubmissionResult) -> list[str]:
    status = result.status
    if status == results.NEEDS_REGRADE:
        return [
            "**Not graded yet.** The grader itself could not complete some checks of your "
            "submission; this is not your fault, and it will be regraded. The results below "
            "are not final.",
            "",
        ]
    if status in (results.UNREADABLE, results.MISSING):
        return [f"Your submission could not be graded: {markdown_text(result.fatal)}.", ""]
    return [f"**Total: {fraction(result.total, result.max_total, ' / ')}**", ""]


def _exercise_feedback(submission: str, entry: ExerciseResult) -> list[str]:
    exercise = get_exercise(entry.name)
    lines = [
        f"## {entry.name}: {exercise.title}",
        "",
        f"Score {fraction(entry.score, entry.max_score, ' / ')} ({entry.status}).",
        "",
    ]
    if entry.problem:
        lines += [markdown_text(entry.problem), ""]
    if entry.curves:
        picture = _picture_link(submission, entry.name)
        lines += [f"Your curves beside the reference's: {picture}", ""]
    failed = [test for test in entry.graded_tests if test.status not in (results.PASSED,)]
    failed = [test for test in failed if test.outcome != results.GRADER_ERROR]
    causes = {test.message for test in failed}
    if failed and len(causes) == 1 and len(failed) > 1:  # one cause (an import error, ...)
        if not entry.problem:
            lines += [markdown_text(causes.pop()), ""]
    elif failed:
        for task in exercise.tasks:
            mine = [test for test in failed if test.task == task.function]
            if not mine:
                continue
            lines.append(f"- `{task.function}`: {len(mine)} test(s) failed, for example:")
            shown = list(dict.fromkeys(_failure(test) for test in mine))[:3]
            for message, *diagnosis in shown:
                lines.append(f"  - {message}")
                lines += [f"    {line}" for line in diagnosis]
            lines.append(f"  - Hint: {task.hint}")
        lines.append("")
    if entry.grader_problems:
        lines += ["Some checks could not be completed by the grader; they will be rerun.", ""]
    ignored = [test for test in entry.advice if not test.followed and test.reason == ""]
    if ignored:
        lines += ["### Advice, 0 points", ""]
        lines.append(
            "These recommendations are outside what is graded and cost no points, "
            "but following them makes your code sturdier:"
        )
        seen: set[str] = set()
        for test in ignored:
            advice = grading_of(exercise.name).advice_for(test.task, test.check)
            recommendation = advice.recommendation if advice else ""
            if (test.task, recommendation) in seen:
                continue
            seen.add((test.task, recommendation))
            example = markdown_text(test.message)
            lines.append(f"- `{test.task}`: {recommendation} (for example: {example})")
        lines.append("")
    if failed:
        lines += [f"Hint: {hint}" for hint in exercise.hints] + [""]
    return lines


def feedback_markdown(result: SubmissionResult) -> str:
    """The feedback a student reads: per exercise the score, what failed, hints, advice."""
    lines = [
        f"# Feedback for {markdown_text(result.submission)}",
        "",
        *_banner(result),
        *_notes(result),
    ]
    for entry in result.exercises.values():
        lines += _exercise_feedback(result.submission, entry)
    lines.append(f"_Graded in the `{result.sandbox}` sandbox._")
    return "\n".join(lines) + "\n"


def grades_csv(submissions: list[SubmissionResult]) -> str:
    """The gradebook: ``submission, exercise1, ..., exercise6, total, max_total, status``.

    Only a ``graded`` submission has scores; the cells of one that ``needs
    regrade``, is ``unreadable`` or ``missing`` stay empty, so that it never
    passes for an honest 0.
    """
    names = [exercise.name for exercise in load_registry()]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", *names, "total", "max_total", "status"])
    for result in sorted(submissions, key=lambda item: item.submission):
        graded = result.status == results.GRADED_STATUS
        writer.writerow(
            [
                spreadsheet_cell(result.submission),
                *(
                    format_points(result.exercises[name].score)
                    if graded and name in result.exercises
                    else ""
                    for name in names
                ),
                format_points(result.total) if graded else "",
                format_points(result.max_total),
                spreadsheet_cell(result.status),
            ]
        )
    return buffer.getvalue()


def class_summary(submissions: list[SubmissionResult]) -> str:
    """The class overview: statuses, totals, each exercise's spread, the most failed tasks."""
    count = {
        status: [result for result in submissions if result.status == status]
        for status in results.SUBMISSION_STATUSES
    }
    graded = count[results.GRADED_STATUS]
    lines = [
        "# Class overview",
        "",
        f"{len(submissions)} submissions: "
        + ", ".join(f"{len(found)} {status}" for status, found in count.items())
        + ".",
        "",
    ]
    for status in (results.NEEDS_REGRADE, results.UNREADABLE, results.MISSING):
        if count[status]:
            names = ", ".join(
                markdown_text(name) for name in sorted(r.submission for r in count[status])
            )
            lines += [f"- {status}: {names}", ""]
    if not graded:
        return "\n".join(lines) + "\n"
    totals = [result.total for result in graded]
    lines += [
        f"Total of the {len(graded)} graded: mean {format_points(statistics.mean(totals))}, "
        f"median {fraction(statistics.median(totals), graded[0].max_total, ' out of ')}.",
        "",
        "| exercise | mean | full marks | zero | not started | missing | unreadable |",
        "|---|---|---|---|---|---|---|",
    ]
    failures: dict[tuple[str, str], int] = {}
    ignored: dict[tuple[str, str], int] = {}
    for exercise in load_registry():
        entries = [r.exercises[exercise.name] for r in graded if exercise.name in r.exercises]
        if not entries:
            continue
        scores = [entry.score for entry in entries]
        statuses = [entry.status for entry in entries]
        lines.append(
            f"| {exercise.name} | {format_points(statistics.mean(scores))} / "
            f"{format_points(entries[0].max_score)} | "
            f"{sum(entry.full_marks for entry in entries)} | {sum(s == 0 for s in scores)} | "
            f"{statuses.count(results.NOT_STARTED)} | {statuses.count(results.MISSING)} | "
            f"{statuses.count(results.UNREADABLE)} |"
        )
        for entry in entries:
            if entry.status in (results.MISSING, results.UNREADABLE, results.NOT_STARTED):
                continue
            for task in {t.task for t in entry.graded_tests if t.status != results.PASSED}:
                failures[(exercise.name, task)] = failures.get((exercise.name, task), 0) + 1
            for task in {t.task for t in entry.advice if not t.followed}:
                ignored[(exercise.name, task)] = ignored.get((exercise.name, task), 0) + 1
    for title, counts in (
        ("Tasks most often failed by students who attempted them", failures),
        ("Advice most often not followed (0 points)", ignored),
    ):
        worst = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:8]
        if worst:
            lines += ["", f"{title}:", ""]
            lines += [f"- {name}.{task}: {n} submission(s)" for (name, task), n in worst]
    return "\n".join(lines) + "\n"
