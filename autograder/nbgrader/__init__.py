"""The nbgrader route: the exercises as an nbgrader course, graded by nbgrader or by gdlab."""
