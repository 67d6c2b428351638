"""Notebooks: the exercises as Jupyter notebooks, built from the same sources as the stubs."""
