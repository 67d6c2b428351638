"""What a grading run decides once: its sandbox level and its course secret.

:func:`decide_run` makes both decisions, and what follows from the secret
(the hidden cases' seed, the fingerprint every result records), in one
:class:`RunSettings`; ``gdlab grade`` and
:func:`~autograder.grading.batch.grade_class` pass that object on, and
nothing below them decides again.

A new secret is decided without being written: :func:`keep_secret` writes
it once grading is about to start, so that a run refused before then
leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.levels import choose_level

SECRET_FILE = ".gdlab-secret"


@dataclass(frozen=True)
class RunSettings:
    """The decisions of one grading run, made once by :func:`decide_run`.

    Attributes
    ----------
    level : str
        The sandbox level, checked to work on this machine.
    secret : str
        The course secret that seeds the hidden inputs.
    created : bool
        The secret is new: none was given or kept in ``out``, and
        :func:`keep_secret` writes it there.
    seed : int
        The hidden cases' seed (:func:`hidden_seed` of the secret).
    fingerprint : str
        The secret's one-way name (:func:`secret_fingerprint`), recorded
        in every result.
    """

    level: str
    secret: str
    created: bool
    seed: int
    fingerprint: str


def decide_run(out: Path, secret: str | None = None, sandbox: str | None = None) -> RunSettings:
    """Decide a grading run's sandbox level and course secret, once.

    Nothing is written: a new secret is kept by :func:`keep_secret`.

    Parameters
    ----------
    out : Path
        The gradebook folder, where the course secret is kept.
    secret : str, optional
        A secret given by the instructor (``--secret`` or ``GDLAB_SECRET``);
        by default the one kept in ``out``, else a new random one.
    sandbox : str, optional
        The sandbox level wanted; the strongest available by default.

    Returns
    -------
    RunSettings

    Raises
    ------
    RuntimeError
        When the wanted level is unknown or does not work here (see
        :func:`~autograder.sandbox.levels.choose_level`).
    ValueError
        When the given secret is empty.
    """
    level = choose_level(sandbox)
    secret, created = _decided_secret(out, secret)
    return RunSettings(level, secret, created, hidden_seed(secret), secret_fingerprint(secret))


def _kept_secret(out: Path) -> str | None:
    """The secret kept in ``out/.gdlab-secret``, if there is a non-empty one."""
    path = out / SECRET_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    return None


def _decided_secret(out: Path, secret: str | None) -> tuple[str, bool]:
    """The given secret, else the kept one, else a new random one; and whether it is new.

    Raises
    ------
    ValueError
        When the given secret is empty.
    """
    if secret is not None:
        if not secret.strip():
            raise ValueError("the course secret must not be empty")
        return secret, False
    kept = _kept_secret(out)
    if kept is not None:
        return kept, False
    return secrets.token_hex(16), True


def _write_secret(out: Path, secret: str) -> None:
    """Write ``secret`` to ``out/.gdlab-secret``, readable by its owner only."""
    out.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out / SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")


def keep_secret(out: Path, settings: RunSettings) -> None:
    """Write a new secret of ``settings`` to ``out``, unless it is there already.

    Later runs into the same folder then reuse it. A secret that was given
    or already kept is never written.
    """
    if settings.created and _kept_secret(out) != settings.secret:
        _write_secret(out, settings.secret)


def course_secret(out: Path, secret: str | None = None) -> tuple[str, bool]:
    """The course secret that seeds the hidden inputs, and whether it was just created.

    Without a secret the hidden inputs would follow from the project's code
    alone, and anyone with it could compute them. So a secret is required:
    the one given, else the one kept in ``out/.gdlab-secret``, else a new
    random one written there (readable by its owner only), which later runs
    into the same folder reuse. A grading run decides it with
    :func:`decide_run` instead.

    Parameters
    ----------
    out : Path
        The gradebook folder.
    secret : str, optional
        A secret given by the instructor (``--secret`` or ``GDLAB_SECRET``).

    Raises
    ------
    ValueError
        When the given secret is empty.
    """
    secret, created = _decided_secret(out, secret)
    if created:
        _write_secret(out, secret)
    return secret, created


def hidden_seed(secret: str) -> int:
    """The seed of the hidden cases: one draw per course secret, the same for every student."""
    digest = hashlib.sha256(f"gdlab hidden inputs\0{secret}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def secret_fingerprint(secret: str) -> str:
    """A short, one-way name of the secret, recorded in every result."""
    return hashlib.sha256(f"gdlab secret fingerprint\0{secret}".encode()).hexdigest()[:16]
