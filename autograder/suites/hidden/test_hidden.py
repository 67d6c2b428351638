"""Hidden tests: inputs drawn from the course secret, for every exercise of the run.

``gdlab grade`` adds these to the public tests. The plugin parametrizes each
test over the run's exercises (``exercise``) and the cases and properties
each exercise's grader module draws (:mod:`autograder.suites.hidden_checks`).
"""

from autograder.suites.assertions import check_case
from autograder.suites.hidden_checks import check_property, expectation


def test_against_reference(submission, exercise, hidden_case):
    """Inputs drawn for this course, valid and invalid, against the reference."""
    check_case(submission, hidden_case, exercise, expectation(hidden_case, exercise))


def test_property(submission, exercise, hidden_property):
    """Behaviour the mathematics promises, on inputs drawn for this course."""
    check_property(submission, hidden_property)
