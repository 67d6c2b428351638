"""Exercise 3, refusing every input: it "handles errors" everywhere and computes nothing."""

SIZES = [1000, 1500, 2000, 2500, 3000]  # square feet
PRICES = [200, 280, 350, 400, 480]  # thousands of dollars


def predict(w, b, x):
    raise ValueError("refused")


def fit(x, y, w0=0.1, b0=50.0, lr=1e-7, steps=1000):
    raise ValueError("refused")


def standardize(x):
    raise ValueError("refused")


def fit_standardized(x, y, lr=0.1, steps=1000):
    raise ValueError("refused")


def plot_learning_curve(history, ax=None):
    raise ValueError("refused")
