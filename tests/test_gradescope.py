"""The Gradescope autograder: the zip's setup.sh and run_autograder, run for real against a
fake /autograder tree, give results.json per Gradescope's specification and gdlab grade's
totals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import SAMPLE_CLASS, run_gdlab

#: The sample entries a student could upload (Gradescope unzips an uploaded zip); the
#: corrupt zip is left out, as Gradescope refuses it at upload.
UPLOADED = sorted(path.name for path in SAMPLE_CLASS.iterdir() if path.name != "ivan-corrupt.zip")
TOP_KEYS = {"score", "execution_time", "output", "output_format", "stdout_visibility", "tests"}
TEST_KEYS = {"name", "number", "score", "max_score", "output", "visibility", "tags"}


@pytest.fixture(scope="module")
def autograder(tmp_path_factory) -> Path:
    """A fake /autograder: the zip unpacked in source/, set up by its own setup.sh."""
    out = tmp_path_factory.mktemp("gradescope-build")
    done = run_gdlab("gradescope", "build", str(out), "--assignment", "project")
    assert done.returncode == 0, done.stderr
    archive = out / "autograder.zip"
    root = tmp_path_factory.mktemp("autograder")
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        assert {"setup.sh", "run_autograder", "gdlab-gradescope.json"} <= set(names)
        assert any(name.startswith("gdlab-") and name.endswith(".whl") for name in names)
        for member in bundle.infolist():
            assert member.external_attr >> 16 & 0o111 or member.filename not in (
                "setup.sh", "run_autograder"
            )
        bundle.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):
        (root / "source" / name).chmod(0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")  # as Gradescope does
    setup = subprocess.run(
        ["bash", "setup.sh"], cwd=root / "source", capture_output=True, text=True,
        env={**os.environ, "GDLAB_AUTOGRADER_ROOT": str(root)}, timeout=900,
    )
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-2000:]
    assert (root / "gdlab-venv" / "bin" / "gdlab").is_file()
    return root


def _slot(autograder: Path, name: str) -> Path:
    """Another fake /autograder sharing the set-up one's source and venv (a second container)."""
    root = autograder.parent / f"{autograder.name}-{name}"
    root.mkdir(exist_ok=True)
    for shared in ("source", "gdlab-venv", "run_autograder"):
        if not (root / shared).exists():
            (root / shared).symlink_to(autograder / shared)
    return root


def _upload(root: Path, entry: str) -> None:
    """Put one sample entry in root/submission as Gradescope would after an upload."""
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "results").mkdir()
    source = SAMPLE_CLASS / entry
    if source.suffix == ".zip":
        submission.mkdir()
        with zipfile.ZipFile(source) as bundle:
            for member in bundle.infolist():  # the escaping members are refused, as unzip does
                if not member.filename.startswith(("/", "..")):
                    bundle.extract(member, submission)
    else:
        shutil.copytree(source, submission)


def _run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(root / "run_autograder")], capture_output=True, text=True, timeout=600,
        env={**os.environ, "GDLAB_AUTOGRADER_ROOT": str(root)},
    )


def _check_specification(document: dict) -> None:
    """The fields and values Gradescope's autograder specification allows."""
    assert set(document) == TOP_KEYS
    assert isinstance(document["score"], float) and document["output_format"] == "md"
    assert isinstance(document["output"], str) and document["output"].startswith("# Feedback")
    for test in document["tests"]:
        assert TEST_KEYS <= set(test) <= TEST_KEYS | {"status"}, test
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
        assert 0 <= test["score"] <= test["max_score"]
        assert isinstance(test["output"], str)
        assert test.get("status", "passed") in ("passed", "failed")
        suite = test["tags"][2]
        assert test["visibility"] == {"public": "visible", "hidden": "after_published"}[suite]
        if test["max_score"] and test.get("status") == "passed":
            assert test["score"] == test["max_score"]
    assert sum(test["max_score"] for test in document["tests"]) == pytest.approx(60)
    assert sum(test["score"] for test in document["tests"]) == pytest.approx(document["score"])


def _graded(root: Path, entry: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    _upload(root, entry)
    done = _run(root)
    written = root / "results" / "results.json"
    return done, json.loads(written.read_text("utf-8")) if written.exists() else None


def test_the_zip_gives_gdlab_grades_totals_for_the_sample_class(autograder, sample_gradebook):
    # Two containers at a time, as Gradescope runs submissions side by side.
    roots = [_slot(autograder, entry) for entry in UPLOADED]
    with ThreadPoolExecutor(max_workers=2) as pool:
        graded = list(pool.map(_graded, roots, UPLOADED))
    for entry, (done, document) in zip(UPLOADED, graded, strict=True):
        name = entry.removesuffix(".zip")
        assert done.returncode == 0 and document is not None, (entry, done.stdout, done.stderr)
        _check_specification(document)
        graded = json.loads((sample_gradebook / "results" / f"{name}.json").read_text("utf-8"))
        expected = graded["total"] or 0.0  # jo handed in nothing: no total, 0 on Gradescope
        assert document["score"] == pytest.approx(expected, abs=1e-9), entry
        hidden = [t for t in document["tests"] if t["visibility"] == "after_published"]
        assert hidden and all(t["tags"][2] == "hidden" for t in hidden)


def test_a_grader_that_cannot_grade_writes_no_score(autograder):
    _upload(autograder, "kai-missing")
    config = autograder / "source" / "gdlab-gradescope.json"
    kept = config.read_text(encoding="utf-8")
    try:
        config.write_text("{ not json", encoding="utf-8")
        done = _run(autograder)
    finally:
        config.write_text(kept, encoding="utf-8")
    assert done.returncode == 1
    assert "gdlab could not grade this submission" in done.stdout
    assert "rebuild the zip" in done.stdout and "Traceback" not in done.stderr
    assert not (autograder / "results" / "results.json").exists()
