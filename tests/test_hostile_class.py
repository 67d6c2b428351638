"""A whole class of hostile hand-ins, graded in one run beside honest classmates.

The class comes from :mod:`autograder.dev.hostile` (``gdlab dev hostile-class``):
names that are not UTF-8, 222 bytes long or spreadsheet formulas, colliding
names, broken encodings, a 200,000-member zip, a zip bomb, reply floods,
forged observations, snooping for the secret and the answer keys, daemons,
litter, fork and memory bombs. It is graded once, with ``gdlab grade`` at the
default level as an instructor would, and each test checks one promise of
the grader against that run.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from autograder.dev.hostile import (
    HONEST_MARKER,
    TEST_SECRET,
    grader_memory,
    hostile_entries,
    write_hostile_class,
)
from autograder.sandbox.levels import strongest_level

SHARED_TMP = (Path("/tmp"), Path("/dev/shm"), Path("/var/tmp"))
MAX_GRADER_BYTES = 3 << 29  # 1.5 GiB
MAX_FILE_BYTES = 2 << 20


def _sandbox_owned(folder: Path) -> set[str]:
    """Entries of ``folder`` owned by a sandbox's private uid (100000 and up)."""
    found = set()
    for entry in os.scandir(folder):
        try:
            if entry.stat(follow_symlinks=False).st_uid >= 100_000:
                found.add(entry.name)
        except OSError:
            continue
    return found


