"""A Gradescope autograder that grades with gdlab: the zip it uploads, and the run inside.

``gdlab gradescope build OUT`` writes ``OUT/autograder.zip``, which holds, as
Gradescope's autograder specification asks:

- ``setup.sh``, which Gradescope runs once, as root, to build the image: it
  installs bubblewrap and Python's venv where missing, and gdlab from the
  wheel beside it into ``/autograder/gdlab-venv``;
- ``run_autograder``, which Gradescope runs per submission: ``gdlab
  gradescope run`` grades ``/autograder/submission`` and writes
  ``/autograder/results/results.json``
  (:mod:`~autograder.lms.gradescope_results`);
- the course's wheel (the grader, the reference, the hidden suite) and
  :data:`CONFIG`: the assignment, the course secret that seeds the hidden
  inputs, and whether weak isolation is accepted.

Inside, the submission is graded exactly as ``gdlab grade`` grades an entry
(:func:`~autograder.grading.batch.grade_one`), student code in gdlab's
sandbox, so the same files and secret give the same total. A grader that
fails, or a sandbox too weak to hide the grader's files while that is not
accepted, writes no results and exits non-zero: Gradescope then reports an
autograder failure to the staff rather than a score to the student.
``GDLAB_AUTOGRADER_ROOT`` moves ``/autograder`` (for trying the zip out).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import Assignment, get_assignment, whole_course
from autograder.paths import PROJECT_ROOT
from autograder.release.student_package import pip_wheel

#: The settings the zip carries, in ``/autograder/source``.
CONFIG = "gdlab-gradescope.json"

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, from /autograder/source, to build the autograder's
# image: bubblewrap (gdlab's strongest sandbox) and Python's venv where missing, then gdlab.
set -euo pipefail
ROOT="${GDLAB_AUTOGRADER_ROOT:-/autograder}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=""
  command -v bwrap >/dev/null || need="bubblewrap"
  python3 -c "import ensurepip" 2>/dev/null || need="$need python3 python3-venv python3-pip"
  if [ -n "$need" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
  fi
fi
python3 -m venv "$ROOT/gdlab-venv"
"$ROOT/gdlab-venv/bin/pip" install --quiet "$ROOT"/source/gdlab-*.whl
"""

RUN = """\
#!/usr/bin/env bash
# Gradescope runs this per submission: it grades /autograder/submission with gdlab's
# sandbox and writes /autograder/results/results.json.
set -uo pipefail
ROOT="${GDLAB_AUTOGRADER_ROOT:-/autograder}"
exec "$ROOT/gdlab-venv/bin/gdlab" gradescope run --root "$ROOT"
"""

#: What the course's wheel is built from (tracked folders and files of the checkout).
WHEEL_SOURCES = ("autograder", "reference", "pyproject.toml", "README.md")


class GradescopeError(Exception):
    """The autograder cannot be built, or cannot grade here: the message says why."""


def _course_wheel(out: Path) -> Path:
    """The course's own wheel (grader, reference, suites), built from the checkout."""
    with tempfile.TemporaryDirectory(prefix="gdlab-course-") as scratch:
        source = Path(scratch) / "course"
        source.mkdir()
        for name in WHEEL_SOURCES:
            origin = PROJECT_ROOT / name
            if origin.is_dir():
                ignored = shutil.ignore_patterns("__pycache__", "*.pyc", ".gdlab")
                shutil.copytree(origin, source / name, ignore=ignored)
            else:
                shutil.copyfile(origin, source / name)
        try:
            return pip_wheel(source, out, "the course's wheel")
        except RuntimeError as error:
            raise GradescopeError(str(error)) from None


