import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engage.analysis.cli import main

EXPORT = """ID,Start time,How old are you?,What is your sex?,What is your ethnic group?,Religion,Is English your main language?,Do you consider yourself disabled?
1,2024-01-01,14,Female,Asian or Asian British: Pakistani,Muslim,No,No
2,2024-01-01,16,Male,"White: English, Welsh, Scottish, Northern Irish or British",No religion,Yes,Yes
3,2024-01-01,22,Female,White: Irish,Christian,Yes,No
4,2024-01-01,Prefer not to say,Prefer not to say,Prefer not to say,Prefer not to say,Prefer not to say,Prefer not to say
5,2024-01-01,30,Male,White: Irish,,Yes,No
6,2024-01-01,12,Female,Mixed or Multiple ethnic groups: White and Black Caribbean,Sikh,Yes,
"""
COLUMNS = [
    "--column",
    "age=How old are you?",
    "--column",
    "sex=What is your sex?",
    "--column",
    "ethnic_group=What is your ethnic group?",
    "--column",
    "religion=religion",  # headers match ignoring case
    "--column",
    "main_language=Is English your main language?",
    "--column",
    "disability=Do you consider yourself disabled?",
]
ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0"
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


def run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(args, out=out), out.getvalue()


def reach(path: Path, *extra: str) -> list[str]:
    return ["reach", str(path), "--area", "E08000027", "--age-range", "11-25", *extra]


def test_text_report(export: Path, capsys) -> None:
    status, out = run(reach(export, *COLUMNS))
    assert status == 0
    assert capsys.readouterr().err == ""
    header = next(line for line in out.splitlines() if line.startswith("dimension"))
    for heading in ("category", "n", "sample %", "population %", "ratio", "gap", "partial CV"):
        assert heading in header
    assert "Reach of 5 responses" in out
    assert "1 response with an age outside" in out  # the 30-year-old
    assert "Dudley (E08000027)" in out
    assert "11-14" in out and "20-25" in out
    assert "Census 2021, ages 10-17 (broad ethnic groups)" in out
    assert "! No age breakdown for disability" in out
    assert "Who we are missing" in out
    assert out.rstrip().endswith(ATTRIBUTION)
    # Aligned columns: every category starts where its heading does.
    lines = out.splitlines()
    start = lines.index(header)
    table = lines[start + 2 : lines.index("", start)]
    offset = header.index("category")
    assert len(table) == (3 + 2 + 5 + 8 + 2 + 2) + 6 * 2  # categories, then refusals and blanks
    for line in table:
        assert line[offset - 2 : offset] == "  " and line[offset] != " "


def test_json_report(export: Path) -> None:
    status, out = run(reach(export, *COLUMNS, "--json"))
    assert status == 0
    report = json.loads(out)
    assert report["responses"] == 5
    assert report["left_out_outside_age_range"] == 1
    assert report["areas"] == [{"code": "E08000027", "name": "Dudley"}]
    assert report["age_range"] == {"min": 11, "max": 25}
    assert list(report["baselines"]) == [
        "age",
        "sex",
        "ethnic_group",
        "religion",
        "disability",
        "main_language",
    ]
    assert report["baselines"]["ethnic_group"]["source"].endswith("(broad ethnic groups)")
    sex = {r["category"]: r for r in report["rows"] if r["dimension"] == "sex"}
    assert sex["Female"]["n"] == 3 and sex["Male"]["n"] == 1
    assert sex["Prefer not to say"]["n"] == 1 and sex["Prefer not to say"]["ratio"] is None
    assert report["who_we_are_missing"]
    assert report["attribution"] == ATTRIBUTION


def test_broad_answers_collapse_a_detailed_baseline(tmp_path: Path) -> None:
    path = tmp_path / "broad.csv"
    path.write_text("Ethnicity\nWhite\nAsian\nWhite: Irish\n", encoding="utf-8")
    status, out = run(
        ["reach", str(path), "--area", "E08000025", "--column", "ethnic_group=Ethnicity", "--json"]
    )
    assert status == 0
    report = json.loads(out)
    assert len(report["baselines"]["ethnic_group"]["counts"]) == 5
    assert any("broad group" in note for note in report["notes"])


