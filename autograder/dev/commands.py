"""``gdlab dev``: the developers' commands, a thin click layer over :mod:`autograder.dev`.

``build`` the stubs, scaffold a ``new`` exercise, ``check`` the course, grade
the catalogue of ``mistakes``, ``mutation``-test the answer keys, write a
``hostile-class``. :mod:`autograder.cli` adds the group to ``gdlab``.
"""

from __future__ import annotations

from pathlib import Path

import click

from autograder.registry import RegistryError, load_registry


@click.group()
def dev() -> None:
    """Developer commands: build the stubs, check the course."""


@dev.command("build")
def dev_build() -> None:
    """Regenerate every stub in exercises/ from its answer key in solutions/, then the public
    checks (autograder/suites/public/data/) from the grader modules and the reference, and
    each exercise's notebook from its statement and stub."""
    from autograder.dev.public_data import write_public_data
    from autograder.dev.stubs import StubError, write_stub
    from autograder.notebooks.build import write_notebook

    try:
        for exercise in load_registry():
            path = write_stub(exercise)
            click.echo(f"wrote {path}")
        for exercise in load_registry():  # after every stub: their digests are sources
            click.echo(f"wrote {write_public_data(exercise)}")
            click.echo(f"wrote {write_notebook(exercise)}")
    except (RegistryError, StubError, OSError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo("Stubs rebuilt. Next: `gdlab dev check`.")


@dev.command("new")
@click.argument("name")
@click.argument("title")
@click.option(
    "--module",
    default=None,
    help="The student's module, also the reference module's name [default: TITLE in snake_case].",
)
@click.option("--task", default="solve", show_default=True, help="The function of the one task.")
def dev_new(name: str, title: str, module: str | None, task: str) -> None:
    """Scaffold exercise NAME (exerciseN) titled TITLE, with one task TASK(x).

    Appends its registry entry and writes its answer key, reference module,
    grader module, statement and stub, each marked TODO(instructor) where
    only you can write it. Refuses, writing nothing, a name or module
    already taken or a file that exists.
    """
    from autograder.dev.scaffold import ScaffoldError, module_slug, next_steps, scaffold_exercise

    try:
        module = module or module_slug(title)
        written = scaffold_exercise(name, title, module, task)
    except (ScaffoldError, OSError) as error:
        raise click.ClickException(str(error)) from None
    for path in written:
        click.echo(f"wrote {path}")
    for line in next_steps(name, module, task):
        click.echo(line)


@dev.command("mistakes")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the hidden cases.")
def dev_mistakes(seed: int) -> None:
    """Grade every catalogued mistake: kill rate and diagnosis rate."""
    from autograder.dev.catalogue import grade_catalogue

    outcomes = grade_catalogue(seed)
    for outcome in outcomes:
        killed = "killed" if outcome.killed else click.style("SURVIVED", fg="red")
        named = "named" if outcome.diagnosed else click.style("NOT NAMED", fg="yellow")
        click.echo(
            f"{outcome.exercise}  {outcome.mistake.task:<20} {outcome.mistake.name:<40} "
            f"{outcome.score:6.2f}/{outcome.max_score:g}  {killed:<8} {named}"
        )
        for wrong in outcome.wrong_names:
            click.echo(f"    {click.style('WRONG NAME', fg='red')} {wrong}")
    count = len(outcomes)
    killed = sum(outcome.killed for outcome in outcomes)
    named = sum(outcome.diagnosed for outcome in outcomes)
    wrong = sum(len(outcome.wrong_names) for outcome in outcomes)
    click.echo(
        f"\nkill rate {killed}/{count} = {killed / count:.0%}; "
        f"naming rate {named}/{count} = {named / count:.0%}; wrong names {wrong}"
    )
    if killed < count or named < count or wrong:
        raise click.ClickException("some mistakes survive, are not named or misnamed; see above.")


@dev.command("mutation")
@click.argument("exercises", nargs=-1)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Exercises mutated at once.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the hidden cases.")
def dev_mutation(exercises: tuple[str, ...], jobs: int, seed: int) -> None:
    """Mutate the answer keys of EXERCISES (default: all) and grade every mutant.

    A mutant is killed when it scores less than full marks on its exercise's
    public and hidden suites, or when its grading crashes or times out.
    Needs cosmic-ray: pip install -e '.[mutation]'.
    """
    from autograder.dev.mutation import MutationError, mutate_exercises, summary

    names = [exercise.name for exercise in load_registry()]
    for name in exercises:
        if name not in names:
            raise click.BadParameter(f"choose among {', '.join(names)}", param_hint="EXERCISES")
    chosen = list(dict.fromkeys(exercises)) or names

    def done(run) -> None:
        click.echo(
            f"{run.exercise}: {len(run.mutants)} mutants in {run.seconds:.0f} s "
            f"(timeout {run.timeout:.0f} s per mutant)",
            err=True,
        )

    try:
        runs = mutate_exercises(chosen, jobs=jobs, seed=seed, done=done)
    except MutationError as error:
        raise click.ClickException(str(error)) from None
    for line in summary(runs):
        click.echo(line)


@dev.command("check")
def dev_check() -> None:
    """Check registry, answer keys, stubs and reference against each other."""
    from autograder.dev.course_check import run_dev_check

    failed = 0
    for step in run_dev_check():
        mark = click.style("ok  ", fg="green") if step.ok else click.style("FAIL", fg="red")
        click.echo(f"{mark} {step.name}")
        for problem in step.problems:
            click.echo(f"       - {problem}")
        if not step.ok:
            failed += 1
            click.echo(f"       next: {step.advice}")
    if failed:
        raise click.ClickException(f"{failed} check(s) failed; see above.")
    click.echo("All checks passed: the course is consistent.")


@dev.command("hostile-class")
@click.argument("target", type=click.Path(path_type=Path))
def dev_hostile_class(target: Path) -> None:
    """Write a class of odd and hostile hand-ins beside honest ones into TARGET.

    Grade it (gdlab grade TARGET --out DIR) to see on this machine that no
    hand-in stops the batch, forges a point or leaves a trace.
    """
    from autograder.dev.hostile import write_hostile_class

    if target.exists():
        raise click.UsageError(f"{target} exists; choose a new folder")
    entries = write_hostile_class(target)
    for entry in entries:
        click.echo(f"{'honest ' if entry.honest else 'hostile'}  {entry.kind}")
    click.echo(f"Wrote {len(entries)} entries into {target}/. Next: gdlab grade {target}")
