"""What ``reach`` and ``code`` share: reading an officer's CSV file, finding a
column in it, ``CliError`` for every problem the officer can fix, and the two
bits of plain-text output both reports use.

Exports come from many tools (MS Forms, SmartSurvey, Citizen Space, Excel), so
the reading is forgiving about encoding and delimiter and strict about the
rest: a file that cannot be read is a ``CliError`` saying why, never a
traceback.
"""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pandas as pd


class CliError(Exception):
    """A problem with the command line or the input file, told to the user as it is."""


def read_answers(file: str) -> pd.DataFrame:
    """The export's cells as text ("" blanks become NA), or ``CliError``."""
    path = Path(file)
    if not path.exists():
        raise CliError(f"{file}: no such file")
    if path.is_dir():
        raise CliError(f"{file} is a folder, not a CSV file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CliError(f"{file} cannot be read: {error.strerror or error}") from None
    if not data.strip():
        raise CliError(f"{file} is empty")
    if b"\x00" in data[:8192]:
        raise CliError(
            f"{file} is not a CSV file (it holds binary data); if it is a spreadsheet, "
            "save it as CSV first"
        )
    text = decode(data, file)
    try:
        frame = pd.read_csv(
            StringIO(text),
            sep=_delimiter(text),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise CliError(f"{file} is empty") from None
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        detail = " ".join(str(error).split())
        raise CliError(f"{file} is not a readable CSV file: {detail}") from None
    if frame.empty:
        raise CliError(f"{file} has a header row but no responses")
    return frame


def decode(data: bytes, file: str) -> str:
    """A file's bytes as text: UTF-8 (with or without a BOM), else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):  # cp1252: Excel's "CSV" on Windows
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CliError(f"{file} is not text in a known encoding; save it as CSV (UTF-8)")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(text[:65536], delimiters=",;\t").delimiter
    except csv.Error:
        return ","
    return sniffed if sniffed in header else ","


def find_column(headers: list[str], wanted: str) -> str | None:
    """The header an officer means by ``wanted``: exact, else the one equal ignoring
    case and spacing; None when there is no such header, or more than one."""
    if wanted in headers:
        return wanted
    loose = [header for header in headers if _loose(header) == _loose(wanted)]
    return loose[0] if len(loose) == 1 else None


def _loose(text: str) -> str:
    return " ".join(text.split()).casefold()


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def text_table(headings: list[str], rows: list[list[str]], *, left_aligned: int) -> list[str]:
    """Lines of a table in aligned columns: the first ``left_aligned`` columns to
    the left, the rest (numbers) to the right, a rule under the headings."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i < left_aligned else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    return [line(headings), line(["-" * w for w in widths]), *(line(r) for r in rows)]
