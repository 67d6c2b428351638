"""The feedback a student reads: per exercise the score, what failed, hints and advice.

Every text of the student's in it is shown by
:func:`~autograder.grading.escaping.markdown_text`, as plain text; it shows
at most :data:`SHOWN_NOTES` notes and
:data:`~autograder.grading.escaping.TEXT_LIMIT` characters of any one text,
saying what it left out.
"""

from __future__ import annotations

from urllib.parse import quote

from autograder import results
from autograder.grading.escaping import markdown_text
from autograder.grading.reports import PLOTS, fraction, plot_name
from autograder.registry import get_exercise
from autograder.results import ExerciseResult, SubmissionResult
from autograder.suites.public_checks import public_course

#: Notes shown per submission; the others are counted.
SHOWN_NOTES = 20


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
            advice = public_course(exercise.name).advice_for(test.task, test.check)
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
