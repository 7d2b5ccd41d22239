"""Import, list, read and delete population baselines.

Files are in the tidy census format (see ``data/README.md``): one row per area,
dimension, category and optional age band. A file is read and checked in full
before anything is written, and every problem is reported at once with its
data row number (the first row after the header is row 1), so an officer can fix
a spreadsheet in one pass. Services flush but never commit: the caller's single
transaction either stores the whole baseline or nothing.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from engage.db import utcnow
from engage.errors import Conflict, InvalidInput, NotFound
from engage.population.models import PopulationBaseline, PopulationCount

REQUIRED_COLUMNS = ("area_code", "dimension", "category", "count")
OPTIONAL_COLUMNS = ("area_name", "age_band")
KNOWN_DIMENSIONS = (
    "age",
    "disability",
    "ethnic_group",
    "ethnic_group_broad",
    "main_language",
    "religion",
    "sex",
)
FRAME_COLUMNS = ["area_code", "dimension", "category", "count", "age_band"]
# Column widths in population_count; longer values are reported rather than truncated.
MAX_LENGTHS = {"area_code": 20, "dimension": 30, "category": 200, "age_band": 20}
MAX_COUNT = 2_147_483_647  # a 32-bit INTEGER on PostgreSQL
MAX_NAME_LENGTH = 120
# "12" and "12.0" (what spreadsheets and pandas write for whole floats) are whole numbers.
WHOLE_NUMBER = re.compile(r"[+-]?\d+(?:\.0*)?")


class PopulationFileError(InvalidInput):
    """A population file that cannot be imported; ``problems`` lists every reason."""

    title = "The population file cannot be imported"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class BaselineExists(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"A population baseline called '{name}' already exists.")
        self.name = name


@dataclass(frozen=True)
class ImportSummary:
    baseline: PopulationBaseline
    rows: int
    areas: int
    dimensions: list[str]
    replaced: bool


def read_population_file(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The file's cells as text, or PopulationFileError saying why it cannot be read."""
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise PopulationFileError([f"{path} is a folder, not a CSV file"]) from None
    except FileNotFoundError:
        raise PopulationFileError([f"{path} does not exist"]) from None
    except OSError as exc:
        raise PopulationFileError([f"{path} cannot be read: {exc.strerror or exc}"]) from None
    return parse_population_csv(data)


def parse_population_csv(data: bytes) -> pd.DataFrame:
    """Parse CSV bytes into a frame of stripped text cells (no type conversion yet).

    Cells stay text so that problems can quote exactly what the file says
    ("not '12.5'"), and so pandas never turns a code like "0123" into a number.
    """
    if not data.strip():
        raise PopulationFileError(["the file is empty"])
    if b"\x00" in data[:8192]:
        raise PopulationFileError(
            ["this is not a CSV file (it contains binary data); save it as CSV (UTF-8)"]
        )
    try:
        text = data.decode("utf-8-sig")  # tolerate the byte-order mark Excel writes
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PopulationFileError(
            [f"line {line}: the file is not UTF-8 text; save it as CSV (UTF-8)"]
        ) from None

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        lines = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise PopulationFileError(
            [f"line {reader.line_num}: this is not valid CSV ({exc})"]
        ) from None
    if not lines:
        raise PopulationFileError(["the file is empty"])

    _, header = lines[0]
    columns = [cell.strip().lower() for cell in header]
    problems: list[str] = []
    if any(not c for c in columns):
        problems.append("the header row has an empty column name")
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        problems.append(f"the header row names these columns twice: {', '.join(repeated)}")
    rows: list[list[str]] = []
    for number, (_, row) in enumerate(lines[1:], start=1):
        if len(row) != len(columns):
            problems.append(
                f"row {number}: {len(row)} values, but the header has {len(columns)} columns"
            )
        else:
            rows.append([cell.strip() for cell in row])
    if problems:
        raise PopulationFileError(problems)
    return pd.DataFrame(rows, columns=columns, dtype=object)


