"""The LMS's world: rosters, a Canvas bulk download, and exports to Canvas, Moodle and CSV."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE_CLASS, SAMPLE_ROSTER, run_gdlab

from autograder.lms.canvas_download import canvas_file
from autograder.lms.roster import RosterError, parse_roster

MODULES = {"mse.py", "mse.ipynb", "gradients.py", "gradients.ipynb"}


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _read(path: Path) -> list[dict]:
    return _csv(path.read_text(encoding="utf-8"))


# -- rosters -------------------------------------------------------------------


def test_canvas_and_moodle_gradebook_exports_are_read_as_rosters():
    canvas = parse_roster(
        "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Week 1 (812)\n"
        "    Points Possible,,,,,20\n"
        '"Lovelace, Ada",2001,S-1,alovelace,Group A,\n'
    )
    (ada,) = canvas.students
    assert (ada.student_id, ada.name, ada.sis_id, ada.login_id, ada.section) == (
        "2001", "Lovelace, Ada", "S-1", "alovelace", "Group A",
    )
    moodle = parse_roster(
        "First name,Last name,ID number,Institution,Department,Email address\n"
        "Ada,Lovelace,A17,Uni,Maths,ada@example.edu\n"
    )
    (ada,) = moodle.students
    assert (ada.student_id, ada.name, ada.email) == ("A17", "Ada Lovelace", "ada@example.edu")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("name,email\nAda,a@x\n", "no student_id column"),
        ("student_id,email\n1,a@x\n", "no name column"),
        ("student_id,name\n1,Ada\n1,Ben\n", "line 3: student id 1 is already on line 2"),
        ("student_id,name,submission\n1,Ada,x\n2,Ben,x\n", "line 3: submission x is already"),
        ("student_id,name,submitted_at\n1,Ada,yesterday\n", "line 2: submitted_at 'yesterday'"),
    ],
)
def test_a_broken_roster_is_refused_with_the_line_and_the_reason(text, complaint):
    with pytest.raises(RosterError, match=complaint):
        parse_roster(text)


def test_a_broken_roster_stops_grading_before_anything_is_written(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\n1,Ada\n1,Ben\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_gdlab("grade", str(SAMPLE_CLASS), "--out", str(out), "--roster", str(roster))
    assert done.returncode == 2
    assert "line 3: student id 1 is already on line 2" in done.stderr
    assert "Traceback" not in done.stderr and not (out / "grades.csv").exists()


# -- the sample class with its roster, exported ------------------------------------


def test_the_sample_class_exports_to_canvas_with_the_final_scores(sample_gradebook, tmp_path):
    grades = {row["student_id"]: row for row in _read(sample_gradebook / "grades.csv")}
    target = tmp_path / "canvas.csv"
    done = run_gdlab("export", str(sample_gradebook), "--format", "canvas", "--out", str(target))
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "All six exercises"]
    assert rows[0] == header
    assert rows[1] == ["Points Possible", "", "", "", "", "60"]
    roster = _read(SAMPLE_ROSTER)
    assert [row[1] for row in rows[2:]] == [student["student_id"] for student in roster]
    for student, row in zip(roster, rows[2:], strict=True):
        assert row[0] == student["name"]
        assert row[5] == grades[student["student_id"]]["final"]  # final, after the late rule
    exported = {row[1]: row[5] for row in rows[2:]}
    assert exported["2001"] == "60"  # Ada, on time
    assert exported["2002"] == "48"  # Ben, 60 raw, 1 day late at 20 % a day
    assert exported["2009"] == exported["2010"] == ""  # unreadable, empty: not graded
    assert exported["2015"] == ""  # Omar handed nothing in


def test_moodle_and_plain_csv_exports_agree_with_the_gradebook(sample_gradebook, tmp_path):
    grades = {row["student_id"]: row for row in _read(sample_gradebook / "grades.csv")}
    done = run_gdlab("export", str(sample_gradebook), "--format", "moodle")
    assert done.returncode == 0, done.stderr
    moodle = _read(sample_gradebook / "export-moodle.csv")
    assert list(moodle[0]) == [
        "ID number", "Email address", "Full name", "All six exercises", "Feedback",
    ]
    for row in moodle:
        assert row["All six exercises"] == grades[row["ID number"]]["final"]
        assert row["Email address"] == grades[row["ID number"]]["email"]
    ben = next(row for row in moodle if row["ID number"] == "2002")
    assert ben["Feedback"] == "60/60 from the tests; 1 day(s) late: -20%"
    plain = tmp_path / "plain.csv"
    assert run_gdlab("export", str(sample_gradebook), "--format", "csv", "--out",
                     str(plain)).returncode == 0
    for row in _read(plain):
        mine = grades[row["student_id"]]
        assert (row["raw"], row["final"], row["days_late"], row["status"]) == (
            mine["total"], mine["final"], mine["days_late"], mine["status"],
        )


def test_an_lms_export_without_a_roster_says_what_it_needs(tmp_path):
    out = tmp_path / "out"
    run_gdlab("grade", str(SAMPLE_CLASS), "--out", str(out), "--assignment", "week1",
              "--only", "ada-excellent")
    done = run_gdlab("export", str(out), "--format", "canvas")
    assert done.returncode == 1
    assert "needs the students' ids" in done.stderr and "Traceback" not in done.stderr


# -- a Canvas bulk download ----------------------------------------------------------


def test_canvas_file_names_are_read_and_others_are_not(tmp_path):
    found = canvas_file(tmp_path / "lovelaceada_LATE_2001_99172_gradients-2.py", MODULES)
    assert (found.student, found.user_id, found.late) == ("lovelaceada", "2001", True)
    assert str(found.handed_in_as) == "gradients.py"
    assert canvas_file(tmp_path / "lovelaceada_2001_99172_mse.py", MODULES).late is False
    assert canvas_file(tmp_path / "lovelaceada_2001_99172_notes.txt", MODULES) is None
    assert canvas_file(tmp_path / "ada-excellent", MODULES) is None
    assert canvas_file(tmp_path / "nia_2024_zipped.zip", MODULES) is None  # no attachment id


def _canvas_download(folder: Path) -> None:
    """A Canvas bulk download of week 1, unzipped: flat files, as Canvas names them."""
    folder.mkdir()
    ada, ben = SAMPLE_CLASS / "ada-excellent", SAMPLE_CLASS / "ben-notebooks"
    shutil.copy(ada / "exercise1" / "mse.py", folder / "lovelaceada_2001_90001_mse.py")
    shutil.copy(ada / "exercise2" / "gradients.py", folder / "lovelaceada_2001_90002_gradients.py")
    # Ben: late, notebooks, one uploaded twice under the same name.
    shutil.copy(ben / "exercise1" / "mse.ipynb", folder / "okaforben_LATE_2002_90003_mse.ipynb")
    shutil.copy(ben / "exercise2" / "gradients.ipynb",
                folder / "okaforben_LATE_2002_90004_gradients-1.ipynb")
    # Kai uploaded one zip of both files, side by side, zipped two days after the due date.
    kai = SAMPLE_CLASS / "kai-missing"
    with zipfile.ZipFile(folder / "nakamurakai_2011_90005_week1.zip", "w") as bundle:
        for module in ("exercise1/mse.py", "exercise2/gradients.py"):
            member = zipfile.ZipInfo(Path(module).name, date_time=(2026, 10, 18, 9, 30, 0))
            bundle.writestr(member, (kai / module).read_bytes())
    # Somebody whose Canvas id is on no roster.
    shutil.copy(ada / "exercise1" / "mse.py", folder / "strangerzed_3999_90006_mse.py")


def test_a_canvas_bulk_download_is_graded_per_student_and_exported(tmp_path):
    download = tmp_path / "download"
    _canvas_download(download)
    roster = tmp_path / "canvas-roster.csv"  # Canvas's own gradebook export, as it is
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Week 1 (812)\n"
        "    Points Possible,,,,,20\n"
        '"Lovelace, Ada",2001,S-2001,alovelace,A\n'
        '"Okafor, Ben",2002,S-2002,bokafor,A\n'
        '"Nakamura, Kai",2011,S-2011,knakamura,B\n'
        '"Haddad, Omar",2015,S-2015,ohaddad,B\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = run_gdlab("grade", str(download), "--out", str(out), "--assignment", "week1",
                     "--roster", str(roster))
    assert done.returncode == 0, done.stdout + done.stderr
    grades = {row["submission"]: row for row in _read(out / "grades.csv")}
    assert set(grades) == {
        "lovelaceada_2001", "okaforben_2002", "nakamurakai_2011", "strangerzed_3999", "",
    }
    assert grades["lovelaceada_2001"]["student_id"] == "2001"
    assert grades["lovelaceada_2001"]["total"] == "20"
    kai = grades["nakamurakai_2011"]
    assert kai["total"] == "20" and kai["handed_in"] == "2026-10-18T09:30+01:00"
    assert kai["days_late"] == "2" and kai["final"] == "16"
    ben = grades["okaforben_2002"]
    assert ben["total"] == "20" and ben["days_late"] == "1" and ben["final"] == "18"
    assert grades[""]["name"] == "Haddad, Omar" and grades[""]["status"] == "no submission"
    assert "Not on the roster (1): strangerzed_3999" in done.stdout

    export = run_gdlab("export", str(out), "--format", "canvas")
    assert export.returncode == 0, export.stderr
    assert "Left out, not on the roster (1): strangerzed_3999" in export.stderr
    rows = list(csv.reader(io.StringIO((out / "export-canvas.csv").read_text("utf-8"))))
    assert rows[2:] == [
        ["Lovelace, Ada", "2001", "S-2001", "alovelace", "A", "20"],
        ["Okafor, Ben", "2002", "S-2002", "bokafor", "A", "18"],
        ["Nakamura, Kai", "2011", "S-2011", "knakamura", "B", "16"],
        ["Haddad, Omar", "2015", "S-2015", "ohaddad", "B", ""],
    ]
