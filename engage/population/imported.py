"""Baselines from an officer's own population figures (ward counts, a school roll).

An imported table has one row per area, dimension, category and, optionally,
age band; ``validate_population_frame`` checks every row and says what is
wrong with each, and ``baseline_from_frame`` pools the rows into a baseline by
the same rules as the census figures (``census``, ``categories``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from engage.population.categories import (
    age_bands,
    age_span,
    ages_text,
    as_counts,
    band_label,
    broad_ethnic_groups,
    is_all_ages,
    join_words,
    not_answered_text,
    parse_band,
    pool_counts,
    sum_into_bands,
)
from engage.population.census import (
    DIMENSIONS,
    Baseline,
    MissingBaseline,
    UnknownAreas,
    census_labels,
)
from engage.population.mapping import census_category


class PopulationFileError(ValueError):
    """An imported population file has problems; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems[:20]) + (" ..." if len(problems) > 20 else ""))


FRAME_COLUMNS = ("area_code", "area_name", "dimension", "category", "age_band", "count")
_REQUIRED = ("area_code", "dimension", "category", "count")
# The census by-age file's name for ethnic group in broad groups (ages 10-17).
_DIMENSION_ALIASES = {"ethnic_group_broad": "ethnic_group"}
# Limits of the file format, which stored baselines (population_count) are sized
# for: GSS codes have 9 characters, a ward or school code fits in 20; a count
# is a 32-bit integer, as on PostgreSQL.
MAX_AREA_CODE_LENGTH = 20
MAX_COUNT = 2_147_483_647
# "1,200", and "12.0" as spreadsheets and pandas write whole floats.
_WHOLE_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?")

_Key = tuple[str, str, str, str | None]  # area_code, dimension, category, age_band


