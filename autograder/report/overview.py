"""The class overview page: scores, their spread, each task's pass rate, common mistakes.

Its figures are gathered in one pass over the results (:class:`ClassFigures`);
its students' table is made from the gradebook's own rows
(:func:`~autograder.grading.class_gradebook.gradebook_rows`), so every number
on it is the one ``grades.csv`` holds.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from autograder import results
from autograder.grading.class_gradebook import NO_SUBMISSION, GradedClass, Row
from autograder.grading.reports import format_points
from autograder.registry import get_exercise
from autograder.report.pages import href, meter, page, table, text
from autograder.results import SubmissionResult

#: Bars of the score distribution.
BINS = 10
#: Mistakes listed on the overview.
SHOWN_MISTAKES = 10

_NOT_ATTEMPTED = (results.MISSING, results.UNREADABLE, results.NOT_STARTED)


@dataclass
class ClassFigures:
    """What the overview shows of the graded submissions besides their rows.

    Attributes
    ----------
    attempted : Counter
        ``(exercise, task)`` -> graded submissions that attempted the exercise.
    passed : Counter
        ``(exercise, task)`` -> those among them all of whose graded tests of
        the task passed.
    mistakes : Counter
        ``(exercise, task, diagnosis)`` -> submissions the diagnosis was made for.
    """

    attempted: Counter = field(default_factory=Counter)
    passed: Counter = field(default_factory=Counter)
    mistakes: Counter = field(default_factory=Counter)

    def add(self, result: SubmissionResult) -> None:
        """Count one submission's figures (graded ones only)."""
        if result.status != results.GRADED_STATUS:
            return
        for name, entry in result.exercises.items():
            if entry.status in _NOT_ATTEMPTED:
                continue
            outcomes: dict[str, bool] = {}
            for test in entry.graded_tests:
                outcomes[test.task] = outcomes.get(test.task, True) and (
                    test.status == results.PASSED
                )
            for task, all_passed in outcomes.items():
                self.attempted[(name, task)] += 1
                self.passed[(name, task)] += all_passed
            seen = {(name, t.task, t.diagnosis) for t in entry.graded_tests if t.diagnosis}
            self.mistakes.update(seen)


def _cards(rows: list[Row]) -> str:
    submitted = [row for row in rows if row.status != NO_SUBMISSION]
    finals = [row.final for row in rows if row.final is not None]
    counts = Counter(row.status for row in rows)
    max_total = rows[0].max_total if rows else 0
    cards = [("submissions", str(len(submitted))), ("graded", str(counts[results.GRADED_STATUS]))]
    if finals:
        cards += [
            ("mean final score", f"{format_points(statistics.mean(finals))} / "
             f"{format_points(max_total)}"),
            ("median final score", format_points(statistics.median(finals))),
        ]
    others = [f"{n} {status}" for status, n in sorted(counts.items())
              if status != results.GRADED_STATUS]
    if others:
        cards.append(("not graded", ", ".join(others)))
    return '<div class="cards">' + "".join(
        f'<div class="card"><span>{text(label)}</span><strong>{text(value)}</strong></div>'
        for label, value in cards
    ) + "</div>"


def distribution_svg(finals: list[float], max_total: float, bins: int = BINS) -> str:
    """A histogram of the final scores as inline SVG: ``bins`` equal bars from 0 to the maximum.

    A score equal to the maximum falls in the last bar; each bar is labelled
    with its count.
    """
    counts = [0] * bins
    for score in finals:
        at = min(int(score / max_total * bins), bins - 1) if max_total else 0
        counts[at] += 1
    width, height, left, bottom = 640, 200, 36, 36
    bar = (width - left - 8) / bins
    tallest = max(counts) or 1
    parts = [f'<svg role="img" aria-label="Distribution of the final scores" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    for at, count in enumerate(counts):
        tall = (height - bottom - 16) * count / tallest
        x, y = left + at * bar, height - bottom - tall
        low = max_total * at / bins
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{tall:.1f}" '
            f'fill="#3c6e9f"><title>{count} from {format_points(low)}</title></rect>'
            f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{count}</text>'
            f'<text x="{x + 2:.1f}" y="{height - bottom + 16:.1f}">{format_points(low)}</text>'
        )
    parts.append(
        f'<text x="{left + bins * bar:.1f}" y="{height - bottom + 16:.1f}" '
        f'text-anchor="end">{format_points(max_total)}</text>'
        f'<text x="{left}" y="{height - 4}">final score (points)</text></svg>'
    )
    return "".join(parts)


