"""The grading suites: ordinary pytest files run against a sandboxed submission.

``public/`` holds what ``gdlab check`` runs and students may read; ``hidden/``
holds what ``gdlab grade`` adds. Both reach the student's functions through the
``submission`` fixture of :mod:`autograder.suites.plugin`, so the same files
run against the answer keys in the project's own tests.
"""
