"""gdlab: an auto-graded course on gradient descent (registry, grader, CLI)."""