def _task_rates(figures: ClassFigures, exercises: tuple[str, ...]) -> str:
    rows = []
    for exercise in exercises:  # in the statements' order
        for task in (task.function for task in get_exercise(exercise).tasks):
            attempted = figures.attempted[(exercise, task)]
            if not attempted:
                continue
            passed = figures.passed[(exercise, task)]
            share = passed / attempted
            rows.append([
                text(exercise), f"<code>{text(task)}</code>", str(attempted), str(passed),
                f"{share:.0%}", meter(share),
            ])
    if not rows:
        return "<p>No graded submission attempted an exercise.</p>"
    header = ["exercise", "task", "attempted", "passed", "pass rate", ""]
    return table(header, rows, numeric={2, 3, 4})


def _mistakes(figures: ClassFigures) -> str:
    common = sorted(figures.mistakes.items(), key=lambda item: (-item[1], item[0]))
    if not common:
        return "<p>No mistake was diagnosed.</p>"
    rows = [
        [str(count), text(exercise), f"<code>{text(task)}</code>", text(diagnosis)]
        for (exercise, task, diagnosis), count in common[:SHOWN_MISTAKES]
    ]
    return table(["submissions", "exercise", "task", "diagnosis"], rows, numeric={0})


def _students(rows: list[Row], graded: GradedClass) -> str:
    exercises = list(graded.assignment.exercises)
    dated = graded.assignment.due is not None
    roster = graded.roster is not None
    header = (["submission"] + (["student", "id"] if roster else []) + exercises
              + ["total", "max"] + (["days late", "final"] if dated else []) + ["status"])
    cells, ids = [], []
    for row in rows:
        name = row.submission
        link = f'<a href="report/{href(name, ".html")}">{text(name)}</a>' if name else ""
        line = [link]
        if roster:
            line += [text(row.student.name if row.student else ""),
                     text(row.student.student_id if row.student else "")]
        line += [format_points(row.scores[e]) if e in row.scores else "" for e in exercises]
        line += ["" if row.raw is None else format_points(row.raw), format_points(row.max_total)]
        if dated:
            line += ["" if row.days_late is None else str(row.days_late),
                     "" if row.final is None else format_points(row.final)]
        kind = "graded" if row.status == results.GRADED_STATUS else "other"
        line.append(f'<span class="status-{kind}">{text(row.status)}</span>')
        cells.append(line)
        ids.append("row-" + (name or f"student-{row.student.student_id if row.student else ''}"))
    first = 3 if roster else 1
    numeric = set(range(first, first + len(exercises) + 2 + (2 if dated else 0)))
    return table(header, cells, numeric=numeric, row_ids=ids)


def overview_html(graded: GradedClass, rows: list[Row], figures: ClassFigures) -> str:
    """The class overview page (see the module)."""
    assignment = graded.assignment
    title = (f"{assignment.name}: {assignment.title}" if assignment.name
             else "every exercise")
    finals = [row.final for row in rows if row.final is not None]
    max_total = float(assignment.max_points)
    exercises = ", ".join(f"{name} ({get_exercise(name).title})" for name in assignment.exercises)
    due = f" Due {assignment.due.isoformat(timespec='minutes')}." if assignment.due else ""
    body = [
        f"<h1>Class overview: {text(title)}</h1>",
        f'<p class="lead">{text(exercises)}.{text(due)}</p>',
        _cards(rows),
        "<h2>Score distribution</h2>",
        f"<figure>{distribution_svg(finals, max_total)}</figure>" if finals
        else "<p>No submission was graded.</p>",
        "<h2>Pass rate of each task</h2>",
        "<p>Among the graded submissions that attempted the exercise: the share whose every "
        "graded test of the task passed.</p>",
        _task_rates(figures, assignment.exercises),
        "<h2>Most common diagnosed mistakes</h2>",
        _mistakes(figures),
        "<h2>Students</h2>",
        "<p>The figures of <code>grades.csv</code>; each name links to its feedback.</p>",
        _students(rows, graded),
    ]
    return page(f"Class overview: {title}", "\n".join(body))
