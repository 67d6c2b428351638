"""Computations on a module's functions, written as data.

A figure of the contract or a curve of a picture is a small computation on a
module: call a task on fixed inputs, take an item of the result, maybe feed
it to another task or to a fixed reading such as "is this history
non-increasing". Written with :func:`call`, :func:`seeded`, ``[...]`` and the
readings below, such a computation is plain data: it runs on any module (an
answer key, the reference, a student's submission behind the sandbox), and
it can be written to JSON (:func:`to_data`) and shipped to students without
the code that computed its inputs.

>>> fit_w = call("fit", [1000.0, 2000.0], [200.0, 350.0])[0]
>>> fit_w(module)  # module.fit([1000.0, 2000.0], [200.0, 350.0])[0]

Inputs are copied for every call, and a generator argument (:func:`seeded`) is
made afresh from its seed, so a computation gives the same result however
often it runs. Within one evaluation, the same call (equal task and inputs)
is made once: a figure that compares two runs calls each run once.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.sandbox import codec


class Expr:
    """A computation on a module; call it with the module to run it."""

    def __getitem__(self, index: int) -> Item:
        return Item(self, index)

    def __call__(self, module: Any, **given: Any) -> Any:
        """Run the computation on ``module``.

        Parameters
        ----------
        module : object
            Anything with the tasks as attributes.
        **given
            Values for the :func:`given` placeholders, e.g. a picture's curve.
        """
        return self.evaluate(module, given, {})

    def evaluate(self, module: Any, given: dict, made: dict) -> Any:
        """Run on ``module`` with ``given`` values; ``made`` holds this run's calls."""
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class Seeded:
    """An argument that is ``np.random.default_rng(seed)``, made afresh for every call."""

    seed: int


@dataclass(frozen=True, eq=False)
class Call(Expr):
    """``module.<task>(*args, **kwargs)``; the arguments may be computations themselves."""

    task: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def evaluate(self, module: Any, given: dict, made: dict) -> Any:
        args = [_resolve(value, module, given, made) for value in self.args]
        kwargs = {
            name: _resolve(value, module, given, made) for name, value in self.kwargs.items()
        }
        key = _key(self.task, args, kwargs)
        if key is not None and key in made:
            return made[key]
        result = getattr(module, self.task)(*args, **kwargs)
        if key is not None:
            made[key] = result
        return result


@dataclass(frozen=True, eq=False)
class Item(Expr):
    """``of[index]``: one item of a result."""

    of: Expr
    index: int

    def evaluate(self, module: Any, given: dict, made: dict) -> Any:
        return self.of.evaluate(module, given, made)[self.index]


@dataclass(frozen=True, eq=False)
class Reading(Expr):
    """A fixed reading of results, by name from :data:`READINGS`; arguments in order."""

    name: str
    args: tuple = ()

    def evaluate(self, module: Any, given: dict, made: dict) -> Any:
        return READINGS[self.name](*(_resolve(value, module, given, made) for value in self.args))


@dataclass(frozen=True, eq=False)
class Given(Expr):
    """A value supplied when the computation runs (``expr(module, name=value)``)."""

    name: str

    def evaluate(self, module: Any, given: dict, made: dict) -> Any:
        return given[self.name]


def call(task: str, *args: Any, **kwargs: Any) -> Call:
    """``module.<task>(*args, **kwargs)`` as data.

    The arguments are values (numbers, arrays, lists, tuples, the sandbox's
    named functions), :func:`seeded` seeds, or other computations.
    """
    return Call(task, args, kwargs)


def seeded(seed: int) -> Seeded:
    """A fresh ``np.random.default_rng(seed)`` for each call that receives it."""
    return Seeded(seed)


def given(name: str) -> Given:
    """A placeholder for a value supplied when the computation runs."""
    return Given(name)


def _resolve(value: Any, module: Any, given: dict, made: dict) -> Any:
    """An argument as the call receives it: computed, freshly seeded or copied."""
    if isinstance(value, Expr):
        return value.evaluate(module, given, made)
    if isinstance(value, Seeded):
        return np.random.default_rng(value.seed)
    if isinstance(value, tuple):
        return tuple(_resolve(item, module, given, made) for item in value)
    if isinstance(value, list):
        return [_resolve(item, module, given, made) for item in value]
    if isinstance(value, dict):
        return {key: _resolve(item, module, given, made) for key, item in value.items()}
    return copy.deepcopy(value)


def _key(task: str, args: list, kwargs: dict) -> str | None:
    """An identity for a call's inputs, or None when they cannot be written down."""
    if any(isinstance(value, np.random.Generator) for value in [*args, *kwargs.values()]):
        return None  # a generator's draws depend on its use: never shared
    try:
        return json.dumps([task, codec.to_wire([args, kwargs], _not_data)], sort_keys=True)
    except (codec.CodecError, TypeError, ValueError):
        return None


