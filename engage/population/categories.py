"""How Census 2021 categories group: age bands, and the categories a baseline compares.

Two kinds of grouping, both data rather than code:

- **Ages.** Census single years and bands (``AGE_CUTS``) nest into the bands a
  survey's ages are compared in (``age_bands``); a band is written "11-14",
  "16" or "75+" (``band_label``) and read back with ``parse_band``.
- **Categories.** Census cells collapse into the categories a baseline compares
  (main language to English / not English; religion without "Not answered"),
  listed in the published ONS order, and the 19 detailed ethnic groups group
  into 5 broad ones. The tables are ``data/census_mapping.json``
  (``baseline_categories``, ``category_order``) and
  ``data/broad_ethnic_groups.csv``; ``category_tables`` reads them once.

``census`` (the package's census figures) and ``imported`` (an officer's own
figures) build baselines with these rules; ``mapping`` maps survey answers onto
the same categories. This module knows none of them.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

MAX_AGE = 120
# Where census 5-year (then 10-year) age bands start: survey bands nest in
# these, so "under 25" and "16-24" can both be rebuilt from them.
AGE_CUTS: tuple[int, ...] = (10, 15, 20, 25, 30, 35, 45, 55, 65, 75)

_BAND = re.compile(r"(?P<low>\d{1,3})\s*(?:(?P<plus>\+)|(?:-|–|to)\s*(?P<high>\d{1,3}))?")


# ---------------------------------------------------------------- ages


def age_span(age_min: int | None, age_max: int | None) -> tuple[int, int]:
    """A survey's ages as (low, high), 0 and ``MAX_AGE`` for an open end; ValueError
    for anything that is not a range of whole years from 0 to ``MAX_AGE``."""
    for value in (age_min, age_max):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | np.integer)
        ):
            raise ValueError(f"ages must be whole numbers, not {value!r}")
    low = 0 if age_min is None else int(age_min)
    high = MAX_AGE if age_max is None else int(age_max)
    if not 0 <= low <= high <= MAX_AGE:
        raise ValueError(f"not an age range: {age_min}-{age_max} (0 to {MAX_AGE}, low to high)")
    return low, high


def is_all_ages(low: int, high: int) -> bool:
    return low == 0 and high >= MAX_AGE


def ages_text(low: int, high: int) -> str:
    """ "all ages", "ages 16 and over", "age 16" or "ages 11-25", for sources and warnings."""
    if is_all_ages(low, high):
        return "all ages"
    if high >= MAX_AGE:
        return f"ages {low} and over"
    if low == high:
        return f"age {low}"
    return f"ages {low}-{high}"


def age_bands(age_min: int | None, age_max: int | None) -> list[tuple[int, int]]:
    """Bands that nest in the census age bands, clipped to the survey's ages.

    A band of a single year at either end is merged into its neighbour when at
    least two bands remain (11-25 gives 11-14, 15-19, 20-25, not a band of
    25-year-olds alone). No ages gives 0-9, 10-14, ... 65-74, 75-120.
    """
    low, high = age_span(age_min, age_max)
    edges = [0, *AGE_CUTS, MAX_AGE + 1]
    bands = [
        (max(start, low), min(stop - 1, high))
        for start, stop in itertools.pairwise(edges)
        if start <= high and stop - 1 >= low
    ]
    if len(bands) > 2 and bands[-1][0] == bands[-1][1]:
        bands[-2:] = [(bands[-2][0], bands[-1][1])]
    if len(bands) > 2 and bands[0][0] == bands[0][1]:
        bands[:2] = [(bands[0][0], bands[1][1])]
    return bands


def band_label(low: int, high: int) -> str:
    """Label of an age band: "16", "11-14", or "75+" for a band open at the top (census 90+)."""
    if high >= 90:
        return f"{low}+"
    if low == high:
        return str(low)
    return f"{low}-{high}"


def parse_band(label: str) -> tuple[int, int]:
    """(low, high) of an age or band label: "16", "11-14", "75+" (high 120)."""
    text = str(label).strip()
    match = _BAND.fullmatch(text)
    if match is None:
        raise ValueError(f"not an age band: {label!r}")
    low = int(match["low"])
    if match["plus"]:
        high = MAX_AGE
    elif match["high"] is not None:
        high = int(match["high"])
    else:
        high = low
    if low > high or high > MAX_AGE:
        raise ValueError(f"not an age band: {label!r}")
    return low, high


def sum_into_bands(years: pd.DataFrame, bands: list[tuple[int, int]]) -> pd.Series:
    """Single years (or bands that nest) summed into ``bands``, keyed by band label.

    ``years`` has ``age_low``, ``age_high`` and ``count`` columns.
    """
    totals = []
    for low, high in bands:
        inside = (years["age_low"] <= high) & (years["age_high"] >= low)
        totals.append(int(years.loc[inside, "count"].sum()))
    return as_counts(
        pd.Series(totals, index=[band_label(lo, hi) for lo, hi in bands], dtype="int64")
    )


# ---------------------------------------------------------------- categories


@dataclass(frozen=True)
class CategoryTables:
    """The grouping tables, as read from the data files."""

    # dimension -> census cell -> the category a baseline compares (None: left out)
    collapse: Mapping[str, Mapping[str, str | None]]
    order: Mapping[str, Sequence[str]]  # dimension -> categories in ONS order
    broad_of: Mapping[str, str]  # detailed ethnic group -> its broad group


@cache
def category_tables() -> CategoryTables:
    data = resources.files("engage.population").joinpath("data/census_mapping.json")
    spec = json.loads(data.read_text(encoding="utf-8"))
    collapse: dict[str, dict[str, str | None]] = {
        dimension: dict(cells)
        for dimension, cells in spec["baseline_categories"].items()
        if dimension != "about"
    }
    order: dict[str, list[str]] = {
        dimension: list(labels) for dimension, labels in spec["category_order"].items()
    }
    return CategoryTables(collapse=collapse, order=order, broad_of=_read_broad_groups())


def baseline_category(dimension: str, label: str) -> str | None:
    """The category a baseline compares for a census cell (None: left out).

    Main language collapses to English / not English; religion leaves out
    "Not answered", since a refusal is not a group the sample can be in.
    """
    return category_tables().collapse.get(dimension, {}).get(label, label)


def category_order(dimension: str) -> list[str]:
    """Census categories of a dimension in the published ONS order."""
    tables = category_tables()
    if dimension == "ethnic_group":
        return [*tables.broad_of, *dict.fromkeys(tables.broad_of.values())]
    return list(tables.order.get(dimension, []))


def broad_ethnic_groups() -> dict[str, str]:
    """Detailed census ethnic group -> its broad group (broad_ethnic_groups.csv)."""
    return dict(category_tables().broad_of)


def is_broad_ethnic(categories: Iterable[str]) -> bool:
    """Whether ethnic group categories are the five broad groups only."""
    broad = set(category_tables().broad_of.values())
    labels = set(categories)
    return bool(labels) and labels <= broad


def pool_counts(rows: pd.DataFrame, dimension: str) -> pd.Series:
    """Counts summed over areas (and bands), on the categories a baseline compares.

    ``rows`` has a ``category`` (census cell) and a ``count`` column.
    """
    labels = rows["category"].map(lambda label: baseline_category(dimension, label))
    if dimension == "ethnic_group":
        broad_of = broad_ethnic_groups()
        present = set(labels.dropna())
        if present - set(broad_of) and present & set(broad_of):
            # Some areas give only the broad groups: compare everything in those.
            labels = labels.map(lambda label: broad_of.get(label, label))
    kept = labels.notna()
    counts = rows.loc[kept, "count"].groupby(labels[kept].to_numpy(), sort=False).sum()
    order = [c for c in category_order(dimension) if c in counts.index]
    order += [c for c in counts.index if c not in order]
    return as_counts(counts.reindex(order).astype("int64"))


def as_counts(counts: pd.Series) -> pd.Series:
    """``counts`` as a baseline holds them: text labels in an index named "category"."""
    counts = counts.copy()
    counts.index = pd.Index([str(label) for label in counts.index], dtype="object")
    counts.index.name = "category"
    counts.name = "count"
    return counts


def not_answered_share(rows: pd.DataFrame) -> float:
    """The share of census cells ``rows`` in "Not answered" (religion), 0 when empty."""
    total = float(rows["count"].sum())
    refused = float(rows.loc[rows["category"] == "Not answered", "count"].sum())
    return refused / total if total else 0.0


def not_answered_text(rows: pd.DataFrame) -> str:
    return f"'Not answered' left out, {not_answered_share(rows):.1%}"


def join_words(parts: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c": how sources and warnings list ages, areas and rows."""
    items = list(parts)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _read_broad_groups() -> dict[str, str]:
    data = resources.files("engage.population").joinpath("data/broad_ethnic_groups.csv")
    text = data.read_text(encoding="utf-8")
    return {row["category"]: row["broad_group"] for row in csv.DictReader(io.StringIO(text))}
