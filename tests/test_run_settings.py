"""A grading run decides its sandbox level and course secret once, not per submission."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from autograder.grading import batch, run_settings, submission_runs
from autograder.grading.run_settings import (
    SECRET_FILE,
    decide_run,
    hidden_seed,
    secret_fingerprint,
)
from autograder.paths import PROJECT_ROOT
from autograder.sandbox.levels import choose_level

SAMPLE_CLASS = PROJECT_ROOT / "examples" / "sample-class"


def test_deciding_a_run_writes_nothing_and_keeping_it_writes_the_new_secret_once(tmp_path):
    out = tmp_path / "out"
    settings = decide_run(out)
    assert settings.created and not out.exists()  # a refused run leaves nothing behind
    assert settings.seed == hidden_seed(settings.secret)
    assert settings.fingerprint == secret_fingerprint(settings.secret)
    run_settings.keep_secret(out, settings)
    assert (out / SECRET_FILE).read_text(encoding="utf-8").strip() == settings.secret
    assert (out / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    again = decide_run(out, sandbox=settings.level)
    assert (again.secret, again.created, again.level) == (settings.secret, False, settings.level)
    given = decide_run(out, "given")
    assert (given.secret, given.created) == ("given", False)
    with pytest.raises(ValueError, match="must not be empty"):
        decide_run(out, " ")


def test_a_batch_decides_its_level_and_secret_once_for_all_submissions(tmp_path, monkeypatch):
    submissions = tmp_path / "class"
    for name in ("ada-excellent", "jo-empty"):
        shutil.copytree(SAMPLE_CLASS / name, submissions / name)
    out = tmp_path / "out"
    level = choose_level()  # the strongest, which the run chooses by default
    calls: Counter[str] = Counter()

    def counted(module, name: str) -> None:
        original = getattr(module, name)

        def wrapper(*arguments, **keywords):
            calls[name] += 1
            return original(*arguments, **keywords)

        monkeypatch.setattr(module, name, wrapper)

    # Every place that could decide them again: where they are defined and where imported.
    for name in ("choose_level", "_decided_secret", "hidden_seed", "secret_fingerprint"):
        counted(run_settings, name)
    counted(batch, "decide_run")
    seeds = []
    run_suites = submission_runs.run_in_subprocess

    def recorded(folder, problems, seed, sandbox, *arguments, **keywords):
        seeds.append((seed, sandbox))
        return run_suites(folder, problems, seed, sandbox, *arguments, **keywords)

    monkeypatch.setattr(submission_runs, "run_in_subprocess", recorded)

    report = batch.grade_class(submissions, out, jobs=2, secret="the course secret")

    assert sorted(outcome.name for outcome in report.outcomes) == ["ada-excellent", "jo-empty"]
    assert calls == {
        "decide_run": 1,
        "choose_level": 1,
        "_decided_secret": 1,
        "hidden_seed": 1,
        "secret_fingerprint": 1,
    }
    assert seeds == [(hidden_seed("the course secret"), level)]  # jo-empty has nothing to run
    fingerprint = secret_fingerprint("the course secret")
    assert {outcome.result.secret for outcome in report.outcomes} == {fingerprint}
    assert {outcome.result.sandbox for outcome in report.outcomes} == {level}
    assert not (out / SECRET_FILE).exists()  # a given secret is never written


def test_given_settings_are_used_as_they_are(tmp_path):
    submissions = tmp_path / "class"
    shutil.copytree(SAMPLE_CLASS / "jo-empty", submissions / "jo-empty")
    out = tmp_path / "out"
    settings = decide_run(out)
    with pytest.raises(ValueError, match="not both"):
        batch.grade_class(submissions, out, secret="another", settings=settings)
    report = batch.grade_class(submissions, out, settings=settings)
    assert [outcome.result.secret for outcome in report.outcomes] == [settings.fingerprint]
    assert (out / SECRET_FILE).read_text(encoding="utf-8").strip() == settings.secret
