"""Every CSV and XLSX file Engage writes: one escaping rule, one encoding.

Whatever a cell holds may have been typed by a respondent, a member or an officer,
so every writer here escapes every cell against formula injection: a caller cannot
forget to. Escaping is idempotent, so a frame escaped earlier comes out the same.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import pandas as pd

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# utf-8-sig so Excel opens accents, dashes and emoji correctly.
ENCODING = "utf-8-sig"

# Spreadsheet programs treat cells starting with these as formulas (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "|", "%", "\t", "\r")


def escape_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """The cell a spreadsheet user typed, from one ``escape_cell`` wrote.

    For files Engage reads back (a translation agency's CSV): a leading apostrophe
    before a formula trigger is the escape, not part of the text.
    """
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(escape_cell)


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, lineterminator: str = "\r\n"
) -> bytes:
    """A header row and data rows as CSV, every cell escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerow([escape_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return buffer.getvalue().encode(ENCODING)


def frame_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as CSV (columns as the header, no index), every cell escaped."""
    return str(escape_frame(frame).to_csv(index=False)).encode(ENCODING)


def frame_xlsx_bytes(frame: pd.DataFrame, *, sheet_name: str) -> bytes:
    """A frame as a one-sheet workbook (columns as the header, no index), every cell escaped."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        escape_frame(frame).to_excel(writer, index=False, sheet_name=sheet_name)
    return buffer.getvalue()