def test_runs_as_a_module(export: Path) -> None:
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "engage.analysis", *reach(export, *COLUMNS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert ATTRIBUTION in done.stdout


def test_runs_as_a_module_with_an_error(tmp_path: Path) -> None:
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "engage.analysis", *reach(tmp_path / "missing.csv", *COLUMNS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "no such file" in done.stderr and "Traceback" not in done.stderr


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing_file", "no such file"),
        ("folder", "is a folder"),
        ("empty", "is empty"),
        ("header_only", "no responses"),
        ("malformed", "not a readable CSV file"),
        ("binary", "not a CSV file"),
        ("unknown_header", "no such column"),
        ("unknown_area", "unknown area codes: E99999999, NOWHERE"),
        ("unknown_labels", "answers Engage cannot place: 'Woman', 'x'"),
        ("bad_age", "cannot place: '12.5', 'twelve'"),
        ("bad_age_range", "--age-range '25-11' is not an age range"),
        ("worse_age_range", "--age-range 'teens' is not an age range"),
        ("no_columns", "name at least one column"),
        ("bad_column", "'shoe_size' is not something Engage can compare"),
        ("no_area", "give at least one --area"),
    ],
)
def test_errors_exit_2_with_a_message(tmp_path: Path, export: Path, capsys, case, expected) -> None:
    args = reach(export, *COLUMNS)
    if case == "missing_file":
        args = reach(tmp_path / "nope.csv", *COLUMNS)
    elif case == "folder":
        args = reach(tmp_path, *COLUMNS)
    elif case == "empty":
        args = reach(write(tmp_path, "empty.csv", b""), *COLUMNS)
    elif case == "header_only":
        args = reach(write(tmp_path, "header.csv", b"Age,Sex\n"), "--column", "age=Age")
    elif case == "malformed":
        path = write(tmp_path, "bad.csv", b"Age,Sex\n12,Female\n13,Male,extra,more\n")
        args = reach(path, "--column", "age=Age")
    elif case == "binary":
        path = write(tmp_path, "book.xlsx.csv", b"PK\x03\x04\x00\x00\x08\x00binary")
        args = reach(path, "--column", "age=Age")
    elif case == "unknown_header":
        args = reach(export, "--column", "age=Your age")
    elif case == "unknown_area":
        args = [
            "reach",
            str(export),
            "--area",
            "E08000027,E99999999",
            "--area",
            "nowhere",
            *COLUMNS,
        ]
    elif case == "unknown_labels":
        path = write(tmp_path, "sex.csv", b"Sex\nFemale\nWoman\nx\n")
        args = reach(path, "--column", "sex=Sex")
    elif case == "bad_age":
        path = write(tmp_path, "age.csv", b"Age\n12\n12.5\ntwelve\n")
        args = reach(path, "--column", "age=Age")
    elif case == "bad_age_range":
        args = ["reach", str(export), "--area", "E08000027", "--age-range", "25-11", *COLUMNS]
    elif case == "worse_age_range":
        args = ["reach", str(export), "--area", "E08000027", "--age-range", "teens", *COLUMNS]
    elif case == "no_columns":
        args = reach(export)
    elif case == "bad_column":
        args = reach(export, "--column", "shoe_size=Size")
    elif case == "no_area":
        args = ["reach", str(export), *COLUMNS]
    status, out = run(args)
    err = capsys.readouterr().err
    assert status == 2
    assert out == ""
    assert expected in err
    assert err.startswith("error: ")
    assert "Traceback" not in err


def test_unknown_header_lists_the_headers(export: Path, capsys) -> None:
    status, _ = run(reach(export, "--column", "age=Your age"))
    err = capsys.readouterr().err
    assert status == 2
    assert "The columns in" in err and "  How old are you?" in err


def test_unknown_labels_list_the_allowed_ones(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "religion.csv", b"Faith\nJedi\nMuslim\n")
    status, _ = run(reach(path, "--column", "religion=Faith"))
    err = capsys.readouterr().err
    assert status == 2
    assert "'Jedi'" in err and "Allowed answers" in err and "    Muslim" in err


def test_argparse_errors_exit_2(capsys) -> None:
    assert run([])[0] == 2
    assert run(["reach"])[0] == 2
    assert "usage" in capsys.readouterr().err


def test_semicolon_exports_and_windows_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "excel.csv", "Âge;Sex\n14;Female\n15;Male\n".encode("cp1252"))
    status, out = run(reach(path, "--column", "age=Âge", "--column", "sex=Sex", "--json"))
    assert status == 0
    assert json.loads(out)["responses"] == 2
