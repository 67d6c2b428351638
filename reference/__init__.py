"""gdlab reference implementation: the graders' oracle.

This package is an independent, vectorised NumPy implementation of the
assignment contract (``shared/spec/EXERCISES.md``) and of the project's
decisions where the contract is silent. The graders compare student
submissions against it, so every public function here has exactly the
contract's name, signature and defaults, and reproduces every figure the
contract states.

One module per exercise:

========= ===================== =========================================
exercise  module                topic
========= ===================== =========================================
exercise1 :mod:`.mse`           mean squared error and the loss landscape
exercise2 :mod:`.gradients`     analytic and numerical gradients
exercise3 :mod:`.house_prices`  house-price regression, standardization
exercise4 :mod:`.learning_rate` the critical learning rate
exercise5 :mod:`.momentum`      momentum and random restarts
exercise6 :mod:`.minibatch`     full-batch versus mini-batch descent
========= ===================== =========================================

Private helpers: ``_checks`` (input validation and conversion, shared by all
modules) and ``_descent`` (the single descent engine and stopping rule behind
``run_gd``, ``gradient_descent``, ``momentum_descent`` and
``random_restarts``).

Shared with the grader: :mod:`.objectives`, the functions the contract gives
(exercise 4's parabola and exercise 5's tilted double well, with their
derivatives), which :mod:`.learning_rate` and :mod:`.momentum` expose as ``f``
and ``grad``. It is the one definition of these formulas: the grader's sandbox
loads the same file beside its worker to evaluate them when a suite passes
them to student code by name, so it imports nothing from this package.
"""

# Each exercise's module is named as the student's module of that exercise
# (the registry's ``module``), which is how the grader finds it; importing a
# module of this package never imports the others.
