"""`gdlab report`: the HTML class overview and feedback pages, opened in a real headless
Chromium (Debian's package, driven by Playwright), showing the numbers of grades.csv."""

from __future__ import annotations

import csv
import shutil
import statistics
from pathlib import Path

import pytest
from conftest import SAMPLE_CLASS, run_gdlab
from playwright.sync_api import sync_playwright

from autograder.registry import get_exercise

#: Debian's chromium; the tests fail, never skip, without it (.ci/run installs it).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report(sample_gradebook) -> Path:
    done = run_gdlab("report", str(sample_gradebook))
    assert done.returncode == 0, done.stderr
    assert f"Report: {sample_gradebook / 'report.html'}" in done.stdout
    return sample_gradebook / "report.html"


def _grades(gradebook: Path) -> list[dict]:
    with open(gradebook / "grades.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_overview_renders_every_number_of_grades_csv(browser, report, sample_gradebook):
    page = browser.new_page()
    page.goto(report.as_uri())
    grades = _grades(sample_gradebook)
    exercises = [name for name in grades[0] if name.startswith("exercise")]
    for row in grades:
        key = row["submission"] or f"student-{row['student_id']}"
        shown = page.query_selector(f'tr[id="row-{key}"]')
        assert shown is not None, key
        cells = [cell.inner_text().strip() for cell in shown.query_selector_all("td")]
        expected = [
            row["submission"], row["name"], row["student_id"],
            *(row[name] for name in exercises),
            row["total"], row["max_total"], row["days_late"], row["final"], row["status"],
        ]
        assert cells == expected, key
    finals = [float(row["final"]) for row in grades if row["final"]]
    text = page.inner_text("main")
    assert f"mean final score\n{statistics.mean(finals):.2f}".rstrip("0").rstrip(".") in text
    # The distribution counts every graded submission once.
    bars = page.query_selector_all("figure svg rect")
    counts = [int(bar.query_selector("title").text_content().split()[0]) for bar in bars]
    assert sum(counts) == len(finals) and len(bars) == 10
    # Every task of the assignment has its pass rate, in the statement's order.
    rates = page.query_selector_all("h2:has-text('Pass rate') + p + table tbody tr")
    listed = [tuple(c.inner_text() for c in r.query_selector_all("td")[:2]) for r in rates]
    wanted = [(name, task.function) for name in exercises for task in get_exercise(name).tasks]
    assert listed == wanted
    # dan's classic mistakes are diagnosed, and counted.
    mistakes = page.inner_text("h2:has-text('mistakes') + table")
    assert "classify" in mistakes
    page.close()


def test_each_name_links_to_the_feedback_with_its_pictures(browser, report, sample_gradebook):
    page = browser.new_page()
    page.goto(report.as_uri())
    page.click("text=ada-excellent")
    page.wait_for_load_state()
    assert page.title() == "Feedback for ada-excellent"
    assert "Total: 60 / 60" in page.inner_text("main")
    pictures = page.evaluate(
        "[...document.images].map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])"
    )
    # exercises 3 to 6 draw the student's curves beside the reference's
    assert [src for src, _, _ in pictures] == [
        f"../plots/ada-excellent-exercise{n}.png" for n in (3, 4, 5, 6)
    ]
    assert all(complete and width > 100 for _, complete, width in pictures), pictures
    page.click("text=Class overview")
    page.wait_for_load_state()
    assert page.title().startswith("Class overview: project")
    shot = page.screenshot(full_page=True)
    assert shot.startswith(b"\x89PNG") and len(shot) > 20_000
    page.close()


def test_a_hostile_name_is_shown_as_text_and_runs_nothing(browser, tmp_path):
    hostile = "<img src=x onerror=alert(1)>"
    klass = tmp_path / "class"
    (klass / hostile / "exercise1").mkdir(parents=True)
    source = SAMPLE_CLASS / "ada-excellent" / "exercise1" / "mse.py"
    shutil.copy(source, klass / hostile / "exercise1" / "mse.py")
    out = tmp_path / "out"
    graded = run_gdlab("grade", str(klass), "--out", str(out), "--assignment", "week1")
    assert graded.returncode == 0, graded.stderr
    assert run_gdlab("report", str(out)).returncode == 0
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for target in (out / "report.html", out / "report" / f"{hostile}.html"):
        page.goto(target.as_uri())
        assert page.evaluate("document.images.length") == 0
        assert hostile in page.inner_text("main")
    assert dialogs == []
    page.close()
