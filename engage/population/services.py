"""Import, list, read and delete population baselines.

Files are in the tidy census format (see ``data/README.md``): one row per area,
dimension, category and optional age band. A file is read and checked in full
before anything is written, and every problem is reported at once with its
data row number (the first row after the header is row 1), so an officer can fix
a spreadsheet in one pass. This module reads the file (bytes, encoding, CSV
syntax); what its rows must hold is ``imported.validate_population_frame``'s to
say. Services flush but never commit: the caller's single transaction either
stores the whole baseline or nothing.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from engage.db import utcnow
from engage.errors import Conflict, InvalidInput, NotFound
from engage.population import imported
from engage.population.models import PopulationBaseline, PopulationCount

# The columns of a stored baseline, as ``baseline_frame`` returns them.
STORED_COLUMNS = ["area_code", "dimension", "category", "count", "age_band"]
MAX_NAME_LENGTH = 120


class PopulationFileError(InvalidInput):
    """``imported.PopulationFileError`` for the web and CLI: a 422 listing ``problems``."""

    title = "The population file cannot be imported"

    def __init__(self, error: imported.PopulationFileError) -> None:
        super().__init__(str(error))
        self.problems = error.problems


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
    """The file's cells as text, or ``imported.PopulationFileError`` saying why it cannot
    be read."""
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise imported.PopulationFileError([f"{path} is a folder, not a CSV file"]) from None
    except FileNotFoundError:
        raise imported.PopulationFileError([f"{path} does not exist"]) from None
    except OSError as exc:
        message = f"{path} cannot be read: {exc.strerror or exc}"
        raise imported.PopulationFileError([message]) from None
    return parse_population_csv(data)


def parse_population_csv(data: bytes) -> pd.DataFrame:
    """Parse CSV bytes into a frame of text cells, exactly as the file has them.

    Cells stay text so that problems can quote exactly what the file says
    ("not '12.5'"), and so pandas never turns a code like "0123" into a number;
    ``imported.validate_population_frame`` trims and checks them.
    """
    if not data.strip():
        raise imported.PopulationFileError(["the file is empty"])
    if b"\x00" in data[:8192]:
        raise imported.PopulationFileError(
            ["this is not a CSV file (it contains binary data); save it as CSV (UTF-8)"]
        )
    try:
        text = data.decode("utf-8-sig")  # tolerate the byte-order mark Excel writes
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise imported.PopulationFileError(
            [f"line {line}: the file is not UTF-8 text; save it as CSV (UTF-8)"]
        ) from None

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        lines = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise imported.PopulationFileError(
            [f"line {reader.line_num}: this is not valid CSV ({exc})"]
        ) from None
    if not lines:
        raise imported.PopulationFileError(["the file is empty"])

    header, *rows = lines
    problems: list[str] = []
    if any(not cell.strip() for cell in header):
        problems.append("the header row has an empty column name")
    for number, row in enumerate(rows, start=1):
        if len(row) != len(header):
            problems.append(
                f"row {number}: {len(row)} values, but the header has {len(header)} columns"
            )
    if problems:
        raise imported.PopulationFileError(problems)
    return pd.DataFrame(rows, columns=header, dtype=object)


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
    try:
        if isinstance(path_or_frame, pd.DataFrame):
            frame = imported.validate_population_frame(path_or_frame)
        else:
            frame = imported.validate_population_frame(read_population_file(path_or_frame))
    except imported.PopulationFileError as exc:
        raise PopulationFileError(exc) from exc

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

    stored = frame[STORED_COLUMNS].astype(object)
    records = [
        {
            "baseline_id": baseline.id,
            "area_code": area_code,
            "dimension": dimension,
            "category": category,
            "age_band": None if pd.isna(age_band) else age_band,
            "count": int(count),
        }
        for area_code, dimension, category, count, age_band in stored.itertuples(
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
    frame = pd.DataFrame([tuple(r) for r in rows], columns=STORED_COLUMNS, dtype=object)
    frame["count"] = frame["count"].astype("int64")
    return frame


def delete_baseline(session: Session, baseline_id: int) -> None:
    baseline = get_baseline(session, baseline_id)
    session.delete(baseline)  # counts go with it (ON DELETE CASCADE)
    session.flush()