# -- readings ---------------------------------------------------------------------


def _floats(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def _nonincreasing(history: Any) -> bool:
    history = _floats(history)
    return bool(np.all(np.isfinite(history)) and np.all(np.diff(history) <= 0))


def _grows_without_bound(history: Any) -> bool:
    history = _floats(history)
    return bool(not np.isfinite(history[-1]) or history[-1] > 1e6 * history[0])


def _below(value: Any, limit: float) -> bool:
    return bool(float(value) < limit)


def _near(target: Any, value: Any, rtol: float, atol: float) -> bool:
    return bool(np.allclose(value, target, rtol=rtol, atol=atol))


def _both(*checks: Any) -> bool:
    return all(check is True for check in checks)


def _least_squares_loss(dataset: Any) -> float:
    X, y = _floats(dataset[0]), _floats(dataset[1])
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    residual = X @ w - y
    return float(residual @ residual) / len(y)


#: The readings a computation may apply, by name: small, fixed and public.
READINGS: dict[str, Callable[..., Any]] = {
    "length": len,
    "nonincreasing": _nonincreasing,
    "grows_without_bound": _grows_without_bound,
    "below": _below,
    "near": _near,
    "both": _both,
    "least_squares_loss": _least_squares_loss,
}


def length(of: Any) -> Reading:
    """``len(of)``."""
    return Reading("length", (of,))


def nonincreasing(history: Any) -> Reading:
    """Whether a history is finite and never rises."""
    return Reading("nonincreasing", (history,))


def grows_without_bound(history: Any) -> Reading:
    """Whether a history ends non-finite or a million times above its start."""
    return Reading("grows_without_bound", (history,))


def below(value: Any, limit: float) -> Reading:
    """Whether ``float(value) < limit``."""
    return Reading("below", (value, limit))


def near(target: Any, value: Any, rtol: float = 0.0, atol: float = 0.0) -> Reading:
    """Whether ``value`` is within ``atol + rtol * |target|`` of ``target``, everywhere.

    ``target`` is computed first.
    """
    return Reading("near", (target, value, rtol, atol))


def both(*checks: Any) -> Reading:
    """Whether every check came out ``True``."""
    return Reading("both", checks)


def least_squares_loss(dataset: Any) -> Reading:
    """The mean squared error of the least-squares fit of a dataset ``(X, y)``."""
    return Reading("least_squares_loss", (dataset,))


# -- as data ------------------------------------------------------------------------


def to_data(value: Any) -> Any:
    """A computation (or any argument) as JSON-ready data; see :func:`from_data`.

    Values inside travel in the sandbox channel's plain-data form
    (:mod:`autograder.sandbox.codec`): arrays keep their dtype and bits.
    """
    if isinstance(value, Call):
        return {
            "$call": [
                value.task,
                [to_data(item) for item in value.args],
                {name: to_data(item) for name, item in value.kwargs.items()},
            ]
        }
    if isinstance(value, Item):
        return {"$item": [to_data(value.of), value.index]}
    if isinstance(value, Reading):
        return {"$reading": [value.name, [to_data(item) for item in value.args]]}
    if isinstance(value, Given):
        return {"$given": value.name}
    if isinstance(value, Seeded):
        return {"$seeded": value.seed}
    if isinstance(value, tuple):
        return {"$tuple": [to_data(item) for item in value]}
    if isinstance(value, list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {"$dict": {key: to_data(item) for key, item in value.items()}}
    return codec.to_wire(value, _not_data)


def _not_data(value: Any) -> Any:
    """Refuse a callable other than the sandbox's named functions: it is code, not data."""
    raise codec.CodecError(f"{value!r} is code, not data")


def from_data(data: Any) -> Any:
    """The computation or value :func:`to_data` wrote."""
    if isinstance(data, list):
        return [from_data(item) for item in data]
    if isinstance(data, dict) and len(data) == 1:
        ((tag, body),) = data.items()
        if tag == "$call":
            task, args, kwargs = body
            return Call(
                task,
                tuple(from_data(item) for item in args),
                {name: from_data(item) for name, item in kwargs.items()},
            )
        if tag == "$item":
            return Item(from_data(body[0]), body[1])
        if tag == "$reading":
            if body[0] not in READINGS:
                raise ValueError(f"unknown reading {body[0]!r}")
            return Reading(body[0], tuple(from_data(item) for item in body[1]))
        if tag == "$given":
            return Given(body)
        if tag == "$seeded":
            return Seeded(body)
        if tag == "$tuple":
            return tuple(from_data(item) for item in body)
        if tag == "$dict":
            return {key: from_data(item) for key, item in body.items()}
    return codec.from_wire(data, _not_data)
