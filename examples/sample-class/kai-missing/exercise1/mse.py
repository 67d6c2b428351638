"""kai / ex1"""

import numpy as np


def _f(a):
    return np.asarray(a, float)


def _chk(a, b):
    a, b = _f(a), _f(b)
    if a.shape != b.shape or a.size < 1:
        raise ValueError("need equal, non-empty shapes")
    return a, b


def squared_errors(y_true, y_pred):
    return np.diff(_chk(y_pred, y_true), axis=0)[0] ** 2


def mse(y_true, y_pred):
    return squared_errors(y_true, y_pred).mean().item()


def sse(y_true, y_pred):
    return squared_errors(y_true, y_pred).sum().item()


def loss_landscape(x, y, slopes):
    x, y = _chk(x, y)
    s = _f(slopes)
    if s.ndim != 1 or s.size < 1:
        raise ValueError("slopes: non-empty 1-D")
    return ((np.multiply.outer(s, x) - y) ** 2).reshape(len(s), -1).mean(axis=1)


def best_slope(x, y, slopes):
    return _f(slopes)[loss_landscape(x, y, slopes).argmin()].item()
