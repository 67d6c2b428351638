"""The convergence and divergence properties: kept by correct code, broken by wrong code."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from autograder.course import grading_of, reference_of
from autograder.registry import load_registry
from reference import house_prices as ref3
from reference import learning_rate as ref4
from reference import minibatch as ref6
from reference import momentum as ref5

WITH_PROPERTIES = [e.name for e in load_registry() if grading_of(e.name).draw_properties]

SEEDS = range(10)  # the properties must hold for every student, whatever the seed


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("exercise", WITH_PROPERTIES)
def test_correct_code_keeps_every_property(exercise, seed, implementation):
    who, modules = implementation
    for promise in grading_of(exercise).properties(seed):
        assert promise.check(modules[exercise]) is None, f"{who}: {promise.claim}"


def _with(module, **replaced):
    """``module`` with some functions replaced."""
    names = {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
    return SimpleNamespace(**{**names, **replaced})


def _plot_with_pyplot(history):
    """A learning curve drawn on a pyplot figure that is left open."""
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    ax.plot(np.arange(len(history)), history)
    ax.set_yscale("log")
    ax.set(xlabel="step", ylabel="loss", title="learning curve")
    return ax


# One wrong implementation per property, each breaking exactly that promise.
BROKEN = {
    "leaves pyplot's figures alone": lambda: _with(ref3, plot_learning_curve=_plot_with_pyplot),
    "the loss never rises below the critical rate": lambda: _with(
        ref3, fit=lambda x, y, lr, steps: ref3.fit(x, y, lr=3 * lr, steps=steps)
    ),
    "the loss grows above the critical rate": lambda: _with(
        ref3, fit=lambda x, y, lr, steps: ref3.fit(x, y, lr=lr / 3, steps=steps)
    ),
    "standardising reaches least squares": lambda: grading_of("exercise3").variant(
        "intercept not converted back"
    ),
    "below the critical rate each step gets closer": lambda: _with(
        ref4, run_gd=lambda grad, x0, lr, steps: ref4.run_gd(grad, x0, 2.5 * lr, steps)
    ),
    "above the critical rate the run stops early": lambda: _with(
        ref4, run_gd=lambda grad, x0, lr, steps: ref4.run_gd(grad, x0, lr, steps, limit=1e300)
    ),
    "lr = 1/a bounces for ever": lambda: _with(
        ref4, run_gd=lambda grad, x0, lr, steps: ref4.run_gd(grad, x0, 0.999 * lr, steps)
    ),
    "lr = 1/a is oscillating": lambda: _with(ref4, classify=lambda run, x_star: "converging"),
    "lr = 1.1/a has diverged below |x| = 1000": lambda: grading_of("exercise4").variant(
        "fixed-threshold divergence test"
    ),
    "lands on 1/a": lambda: _with(
        ref4, find_critical_lr=lambda *args: ref4.find_critical_lr(*args, iters=5)
    ),
    "lands on 2/λmax in 2-D": lambda: _with(
        ref4, find_critical_lr=lambda *args: ref4.find_critical_lr(*args, steps=2)
    ),
    "from the right settles in the local minimum": lambda: _with(
        ref5, gradient_descent=lambda grad, x0: ref5.momentum_descent(grad, x0, steps=400)
    ),
    "from the left settles in the global minimum": lambda: _with(
        ref5, gradient_descent=lambda grad, x0: ref5.gradient_descent(grad, x0, steps=3)
    ),
    "finds the global minimum": lambda: grading_of("exercise5").variant("highest f wins"),
    "same seed, same result; other seed, other": lambda: grading_of("exercise5").variant(
        "rng not used"
    ),
    "needs fewer epochs than full batch": lambda: _with(
        ref6, minibatch_gd=lambda X, y, rng: ref6.minibatch_gd(X, y, batch_size=len(y), rng=rng)
    ),
    "batch_size = n is full batch": lambda: grading_of("exercise6").variant(
        "history starts before the first epoch"
    ),
    "the loss never rises below the critical rate (full batch)": lambda: _with(
        ref6, full_batch_gd=lambda X, y, lr, epochs: ref6.full_batch_gd(X, y, 3 * lr, epochs)
    ),
}


def _all_properties():
    for exercise in WITH_PROPERTIES:
        for promise in grading_of(exercise).properties(0):
            claim = promise.claim
            if exercise == "exercise6" and promise.task == "full_batch_gd":
                claim += " (full batch)"
            if exercise == "exercise6" and claim.startswith("same seed"):
                yield exercise, promise, lambda: grading_of("exercise6").variant("no shuffling")
            else:
                yield exercise, promise, BROKEN[claim]


@pytest.mark.parametrize(
    "exercise, promise, broken",
    list(_all_properties()),
    ids=[f"{e}: {p.claim}" for e, p, _ in _all_properties()],
)
def test_each_property_fails_on_code_that_breaks_it(exercise, promise, broken):
    assert promise.check(reference_of(exercise)) is None
    with np.errstate(all="ignore"):
        message = promise.check(broken())
    assert message, f"{promise.claim}: not noticed"


def test_inputs_depend_on_the_seed_and_only_on_it():
    wrong = grading_of("exercise4").variant("fixed-threshold divergence test")

    def messages(seed):
        return [
            p.check(wrong)
            for p in grading_of("exercise4").properties(seed)
            if p.task == "classify"
        ]

    assert messages(1) == messages(1)
    assert messages(1) != messages(2)
    assert grading_of("exercise1").properties(1) == []
