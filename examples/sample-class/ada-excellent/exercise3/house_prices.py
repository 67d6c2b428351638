"""Exercise 3 (Ada): a line through five houses, in matrix form."""

import numpy as np

SIZES = [1000, 1500, 2000, 2500, 3000]  # square feet
PRICES = [200, 280, 350, 400, 480]  # thousands of dollars


def _design(x, y):
    """The matrix [x, 1] and the targets, after checking the shapes."""
    inputs = np.array(x, dtype=np.float64)
    targets = np.array(y, dtype=np.float64)
    if inputs.ndim != 1 or inputs.size == 0 or targets.shape != inputs.shape:
        raise ValueError("x and y must be non-empty 1-D arrays of one length")
    return np.column_stack([inputs, np.ones_like(inputs)]), targets


def _loss(A, theta, targets):
    residual = A @ theta - targets
    return np.dot(residual, residual) / len(targets)


def predict(w, b, x):
    return np.multiply(w, np.array(x, dtype=np.float64)) + b


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    A, targets = _design(x, y)
    if steps < 0:
        raise ValueError("steps must be >= 0")
    theta = np.array([w0, b0], dtype=np.float64)  # [w, b], updated together
    history = np.zeros(steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        history[0] = _loss(A, theta, targets)
        for k in range(1, steps + 1):
            gradient = 2.0 * A.T @ (A @ theta - targets) / len(targets)
            theta = theta - lr * gradient
            history[k] = _loss(A, theta, targets)
    return theta[0], theta[1], history


def standardize(x):
    values = np.array(x, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError("x must be a non-empty 1-D array")
    if values.max() == values.min():
        raise ValueError("x is constant, so it has no spread to divide by")
    centre = values.sum() / values.size
    spread = np.sqrt(np.dot(values - centre, values - centre) / values.size)
    return (values - centre) / spread, np.float64(centre), np.float64(spread)


def fit_standardized(x, y, lr=0.1, steps=1000):
    z, centre, spread = standardize(x)
    w_z, b_z, history = fit(z, y, w0=0.0, b0=0.0, lr=lr, steps=steps)
    return w_z / spread, b_z - w_z * centre / spread, history


def plot_learning_curve(history, ax=None):
    from matplotlib.figure import Figure

    losses = np.array(history, dtype=np.float64)
    if ax is None:
        ax = Figure(figsize=(5, 3)).subplots()
    ax.semilogy(np.arange(losses.size), losses)
    ax.set(xlabel="gradient step", ylabel="loss (MSE, log axis)", title="How the loss fell")
    return ax
