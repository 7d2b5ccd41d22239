"""Translation files for agencies: XLIFF 1.2 (through translate-toolkit) and CSV.

Each file names the survey and the language it is for (XLIFF: the ``original`` and
``target-language`` attributes of its ``<file>``; CSV: the ``survey_id`` and
``language`` columns of every row), so an import can refuse a file meant for another
survey or language. Every string's id is its content key (``question.feel_safe.text``).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from translate.storage import xliff

from engage import exports
from engage.i18n import get_language
from engage.surveys.models import Survey
from engage.translations.services import Incoming, Row, TranslationsRefused

XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_MIMETYPE = "application/x-xliff+xml"
CSV_COLUMNS = ("survey_id", "key", "language", "source", "translation")


class _Unit(xliff.xliffunit):
    namespace = XLIFF_NAMESPACE


class _File(xliff.xlifffile):
    """translate-toolkit writes XLIFF 1.1 by default; agencies' tools expect 1.2."""

    UnitClass = _Unit
    XMLskeleton = xliff.xlifffile.XMLskeleton.replace("1.1", "1.2")
    namespace = XLIFF_NAMESPACE


def file_label(survey: Survey) -> str:
    return f"engage-survey-{survey.id}"


def xliff_bytes(survey: Survey, language: str, rows: list[Row]) -> bytes:
    store = _File(sourcelanguage=survey.languages[0].code if survey.languages else "en")
    name = file_label(survey)
    for n, row in enumerate(rows):
        unit = store.addsourceunit(row.string.text, filename=name, createifmissing=n == 0)
        if n == 0:
            store.removedefaultfile()
        unit.setid(row.string.key)
        unit.addnote(row.string.context, origin="developer")
        if row.string.required:
            unit.addnote("Required before the survey opens in this language.", origin="developer")
        if row.text:
            unit.target = row.text
    store.settargetlanguage(language)
    return bytes(store)


def read_xliff(data: bytes, survey: Survey, language: str) -> list[Incoming]:
    try:
        store: Any = xliff.xlifffile.parsestring(data)
        names = store.getfilenames()
        target = store.gettargetlanguage()
        units = list(store.units)
    except Exception as exc:  # lxml, assertion and encoding errors alike: not XLIFF
        raise TranslationsRefused(
            ["The file is not XLIFF (or not well-formed XML): export it again as XLIFF 1.2."]
        ) from exc
    problems = []
    if names != [file_label(survey)]:
        problems.append(
            f"The file is for {', '.join(map(str, names)) or 'no survey'}, "
            f"not this survey ({file_label(survey)})."
        )
    found = get_language(target)
    if found is None or found.code != language:
        problems.append(f"The file's target language is '{target or 'not given'}', not {language}.")
    if problems:
        raise TranslationsRefused(problems)
    return [
        Incoming(
            where=f"Unit {key}",
            key=key,
            text=str(unit.target or ""),
            source=str(unit.source) if unit.source is not None else None,
        )
        for unit in units
        for key in [str(unit.getid()).rpartition("\x04")[2]]
    ]


def csv_file_bytes(survey: Survey, language: str, rows: list[Row]) -> bytes:
    return exports.csv_bytes(
        CSV_COLUMNS,
        ((survey.id, row.string.key, language, row.string.text, row.text) for row in rows),
    )


def read_csv(data: bytes, survey: Survey, language: str) -> list[Incoming]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TranslationsRefused(
            ["The file is not UTF-8 text: save it from your spreadsheet as CSV UTF-8."]
        ) from exc
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise TranslationsRefused([f"The file is not valid CSV ({exc})."]) from exc
    if not records or tuple(cell.strip() for cell in records[0]) != CSV_COLUMNS:
        raise TranslationsRefused(
            [f"The first row must name the columns {', '.join(CSV_COLUMNS)}, in that order."]
        )
    problems = []
    items = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(CSV_COLUMNS):
            problems.append(f"Row {number}: has {len(record)} cells, not {len(CSV_COLUMNS)}.")
            continue
        survey_id, key, row_language, source, translation = (
            exports.unescape_cell(cell) for cell in record
        )
        if survey_id.strip() != str(survey.id):
            problems.append(
                f"Row {number}: belongs to survey {survey_id.strip()[:20] or '(none)'}, "
                f"not this survey ({survey.id})."
            )
        found = get_language(row_language)
        if found is None or found.code != language:
            problems.append(f"Row {number}: is in '{row_language[:20]}', not {language}.")
        items.append(Incoming(f"Row {number}", key.strip(), translation, source))
    if problems:
        raise TranslationsRefused(problems)
    return items
