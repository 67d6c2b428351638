"""Hidden tests of exercise 3: random and invalid inputs against the reference, and
the convergence and divergence properties the mathematics promises."""

from autograder.suites.assertions import check_case, check_property

EXERCISE = "exercise3"


def test_against_reference(submission, hidden_case):
    """Inputs drawn for this student, valid and invalid, against the reference."""
    check_case(submission, hidden_case, EXERCISE)


def test_property(submission, hidden_property):
    """Behaviour the mathematics promises, on inputs drawn for this student."""
    check_property(submission, hidden_property)
