"""How closely a kind of result must match the reference.

Kept apart from :mod:`.compare` and free of NumPy: the registry reads it,
and every ``gdlab`` command starts by reading the registry.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tolerance:
    """How closely a kind of result must match the reference.

    Attributes
    ----------
    name : str
        The kind of quantity, e.g. ``"closed-form"``.
    rtol, atol : float
        Relative and absolute tolerance, as in :func:`numpy.isclose`:
        ``|actual - expected| <= atol + rtol * |expected|``.
    why : str
        Why this kind of result gets this tolerance, for students.
    """

    name: str
    rtol: float
    atol: float
    why: str

    @property
    def statement(self) -> str:
        """The tolerance in words, for messages."""
        if self.rtol == 0 and self.atol == 0:
            return f"compared exactly: {self.why}"
        return f"compared to a relative {self.rtol:g} and an absolute {self.atol:g}: {self.why}"