def _sandbox_processes() -> list[int]:
    """Live processes of the sandboxes' private uids."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid >= 100_000:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _grade(classroom: Path, out: Path, tmp: Path) -> tuple[subprocess.CompletedProcess, int]:
    """Run ``gdlab grade`` as an instructor would; return it and the grader's peak memory."""
    environment = {**os.environ, "GDLAB_SECRET": TEST_SECRET, "TMPDIR": str(tmp)}
    command = [sys.executable, "-m", "autograder", "grade", str(classroom), "--out", str(out)]
    command += ["-j", "2"]
    with (
        open(tmp.parent / f"{out.name}.stdout", "w+b") as stdout,
        open(tmp.parent / f"{out.name}.stderr", "w+b") as stderr,
    ):
        process = subprocess.Popen(command, env=environment, stdout=stdout, stderr=stderr)
        peak = 0
        while process.poll() is None:
            peak = max(peak, grader_memory(process.pid))
            time.sleep(0.05)
        stdout.seek(0)
        stderr.seek(0)
        done = subprocess.CompletedProcess(
            command, process.returncode, stdout.read().decode(), stderr.read().decode()
        )
    return done, peak


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The hostile class and an honest-only class, each graded once."""
    root = tmp_path_factory.mktemp("hostile")
    before = {folder: _sandbox_owned(folder) for folder in SHARED_TMP}
    entries = write_hostile_class(root / "class")
    honest_only = root / "honest-class"
    honest_only.mkdir()
    for entry in entries:
        if entry.honest:
            entry.build(honest_only / entry.name)
    private_tmp = root / "tmp"
    private_tmp.mkdir()
    run, peak = _grade(root / "class", root / "out", private_tmp)
    baseline, _ = _grade(honest_only, root / "honest-out", private_tmp)
    time.sleep(1.0)  # a daemon that survived would write again by now
    return {
        "root": root,
        "entries": entries,
        "run": run,
        "baseline": baseline,
        "peak": peak,
        "out": root / "out",
        "before": before,
        "private_tmp": private_tmp,
    }


def _rows(out: Path) -> list[dict[str, str]]:
    with open(out / "grades.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _results(out: Path) -> dict[str, dict]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in (out / "results").glob("*.json")
    }


def test_the_default_level_grades_the_whole_class_without_a_traceback(graded):
    run = graded["run"]
    assert run.returncode in (0, 1), run.stderr[-3000:]
    assert "Traceback" not in run.stdout + run.stderr
    assert f"Sandbox: {strongest_level()}." in run.stdout


def test_every_entry_gets_exactly_one_row_with_a_status(graded):
    rows = _rows(graded["out"])
    assert len(rows) == len(graded["entries"])
    assert len({row["submission"] for row in rows}) == len(rows)
    assert all(row["status"] for row in rows)
    assert len(_results(graded["out"])) == len(rows)


def test_honest_classmates_are_graded_as_if_alone(graded):
    hostile = _results(graded["out"])
    alone = _results(graded["root"] / "honest-out")
    assert set(alone) == {entry.name for entry in graded["entries"] if entry.honest}
    for name, result in alone.items():
        assert result["status"] == "graded"
        assert hostile[name]["total"] == result["total"] == result["max_total"]
        for exercise, expected in result["exercises"].items():
            tests = hostile[name]["exercises"][exercise]["tests"]
            assert [(t["name"], t["outcome"], t["message"], t["score"]) for t in tests] == [
                (t["name"], t["outcome"], t["message"], t["score"]) for t in expected["tests"]
            ]


def test_no_attack_earns_a_forged_point(graded):
    rows = {row["submission"]: row for row in _rows(graded["out"])}
    results = _results(graded["out"])
    for entry in graded["entries"]:
        for exercise in entry.no_full_marks:
            row = rows[entry.name]
            result = results[entry.name]["exercises"][exercise]
            assert row["status"] == "graded", entry.name
            assert result["score"] < result["max_score"], (entry.name, exercise)
    snoop = results["snoop"]["exercises"]["exercise1"]
    assert snoop["score"] == 0, "a hand-in reached an answer key"


def test_no_attack_makes_the_grader_fail(graded):
    results = _results(graded["out"])
    regrade = [name for name, result in results.items() if result["status"] == "needs regrade"]
    assert regrade == []
    for name, result in results.items():
        for exercise in result["exercises"].values():
            assert not exercise["grader_problems"], name
            assert all(test["outcome"] != "grader error" for test in exercise["tests"]), name


def test_no_cell_of_the_gradebook_is_a_formula(graded):
    with open(graded["out"] / "grades.csv", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_no_feedback_holds_html_links_or_a_heading_of_the_students(graded):
    parser = MarkdownIt("commonmark")
    for path in (graded["out"] / "feedback").glob("*.md"):
        tokens = parser.parse(path.read_text(encoding="utf-8"))
        for token in tokens:
            assert token.type not in ("html_block", "html_inline"), path.name
            if token.type == "heading_open":
                level = token.tag
                assert level in ("h1", "h2", "h3"), path.name
        inline = [child for token in tokens for child in token.children or []]
        assert not [t for t in inline if t.type == "html_inline"], path.name
        links = [t.attrs.get("href") for t in inline if t.type == "link_open"]
        images = [t.attrs.get("src") for t in inline if t.type == "image"]
        assert links == [], path.name
        assert all(str(src).startswith("../plots/") for src in images), path.name
    fake = (graded["out"] / "feedback" / "fake-heading.md").read_text(encoding="utf-8")
    headings = [line for line in fake.splitlines() if line.startswith("#")]
    assert not any("Score 10" in line or "Total" in line for line in headings)


def test_no_file_of_the_gradebook_is_over_two_megabytes(graded):
    for path in graded["out"].rglob("*"):
        assert len(path.name.encode()) < 256
        if path.is_file():
            assert path.stat().st_size <= MAX_FILE_BYTES, path.name


def test_the_graders_memory_stays_bounded(graded):
    assert 0 < graded["peak"] < MAX_GRADER_BYTES, graded["peak"]


def test_nothing_is_left_behind(graded):
    assert _sandbox_processes() == []
    for folder in SHARED_TMP:
        assert _sandbox_owned(folder) <= graded["before"][folder], folder
    assert not [p for p in Path("/tmp").glob("hostile-*")]
    assert list(graded["private_tmp"].iterdir()) == []
    assert not [p for p in graded["out"].rglob("*.tmp")]
    assert graded["out"].stat().st_uid == os.getuid()


def test_no_secret_and_no_classmates_work_reach_a_hostile_feedback(graded):
    honest = {entry.name for entry in graded["entries"] if entry.honest}
    for path in graded["out"].rglob("*"):
        if not path.is_file() or path.suffix not in (".md", ".json", ".csv"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        assert TEST_SECRET not in text, path.name
        if path.stem not in honest:
            assert HONEST_MARKER not in text, path.name


def test_the_class_holds_every_kind_of_attack():
    kinds = {entry.kind for entry in hostile_entries()}
    assert len(kinds) == len(hostile_entries()) >= 25


def test_at_the_process_level_nothing_of_the_instructors_is_reachable(tmp_path):
    """Graded at the weakest level (accepted), the snooper still finds no answer key or secret."""
    entries = {entry.name: entry for entry in hostile_entries()}
    classroom = tmp_path / "class"
    for name in ("honest-anna", "snoop", "leftovers"):
        entries[name].build(classroom / name)
    out = tmp_path / "out"
    before = {folder: _sandbox_owned(folder) for folder in SHARED_TMP}
    # The default TMPDIR: at this level the sandbox's uid must be able to enter it.
    environment = {**os.environ, "GDLAB_SECRET": TEST_SECRET}
    environment.pop("TMPDIR", None)
    command = [sys.executable, "-m", "autograder", "grade", str(classroom), "--out", str(out)]
    refused = subprocess.run(
        [*command, "--sandbox", "process"], env=environment, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "--accept-weak-isolation" in refused.stderr
    assert not (out / "grades.csv").exists()
    done = subprocess.run(
        [*command, "--sandbox", "process", "--accept-weak-isolation"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = _results(out)
    assert results["honest-anna"]["total"] == results["honest-anna"]["max_total"]
    assert results["snoop"]["exercises"]["exercise1"]["score"] == 0
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".json", ".csv"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert TEST_SECRET not in text
            if path.stem != "honest-anna":
                assert HONEST_MARKER not in text
    time.sleep(1.0)
    assert _sandbox_processes() == []
    assert not list(Path("/tmp").glob("hostile-*"))
    for folder in SHARED_TMP:
        assert _sandbox_owned(folder) <= before[folder], folder
