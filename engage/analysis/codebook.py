"""Codebooks: the themes free-text answers are coded into.

A codebook is data (``data/default_codebook.json``), edited by officers as a
CSV and exchanged with NVivo, ATLAS.ti, MAXQDA and others as a REFI-QDA
codebook (``.qdc``). Themes nest through ``parent``; two special themes,
``no_codable_content`` and ``other``, let every answer be coded to something.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

SPECIAL_KEYS = ("no_codable_content", "other")
CSV_COLUMNS = (
    "key",
    "name",
    "definition",
    "include",
    "exclude",
    "examples",
    "seeds",
    "parent",
    "version",
)
QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
# Fixed namespace for the theme GUIDs: the same key gives the same GUID in every
# export, so a re-imported codebook updates codes instead of duplicating them.
GUID_NAMESPACE = uuid.UUID("5d0c8f4e-3b7a-5b1e-9c2d-6a1f0e4b7c93")
LIST_SEPARATOR = "|"

# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_REQUIRED = ("key", "name", "definition")


class CodebookError(ValueError):
    """A codebook that cannot be used; ``problems`` lists every one found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    definition: str
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    seeds: tuple[str, ...] = ()
    parent: str | None = None
    version: int = 1


def default_codebook() -> list[Theme]:
    """The starter codebook for violence-reduction consultations with young people."""
    return list(_default_codebook())


@lru_cache(maxsize=1)
def _default_codebook() -> tuple[Theme, ...]:
    text = resources.files("engage.analysis").joinpath("data", "default_codebook.json")
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    themes = [theme_from_mapping(item) for item in data["themes"]]
    problems = validate_codebook(themes)
    if problems:
        raise CodebookError(problems)
    return tuple(themes)


def theme_from_mapping(item: Mapping[str, Any]) -> Theme:
    """A Theme from a JSON object (lists for examples and seeds)."""
    return Theme(
        key=str(item["key"]),
        name=str(item["name"]),
        definition=str(item["definition"]),
        include=str(item.get("include", "")),
        exclude=str(item.get("exclude", "")),
        examples=tuple(str(x) for x in item.get("examples", ())),
        seeds=tuple(str(x) for x in item.get("seeds", ())),
        parent=item.get("parent") or None,
        version=int(item.get("version", 1)),
    )


def validate_codebook(themes: Sequence[Theme], rows: Sequence[int] | None = None) -> list[str]:
    """Every problem with a list of themes (empty when it is usable).

    ``rows`` gives each theme's row number for the messages; by default the
    themes are rows 2, 3, ... (the header is row 1), as a spreadsheet shows
    the CSV.
    """
    numbers = list(rows) if rows is not None else list(range(2, len(themes) + 2))
    if len(numbers) != len(themes):
        raise ValueError("rows must give one number per theme")
    problems: list[str] = []
    first_row: dict[str, int] = {}
    for theme, row in zip(themes, numbers, strict=True):
        problems.extend(_theme_problems(theme, row))
        if theme.key in first_row:
            problems.append(
                f"row {row}: key {theme.key!r} is already used in row {first_row[theme.key]}"
            )
        else:
            first_row[theme.key] = row
    problems.extend(_parent_problems(themes, numbers, first_row))
    return problems


def _theme_problems(theme: Theme, row: int) -> list[str]:
    problems = []
    if not _KEY.match(theme.key):
        problems.append(f"row {row}: key {theme.key!r} is not snake_case (a-z, 0-9, _)")
    if not theme.name.strip():
        problems.append(f"row {row}: name is empty")
    if not theme.definition.strip():
        problems.append(f"row {row}: definition is empty")
    if theme.version < 1:
        problems.append(f"row {row}: version must be a whole number of 1 or more")
    if theme.parent is not None and theme.parent == theme.key:
        problems.append(f"row {row}: theme {theme.key!r} is its own parent")
    return problems


def _parent_problems(
    themes: Sequence[Theme], numbers: Sequence[int], rows: Mapping[str, int]
) -> list[str]:
    problems = []
    parents: dict[str, str | None] = {}
    for theme in themes:
        # A duplicated key is reported elsewhere; follow its first row.
        parents.setdefault(theme.key, theme.parent)
    for theme, row in zip(themes, numbers, strict=True):
        if theme.parent is not None and theme.parent != theme.key and theme.parent not in rows:
            problems.append(f"row {row}: parent {theme.parent!r} is not a key in the codebook")
    reported: set[str] = set()
    for theme in themes:
        seen: list[str] = []
        key: str | None = theme.key
        while key is not None and key in parents and key not in seen:
            seen.append(key)
            key = parents[key]
        if key is not None and key in seen and key != parents.get(key):
            cycle = seen[seen.index(key) :]
            if not reported.intersection(cycle):
                reported.update(cycle)
                where = ", ".join(f"{k!r} (row {rows[k]})" for k in cycle)
                problems.append(f"parents form a cycle: {where}")
    return problems


