"""Exercise 1, refusing every input: it "handles errors" everywhere and computes nothing."""


def squared_errors(y_true, y_pred):
    raise ValueError("refused")


def mse(y_true, y_pred):
    raise ValueError("refused")


def sse(y_true, y_pred):
    raise ValueError("refused")


def loss_landscape(x, y, slopes):
    raise ValueError("refused")


def best_slope(x, y, slopes):
    raise ValueError("refused")
