"""Exercise 1: mean squared error and the loss landscape.

A small ``Comparison`` object holds a validated pair of arrays; the landscape is a
``SlopeScan`` built once and queried for its losses and its best slope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Comparison:
    """Targets and predictions of one shape, as float64 copies."""

    truth: np.ndarray
    guess: np.ndarray

    @classmethod
    def of(cls, y_true, y_pred) -> Comparison:
        truth = np.array(y_true, dtype=np.float64)
        guess = np.array(y_pred, dtype=np.float64)
        if truth.shape != guess.shape:
            raise ValueError(f"cannot compare shapes {truth.shape} and {guess.shape}")
        if truth.size == 0:
            raise ValueError("nothing to compare: the inputs are empty")
        return cls(truth, guess)

    @property
    def squares(self) -> np.ndarray:
        return (self.truth - self.guess) ** 2


@dataclass
class SlopeScan:
    """The loss of ``s * x`` against ``y`` for every candidate slope ``s``."""

    x: np.ndarray
    y: np.ndarray
    slopes: np.ndarray
    losses: np.ndarray = field(init=False)

    def __post_init__(self):
        pair = Comparison.of(self.y, self.x)  # validates the shapes of x and y
        self.y, self.x = pair.truth, pair.guess
        self.slopes = np.array(self.slopes, dtype=np.float64)
        if self.slopes.ndim != 1 or len(self.slopes) == 0:
            raise ValueError("slopes must be a non-empty 1-D sequence")
        self.losses = np.array([self._loss(s) for s in self.slopes], dtype=np.float64)

    def _loss(self, slope: float) -> float:
        return float(np.mean(Comparison(self.y, slope * self.x).squares))

    def best(self) -> float:
        return float(self.slopes[int(np.argmin(self.losses))])


def squared_errors(y_true, y_pred):
    return Comparison.of(y_true, y_pred).squares


def mse(y_true, y_pred):
    return float(np.mean(squared_errors(y_true, y_pred)))


def sse(y_true, y_pred):
    return float(np.sum(squared_errors(y_true, y_pred)))


def loss_landscape(x, y, slopes):
    return SlopeScan(x, y, slopes).losses


def best_slope(x, y, slopes):
    return SlopeScan(x, y, slopes).best()
