"""``gdlab report``: a static HTML view of a gradebook, to open in a browser.

- :mod:`~autograder.report.build`: writes ``DIR/report.html`` and one page
  per submission, ``DIR/report/<submission>.html``;
- :mod:`~autograder.report.overview`: the class overview (score
  distribution, each task's pass rate, common mistakes, the students);
- :mod:`~autograder.report.student_pages`: a student's feedback with its
  pictures;
- :mod:`~autograder.report.pages`: the page, its style, escaped text and links;
- :mod:`~autograder.report.commands`: ``gdlab report``.
"""
