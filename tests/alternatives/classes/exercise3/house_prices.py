"""Exercise 3: house-price regression with a small regressor class."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

SIZES = [1000, 1500, 2000, 2500, 3000]  # square feet
PRICES = [200, 280, 350, 400, 480]  # thousands of dollars


def _vector(values, name: str) -> np.ndarray:
    arr = np.array(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array")
    return arr


@dataclass
class Line:
    w: float
    b: float

    def __call__(self, x):
        return self.w * np.asarray(x, dtype=np.float64) + self.b


@dataclass
class LineRegressor:
    """Batch gradient descent on the MSE of a line, simultaneous updates."""

    lr: float
    steps: int
    history: list = field(default_factory=list)

    def __post_init__(self):
        if self.steps < 0:
            raise ValueError("steps must be >= 0")

    @staticmethod
    def loss_and_gradient(line: Line, x: np.ndarray, y: np.ndarray):
        r = line(x) - y
        return np.mean(r**2), 2 * np.mean(r * x), 2 * np.mean(r)

    def fit(self, x, y, start: Line) -> Line:
        x, y = _vector(x, "x"), _vector(y, "y")
        if x.shape != y.shape:
            raise ValueError("x and y must have the same length")
        line = Line(np.float64(start.w), np.float64(start.b))
        self.history = []
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(self.steps):
                loss, dw, db = self.loss_and_gradient(line, x, y)
                self.history.append(loss)
                line = Line(line.w - self.lr * dw, line.b - self.lr * db)
            self.history.append(self.loss_and_gradient(line, x, y)[0])
        return line

    @property
    def curve(self) -> np.ndarray:
        return np.array(self.history, dtype=np.float64)


@dataclass(frozen=True)
class Standardizer:
    mean: float
    std: float

    @classmethod
    def learn(cls, x: np.ndarray) -> Standardizer:
        if np.ptp(x) == 0:
            raise ValueError("x is constant: it cannot be standardised")
        return cls(float(np.mean(x)), float(np.std(x)))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std

    def unscale(self, line: Line) -> Line:
        """The same line written in the original units of x."""
        w = line.w / self.std
        return Line(w, line.b - line.w * self.mean / self.std)


def predict(w, b, x):
    return Line(np.float64(w), np.float64(b))(x)


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    regressor = LineRegressor(lr, steps)
    line = regressor.fit(x, y, Line(w0, b0))
    return float(line.w), float(line.b), regressor.curve


def standardize(x):
    x = _vector(x, "x")
    scaler = Standardizer.learn(x)
    return scaler.transform(x), scaler.mean, scaler.std


def fit_standardized(x, y, lr=0.1, steps=1000):
    x = _vector(x, "x")
    scaler = Standardizer.learn(x)
    regressor = LineRegressor(lr, steps)
    line = regressor.fit(scaler.transform(x), y, Line(0.0, 0.0))
    with np.errstate(over="ignore", invalid="ignore"):
        line = scaler.unscale(line)
    return float(line.w), float(line.b), regressor.curve


def plot_learning_curve(history, ax=None):
    if ax is None:
        ax = Figure().add_subplot()
    losses = np.asarray(history, dtype=np.float64)
    ax.plot(np.arange(len(losses)), losses, label="training loss")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (MSE, log scale)")
    ax.set_title("Learning curve")
    return ax