def validate_population_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Check an imported population table and return it cleaned.

    Columns: ``area_code``, ``dimension``, ``category``, ``count`` and,
    optionally, ``area_name`` and ``age_band`` (blank: all ages). Raises
    ``PopulationFileError`` listing every problem, rows numbered from 1 for
    the first data row, each quoting what the row says. The cleaned frame has
    all six columns, area codes in capitals, categories in their census
    spelling, age bands as "10-17" / "16+", whole counts.
    """
    problems = _column_problems(frame)
    if len(frame) == 0:
        problems.append("the file has a header but no data rows")
    if problems:
        raise PopulationFileError(problems)

    data = frame.set_axis([_column_name(c) for c in frame.columns], axis="columns")
    blank = [""] * len(data)
    text = {
        name: _text_column(data[name]) if name in data else blank
        for name in FRAME_COLUMNS
        if name != "count"
    }
    counts = data["count"].tolist()
    listed_at: dict[str, int] = {}
    keys: list[_Key | None] = []
    rows: list[tuple[str, str | None, str, str, str | None, int]] = []
    for i in range(len(data)):
        row = i + 1
        cells = (text["area_code"][i], text["dimension"][i], text["category"][i])
        key, row_problems = _row_key(*cells, text["age_band"][i], row, listed_at)
        count, count_problem = _parse_count(counts[i])
        if count_problem:
            row_problems.append(count_problem)
        problems += [f"row {row}: {problem}" for problem in row_problems]
        # A row with a bad count keeps its key, so that its duplicates are found too.
        keys.append(key)
        if key is not None and count is not None:
            area, dimension, category, band = key
            rows.append((area, text["area_name"][i] or None, dimension, category, band, count))

    problems += _duplicate_problems(keys)
    problems += _overlap_problems(keys)
    if problems:
        raise PopulationFileError(problems)
    clean = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
    for name in ("area_code", "area_name", "dimension", "category", "age_band"):
        clean[name] = clean[name].astype("string")
    clean["count"] = clean["count"].astype("int64")
    return clean


def _row_key(
    raw_area: str,
    raw_dimension: str,
    raw_category: str,
    raw_band: str,
    row: int,
    listed_at: dict[str, int],
) -> tuple[_Key | None, list[str]]:
    """A row's cells in census spelling, or None and what is wrong with them.

    ``listed_at`` remembers the row where each dimension's known categories
    were listed, so that a file full of one misspelling lists them once.
    """
    problems: list[str] = []
    area = raw_area.upper()
    if not area:
        problems.append("area_code is empty")
    elif len(area) > MAX_AREA_CODE_LENGTH:
        problems.append(
            f"area_code is longer than {MAX_AREA_CODE_LENGTH} characters ('{raw_area[:40]}…')"
        )
    given_dimension = raw_dimension.lower()
    dimension = _DIMENSION_ALIASES.get(given_dimension, given_dimension)
    if not dimension:
        problems.append("dimension is empty")
    elif dimension not in DIMENSIONS:
        known = ", ".join(sorted([*DIMENSIONS, *_DIMENSION_ALIASES]))
        problems.append(f"unknown dimension {raw_dimension!r} (known: {known})")
    category = None
    if not raw_category:
        problems.append("category is empty")
    elif dimension in DIMENSIONS:
        category = census_category(dimension, raw_category)
        if category is not None and given_dimension == "ethnic_group_broad":
            category = broad_ethnic_groups().get(category, category)
        if category is None:
            first = listed_at.setdefault(dimension, row)
            problems.append(
                f"unknown {given_dimension} category {raw_category!r} "
                f"({_known_categories(dimension, first, row)})"
            )
    band = None
    if raw_band and dimension == "age":
        problems.append(
            "age_band must be blank for the age dimension (the ages are the categories)"
        )
    elif raw_band:
        band = census_category("age", raw_band)
        if band is None:
            problems.append(f"age_band {raw_band!r} is not an age band such as 10-17, 16+ or 16")
    if problems or category is None:
        return None, problems
    return (area, dimension, category, band), problems


def baseline_from_frame(
    frame: pd.DataFrame,
    areas: Sequence[str],
    dimension: str,
    *,
    age_min: int | None,
    age_max: int | None,
    source: str = "Imported population figures",
) -> Baseline:
    """A baseline from an imported population table (ward figures, a school roll).

    The same rules as the census: counts summed over ``areas``; categories as
    the mapped sample has them (main language English or not, religion without
    "Not answered", ethnicity in broad groups if any area gives only those).
    Rows with an ``age_band`` overlapping the survey's ages are used when there
    are any, otherwise the all-ages rows, with a warning unless the ages match.
    Raises ``UnknownAreas`` for codes not in the table and ``MissingBaseline``
    for areas without figures for ``dimension``.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; expected one of {DIMENSIONS}")
    problems = _column_problems(frame)
    if problems:
        raise PopulationFileError(problems)
    low, high = age_span(age_min, age_max)
    data = frame.set_axis([_column_name(c) for c in frame.columns], axis="columns")
    area_codes = pd.Series(_text_column(data["area_code"]), index=data.index).str.upper()
    dimensions = pd.Series(_text_column(data["dimension"]), index=data.index).str.lower()
    codes = list(dict.fromkeys(str(code).strip().upper() for code in areas))
    unknown = [code for code in codes if code not in set(area_codes)]
    if unknown or not codes:
        raise UnknownAreas(unknown)
    # Only this dimension's rows for these areas need to be sound: a stray label
    # in another dimension or area must not block this comparison.
    wanted = dimensions.map(lambda d: _DIMENSION_ALIASES.get(d, d)).eq(dimension)
    subset = frame[(wanted & area_codes.isin(codes)).to_numpy()]
    if subset.empty:
        raise MissingBaseline(dimension, codes)
    rows = validate_population_frame(subset)
    _require_areas(rows, codes, dimension)
    if dimension == "age":
        return _frame_ages(rows, low, high, source)

    ages = ages_text(low, high)
    banded = rows[rows["age_band"].notna()]
    overall = rows[rows["age_band"].isna()]
    spans = {label: parse_band(label) for label in banded["age_band"].unique()}
    overlapping = [label for label, span in spans.items() if _overlaps(span, (low, high))]
    warning: str | None = None
    if is_all_ages(low, high) and not overall.empty:
        used, exact, covered = overall, True, ages
    elif overlapping:
        if is_all_ages(low, high):
            overlapping = list(spans)
        used = banded[banded["age_band"].isin(overlapping)]
        cover = _cover([spans[label] for label in overlapping])
        exact = cover == [(low, high)]
        covered = _cover_text(cover)
        if not exact:
            warning = (
                f"The imported {dimension} figures are for {covered}; the survey covers {ages}."
            )
    elif not overall.empty:
        used, exact, covered = overall, False, "all ages"
        warning = (
            f"The imported figures have no age breakdown for {dimension}: compared with "
            "everyone in them, whatever their age."
        )
    else:
        raise MissingBaseline(dimension, codes)
    _require_areas(used, codes, dimension)
    counts = pool_counts(used, dimension)
    detail = f" ({not_answered_text(used)})" if dimension == "religion" else ""
    return Baseline(
        dimension=dimension,
        counts=counts,
        source=f"{source}, {covered}{detail}",
        exact_ages=exact,
        warning=warning,
    )


