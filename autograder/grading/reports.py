"""What grading writes: results, feedback, the gradebook and the class overview.

The layout of the output folder is a contract other tools read::

    DIR/grades.csv                 one row per submission
    DIR/results/<submission>.json  every test of every exercise
    DIR/feedback/<submission>.md   what the student reads
    DIR/plots/<submission>-<exercise>.png  curves beside the reference's
    DIR/summary.md                 the class overview

Every file is written to a temporary name and renamed into place, so a killed
grader never leaves a half-written file.
"""

from __future__ import annotations

import csv
import io
import os
import statistics
from pathlib import Path

from autograder.registry import Exercise, get_exercise, load_registry

PLOTS = "plots"


def plot_name(submission: str, exercise: str) -> str:
    """The file name of a submission's picture for an exercise, in ``DIR/plots/``."""
    return f"{submission}-{exercise}.png"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def empty_exercise(exercise: Exercise, status: str, message: str) -> dict:
    """The result of an exercise that could not be run at all."""
    return {
        "score": 0.0,
        "max_score": float(exercise.max_points),
        "status": status,
        "message": message,
        "tests": [],
    }


def submission_result(
    name: str,
    suite_results: dict | None,
    problems: dict[str, str],
    notes: list[str],
    sandbox: str,
    fatal: str | None = None,
) -> dict:
    """Assemble one submission's result from the suites and intake.

    Parameters
    ----------
    name : str
        The submission's name.
    suite_results : dict or None
        What the suites' plugin wrote, or ``None`` when they could not run.
    problems : dict
        Exercise -> intake problem (missing or unreadable file).
    notes : list of str
        Intake notes for the student.
    sandbox : str
        The sandbox level used.
    fatal : str, optional
        Why the submission could not be graded at all.

    Returns
    -------
    dict
        The ``results/<submission>.json`` document.
    """
    graded = (suite_results or {}).get("exercises", {})
    grader_errors = (suite_results or {}).get("grader_errors") or []
    if grader_errors and not fatal:  # a broken grader must never pass for a broken submission
        fatal = "the grader itself failed, not the submission; please report it: " + "; ".join(
            grader_errors[:3]
        )
    exercises = {}
    for exercise in load_registry():
        if exercise.name in graded:
            entry = dict(graded[exercise.name])
            if exercise.name in problems:
                entry["status"] = "missing"
                entry["message"] = problems[exercise.name]
        else:
            entry = empty_exercise(
                exercise,
                "missing" if exercise.name in problems else "error",
                problems.get(exercise.name, fatal or "not graded"),
            )
        entry["max_score"] = float(exercise.max_points)
        exercises[exercise.name] = entry
    return {
        "submission": name,
        "total": round(sum(entry["score"] for entry in exercises.values()), 6),
        "max_total": float(sum(exercise.max_points for exercise in load_registry())),
        "sandbox": (suite_results or {}).get("sandbox", sandbox),
        "notes": notes,
        "fatal": fatal,
        "exercises": exercises,
    }


def format_points(value: float) -> str:
    """Points without trailing zeros: 2.5, 10, 0.33."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fraction(score: float, out_of: float, separator: str = "/") -> str:
    """``score/out_of`` in points, e.g. ``7.5/10``."""
    return f"{format_points(score)}{separator}{format_points(out_of)}"


def feedback_markdown(result: dict, visible: tuple[str, ...] = ("public", "hidden")) -> str:
    """The feedback a student reads: per exercise the score, what failed, and hints."""
    lines = [
        f"# Feedback for {result['submission']}",
        "",
        f"**Total: {fraction(result['total'], result['max_total'], ' / ')}**",
        "",
    ]
    if result.get("fatal"):
        lines += [f"Your submission could not be read: {result['fatal']}.", ""]
    for note in result.get("notes", []):
        lines.append(f"- Note: {note}")
    if result.get("notes"):
        lines.append("")
    for name, entry in result["exercises"].items():
        exercise = get_exercise(name)
        lines += [
            f"## {name}: {exercise.title}",
            "",
            f"Score {fraction(entry['score'], entry['max_score'], ' / ')} ({entry['status']}).",
            "",
        ]
        if entry.get("message"):
            lines += [entry["message"], ""]
        if entry.get("curves"):
            picture = f"../{PLOTS}/{plot_name(result['submission'], name)}"
            lines += [f"Your curves beside the reference's: ![{name}]({picture})", ""]
        failed = [test for test in entry["tests"] if test["status"] != "passed"]
        if not failed:
            continue
        causes = {test["message"] for test in failed}
        if len(causes) == 1 and len(failed) > 1:  # one cause (a missing file, an import error)
            if not entry.get("message"):
                lines += [causes.pop(), ""]
        else:
            for task in exercise.tasks:
                messages = [
                    test["message"] or test["name"]
                    for test in failed
                    if test["task"] == task.function
                ]
                if not messages:
                    continue
                unique = list(dict.fromkeys(messages))
                lines.append(f"- `{task.function}`: {len(messages)} test(s) failed, for example:")
                lines += [f"  - {message}" for message in unique[:3]]
                lines.append(f"  - Hint: {task.hint}")
            lines.append("")
        lines += [f"Hint: {hint}" for hint in exercise.hints] + [""]
    lines.append(f"_Graded in the `{result['sandbox']}` sandbox._")
    return "\n".join(lines) + "\n"


def grades_csv(results: list[dict]) -> str:
    """The gradebook: ``submission, exercise1, ..., exercise6, total, max_total``."""
    names = [exercise.name for exercise in load_registry()]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", *names, "total", "max_total"])
    for result in sorted(results, key=lambda item: item["submission"]):
        writer.writerow(
            [
                result["submission"],
                *(format_points(result["exercises"][name]["score"]) for name in names),
                format_points(result["total"]),
                format_points(result["max_total"]),
            ]
        )
    return buffer.getvalue()


def class_summary(results: list[dict]) -> str:
    """The class overview: totals, each exercise's spread, the most failed tasks."""
    lines = ["# Class overview", "", f"{len(results)} submissions graded.", ""]
    if not results:
        return "\n".join(lines) + "\n"
    totals = [result["total"] for result in results]
    lines += [
        f"Total: mean {format_points(statistics.mean(totals))}, median "
        f"{fraction(statistics.median(totals), results[0]['max_total'], ' out of ')}.",
        "",
        "| exercise | mean | full marks | zero | not started | missing |",
        "|---|---|---|---|---|---|",
    ]
    failures: dict[tuple[str, str], int] = {}
    for exercise in load_registry():
        entries = [result["exercises"][exercise.name] for result in results]
        scores = [entry["score"] for entry in entries]
        count = _counter(entries)
        lines.append(
            f"| {exercise.name} | {format_points(statistics.mean(scores))} / "
            f"{exercise.max_points} | {sum(s == exercise.max_points for s in scores)} | "
            f"{sum(s == 0 for s in scores)} | {count('not started')} | "
            f"{count('missing')} |"
        )
        for entry in entries:
            for task in {test["task"] for test in entry["tests"] if test["status"] != "passed"}:
                if entry["status"] not in ("missing", "not started"):
                    failures[(exercise.name, task)] = failures.get((exercise.name, task), 0) + 1
    worst = sorted(failures.items(), key=lambda item: -item[1])[:8]
    if worst:
        lines += ["", "Tasks most often failed by students who attempted them:", ""]
        lines += [f"- {name}.{task}: {count} submission(s)" for (name, task), count in worst]
    return "\n".join(lines) + "\n"


def _counter(entries: list[dict]):
    return lambda status: sum(entry["status"] == status for entry in entries)
