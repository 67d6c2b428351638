"""A call of a task on given inputs, and two implementations compared on many.

Each exercise's grader module draws :class:`Case` objects: valid inputs of
random sizes, values and dtypes, plus invalid ones the contract says must
raise ``ValueError``. :func:`disagreements` runs cases on two implementations
(an answer key and the reference): they agree on a case when both return
equal values (to a relative ``1e-7``) or both raise the same exception type.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.contract.compare import difference, plot_difference
from autograder.sandbox.axes import axes_summary

#: Random cases drawn per task and round of an exercise's case generator.
CASES_PER_TASK = 8


@dataclass(frozen=True)
class Case:
    """One call of one task.

    Attributes
    ----------
    task : str
        The function to call.
    label : str
        A short description for messages.
    args, kwargs
        The arguments; each call gets deep copies, and generators are rebuilt
        from ``seeds`` so that both sides see the same random stream.
    seeds : dict
        Keyword arguments to pass as ``np.random.default_rng(seed)``.
    plot : bool
        The result is a matplotlib Axes, compared through :func:`axes_summary`.
    """

    task: str
    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    seeds: dict = field(default_factory=dict)
    plot: bool = False

    def arguments(self) -> tuple[list, dict]:
        """Fresh copies of the arguments, with new generators from ``seeds``."""
        kwargs = copy.deepcopy(self.kwargs)
        kwargs.update({name: np.random.default_rng(seed) for name, seed in self.seeds.items()})
        return list(copy.deepcopy(self.args)), kwargs

    def run(self, module: Any) -> tuple[str, Any, dict]:
        """Run the case on ``module`` and keep the keyword arguments it was given.

        Returns
        -------
        tuple
            ``(kind, value, kwargs)``: ``("value", result, ...)`` (a plot as
            :func:`axes_summary`) or ``("raises", exception type name, ...)``;
            ``kwargs`` holds the generators as the call left them.
        """
        args, kwargs = self.arguments()
        try:
            result = getattr(module, self.task)(*args, **kwargs)
        except Exception as error:  # the exception type is the outcome being compared
            return "raises", type(error).__name__, kwargs
        return "value", axes_summary(result) if self.plot else result, kwargs

    def invoke(self, module: Any) -> Any:
        """Call the case on ``module`` with fresh arguments; its exceptions propagate."""
        args, kwargs = self.arguments()
        return getattr(module, self.task)(*args, **kwargs)

    def call(self, module: Any) -> tuple[str, Any]:
        """Run the case on ``module``: ``(kind, value)`` as :meth:`run` gives them."""
        kind, value, _ = self.run(module)
        return kind, value

    def expected_plot(self) -> dict:
        """The summary of the plot the contract asks for, without drawing it.

        ``plot_learning_curve(history)`` draws one line of ``history`` against
        ``0 ... len(history) - 1`` on a log scale, with labels and a title; the
        graders compare with this rather than import matplotlib themselves.
        """
        (history,), _ = self.arguments()
        history = np.asarray(history, dtype=np.float64)
        return {
            "lines": [(np.arange(len(history), dtype=np.float64), history)],
            "yscale": "log",
            "xlabel": "step",
            "ylabel": "loss",
            "title": "learning curve",
        }


def disagreements(left: Any, right: Any, cases: list[Case]) -> list[str]:
    """Run every case on two modules and describe each disagreement.

    Parameters
    ----------
    left, right : module
        Two implementations of the same exercise.
    cases : list of Case

    Returns
    -------
    list of str
        One line per case on which they disagree; empty when they agree.
    """
    found = []
    for case in cases:
        (kind_left, left_value), (kind_right, right_value) = case.call(left), case.call(right)
        if kind_left != kind_right:
            what = {"value": "returns", "raises": "raises"}
            found.append(
                f"{case.task} ({case.label}): one {what[kind_left]} {left_value!r:.60}, "
                f"the other {what[kind_right]} {right_value!r:.60}"
            )
        elif kind_left == "raises":
            if left_value != right_value:
                found.append(f"{case.task} ({case.label}): {left_value} versus {right_value}")
        else:
            compare = plot_difference if case.plot else difference
            problem = compare(left_value, right_value)
            if problem:
                found.append(f"{case.task} ({case.label}): {problem}")
    return found
