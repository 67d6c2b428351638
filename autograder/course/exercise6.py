"""Exercise 6, mini-batch descent: everything the grader knows of it.

Its sections follow :mod:`autograder.course`; the types are in
:mod:`autograder.contract`.

Over 300 lines on purpose: one exercise's grading material is read together.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autograder.contract.advice import Advice
from autograder.contract.calls import both, call, least_squares_loss, near, seeded
from autograder.contract.cases import CASES_PER_TASK, Case
from autograder.contract.figures import Figure, approx, exactly, holds
from autograder.contract.mistakes import (
    BY_UNUSED_GENERATOR,
    Mistake,
    floats,
)
from autograder.contract.pictures import Picture, Series
from autograder.contract.properties import Property, first_rise
from reference import minibatch as ref6

# -- figures --------------------------------------------------------------------


_X, _Y = ref6.make_dataset(rng=np.random.default_rng(42))  # the contract's dataset
_FULL_BATCH = call("full_batch_gd", _X, _Y)
_MINIBATCH = call("minibatch_gd", _X, _Y, rng=seeded(0))
_ONE_BATCH = call("minibatch_gd", _X, _Y, batch_size=len(_Y), rng=seeded(1))


FIGURES = (
    Figure(
        "full_batch_gd",
        "full batch: first epoch with loss < 1.0",
        call("epochs_to_threshold", _FULL_BATCH[1]),
        exactly(54),
    ),
    Figure(
        "full_batch_gd",
        "full batch: final loss",
        _FULL_BATCH[1][-1],
        approx("0.35838"),
    ),
    Figure(
        "full_batch_gd",
        "full batch: final w",
        _FULL_BATCH[0],
        approx("1.74761", "-1.28870", "0.42943"),
    ),
    Figure(
        "minibatch_gd",
        "mini-batch (rng 0): first epoch with loss < 1.0",
        call("epochs_to_threshold", _MINIBATCH[1]),
        exactly(2),
    ),
    Figure(
        "minibatch_gd",
        "mini-batch (rng 0): final loss",
        _MINIBATCH[1][-1],
        approx("0.23650"),
    ),
    Figure(
        "minibatch_gd",
        "mini-batch with batch_size = n equals full batch",
        both(
            near(_FULL_BATCH[0], _ONE_BATCH[0], rtol=0, atol=1e-12),
            near(_FULL_BATCH[1], _ONE_BATCH[1], rtol=1e-12, atol=0),
        ),
        holds("equal to 1e-12"),
    ),
    Figure(
        "make_dataset",
        "make_dataset(rng=default_rng(42)): least-squares loss",
        least_squares_loss(call("make_dataset", rng=seeded(42))),
        approx("0.23642"),
    ),
)


# -- cases ----------------------------------------------------------------------


def cases(rng: np.random.Generator) -> Iterator[Case]:
    """The valid and invalid cases, drawn from ``rng``."""
    for i in range(CASES_PER_TASK):
        n, d = int(rng.integers(1, 60)), int(rng.integers(1, 4))
        w_true = tuple(rng.normal(size=d))
        yield Case(
            "make_dataset",
            f"n={n}",
            (),
            {"n_samples": n, "w_true": w_true, "noise": 0.3},
            seeds={"rng": i},
        )
        X, y = rng.normal(size=(n, d)), rng.normal(size=n)
        yield Case("mse_loss", f"X {X.shape}", (rng.normal(size=d), X, y))
        epochs = int(rng.integers(0, 30))
        yield Case("full_batch_gd", f"X {X.shape}", (X, y), {"lr": 0.05, "epochs": epochs})
        yield Case(
            "minibatch_gd",
            f"X {X.shape}",
            (X, y),
            {"batch_size": int(rng.integers(1, n + 3)), "lr": 0.05, "epochs": epochs},
            seeds={"rng": i},
        )
        # At least one epoch: an empty history is outside the graded domain (advice).
        history = np.sort(rng.uniform(0, 3, max(epochs, 1)))[::-1]
        yield Case(
            "epochs_to_threshold",
            f"{len(history)} epochs",
            (history,),
            {"threshold": float(rng.uniform(0, 3))},
        )
    yield Case(
        "minibatch_gd",
        "10 examples in batches of 4: the last has 2",
        (rng.normal(size=(10, 2)), rng.normal(size=10)),
        {"batch_size": 4, "lr": 0.1, "epochs": 5},
        seeds={"rng": int(rng.integers(0, 2**31))},
    )
    yield Case("epochs_to_threshold", "never below", ([5.0, 4.0],))
    yield Case("epochs_to_threshold", "an empty history", ([],))
    # Edges where a correct answer and a common slip part ways (found by mutation testing).
    yield Case("epochs_to_threshold", "a loss equal to the threshold", ([2.0, 1.0, 0.5],))
    X, y = rng.normal(size=(6, 2)), rng.normal(size=6)
    yield Case(
        "minibatch_gd",
        "batches of one (stochastic)",
        (X, y),
        {"batch_size": 1, "epochs": 3},
        seeds={"rng": int(rng.integers(0, 2**31))},
    )
    yield Case("full_batch_gd", "no epochs", (X, y), {"epochs": 0})
    yield Case("minibatch_gd", "no epochs", (X, y), {"epochs": 0}, seeds={"rng": 0})
    yield Case("make_dataset", "one example", (), {"n_samples": 1}, seeds={"rng": 0})
    yield Case(
        "minibatch_gd",
        "batch_size 0",
        (np.ones((3, 1)), np.ones(3)),
        {"batch_size": 0},
        seeds={"rng": 0},
    )
    yield Case(
        "full_batch_gd", "a diverging rate", (np.ones((4, 2)) * 10, np.ones(4)), {"lr": 5.0}
    )
    # The statements' ValueErrors at their exact boundaries (mutation testing, second round).
    yield Case("make_dataset", "no examples", (), {"n_samples": 0}, seeds={"rng": 0})
    yield Case("full_batch_gd", "epochs = -1", (X, y), {"epochs": -1})
    yield Case("minibatch_gd", "epochs = -1", (X, y), {"epochs": -1}, seeds={"rng": 0})
    yield Case(
        "minibatch_gd",
        "a diverging rate",
        (np.ones((4, 2)) * 30, np.ones(4)),
        {"batch_size": 2, "lr": 5.0, "epochs": 200},
        seeds={"rng": 0},
    )


# -- properties -----------------------------------------------------------------


def properties(rng: np.random.Generator) -> Iterator[Property]:
    """The promises of the mathematics, on inputs drawn from ``rng``."""
    seed = int(rng.integers(0, 2**31))
    X, y = ref6.make_dataset(
        n_samples=int(rng.integers(200, 600)),
        # Weights of size 1 to 2.5 start the loss well above 1: full batch needs many epochs.
        w_true=tuple(rng.choice([-1.0, 1.0], 3) * rng.uniform(1.0, 2.5, 3)),
        rng=np.random.default_rng(seed),
    )
    full_epochs = ref6.epochs_to_threshold(ref6.full_batch_gd(X, y)[1])

    def fewer_epochs(m: Any) -> str | None:
        history = m.minibatch_gd(X, y, rng=np.random.default_rng(seed))[1]
        epochs = ref6.epochs_to_threshold(history)
        if epochs is not None and (full_epochs is None or epochs < full_epochs):
            return None
        return (
            f"on {len(y)} examples, mini-batches of 32 should bring the loss below 1.0 in "
            f"fewer epochs than full batch ({full_epochs}): many small steps per epoch instead "
            f"of one; yours took {epochs}"
        )

    n = int(rng.integers(3, 40))
    small_X, small_y = rng.normal(size=(n, 2)), rng.normal(size=n)

    def one_batch_is_full_batch(m: Any) -> str | None:
        mini = m.minibatch_gd(small_X, small_y, batch_size=n, rng=np.random.default_rng(seed))
        full = m.full_batch_gd(small_X, small_y)
        if np.allclose(mini[0], full[0], rtol=1e-12, atol=1e-12) and np.allclose(
            mini[1], full[1], rtol=1e-12, atol=1e-12
        ):
            return None
        return (
            f"with batch_size = n = {n}, each epoch is one step on all the data, so "
            f"minibatch_gd must equal full_batch_gd to 1e-12; w differs: {mini[0]} versus "
            f"{full[0]}"
        )

    critical = 2 / np.linalg.eigvalsh(2 * small_X.T @ small_X / n)[-1]
    lr = float(rng.uniform(0.3, 0.95)) * critical

    def never_rises(m: Any) -> str | None:
        history = m.full_batch_gd(small_X, small_y, lr=lr, epochs=60)[1]
        step = first_rise(history)
        if step is None:
            return None
        return (
            f"full_batch_gd with lr = {lr:.4g}, below the critical rate {critical:.4g} of this "
            f"data, let the loss rise at epoch {step + 1} ({history[step - 1]:.6g} -> "
            f"{history[step]:.6g}); below the critical rate each full-batch step lowers the loss"
        )

    seeds = [int(s) for s in rng.integers(0, 2**31, 2)]

    def reproducible(m: Any) -> str | None:
        def run(seed: int) -> np.ndarray:
            w, _ = m.minibatch_gd(
                small_X, small_y, batch_size=2, epochs=3, rng=np.random.default_rng(seed)
            )
            return np.asarray(w, dtype=np.float64)

        first, again, other = run(seeds[0]), run(seeds[0]), run(seeds[1])
        if not np.array_equal(first, again):
            return (
                f"two calls with np.random.default_rng({seeds[0]}) gave w = {first} and "
                f"{again}: draw the permutations only from rng, never from NumPy's global state"
            )
        if n > 2 and np.array_equal(first, other):
            return (
                f"generators seeded {seeds[0]} and {seeds[1]} gave the same w = {first}: each "
                "epoch must shuffle with rng.permutation(n)"
            )
        return None

    yield Property("minibatch_gd", "needs fewer epochs than full batch", fewer_epochs)
    yield Property("minibatch_gd", "batch_size = n is full batch", one_batch_is_full_batch)
    yield Property("minibatch_gd", "same seed, same result; other seed, other", reproducible)
    yield Property("full_batch_gd", "the loss never rises below the critical rate", never_rises)


# -- advice ---------------------------------------------------------------------

ADVICE = (
    Advice(
        "make_dataset",
        ("no examples",),
        "raise ValueError when n_samples < 1.",
    ),
    Advice(
        "full_batch_gd",
        ("epochs = -1",),
        "raise ValueError when epochs < 0.",
    ),
    Advice(
        "epochs_to_threshold",
        ("an empty history",),
        "return None for an empty history: no epoch got below the threshold.",
    ),
    Advice(
        "minibatch_gd",
        (
            "epochs = -1",
            "batch_size 0",
        ),
        "raise ValueError when epochs < 0 or batch_size < 1.",
    ),
)


# -- mistakes -------------------------------------------------------------------


def _own_size(size: int) -> int:
    return size


def _batch_descent(X, y, batch_size, lr, epochs, rng, order, divisor=_own_size, keep_last=True):
    X, y = floats(X, y)
    n = len(y)
    w = np.zeros(X.shape[1])
    history = np.empty(epochs)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            perm = order(rng, n)
            for start in range(0, n, batch_size):
                batch = perm[start : start + batch_size]
                if not keep_last and len(batch) < batch_size:
                    continue
                X_b, y_b = X[batch], y[batch]
                w = w - lr * 2 * X_b.T @ (X_b @ w - y_b) / divisor(len(batch))
            history[epoch] = np.mean((X @ w - y) ** 2)
    return w, history


def _minibatch_sorted(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    return _batch_descent(X, y, batch_size, lr, epochs, rng, lambda r, n: np.arange(n))


def _minibatch_dropped(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    return _batch_descent(
        X, y, batch_size, lr, epochs, rng, lambda r, n: r.permutation(n), keep_last=False
    )


def _minibatch_nominal(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    return _batch_descent(
        X, y, batch_size, lr, epochs, rng, lambda r, n: r.permutation(n), lambda size: batch_size
    )


def _epochs_zero_based(history, threshold=1.0):
    for epoch, loss in enumerate(history):
        if loss < threshold:
            return epoch
    return None


def _full_batch_early(X, y, lr=0.01, epochs=100):
    X, y = floats(X, y)
    w = np.zeros(X.shape[1])
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            history.append(np.mean((X @ w - y) ** 2))
            w = w - lr * 2 * X.T @ (X @ w - y) / len(y)
    return w, np.array(history)


def _dataset_order(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    w_true = np.asarray(w_true, dtype=np.float64)
    epsilon = rng.standard_normal(n_samples)
    X = rng.standard_normal((n_samples, len(w_true)))
    return X, X @ w_true + noise * epsilon


MISTAKES = (
    Mistake(
        "no shuffling",
        "minibatch_gd",
        "your batches do not follow rng.permutation(n): shuffle once per epoch and walk "
        "consecutive slices of the permutation.",
        _minibatch_sorted,
        told_by=BY_UNUSED_GENERATOR,
    ),
    Mistake(
        "dropped last batch",
        "minibatch_gd",
        "you skipped the last, smaller batch: every example takes part in each epoch.",
        _minibatch_dropped,
    ),
    Mistake(
        "divided by the nominal batch size",
        "minibatch_gd",
        "your last batch's gradient is divided by batch_size; divide each batch's gradient by "
        "its own size.",
        _minibatch_nominal,
    ),
    Mistake(
        "0-based epoch count",
        "epochs_to_threshold",
        "your epoch is one too small: epochs count from 1 (history[0] is epoch 1).",
        _epochs_zero_based,
    ),
    Mistake(
        "history starts before the first epoch",
        "full_batch_gd",
        "your history holds the loss before each epoch's update; history[e] is the loss after "
        "epoch e + 1.",
        _full_batch_early,
    ),
    Mistake(
        "noise drawn before X",
        "make_dataset",
        "you drew the noise before X: the draws must come in the order X, then the noise.",
        _dataset_order,
    ),
)


# -- picture --------------------------------------------------------------------

PICTURE = Picture(
    "full batch and mini-batch: learning curves",
    "epoch",
    "MSE loss",
    True,
    (
        Series("full_batch_gd", _FULL_BATCH[1]),
        Series("minibatch_gd", _MINIBATCH[1]),
    ),
)
