"""Public tests: the contract's figures and worked examples, for every exercise of the run.

``gdlab check`` runs these, and students may read them. The plugin
parametrizes each test over the run's exercises (``exercise``) and the public
checks shipped as data for each (:mod:`autograder.suites.public_checks`).
"""

from autograder.suites.assertions import check_case, check_figure


def test_contract_figure(submission, exercise, figure):
    """Each number the statement says a correct answer reproduces."""
    check_figure(submission, figure, exercise)


def test_example(submission, exercise, example):
    """Worked examples, valid inputs and ones that must raise, against the reference."""
    check_case(submission, example.case, exercise, example.expected)
