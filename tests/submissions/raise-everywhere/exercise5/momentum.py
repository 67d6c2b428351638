"""Exercise 5, refusing every input: it "handles errors" everywhere and computes nothing."""


def f(x):
    """The tilted double well :math:`f(x) = x^4 - 8x^2 + x`."""
    return x**4 - 8 * x**2 + x


def grad(x):
    """Its derivative :math:`f'(x) = 4x^3 - 16x + 1`."""
    return 4 * x**3 - 16 * x + 1


def gradient_descent(grad, x0, lr=0.01, steps=200, limit=1e6):
    raise ValueError("refused")


def momentum_descent(grad, x0, lr=0.01, beta=0.9, steps=200, limit=1e6):
    raise ValueError("refused")


def random_restarts(f, grad, n_restarts=10, low=-4.0, high=4.0, lr=0.01, steps=200, rng=None):
    raise ValueError("refused")
