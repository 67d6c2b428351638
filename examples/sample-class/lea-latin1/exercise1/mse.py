"""Lea - exercise 1."""

import numpy as np

# Erreur quadratique moyenne : le résultat doit être un float (pas un tableau).


def squared_errors(y_true, y_pred):
    vrai = np.array(y_true, dtype=np.float64, copy=True)
    prevu = np.array(y_pred, dtype=np.float64, copy=True)
    if vrai.shape != prevu.shape or vrai.size == 0:
        raise ValueError("y_true and y_pred: same shape, not empty")
    vrai -= prevu
    vrai *= vrai
    return vrai


def mse(y_true, y_pred):
    carres = squared_errors(y_true, y_pred)
    return float(np.sum(carres) / carres.size)


def sse(y_true, y_pred):
    return float(np.sum(squared_errors(y_true, y_pred)))


def loss_landscape(x, y, slopes):
    x = np.array(x, dtype=np.float64)
    y = np.array(y, dtype=np.float64)
    pentes = np.array(slopes, dtype=np.float64)
    if x.shape != y.shape or x.size == 0:
        raise ValueError("x and y: same shape, not empty")
    if pentes.ndim != 1 or pentes.size == 0:
        raise ValueError("slopes: a non-empty 1-D list")
    pertes = np.empty(pentes.size)
    for i in range(pentes.size):
        pertes[i] = mse(y, pentes[i] * x)
    return pertes


def best_slope(x, y, slopes):
    pertes = loss_landscape(x, y, slopes)
    meilleure = np.flatnonzero(pertes == pertes.min())[0]  # la première en cas d'égalité
    return float(np.array(slopes, dtype=np.float64)[meilleure])
