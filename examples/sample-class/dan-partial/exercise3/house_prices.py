"""Dan - exercise 3."""

import numpy as np

SIZES = [1000, 1500, 2000, 2500, 3000]  # square feet
PRICES = [200, 280, 350, 400, 480]  # thousands of dollars


def predict(w, b, x):
    x = np.asarray(x, dtype="float64")
    return w * x + b


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if x.ndim != 1 or len(x) == 0 or x.shape != y.shape:
        raise ValueError("x and y must be flat arrays of the same length")
    if steps < 0:
        raise ValueError("steps can't be negative")
    w = float(w0)
    b = float(b0)
    losses = [np.mean((predict(w, b, x) - y) ** 2)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _step in range(steps):
            error = predict(w, b, x) - y
            new_w = w - lr * 2 * np.mean(error * x)
            new_b = b - lr * 2 * np.mean(error)
            w = new_w  # update both at the same time
            b = new_b
            losses.append(np.mean((predict(w, b, x) - y) ** 2))
    return float(w), float(b), np.array(losses)


def standardize(x):
    x = np.asarray(x, dtype="float64")
    if x.ndim != 1 or len(x) == 0:
        raise ValueError("x must be a flat non-empty array")
    if np.max(x) == np.min(x):
        raise ValueError("can't standardize a constant")
    average = x.mean()
    spread = np.sqrt(((x - average) ** 2).mean())  # population std, divide by n
    return (x - average) / spread, float(average), float(spread)


def fit_standardized(x, y, lr=0.1, steps=1000):
    scaled, average, spread = standardize(x)
    slope, intercept, losses = fit(scaled, y, 0.0, 0.0, lr, steps)
    # undo the scaling: y = slope * (x - average) / spread + intercept
    return float(slope / spread), float(intercept - slope * average / spread), losses


def plot_learning_curve(history, ax=None):
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure()
        ax = fig.add_subplot(1, 1, 1)
    steps = np.arange(len(history))
    ax.plot(steps, history)
    ax.set_yscale("log")
    ax.set_xlabel("step number")
    ax.set_ylabel("loss")
    ax.set_title("Loss during training")
    return ax
