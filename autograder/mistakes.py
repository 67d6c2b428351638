"""The catalogue of common mistakes, each a small wrong variant of the reference.

Every variant below is the function a student who made that mistake would have
written; its name and the explanation a student reads are declared in the
registry (``[[exercise.mistake]]``). The grader uses the catalogue twice:

- to diagnose a failing test, by running the task's variants on the same
  inputs and naming the one that reproduces the student's result;
- as a test of the suites themselves: each variant must lose points on its
  exercise and be diagnosed by name (``gdlab dev mistakes``).

These functions are the project's own trusted code and run in the grader.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np

import reference
from autograder.registry import get_exercise
from reference import house_prices as ref3
from reference import learning_rate as ref4
from reference import momentum as ref5
from reference import mse as ref1

VARIANTS: dict[tuple[str, str], Callable[..., Any]] = {}
RNG_NOT_USED = "rng not used"
# Mistakes whose results are random or otherwise unmatched, recognised instead by the
# generator coming back from the call without a single draw.
UNUSED_GENERATOR = {("exercise5", RNG_NOT_USED), ("exercise6", "no shuffling")}
# Mistakes recognised by an argument the call changed in place, or by a warning.
THETA_CHANGED = "theta changed in place"
X_CHANGED = "x standardised in place"
CHANGED_IN_PLACE = {("exercise2", THETA_CHANGED), ("exercise3", X_CHANGED)}
OVERFLOW_WARNING = "overflow warnings on divergence"
# Mistakes that raise on some valid inputs instead of returning a wrong value.
PYTHON_FLOATS = "Python floats overflow"
RAISES = {("exercise5", PYTHON_FLOATS)}
WARNS = {("exercise3", OVERFLOW_WARNING)}


def mistake(exercise: str, name: str) -> Callable:
    """Register the decorated function as the variant ``name`` of ``exercise``."""

    def register(function: Callable) -> Callable:
        VARIANTS[(exercise, name)] = function
        return function

    return register


def _floats(*values: Any) -> list[np.ndarray]:
    return [np.asarray(value, dtype=np.float64) for value in values]


# -- exercise 1 -------------------------------------------------------------------


@mistake("exercise1", "sum instead of mean")
def _mse_sum(y_true, y_pred):
    y_true, y_pred = _floats(y_true, y_pred)
    return float(np.sum((y_true - y_pred) ** 2))


@mistake("exercise1", "root mean squared error")
def _mse_root(y_true, y_pred):
    y_true, y_pred = _floats(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


@mistake("exercise1", "mean absolute error")
def _mse_absolute(y_true, y_pred):
    y_true, y_pred = _floats(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


@mistake("exercise1", "mean instead of sum")
def _sse_mean(y_true, y_pred):
    return ref1.mse(y_true, y_pred)


@mistake("exercise1", "errors not squared")
def _squared_errors_unsquared(y_true, y_pred):
    y_true, y_pred = _floats(y_true, y_pred)
    return y_true - y_pred


@mistake("exercise1", "integer overflow")
def _squared_errors_integers(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)  # int32 stays int32
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError("shapes differ or the inputs are empty")
    return ((y_true - y_pred) ** 2).astype(np.float64)


@mistake("exercise1", "sum of squared errors per slope")
def _landscape_sum(x, y, slopes):
    x, y, slopes = _floats(x, y, slopes)
    return np.array([np.sum((s * x - y) ** 2) for s in slopes])


@mistake("exercise1", "index instead of slope")
def _best_index(x, y, slopes):
    return float(np.argmin(ref1.loss_landscape(x, y, slopes)))


@mistake("exercise1", "last slope on ties")
def _best_last(x, y, slopes):
    losses = ref1.loss_landscape(x, y, slopes)
    return float(np.asarray(slopes, dtype=np.float64)[len(losses) - 1 - np.argmin(losses[::-1])])


# -- exercise 2 -------------------------------------------------------------------


@mistake("exercise2", "missing factor 2")
def _gradients_half(w, b, x, y):
    x, y = _floats(x, y)
    r = w * x + b - y
    return float(np.mean(r * x)), float(np.mean(r))


@mistake("exercise2", "flipped sign")
def _gradients_flipped(w, b, x, y):
    x, y = _floats(x, y)
    r = y - (w * x + b)
    return float(2 * np.mean(r * x)), float(2 * np.mean(r))


@mistake("exercise2", "sum instead of mean in the gradient")
def _gradients_sum(w, b, x, y):
    x, y = _floats(x, y)
    r = w * x + b - y
    return float(2 * np.sum(r * x)), float(2 * np.sum(r))


@mistake("exercise2", "linear gradient without factor 2")
def _linear_half(w, X, y):
    w, X, y = _floats(w, X, y)
    return X.T @ (X @ w - y) / len(y)


@mistake("exercise2", "linear gradient summed")
def _linear_sum(w, X, y):
    w, X, y = _floats(w, X, y)
    return 2 * X.T @ (X @ w - y)


@mistake("exercise2", "forward difference")
def _numerical_forward(f, theta, h=1e-5):
    point = np.array(theta, dtype=np.float64)
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        plus = point.copy()
        plus[index] += h
        gradient[index] = (float(f(plus)) - float(f(point))) / h
    return gradient


@mistake("exercise2", THETA_CHANGED)
def _numerical_in_place(f, theta, h=1e-5):
    point = np.asarray(theta, dtype=np.float64)  # the caller's own array, not a copy
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        point[index] += h
        plus = float(f(point))
        point[index] -= 2 * h
        minus = float(f(point))
        point[index] += h  # "restored", up to rounding
        gradient[index] = (plus - minus) / (2 * h)
    return gradient


@mistake("exercise2", "divided by h instead of 2h")
def _numerical_double(f, theta, h=1e-5):
    return 2 * reference.gradients.numerical_gradient(f, theta, h)


@mistake("exercise2", "mean instead of max")
def _relative_mean(a, b):
    a, b = _floats(a, b)
    return float(np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


# -- exercise 3 -------------------------------------------------------------------


def _descent(x, y, w, b, lr, steps, simultaneous=True, factor=2.0, silent=True):
    x, y = _floats(x, y)
    history = [float(np.mean((w * x + b - y) ** 2))]
    quiet = "ignore" if silent else "warn"
    with np.errstate(over=quiet, invalid=quiet):
        for _ in range(steps):
            r = w * x + b - y
            w_new = w - lr * factor * np.mean(r * x)
            if not simultaneous:  # the intercept's gradient sees the new slope
                r = w_new * x + b - y
            b = b - lr * factor * np.mean(r)
            w = w_new
            history.append(float(np.mean((w * x + b - y) ** 2)))
    return float(w), float(b), np.array(history)


@mistake("exercise3", OVERFLOW_WARNING)
def _fit_loud(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    return _descent(x, y, w0, b0, lr, steps, silent=False)


@mistake("exercise3", "non-simultaneous updates")
def _fit_sequential(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    return _descent(x, y, w0, b0, lr, steps, simultaneous=False)


@mistake("exercise3", "history off by one")
def _fit_short(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    w, b, history = _descent(x, y, w0, b0, lr, steps)
    return w, b, history[1:]


@mistake("exercise3", "gradient without factor 2")
def _fit_half(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    return _descent(x, y, w0, b0, lr, steps, factor=1.0)


@mistake("exercise3", "sample standard deviation")
def _standardize_ddof(x):
    x = np.asarray(x, dtype=np.float64)
    mean, std = float(np.mean(x)), float(np.std(x, ddof=1))
    return (x - mean) / std, mean, std


@mistake("exercise3", "intercept not converted back")
def _fit_standardized_raw_intercept(x, y, lr=0.1, steps=1000):
    z, mean, std = ref3.standardize(x)
    w_z, b_z, history = ref3.fit(z, y, w0=0.0, b0=0.0, lr=lr, steps=steps)
    return float(w_z / std), float(b_z), history


@mistake("exercise3", "slope not converted back")
def _fit_standardized_raw_slope(x, y, lr=0.1, steps=1000):
    z, mean, std = ref3.standardize(x)
    w_z, b_z, history = ref3.fit(z, y, w0=0.0, b0=0.0, lr=lr, steps=steps)
    return float(w_z), float(b_z - w_z * mean / std), history


# -- exercise 4 -------------------------------------------------------------------


@mistake("exercise4", "fixed-threshold divergence test")
def _classify_threshold(trajectory, x_star, tol=1e-2):
    """The classic classifier: a run has diverged when |x| grew past a fixed bound."""
    trajectory = np.asarray(trajectory, dtype=np.float64)
    offsets = trajectory - x_star
    distances = np.abs(offsets)
    if not np.all(np.isfinite(trajectory)) or np.any(np.abs(trajectory) > 1000):
        return "diverged"
    if distances[-1] <= tol:
        return "converged"
    signs = np.sign(offsets)
    if (
        len(trajectory) >= 3
        and abs(distances[-1] - distances[0]) <= 1e-9 * distances[0]
        and np.all(signs != 0)
        and np.all(signs[1:] == -signs[:-1])
    ):
        return "oscillating"
    return "converging"


@mistake("exercise4", "1/lambda instead of 2/lambda")
def _critical_half(hessian):
    return ref4.critical_lr(hessian) / 2


@mistake("exercise4", "smallest eigenvalue")
def _critical_smallest(hessian):
    matrix = np.atleast_2d(np.asarray(hessian, dtype=np.float64))
    return float(2 / np.linalg.eigvalsh(matrix)[0])


@mistake("exercise4", "trajectory without x0")
def _run_gd_no_start(grad, x0, lr, steps=20, limit=1e6):
    return ref4.run_gd(grad, x0, lr, steps, limit)[1:]


@mistake("exercise4", "q = 2 counted as diverging")
def _behaviour_boundary(lr, curvature):
    q = lr * curvature
    return "converges" if q < 2 else "diverges"


# -- exercise 5 -------------------------------------------------------------------


def _heavy_ball(grad, x0, steps, limit, update):
    x, velocity = np.float64(x0), np.float64(0.0)
    trajectory = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            if not np.isfinite(x) or abs(x) > limit:
                break
            velocity = update(velocity, grad(x))
            x = x - velocity
            trajectory.append(x)
    return np.array(trajectory)


@mistake("exercise5", "momentum without the learning rate")
def _momentum_no_lr(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    return _heavy_ball(grad, x0, steps, limit, lambda v, g: beta * v + g)


@mistake("exercise5", "velocity reset each step")
def _momentum_reset(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    return _heavy_ball(grad, x0, steps, limit, lambda v, g: lr * g)


@mistake("exercise5", "highest f wins")
def _restarts_highest(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    ends = [
        ref5.gradient_descent(grad, start, lr, steps)[-1]
        for start in rng.uniform(low, high, size=n_restarts)
    ]
    kept = [x for x in ends if np.isfinite(x) and abs(x) <= 1e6]
    if not kept:
        return float("nan"), float("nan")
    best = max(kept, key=lambda x: float(f(x)))
    return float(best), float(f(best))


# Its result is random: it is diagnosed by the generator coming back unused.
@mistake("exercise5", RNG_NOT_USED)
def _restarts_fresh(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    starts = [np.random.default_rng().uniform(low, high) for _ in range(n_restarts)]
    return _best_of(f, grad, starts, lr, steps)


def _best_of(f, grad, starts, lr, steps):
    best_x, best_f = float("nan"), float("nan")
    for start in starts:
        end = ref5.gradient_descent(grad, start, lr, steps)[-1]
        if np.isfinite(end) and abs(end) <= 1e6 and (np.isnan(best_f) or f(end) < best_f):
            best_x, best_f = float(end), float(f(end))
    return best_x, best_f


# -- exercise 6 -------------------------------------------------------------------


def _own_size(size: int) -> int:
    return size


def _minibatch(X, y, batch_size, lr, epochs, rng, order, divisor=_own_size, keep_last=True):
    X, y = _floats(X, y)
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


@mistake("exercise6", "no shuffling")
def _minibatch_sorted(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    return _minibatch(X, y, batch_size, lr, epochs, rng, lambda r, n: np.arange(n))


@mistake("exercise6", "dropped last batch")
def _minibatch_dropped(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    return _minibatch(
        X, y, batch_size, lr, epochs, rng, lambda r, n: r.permutation(n), keep_last=False
    )


@mistake("exercise6", "divided by the nominal batch size")
def _minibatch_nominal(X, y, batch_size=32, lr=0.01, epochs=100, rng=None):
    return _minibatch(
        X, y, batch_size, lr, epochs, rng, lambda r, n: r.permutation(n), lambda size: batch_size
    )


@mistake("exercise6", "0-based epoch count")
def _epochs_zero_based(history, threshold=1.0):
    for epoch, loss in enumerate(history):
        if loss < threshold:
            return epoch
    return None


@mistake("exercise6", "history starts before the first epoch")
def _full_batch_early(X, y, lr=0.01, epochs=100):
    X, y = _floats(X, y)
    w = np.zeros(X.shape[1])
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            history.append(np.mean((X @ w - y) ** 2))
            w = w - lr * 2 * X.T @ (X @ w - y) / len(y)
    return w, np.array(history)


@mistake("exercise6", "noise drawn before X")
def _dataset_order(n_samples=1000, w_true=(2.0, -1.5, 0.5), noise=0.5, rng=None):
    w_true = np.asarray(w_true, dtype=np.float64)
    epsilon = rng.standard_normal(n_samples)
    X = rng.standard_normal((n_samples, len(w_true)))
    return X, X @ w_true + noise * epsilon


# -- mistakes the contract's types, untouched inputs and divergence rules catch ------


@mistake("exercise1", "a slope of the input's type")
def _best_slope_of_input_type(x, y, slopes):
    losses = ref1.loss_landscape(x, y, slopes)
    return np.asarray(slopes)[int(np.argmin(losses))]  # an integer slope stays an integer


@mistake("exercise3", "integer predictions")
def _predict_integers(w, b, x):
    return w * np.asarray(x) + b  # integer inputs give an integer array


@mistake("exercise3", X_CHANGED)
def _standardize_in_place(x):
    x = np.asarray(x, dtype=np.float64)  # the caller's own array when it is float64
    mean, std = float(np.mean(x)), float(np.std(x))
    if np.ptp(x) == 0:
        raise ValueError("x is constant")
    x -= mean
    x /= std
    return x, mean, std


@mistake("exercise3", "training stopped at divergence")
def _fit_stops(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    w, b, history = _descent(x, y, w0, b0, lr, steps)
    finite = np.isfinite(history)
    return w, b, history if finite.all() else history[: int(np.argmin(finite))]


@mistake("exercise4", "integer start truncated")
def _run_gd_truncated(grad, x0, lr, steps=20, limit=1e6):
    trajectory = np.zeros(steps + 1, dtype=np.asarray(x0).dtype)  # int for an int start
    trajectory[0] = x0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            x = trajectory[k] - lr * grad(trajectory[k])
            if not np.isfinite(x) or abs(x) > limit:
                return np.append(trajectory[: k + 1], x).astype(np.float64)
            trajectory[k + 1] = x
    return trajectory.astype(np.float64)


@mistake("exercise5", "limit ignored")
def _gradient_descent_default_limit(grad, x0, lr=0.01, steps=200, limit=1e6):
    return ref5.gradient_descent(grad, x0, lr=lr, steps=steps)  # always 1e6


@mistake("exercise5", PYTHON_FLOATS)
def _gradient_descent_python_floats(grad, x0, lr=0.01, steps=200, limit=1e6):
    x = float(x0)
    trajectory = [x]
    for _ in range(steps):
        x = float(x - lr * grad(x))  # x**3 of a huge Python float raises OverflowError
        trajectory.append(x)
        if not np.isfinite(x) or abs(x) > limit:
            break
    return np.array(trajectory)


def variant_module(exercise: str, name: str) -> SimpleNamespace:
    """The reference module of ``exercise`` with one mistake in it.

    Functions of the reference that call the mistaken task keep calling the
    correct one: a variant isolates a single mistake.
    """
    module = reference.MODULES[exercise]
    names = {key: getattr(module, key) for key in dir(module) if not key.startswith("_")}
    task = _task_of(exercise, name)
    names[task] = VARIANTS[(exercise, name)]
    return SimpleNamespace(**names)


def _task_of(exercise: str, name: str) -> str:
    return get_exercise(exercise).mistake(name).task
