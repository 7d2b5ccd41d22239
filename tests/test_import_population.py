"""`flask --app engage import-population` and the population baseline services."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.errors import InvalidInput, NotFound
from engage.population import services
from engage.population.models import PopulationBaseline, PopulationCount

HEADER = "area_code,area_name,dimension,category,age_band,count\n"
WARDS = HEADER + (
    "E05001234,Castle and Priory,sex,Female,,5120\n"
    "E05001234,Castle and Priory,sex,Male,,4980\n"
    "E05001234,Castle and Priory,sex,Female,11-17,402\n"
    "E05001234,Castle and Priory,sex,Male,11-17,431\n"
    "E05001235,St James's,sex,Female,,6011\n"
    "E05001235,St James's,sex,Male,,5893\n"
    "E05001235,St James's,sex,Female,11-17,512\n"
    "E05001235,St James's,sex,Male,11-17,0\n"
    'E05001235,St James\'s,religion,"Other religion",11-17,7\n'
)
WARDS_ROWS = [
    ("E05001234", "sex", "Female", 5120, None),
    ("E05001234", "sex", "Male", 4980, None),
    ("E05001234", "sex", "Female", 402, "11-17"),
    ("E05001234", "sex", "Male", 431, "11-17"),
    ("E05001235", "sex", "Female", 6011, None),
    ("E05001235", "sex", "Male", 5893, None),
    ("E05001235", "sex", "Female", 512, "11-17"),
    ("E05001235", "sex", "Male", 0, "11-17"),
    ("E05001235", "religion", "Other religion", 7, "11-17"),
]
PLAIN = "area_code,dimension,category,count\n"


def write(tmp_path: Path, content: str | bytes, name: str = "baseline.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def run(app: Flask, path: Path, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["import-population", str(path), *args])


def stored(session: Session) -> tuple[int, int]:
    """(baselines, counts) as committed; ends the read so the next call sees new commits."""
    session.rollback()
    baselines = session.scalar(select(func.count()).select_from(PopulationBaseline))
    counts = session.scalar(select(func.count()).select_from(PopulationCount))
    session.rollback()
    return int(baselines or 0), int(counts or 0)


def rows_of(session: Session, name: str) -> list[tuple[str, str, str, int, str | None]]:
    session.rollback()
    baseline = session.scalars(
        select(PopulationBaseline).where(PopulationBaseline.name == name)
    ).one()
    frame = services.baseline_frame(session, baseline.id)
    return list(frame.itertuples(index=False, name=None))


def test_valid_file_imports_every_row(app: Flask, session: Session, tmp_path: Path) -> None:
    result = run(
        app,
        write(tmp_path, WARDS),
        "--name",
        "Dudley wards 2024",
        "--source",
        "ONS Census 2021, OGL v3",
    )

    assert result.exit_code == 0, result.output
    assert (
        "Imported population baseline 'Dudley wards 2024': 9 rows, 2 areas, "
        "2 dimensions (religion, sex)."
    ) in result.stdout
    assert stored(session) == (1, 9)
    assert rows_of(session, "Dudley wards 2024") == WARDS_ROWS
    baseline = session.scalars(select(PopulationBaseline)).one()
    assert baseline.source_note == "ONS Census 2021, OGL v3"
    assert baseline.created_at is not None


def test_file_without_age_band_or_area_name_columns(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    content = "\ufeff" + PLAIN + "SCH01,sex,Female,310\r\nSCH01,sex,Male,298\r\n\r\n"
    result = run(app, write(tmp_path, content), "--name", "Oak Park School roll")

    assert result.exit_code == 0, result.output
    assert "2 rows, 1 area, 1 dimension (sex)" in result.stdout
    assert rows_of(session, "Oak Park School roll") == [
        ("SCH01", "sex", "Female", 310, None),
        ("SCH01", "sex", "Male", 298, None),
    ]


@pytest.fixture
def existing(app: Flask, session: Session, tmp_path: Path) -> tuple[int, int]:
    """One baseline already stored, so 'nothing stored' also means 'nothing changed'."""
    result = run(app, write(tmp_path, WARDS, "existing.csv"), "--name", "Existing")
    assert result.exit_code == 0, result.output
    before = stored(session)
    assert before == (1, 9)
    return before


BAD_FILES: list[tuple[str, str | bytes, list[str]]] = [
    (
        "unknown dimension",
        PLAIN + "E05001234,sex,Male,4\nE05001234,ethnicity,White,3\n",
        [
            "row 2: unknown dimension 'ethnicity' (known: age, disability, ethnic_group, "
            "ethnic_group_broad, main_language, religion, sex)"
        ],
    ),
    (
        "negative count",
        PLAIN + "E05001234,sex,Male,-5\n",
        ["row 1: count must not be negative, not '-5'"],
    ),
    (
        "non-integer count",
        PLAIN + "E05001234,sex,Male,4\nE05001234,sex,Female,3\nE05001235,sex,Male,12.5\n",
        ["row 3: count must be a whole number, not '12.5'"],
    ),
    (
        "text count",
        PLAIN + "E05001234,sex,Male,about 40\n",
        ["row 1: count must be a whole number, not 'about 40'"],
    ),
    (
        "empty count",
        PLAIN + "E05001234,sex,Male,\n",
        ["row 1: count is empty"],
    ),
    (
        "duplicate rows",
        HEADER
        + "E05001234,A,sex,Male,,4\n"
        + "E05001234,A,sex,Male,11-17,4\n"
        + "E05001234,A,sex,Male,,5\n",
        [
            "rows 1 and 3: the same area, dimension, category and age band twice "
            "(E05001234, sex, Male, all ages)"
        ],
    ),
    (
        "unknown category",
        PLAIN + "E05001234,sex,Female,4\nE05001234,sex,Man,3\n",
        ["row 2: unknown sex category 'Man' (known: Female; Male)"],
    ),
    (
        "missing column",
        "area_code,dimension,category\nE05001234,sex,Male\n",
        ["missing column: count (the file has area_code, dimension, category)"],
    ),
    ("empty file", b"", ["the file is empty"]),
    ("blank lines only", "\n \n\n", ["the file is empty"]),
    ("header only", PLAIN, ["the file has a header but no data rows"]),
    (
        "non-UTF-8 bytes",
        (PLAIN + "E05001234,sex,Male,4\nE05001234,religion,Caf\xe9,3\n").encode("latin-1"),
        ["line 3: the file is not UTF-8 text; save it as CSV (UTF-8)"],
    ),
    (
        "not a CSV at all (binary)",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00xl/workbook.xml",
        ["this is not a CSV file (it contains binary data); save it as CSV (UTF-8)"],
    ),
    (
        "not a CSV at all (JSON)",
        '{"area_code": "E05001234", "count": 4}\n',
        [
            "missing columns: area_code, dimension, category, count "
            '(the file has {"area_code": "E05001234", "count": 4})',
            "the file has a header but no data rows",
        ],
    ),
    (
        "ragged rows",
        PLAIN + "E05001234,sex,Male,4\nE05001234,sex,Female,3,9\n",
        ["row 2: 5 values, but the header has 4 columns"],
    ),
    (
        "unterminated quote",
        PLAIN + 'E05001234,sex,"Male,4\n',
        ["line 2: this is not valid CSV (unexpected end of data)"],
    ),
]


@pytest.mark.parametrize(
    ("content", "messages"),
    [pytest.param(content, messages, id=case) for case, content, messages in BAD_FILES],
)
def test_bad_file_is_refused_with_its_problem_and_stores_nothing(
    app: Flask,
    session: Session,
    tmp_path: Path,
    existing: tuple[int, int],
    content: str | bytes,
    messages: list[str],
) -> None:
    result = run(app, write(tmp_path, content), "--name", "New baseline")

    assert result.exit_code == 2, result.output
    problems = result.stderr.splitlines()
    assert problems[:-1] == messages
    assert problems[-1].startswith("Nothing was imported")
    assert result.stdout == ""
    assert stored(session) == existing


def test_bad_file_does_not_touch_the_baseline_it_would_replace(
    app: Flask, session: Session, tmp_path: Path, existing: tuple[int, int]
) -> None:
    result = run(
        app, write(tmp_path, PLAIN + "E05001234,sex,Male,-1\n"), "--name", "Existing", "--replace"
    )

    assert result.exit_code == 2
    assert stored(session) == existing
    assert rows_of(session, "Existing") == WARDS_ROWS


def test_bad_last_row_leaves_nothing_half_imported(
    app: Flask, session: Session, tmp_path: Path, existing: tuple[int, int]
) -> None:
    good = "".join(f"W{i:04d},age,{i % 90},{i}\n" for i in range(1, 500))
    result = run(app, write(tmp_path, PLAIN + good + "W9999,age,17,seven\n"), "--name", "Big")

    assert result.exit_code == 2
    assert "row 500: count must be a whole number, not 'seven'" in result.stderr
    assert stored(session) == existing


def test_every_problem_is_listed_at_once(app: Flask, session: Session, tmp_path: Path) -> None:
    content = HEADER + (
        "E05001234,A,sex,Male,,12.5\n"
        "E05001234,A,gender,Male,,3\n"
        ",A,sex,Female,,-2\n"
        "E05001234,A,sex,Male,,12\n"
    )
    result = run(app, write(tmp_path, content), "--name", "Many problems")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[:-1] == [
        "row 1: count must be a whole number, not '12.5'",
        "row 2: unknown dimension 'gender' (known: age, disability, ethnic_group, "
        "ethnic_group_broad, main_language, religion, sex)",
        "row 3: area_code is empty",
        "row 3: count must not be negative, not '-2'",
        "rows 1 and 4: the same area, dimension, category and age band twice "
        "(E05001234, sex, Male, all ages)",
    ]
    assert "4 problems" not in result.stderr and "5 problems" in result.stderr
    assert stored(session) == (0, 0)


def test_same_name_twice_is_refused_without_replace(
    app: Flask, session: Session, tmp_path: Path, existing: tuple[int, int]
) -> None:
    result = run(app, write(tmp_path, PLAIN + "E05001234,sex,Male,4\n"), "--name", "Existing")

    assert result.exit_code == 2
    assert (
        "A population baseline called 'Existing' already exists. Use --replace to replace it."
        in result.stderr
    )
    assert stored(session) == existing
    assert rows_of(session, "Existing") == WARDS_ROWS


def test_replace_swaps_the_figures_and_keeps_the_baseline(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    first = run(app, write(tmp_path, WARDS), "--name", "Wards", "--source", "ONS, OGL v3")
    assert first.exit_code == 0, first.output
    session.rollback()
    original = session.scalars(select(PopulationBaseline)).one()
    original_id, original_created = original.id, original.created_at

    new = PLAIN + "E05001234,sex,Female,5200\nE05001234,sex,Male,5010\n"
    result = run(app, write(tmp_path, new, "new.csv"), "--name", "Wards", "--replace")

    assert result.exit_code == 0, result.output
    assert "Replaced population baseline 'Wards': 2 rows, 1 area, 1 dimension (sex)." in (
        result.stdout
    )
    assert stored(session) == (1, 2)
    assert rows_of(session, "Wards") == [
        ("E05001234", "sex", "Female", 5200, None),
        ("E05001234", "sex", "Male", 5010, None),
    ]
    baseline = session.scalars(select(PopulationBaseline)).one()
    assert baseline.id == original_id
    assert baseline.source_note == "ONS, OGL v3"  # no new --source: the note is kept
    assert baseline.created_at >= original_created


def test_missing_file_is_a_clear_error(app: Flask, session: Session, tmp_path: Path) -> None:
    result = run(app, tmp_path / "nowhere.csv", "--name", "X")

    assert result.exit_code == 2
    assert "nowhere.csv does not exist" in result.stderr
    assert stored(session) == (0, 0)


# The services directly


def test_import_from_frame_flushes_but_does_not_commit(app: Flask, session: Session) -> None:
    frame = pd.DataFrame(
        {
            "area_code": ["SCH01", "SCH01"],
            "dimension": ["sex", "sex"],
            "category": ["Female", "Male"],
            "count": [310, 298],
        }
    )
    baseline = services.import_population(session, frame, name=" Oak Park School roll ")

    assert baseline.id is not None
    assert baseline.name == "Oak Park School roll"
    assert baseline.source_note is None
    assert services.count_rows(session, baseline.id) == 2
    assert [b.name for b in services.list_baselines(session)] == ["Oak Park School roll"]
    session.rollback()
    assert stored(session) == (0, 0)


def test_frame_and_listing_and_delete(app: Flask, session: Session, tmp_path: Path) -> None:
    wards = services.import_population(session, write(tmp_path, WARDS), name="Wards")
    school = services.import_population(
        session, write(tmp_path, PLAIN + "SCH01,sex,Male,1\n", "s.csv"), name="A school"
    )
    session.commit()

    frame = services.baseline_frame(session, wards.id)
    assert list(frame.columns) == ["area_code", "dimension", "category", "count", "age_band"]
    assert frame["count"].dtype == "int64"
    assert list(frame.itertuples(index=False, name=None)) == WARDS_ROWS
    assert [b.name for b in services.list_baselines(session)] == ["A school", "Wards"]

    services.delete_baseline(session, wards.id)
    session.commit()
    assert stored(session) == (1, 1)
    assert [b.id for b in services.list_baselines(session)] == [school.id]
    with pytest.raises(NotFound):
        services.baseline_frame(session, wards.id)
    with pytest.raises(NotFound):
        services.delete_baseline(session, wards.id)


def test_import_stores_rows_as_the_census_validator_cleans_them(
    app: Flask, session: Session
) -> None:
    raw = pd.DataFrame(
        {
            "Area Code ": [" e05001234", "E05001234", "E05001234"],
            "dimension": ["sex", "sex", "ethnic_group_broad"],
            "category": ["male ", "Female", "White: Irish"],
            "count": ["1,200", "7.0", 3],
            "age_band": ["", "11 - 17", "10-17"],
        }
    )
    baseline = services.import_population(session, raw, name="Cleaned")

    assert list(services.baseline_frame(session, baseline.id).itertuples(index=False)) == [
        ("E05001234", "sex", "Male", 1200, None),
        ("E05001234", "sex", "Female", 7, "11-17"),
        ("E05001234", "ethnic_group", "White", 3, "10-17"),
    ]
    assert raw["count"].tolist() == ["1,200", "7.0", 3]  # input untouched


def test_values_too_big_to_store_are_reported_not_truncated(app: Flask, session: Session) -> None:
    raw = pd.DataFrame(
        {
            "area_code": ["X" * 21, "E05001234"],
            "dimension": ["sex", "sex"],
            "category": ["Male", "Female"],
            "count": [1, "2147483648"],
        }
    )
    with pytest.raises(services.PopulationFileError) as caught:
        services.import_population(session, raw, name="Too big")

    assert isinstance(caught.value, InvalidInput)  # a 422 page on the web
    assert caught.value.problems == [
        f"row 1: area_code is longer than 20 characters ('{'X' * 21}…')",
        "row 2: count must be at most 2,147,483,647, not '2147483648'",
    ]
    assert stored(session) == (0, 0)
