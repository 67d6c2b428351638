"""Hidden tests of exercise 2: random and invalid inputs, compared with the reference."""

from autograder.suites.assertions import check_case

EXERCISE = "exercise2"


def test_against_reference(submission, hidden_case):
    """Inputs drawn for this student, valid and invalid, against the reference."""
    check_case(submission, hidden_case, EXERCISE)
