"""Exercise 4, refusing every input: it "handles errors" everywhere and computes nothing."""

X_STAR = 2.0


def f(x):
    """The quadratic :math:`f(x) = x^2 - 4x + 5`, minimal at ``X_STAR``."""
    return x**2 - 4 * x + 5


def grad(x):
    """The derivative :math:`f'(x) = 2x - 4` (curvature 2)."""
    return 2 * x - 4


def run_gd(grad, x0, lr, steps=20, limit=1e6):
    raise ValueError("refused")


def classify(trajectory, x_star, tol=1e-2):
    raise ValueError("refused")


def predict_behaviour(lr, curvature):
    raise ValueError("refused")


def critical_lr(hessian):
    raise ValueError("refused")


def find_critical_lr(grad, x0, x_star, lo=0.0, hi=2.0, steps=100, iters=50):
    raise ValueError("refused")
