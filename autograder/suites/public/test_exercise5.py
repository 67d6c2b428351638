"""Public tests of exercise 5: the contract's figures and worked examples."""

from autograder.suites.assertions import check_case, check_figure

EXERCISE = "exercise5"


def test_contract_figure(submission, figure):
    """Each number the statement says a correct answer reproduces."""
    check_figure(submission, figure)


def test_example(submission, example):
    """Worked examples, valid inputs and ones that must raise, against the reference."""
    check_case(submission, example, EXERCISE)