def codebook_to_csv(themes: Sequence[Theme]) -> str:
    """The codebook as CSV, lists joined with "|" (which is not allowed inside an item)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(codebook_rows(themes))
    return buffer.getvalue()


def codebook_rows(themes: Sequence[Theme]) -> list[list[str | int]]:
    """One row per theme, in ``CSV_COLUMNS`` order, lists joined with "|"."""
    rows: list[list[str | int]] = []
    for theme in themes:
        for items in (theme.examples, theme.seeds):
            if any(LIST_SEPARATOR in item for item in items):
                raise CodebookError([f"theme {theme.key!r}: an example or seed contains '|'"])
        rows.append(
            [
                theme.key,
                theme.name,
                theme.definition,
                theme.include,
                theme.exclude,
                LIST_SEPARATOR.join(theme.examples),
                LIST_SEPARATOR.join(theme.seeds),
                theme.parent or "",
                theme.version,
            ]
        )
    return rows


def codebook_from_csv(text: str) -> list[Theme]:
    """Themes from CSV text; raises CodebookError listing every problem found.

    Only key, name and definition columns are required; the others default.
    Row numbers in messages count records as a spreadsheet shows them (header
    = row 1, blank rows counted and skipped). A leading byte-order mark
    (Excel's "CSV UTF-8") is ignored.
    """
    try:
        records = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as error:
        raise CodebookError([f"not readable as CSV: {error}"]) from error
    numbered = [
        (number, row)
        for number, row in enumerate(records, start=1)
        if any(cell.strip() for cell in row)
    ]
    if not numbered:
        raise CodebookError(["the file is empty"])
    header_row, header_cells = numbered[0]
    header = [cell.strip().lower() for cell in header_cells]
    problems = [f"missing column {name!r}" for name in _REQUIRED if name not in header]
    problems.extend(f"unknown column {name!r}" for name in header if name not in CSV_COLUMNS)
    problems.extend(
        f"column {name!r} appears more than once"
        for name in sorted(set(header))
        if header.count(name) > 1
    )
    if problems:
        raise CodebookError(problems)
    themes: list[Theme] = []
    rows: list[int] = []
    for number, row in numbered[1:]:
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            problems.append(f"row {number}: {len(row)} cells but {len(header)} columns")
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        version, version_problem = _parse_version(cells.get("version", ""))
        if version_problem:
            problems.append(f"row {number}: {version_problem}")
        themes.append(
            Theme(
                key=cells.get("key", ""),
                name=cells.get("name", ""),
                definition=cells.get("definition", ""),
                include=cells.get("include", ""),
                exclude=cells.get("exclude", ""),
                examples=_split_list(cells.get("examples", "")),
                seeds=_split_list(cells.get("seeds", "")),
                parent=cells.get("parent") or None,
                version=version,
            )
        )
        rows.append(number)
    if not themes:
        problems.append(f"row {header_row} is a header but no themes follow it")
    problems.extend(validate_codebook(themes, rows))
    if problems:
        raise CodebookError(problems)
    return themes


def _parse_version(text: str) -> tuple[int, str | None]:
    """The version in a cell (blank means 1), and a problem when it is not a whole number.

    Spreadsheets may write 2 as "2.0", which is accepted.
    """
    if not text:
        return 1, None
    try:
        number = float(text)
    except ValueError:
        return 1, f"version {text!r} is not a whole number"
    if not number.is_integer():
        return 1, f"version {text!r} is not a whole number"
    return int(number), None


def _split_list(cell: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip())


def theme_guid(key: str) -> str:
    """The stable GUID of a theme in REFI-QDA exports."""
    return str(uuid.uuid5(GUID_NAMESPACE, key))


def codebook_to_qdc(themes: Sequence[Theme], *, name: str) -> bytes:
    """The codebook as a REFI-QDA Codebook Exchange file (``.qdc``), UTF-8 XML.

    Codes nest by ``parent``. The description carries the definition, include
    and exclude rules, examples and seed terms, since the standard has one
    free-text description per code. The schema gives ``CodeBook`` no name
    attribute, so ``name`` (the codebook's name) is written as an XML comment
    at the top, which every reader ignores but a person opening the file sees.
    """
    problems = validate_codebook(themes)
    if problems:
        raise CodebookError(problems)
    ET.register_namespace("", QDC_NAMESPACE)
    root = ET.Element(_qname("CodeBook"), {"origin": "Engage"})
    root.append(ET.Comment(f" {_comment_safe(name)} "))
    codes = ET.SubElement(root, _qname("Codes"))
    children: dict[str | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent, []).append(theme)

    def add(parent_element: ET.Element, theme: Theme) -> None:
        element = ET.SubElement(
            parent_element,
            _qname("Code"),
            {"guid": theme_guid(theme.key), "name": _xml_text(theme.name), "isCodable": "true"},
        )
        ET.SubElement(element, _qname("Description")).text = _xml_text(_description(theme))
        for child in children.get(theme.key, []):
            add(element, child)

    for theme in children.get(None, []):
        add(codes, theme)
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _qname(tag: str) -> str:
    return f"{{{QDC_NAMESPACE}}}{tag}"


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _comment_safe(text: str) -> str:
    # "--" may not appear inside an XML comment.
    return re.sub(r"-{2,}", "-", _xml_text(text)).strip("-")


def _description(theme: Theme) -> str:
    parts = [theme.definition]
    if theme.include:
        parts.append(f"Include: {theme.include}")
    if theme.exclude:
        parts.append(f"Exclude: {theme.exclude}")
    if theme.examples:
        parts.append("Examples: " + " / ".join(f'"{example}"' for example in theme.examples))
    if theme.seeds:
        parts.append("Seed terms: " + ", ".join(theme.seeds))
    parts.append(f"Engage key: {theme.key} (version {theme.version})")
    return "\n".join(parts)
