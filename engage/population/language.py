"""English proficiency from Census 2021 (main language), summed over a survey's areas.

The census table here (TS029, residents aged 3 and over) gives main language as
English, or not English with four levels of spoken English. It does not say
*which* language people speak (that is TS024, not in the package data), so a page
can show how many people may need the survey in another language, never which one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from engage.population.census import resolve_areas

ENGLISH = "Main language is English (English or Welsh in Wales)"
_NOT_ENGLISH = "Main language is not English (English or Welsh in Wales): "
VERY_WELL = _NOT_ENGLISH + "Can speak English very well"
WELL = _NOT_ENGLISH + "Can speak English well"
NOT_WELL = _NOT_ENGLISH + "Cannot speak English well"
NOT_AT_ALL = _NOT_ENGLISH + "Cannot speak English"
CATEGORIES = (ENGLISH, VERY_WELL, WELL, NOT_WELL, NOT_AT_ALL)
SOURCE = "Census 2021 (TS029), residents aged 3 and over"
WHICH_LANGUAGE_NOTE = (
    "Census 2021 figures here say only how well people whose main language is not English "
    "speak English. They do not say which language people speak (that table, TS024, is not "
    "in Engage's data), so they cannot tell you which languages are most spoken locally."
)


@dataclass(frozen=True)
class EnglishProficiency:
    """Residents aged 3+ in the areas, by main language and spoken English."""

    counts: pd.Series  # indexed by CATEGORIES

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    @property
    def not_english(self) -> int:
        return self.total - int(self.counts[ENGLISH])

    @property
    def not_well(self) -> int:
        """Cannot speak English well, or at all."""
        return int(self.counts[NOT_WELL] + self.counts[NOT_AT_ALL])

    @property
    def not_english_share(self) -> float:
        return self.not_english / self.total if self.total else 0.0

    @property
    def not_well_share(self) -> float:
        return self.not_well / self.total if self.total else 0.0


@cache
def _rows() -> pd.DataFrame:
    path = resources.files("engage.population").joinpath("data/la_population.csv")
    with path.open("rb") as handle:
        frame = pd.read_csv(
            handle,
            usecols=["area_code", "dimension", "category", "count"],
            dtype={"area_code": "str", "dimension": "str", "category": "str", "count": "int64"},
            keep_default_na=False,
        )
    return frame[frame["dimension"] == "main_language"].reset_index(drop=True)


def english_proficiency(areas: Sequence[str]) -> EnglishProficiency | None:
    """Summed over ``areas`` (raises ``UnknownAreas`` for codes that are not local
    authorities); None when the data has no main language figures for them."""
    codes = resolve_areas(areas)
    rows = _rows()
    rows = rows[rows["area_code"].isin(codes)]
    if rows.empty:
        return None
    counts = rows.groupby("category")["count"].sum().reindex(list(CATEGORIES), fill_value=0)
    return EnglishProficiency(counts=counts.astype("int64"))
