"""The course's world outside gdlab: rosters, LMS downloads and exports, Gradescope.

- :mod:`~autograder.lms.roster`: the class's students, read from a CSV (Canvas's and
  Moodle's gradebook exports included), and which submission is whose;
- :mod:`~autograder.lms.canvas_download`: a Canvas bulk download's flat files,
  one entry per student;
- :mod:`~autograder.lms.export`: a gradebook in the columns Canvas, Moodle or a
  spreadsheet imports;
- :mod:`~autograder.lms.commands`: ``gdlab export``.
"""
