"""Exercise 2, refusing every input: it "handles errors" everywhere and computes nothing."""


def mse_gradients(w, b, x, y):
    raise ValueError("refused")


def linear_gradient(w, X, y):
    raise ValueError("refused")


def numerical_gradient(f, theta, h=1e-5):
    raise ValueError("refused")


def relative_error(a, b):
    raise ValueError("refused")
