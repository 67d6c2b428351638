"""A student's feedback as an HTML page: the Markdown feedback, rendered, with its pictures.

The page is the same feedback as ``feedback/<submission>.md``
(:func:`~autograder.grading.feedback.feedback_markdown`), rendered by a
CommonMark parser with raw HTML turned off: the feedback shows every text of
the student's as plain text already, and the parser escapes whatever HTML
remains. Its pictures are those of ``plots/``, linked, not copied.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from autograder.grading.class_gradebook import Row
from autograder.grading.feedback import feedback_markdown
from autograder.grading.reports import format_points
from autograder.report.pages import page, text
from autograder.results import SubmissionResult

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def _lateness(row: Row) -> str:
    """The late rule's part of the page, when it took something off or needs saying."""
    if row.final is None or row.days_late is None:
        return ""
    if not row.penalty_percent:
        return ""
    return (
        f"<p><strong>Final score {format_points(row.final)} / "
        f"{format_points(row.max_total)}</strong>: {row.days_late} day(s) late "
        f"({text(row.lateness)}), {format_points(row.penalty_percent)}% taken off the "
        f"{format_points(row.raw or 0)} points the tests gave.</p>"
    )


def student_html(result: SubmissionResult, row: Row) -> str:
    """The page of one submission: a link back to the overview, its lateness, its feedback."""
    who = f"{row.student.name} ({row.student.student_id})" if row.student else ""
    body = [
        '<nav><a href="../report.html">&larr; Class overview</a></nav>',
        f'<p class="lead">{text(who)}</p>' if who else "",
        _lateness(row),
        _MARKDOWN.render(feedback_markdown(result)),
    ]
    return page(f"Feedback for {result.submission}", "\n".join(part for part in body if part))
