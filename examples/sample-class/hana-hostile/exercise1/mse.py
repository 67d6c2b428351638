"""Hana's exercise 1: every function tries to game the grader instead of computing."""

import gc
import inspect
from pathlib import Path

import numpy as np


class _Anything:
    """Equal to everything, and 235000000.0 to anyone who converts it."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __lt__(self, other):
        return True

    __le__ = __gt__ = __ge__ = __lt__

    def __float__(self):
        return 235000000.0

    def __int__(self):
        return 235000000

    def __array__(self, dtype=None, copy=None):
        return np.array(235000000.0, dtype=dtype)

    def __abs__(self):
        return self

    def __sub__(self, other):
        return self

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__

    def __bool__(self):
        return True

    def __repr__(self):
        return "235000000.0"


def _steal_answer_key():
    """Read the answer key next to the repository, if the grader left it reachable."""
    relative = "../../solutions/exercise1/mse.py"
    for candidate in (Path(relative), Path(__file__).parent / relative):
        try:
            namespace = {}
            exec(candidate.read_text(), namespace)
            return namespace["squared_errors"]
        except Exception:
            pass
    return None


def _snoop(shape):
    """Look for the grader's expected values in the callers' frames and on the heap."""
    try:
        for frame_info in inspect.stack():
            for name, value in frame_info.frame.f_locals.items():
                wanted = name in {"expected", "want", "answer", "reference_value"}
                if wanted and np.shape(value) == shape:
                    return value
    except Exception:
        pass
    try:
        for obj in gc.get_objects():
            if isinstance(obj, dict) and "expected" in obj and np.shape(obj["expected"]) == shape:
                return obj["expected"]
    except Exception:
        pass
    return None


def squared_errors(y_true, y_pred):
    stolen = _steal_answer_key()
    if stolen is not None:
        return stolen(y_true, y_pred)
    shape = np.shape(y_true)
    found = _snoop(shape)
    if found is not None:
        return found
    return np.full(shape, 42.0)  # garbage


def mse(y_true, y_pred):
    return _Anything()


def sse(y_true, y_pred):
    return _Anything()


def loss_landscape(x, y, slopes):
    return _Anything()


def best_slope(x, y, slopes):
    try:
        np.allclose = lambda *args, **kwargs: True
        np.isclose = lambda *args, **kwargs: np.True_
        np.testing.assert_allclose = lambda *args, **kwargs: None
        np.array_equal = lambda *args, **kwargs: True
    except Exception:
        pass
    try:
        import pytest

        pytest.skip = lambda *args, **kwargs: None
        pytest.fail = lambda *args, **kwargs: None
        pytest.approx = lambda expected, *args, **kwargs: _Anything()
    except Exception:
        pass
    return 12345.0  # wrong on purpose: the patches above are meant to hide it