def _frame_ages(rows: pd.DataFrame, low: int, high: int, source: str) -> Baseline:
    spans = rows["category"].map(parse_band)
    inside = rows[[_overlaps(span, (low, high)) for span in spans]]
    inside_spans = [parse_band(c) for c in inside["category"]]
    if inside.empty:
        raise MissingBaseline("age", sorted(set(rows["area_code"])))
    bands = age_bands(low, high)
    nested = all(
        any(b_low <= s_low and s_high <= b_high for b_low, b_high in bands)
        and s_low >= low
        and s_high <= high
        for s_low, s_high in inside_spans
    )
    cover = _cover(inside_spans)
    exact = cover == [(low, high)]
    years = inside.assign(
        age_low=[s[0] for s in inside_spans], age_high=[s[1] for s in inside_spans]
    )
    if nested:
        # A band no imported age falls in has no population to compare with.
        bands = [band for band in bands if any(_overlaps(band, s) for s in inside_spans)]
        counts = sum_into_bands(years, bands)
        warning = None
    else:
        grouped = years.groupby(["age_low", "age_high"], sort=True)["count"].sum()
        counts = pd.Series(
            grouped.to_numpy(),
            index=[band_label(int(lo), int(hi)) for lo, hi in grouped.index],
        )
        warning = (
            "The imported age groups do not fit the survey's age bands: compared with the "
            "imported groups as they are."
        )
    ages = ages_text(low, high)
    if not exact:
        gap = f"The imported age figures cover {_cover_text(cover)}; the survey covers {ages}."
        warning = f"{warning} {gap}" if warning else gap
    return Baseline(
        dimension="age",
        counts=as_counts(counts.astype("int64")),
        source=f"{source}, {_cover_text(cover)} (age)",
        exact_ages=exact,
        warning=warning,
    )


# ---------------------------------------------------------------- helpers


def _overlaps(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return span[0] <= other[1] and span[1] >= other[0]


def _cover(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _cover_text(cover: list[tuple[int, int]]) -> str:
    return join_words(ages_text(low, high) for low, high in cover) or "no ages"


def _require_areas(rows: pd.DataFrame, codes: list[str], dimension: str) -> None:
    present = set(rows["area_code"])
    missing = [code for code in codes if code not in present]
    if missing:
        raise MissingBaseline(dimension, missing)


def _column_problems(frame: pd.DataFrame) -> list[str]:
    names = [_column_name(c) for c in frame.columns]
    repeated = sorted({n for n in names if names.count(n) > 1 and n in FRAME_COLUMNS})
    problems = [f"column {n!r} appears more than once" for n in repeated]
    missing = [n for n in _REQUIRED if n not in names]
    if missing:
        problems.append(
            f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
            f"(the file has {', '.join(str(c).strip() for c in frame.columns) or 'no columns'})"
        )
    return problems


def _column_name(name: object) -> str:
    return re.sub(r"[\s-]+", "_", str(name).strip().lower())


def _text_column(column: pd.Series) -> list[str]:
    return ["" if _blank(value) else str(value).strip() for value in column.tolist()]


def _blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _known_categories(dimension: str, first_row: int, row: int) -> str:
    if dimension == "age":
        return "an age or age band such as 16, 11-14 or 90+"
    if row != first_row:
        return f"the known ones are listed at row {first_row}"
    # Semicolons, since census labels have commas in them.
    return f"known: {'; '.join(census_labels(dimension))}"


def _parse_count(value: object) -> tuple[int | None, str | None]:
    if _blank(value):
        return None, "count is empty"
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif not isinstance(value, bool | float) and _WHOLE_NUMBER.fullmatch(text):
        number = int(text.replace(",", "").split(".")[0])
    else:
        return None, f"count must be a whole number, not {text!r}"
    if number < 0:
        return None, f"count must not be negative, not {text!r}"
    if number > MAX_COUNT:
        return None, f"count must be at most {MAX_COUNT:,}, not {text!r}"
    return number, None


def _duplicate_problems(keys: list[_Key | None]) -> list[str]:
    seen: dict[_Key, list[int]] = {}
    for row, key in enumerate(keys, start=1):
        if key is not None:
            seen.setdefault(key, []).append(row)
    problems = []
    for (area, dimension, category, band), rows in seen.items():
        if len(rows) > 1:
            times = "twice" if len(rows) == 2 else f"{len(rows)} times"
            problems.append(
                f"rows {join_words(map(str, rows))}: the same area, dimension, category and "
                f"age band {times} ({area}, {dimension}, {category}, {band or 'all ages'})"
            )
    return problems


def _overlap_problems(keys: list[_Key | None]) -> list[str]:
    """Age bands that overlap would be counted twice when pooled."""
    groups: dict[tuple[str, str, str], list[tuple[tuple[int, int], int, str]]] = {}
    for row, key in enumerate(keys, start=1):
        if key is None:
            continue
        area, dimension, category, band = key
        label = category if dimension == "age" else band
        if label is None:
            continue
        group = (area, dimension, "" if dimension == "age" else category)
        groups.setdefault(group, []).append((parse_band(label), row, label))
    problems = []
    for (area, dimension, category), spans in groups.items():
        spans.sort()
        for (first, row_a, label_a), (second, row_b, label_b) in itertools.pairwise(spans):
            if second[0] <= first[1] and (first, label_a) != (second, label_b):
                what = f"{area}, {dimension}" + (f", {category}" if category else "")
                problems.append(
                    f"rows {min(row_a, row_b)} and {max(row_a, row_b)}: age bands {label_a} and "
                    f"{label_b} overlap ({what})"
                )
    return problems