def validate_population_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a tidy population frame and return it typed and cleaned.

    Returns columns area_code, dimension, category, count (int64) and age_band
    (None where absent), in the input's row order. Raises PopulationFileError
    listing every problem, with 1-based data row numbers.
    """
    cells = frame.rename(columns=lambda c: str(c).strip().lower())
    present = set(cells.columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    problems: list[str] = []
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if cells.empty:
        problems.append("the file has a header but no data rows")
        raise PopulationFileError(problems)

    text = {
        column: [_cell(v) for v in cells[column]]
        for column in (*REQUIRED_COLUMNS, "age_band")
        if column in present
    }
    blank = [""] * len(cells)
    known = ", ".join(KNOWN_DIMENSIONS)
    counts: list[int] = []
    for i in range(len(cells)):
        row = i + 1
        for column in ("area_code", "dimension", "category"):
            if column in text and not text[column][i]:
                problems.append(f"row {row}: {column} is empty")
        for column, limit in MAX_LENGTHS.items():
            value = text.get(column, blank)[i]
            if len(value) > limit:
                problems.append(
                    f"row {row}: {column} is longer than {limit} characters ('{value[:40]}…')"
                )
        if "dimension" in text and text["dimension"][i]:
            dimension = text["dimension"][i]
            if dimension not in KNOWN_DIMENSIONS:
                problems.append(f"row {row}: unknown dimension '{dimension}' (known: {known})")
        if "count" in text:
            count, problem = _parse_count(text["count"][i])
            if problem:
                problems.append(f"row {row}: {problem}")
            counts.append(count)

    if not missing:
        age_bands = text.get("age_band", blank)
        keys = zip(text["area_code"], text["dimension"], text["category"], age_bands, strict=True)
        seen: dict[tuple[str, str, str, str], list[int]] = {}
        for row, key in enumerate(keys, start=1):
            seen.setdefault(key, []).append(row)
        for rows in seen.values():
            if len(rows) > 1:
                times = "twice" if len(rows) == 2 else f"{len(rows)} times"
                problems.append(
                    f"rows {_join(rows)}: the same area, dimension, category and age band {times}"
                )

    if problems:
        raise PopulationFileError(problems)
    return pd.DataFrame(
        {
            "area_code": text["area_code"],
            "dimension": text["dimension"],
            "category": text["category"],
            "count": pd.Series(counts, dtype="int64"),
            # object, not pandas' string dtype, so a missing band is None rather than NaN.
            "age_band": pd.Series([v or None for v in text.get("age_band", blank)], dtype=object),
        },
        columns=FRAME_COLUMNS,
    )


def import_population(
    session: Session,
    path_or_frame: str | os.PathLike[str] | pd.DataFrame,
    *,
    name: str,
    source_note: str = "",
    replace: bool = False,
) -> PopulationBaseline:
    """Store a whole baseline from a file or frame; see ``import_population_summary``."""
    return import_population_summary(
        session, path_or_frame, name=name, source_note=source_note, replace=replace
    ).baseline


def import_population_summary(
    session: Session,
    path_or_frame: str | os.PathLike[str] | pd.DataFrame,
    *,
    name: str,
    source_note: str = "",
    replace: bool = False,
) -> ImportSummary:
    """Validate everything first, then insert every row; flushes, never commits.

    Replacing keeps the baseline's id (so anything that refers to it still
    does), swaps all of its counts for the new file's and resets created_at
    to the time of this import.
    """
    name = name.strip()
    if not name:
        raise InvalidInput("Give the baseline a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"The baseline name must be at most {MAX_NAME_LENGTH} characters.")
    if isinstance(path_or_frame, pd.DataFrame):
        frame = validate_population_frame(path_or_frame)
    else:
        frame = validate_population_frame(read_population_file(path_or_frame))

    baseline = session.scalars(
        select(PopulationBaseline).where(PopulationBaseline.name == name)
    ).one_or_none()
    replaced = baseline is not None
    if baseline is not None:
        if not replace:
            raise BaselineExists(name)
        session.execute(
            delete(PopulationCount).where(PopulationCount.baseline_id == baseline.id),
            execution_options={"synchronize_session": False},
        )
        session.expire(baseline, ["counts"])
        baseline.created_at = utcnow()
    else:
        baseline = PopulationBaseline(name=name)
        session.add(baseline)
    # A replacement without a new note keeps the old one: losing a licence line silently is worse.
    if source_note.strip() or not replaced:
        baseline.source_note = source_note.strip() or None
    session.flush()

    records = [
        {
            "baseline_id": baseline.id,
            "area_code": area_code,
            "dimension": dimension,
            "category": category,
            "age_band": age_band,
            "count": int(count),
        }
        for area_code, dimension, category, count, age_band in frame.itertuples(
            index=False, name=None
        )
    ]
    session.execute(insert(PopulationCount), records)
    session.flush()
    return ImportSummary(
        baseline=baseline,
        rows=len(frame),
        areas=int(frame["area_code"].nunique()),
        dimensions=sorted(frame["dimension"].unique().tolist()),
        replaced=replaced,
    )


def list_baselines(session: Session) -> list[PopulationBaseline]:
    return list(session.scalars(select(PopulationBaseline).order_by(PopulationBaseline.name)))


def get_baseline(session: Session, baseline_id: int) -> PopulationBaseline:
    baseline = session.get(PopulationBaseline, baseline_id)
    if baseline is None:
        raise NotFound("That population baseline does not exist.")
    return baseline


def count_rows(session: Session, baseline_id: int) -> int:
    total = session.scalar(
        select(func.count())
        .select_from(PopulationCount)
        .where(PopulationCount.baseline_id == baseline_id)
    )
    return int(total or 0)


def baseline_frame(session: Session, baseline_id: int) -> pd.DataFrame:
    """The baseline's counts as a tidy frame, in the order they were imported."""
    get_baseline(session, baseline_id)
    rows = session.execute(
        select(
            PopulationCount.area_code,
            PopulationCount.dimension,
            PopulationCount.category,
            PopulationCount.count,
            PopulationCount.age_band,
        )
        .where(PopulationCount.baseline_id == baseline_id)
        .order_by(PopulationCount.id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=FRAME_COLUMNS, dtype=object)
    frame["count"] = frame["count"].astype("int64")
    return frame


def delete_baseline(session: Session, baseline_id: int) -> None:
    baseline = get_baseline(session, baseline_id)
    session.delete(baseline)  # counts go with it (ON DELETE CASCADE)
    session.flush()


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    return str(value).strip()


def _parse_count(raw: str) -> tuple[int, str]:
    if not raw:
        return 0, "count is empty"
    if not WHOLE_NUMBER.fullmatch(raw):
        return 0, f"count must be a whole number, not '{raw}'"
    count = int(raw.split(".")[0])
    if count < 0:
        return 0, f"count must not be negative, not '{raw}'"
    if count > MAX_COUNT:
        return 0, f"count {raw} is too large"
    return count, ""


def _join(rows: list[int]) -> str:
    if len(rows) == 1:
        return str(rows[0])
    return ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"
