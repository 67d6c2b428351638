"""Lea - exercise 2 (enregistré en UTF-8 cette fois)."""

import numpy as np


def _deux(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("deux entrées de même forme, non vides")
    return a, b


def mse_gradients(w, b, x, y):
    x, y = _deux(x, y)
    ecart = w * x + b - y
    n = ecart.size
    return float(np.sum(ecart * x) * 2 / n), float(np.sum(ecart) * 2 / n)


def linear_gradient(w, X, y):
    X = np.array(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("X : une matrice (n, d) avec n >= 1")
    n, d = X.shape
    w = np.array(w, dtype=np.float64)
    y = np.array(y, dtype=np.float64)
    if w.shape != (d,) or y.shape != (n,):
        raise ValueError("w doit être (d,) et y (n,)")
    return np.dot(X.T, np.dot(X, w) - y) * 2 / n


def numerical_gradient(f, theta, h=1e-5):
    if h <= 0:
        raise ValueError("h doit être > 0")
    point = np.array(theta, dtype=np.float64)
    pente = np.empty_like(point)
    it = np.nditer(point, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        plus, moins = point.copy(), point.copy()
        plus[i] = plus[i] + h
        moins[i] = moins[i] - h
        pente[i] = (float(f(plus)) - float(f(moins))) / (2 * h)
    return pente


def relative_error(a, b):
    a, b = _deux(a, b)
    plancher = np.full(a.shape, 1e-12)
    return float(np.amax(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), plancher)))
