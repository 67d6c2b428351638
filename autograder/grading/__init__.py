"""Grading pipeline: intake of submissions, suite runs, reports, the batch."""
