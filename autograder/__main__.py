"""``python -m autograder`` runs the ``gdlab`` command line."""

from autograder.cli import main

main()
