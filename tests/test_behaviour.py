"""Contract rules beyond the figures, for both trusted implementations:
silent divergence, early stopping, return types, validation and the plot."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def test_divergent_trajectories_stop_early_without_warnings(implementation):
    _, m = implementation
    ex4, ex5 = m["exercise4"], m["exercise5"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trajectory = ex4.run_gd(ex4.grad, 0.0, 1.5)
        assert len(trajectory) == 20 and abs(trajectory[-1]) > 1e6
        assert np.all(np.abs(trajectory[:-1]) <= 1e6)
        plain = ex5.gradient_descent(ex5.grad, 3.0, lr=0.1)
        assert len(plain) == 6
        heavy = ex5.momentum_descent(ex5.grad, 3.0, lr=0.1)
        assert abs(heavy[-1]) > 1e6 and np.all(np.abs(heavy[:-1]) <= 1e6)
        # A huge limit lets the iterates overflow: still no warning, and the run stops at inf.
        overflowing = ex5.gradient_descent(ex5.grad, 3.0, lr=0.1, limit=1e308)
        assert not np.isfinite(overflowing[-1]) and np.all(np.isfinite(overflowing[:-1]))


def test_training_loops_never_stop_early(implementation):
    _, m = implementation
    ex3, ex6 = m["exercise3"], m["exercise6"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w, b, history = ex3.fit(ex3.SIZES, ex3.PRICES, lr=1e-5, steps=300)
        assert len(history) == 301 and not np.isfinite(history[-1])
        X = np.full((4, 2), 10.0)
        w6, history6 = ex6.full_batch_gd(X, np.ones(4), lr=5.0, epochs=400)
        assert history6.shape == (400,) and not np.isfinite(history6[-1])
        w6, history6 = ex6.minibatch_gd(
            X, np.ones(4), batch_size=3, lr=5.0, epochs=400, rng=np.random.default_rng(0)
        )
        assert history6.shape == (400,) and not np.isfinite(history6[-1])


def test_return_types(implementation):
    _, m = implementation
    ex1, ex2, ex3, ex4, ex5, ex6 = (m[f"exercise{i}"] for i in range(1, 7))
    assert type(ex1.mse([1, 2], [1, 3])) is float
    assert type(ex1.best_slope([1, 2], [2, 4], [1, 2, 3])) is float
    assert ex1.squared_errors([1, 2], [1, 3]).dtype == np.float64
    dw, db = ex2.mse_gradients(1, 0, [1, 2], [1, 2])
    assert type(dw) is float and type(db) is float
    w, b, history = ex3.fit(ex3.SIZES, ex3.PRICES, steps=3)
    assert type(w) is float and type(b) is float and history.dtype == np.float64
    z, mean, std = ex3.standardize([1, 2, 3])
    assert type(mean) is float and type(std) is float and z.dtype == np.float64
    assert ex4.run_gd(ex4.grad, 0, 0.1).dtype == np.float64
    assert type(ex4.critical_lr(2.0)) is float
    x, fx = ex5.random_restarts(ex5.f, ex5.grad, rng=np.random.default_rng(0))
    assert isinstance(x, float) and isinstance(fx, float)
    assert type(ex6.epochs_to_threshold([2.0, 0.5])) is int
    assert ex6.epochs_to_threshold([2.0, 1.0]) is None


def test_integer_prices_in_euros_do_not_overflow(implementation):
    _, m = implementation
    prices = np.array([185000, 210000, 145000, 320000, 165000], dtype=np.int32)
    predictions = np.array([200000, 195000, 160000, 300000, 175000], dtype=np.int32)
    assert m["exercise1"].mse(prices, predictions) == 235_000_000.0


@pytest.mark.parametrize(
    ("task", "args"),
    [
        ("squared_errors", ([1, 2, 3], [1, 2])),
        ("mse", ([], [])),
        ("sse", ([1, 2, 3, 4, 5], [1])),
        ("best_slope", ([1], [1], [])),
    ],
)
def test_exercise1_refuses_mismatched_or_empty_inputs(implementation, task, args):
    _, m = implementation
    with pytest.raises(ValueError):
        getattr(m["exercise1"], task)(*args)


def test_validation_of_later_exercises(implementation):
    _, m = implementation
    with pytest.raises(ValueError):
        m["exercise3"].standardize([0.1, 0.1, 0.1])
    with pytest.raises(ValueError):
        m["exercise4"].critical_lr([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError):
        m["exercise4"].critical_lr(-2.0)
    with pytest.raises(ValueError):
        m["exercise4"].predict_behaviour(0.0, 2.0)
    with pytest.raises(ValueError):
        m["exercise6"].minibatch_gd(np.ones((3, 1)), np.ones(3), batch_size=0)


def test_numerical_gradient_leaves_theta_unchanged(implementation):
    _, m = implementation
    theta = np.array([0.1, 0.7, -0.3])
    before = theta.copy()
    m["exercise2"].numerical_gradient(lambda t: float(np.sum(t**3)), theta)
    np.testing.assert_array_equal(theta, before)


def test_critical_rate_of_a_symmetric_2x2_hessian_by_bisection(implementation):
    _, m = implementation
    ex4 = m["exercise4"]
    H = np.array([[3.0, 1.0], [1.0, 2.0]])
    centre = np.array([1.0, -1.0])
    found = ex4.find_critical_lr(lambda x: H @ (x - centre), np.array([4.0, 3.0]), centre)
    assert found == pytest.approx(ex4.critical_lr(H), abs=1e-3)


def test_plot_learning_curve_draws_the_history(implementation):
    _, m = implementation
    history = np.array([9.0, 3.0, 1.0, 0.5])
    before = plt.get_fignums()
    ax = m["exercise3"].plot_learning_curve(history)
    assert plt.get_fignums() == before, "the plot must not open a pyplot figure"
    assert isinstance(ax, Axes)
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), np.arange(4))
    np.testing.assert_array_equal(line.get_ydata(), history)
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_plot_learning_curve_draws_on_the_given_axes(implementation):
    _, m = implementation
    ax = Figure().add_subplot()
    assert m["exercise3"].plot_learning_curve([4.0, 2.0], ax=ax) is ax
    assert len(ax.lines) == 1