def build_autograder(
    out: Path, secret: str, assignment: Assignment, accept_weak_isolation: bool = False
) -> Path:
    """Write ``out/autograder.zip`` (see the module) and return its path.

    Parameters
    ----------
    out : Path
        The folder to write it in.
    secret : str
        The course secret that seeds the hidden inputs; the same as
        ``gdlab grade``'s gives the same totals.
    assignment : Assignment
        What is graded.
    accept_weak_isolation : bool, optional
        Grade even where the container offers only a sandbox that leaves the
        grader's files open to student code.

    Raises
    ------
    GradescopeError
        When the course's wheel cannot be built.
    """
    out.mkdir(parents=True, exist_ok=True)
    config = {
        "assignment": assignment.name,
        "secret": secret,
        "accept_weak_isolation": accept_weak_isolation,
    }
    archive = out / "autograder.zip"
    with tempfile.TemporaryDirectory(prefix="gdlab-gradescope-") as scratch:
        wheel = _course_wheel(Path(scratch))
        partial = out / "autograder.zip.partial"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
                member = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
                member.external_attr = 0o100755 << 16  # executable, as Gradescope runs them
                member.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(member, text)
            bundle.writestr(CONFIG, json.dumps(config, indent=1))
            bundle.write(wheel, wheel.name)
        partial.replace(archive)
    return archive


@dataclass(frozen=True)
class RunConfig:
    """What ``run_autograder`` reads from :data:`CONFIG`."""

    assignment: Assignment
    secret: str
    accept_weak_isolation: bool


def read_config(root: Path) -> RunConfig:
    """The settings in ``root/source/`` :data:`CONFIG`.

    Raises
    ------
    GradescopeError
        When they are missing or malformed.
    """
    path = root / "source" / CONFIG
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name = data["assignment"]
        assignment = get_assignment(name) if name else whole_course()
        return RunConfig(assignment, str(data["secret"]), bool(data["accept_weak_isolation"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GradescopeError(f"{path} cannot be read ({error}); rebuild the zip") from None


def grade_submission(root: Path) -> dict:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns the document.

    Raises
    ------
    GradescopeError
        When grading cannot start (settings, sandbox) or the grader failed:
        nothing is written then.
    """
    from autograder.grading.atomic_write import write_atomically
    from autograder.grading.batch import grade_one
    from autograder.grading.entry_names import NamedEntry
    from autograder.grading.gradebook import grader_fingerprint
    from autograder.grading.run_settings import decide_run
    from autograder.grading.submission_runs import local_runner
    from autograder.lms.gradescope_results import results_json
    from autograder.results import NEEDS_REGRADE
    from autograder.sandbox.levels import isolation
    from autograder.sandbox.preflight import preflight

    config = read_config(root)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gdlab-gradescope-run-") as scratch:
        out, work = Path(scratch) / "gradebook", Path(scratch) / "work"
        work.mkdir()
        try:
            settings = decide_run(out, config.secret, None)
        except (RuntimeError, ValueError) as error:
            raise GradescopeError(str(error)) from None
        protection = isolation(settings.level)
        if protection.weak and not config.accept_weak_isolation:
            raise GradescopeError(
                f"only the {settings.level!r} sandbox works in this container, and it leaves "
                f"student code able to reach the grader's files or the network "
                f"({protection.summary}); rebuild with --accept-weak-isolation to grade anyway"
            )
        problem = preflight(settings.level)
        if problem:
            raise GradescopeError(problem)
        entry = NamedEntry(root / "submission", "submission", "submission")
        outcome = grade_one(
            entry,
            out,
            work,
            force=True,
            settings=settings,
            fingerprint=grader_fingerprint(),
            assignment=config.assignment,
            run=local_runner(None),
        )
        result = outcome.result
    if result.status == NEEDS_REGRADE:
        why = "; ".join(
            [*result.grader_problems]
            + [p for e in result.exercises.values() for p in e.grader_problems]
        )
        raise GradescopeError(f"the grader failed, not the submission: {why[:500]}")
    document = results_json(result, time.monotonic() - started)
    write_atomically(root / "results" / "results.json", json.dumps(document, indent=1))
    return document
