"""The hand-out: what students get (statements, stubs, notebooks, the student package)."""
