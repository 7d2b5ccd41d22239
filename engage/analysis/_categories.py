"""Helpers shared by the representativeness, targets and weighting modules."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from engage.analysis.exceptions import UnknownCategories

PREFER_NOT_TO_SAY = "Prefer not to say"
NOT_ANSWERED = "Not answered"

Missing = Literal["prefer_not_to_say", "not_answered"]


def classify_missing(value: object, prefer_not_to_say: str) -> Missing | None:
    """Say whether an answer is outside the representation base, and why.

    Blanks (None, NaN, empty or whitespace-only text) are "not answered"; the
    explicit refusal label is "prefer not to say". Anything else is a category.
    """
    if isinstance(value, str):
        if value == prefer_not_to_say:
            return "prefer_not_to_say"
        return "not_answered" if not value.strip() else None
    if value is None or value is pd.NA or value is pd.NaT:
        return "not_answered"
    if isinstance(value, float | np.floating) and np.isnan(value):
        return "not_answered"
    return None


def population_shares(population: pd.Series, name: str | None = None) -> pd.Series:
    """Population counts or shares per category, normalised by their own total.

    ONS perturbs small counts, so each table's total differs slightly from the
    others: every dimension is normalised with its own total, never a shared one.
    """
    if not population.index.is_unique:
        raise ValueError(f"population categories repeat{_for(name)}")
    values = pd.to_numeric(population, errors="raise").astype("float64")
    if values.isna().any() or (values < 0).any() or not np.isfinite(values.to_numpy()).all():
        raise ValueError(f"population counts must be finite and non-negative{_for(name)}")
    total = float(values.sum())
    if total <= 0:
        raise ValueError(f"population has no one in it{_for(name)}")
    return values / total


def aligned_counts(
    sample_counts: pd.Series, categories: pd.Index, dimension: str | None = None
) -> pd.Series:
    """Sample counts on the population's categories (absent categories get 0).

    Raises ``UnknownCategories`` for any sample label the population lacks, even
    with a count of 0: a label the baseline cannot place is a codebook problem
    worth surfacing, not something to drop quietly.
    """
    if not sample_counts.index.is_unique:
        raise ValueError(f"sample categories repeat{_for(dimension)}")
    unknown = sample_counts.index.difference(categories, sort=False)
    if len(unknown):
        raise UnknownCategories(list(unknown), dimension)
    counts = pd.to_numeric(sample_counts, errors="raise")
    if counts.isna().any() or (counts < 0).any():
        raise ValueError(f"sample counts must be non-negative{_for(dimension)}")
    aligned = counts.reindex(categories, fill_value=0).astype("int64")
    aligned.name = "n"
    return aligned


def factorize_column(column: pd.Series) -> tuple[npt.NDArray[np.intp], list[Hashable]]:
    """Integer codes (-1 for NaN) and the distinct labels of one column.

    Categorical columns already hold their codes, so they cost nothing here; the
    rest go through pandas' hash-based factorize, which is what ``value_counts``
    does internally too.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.asarray(column.cat.codes, dtype=np.intp)
        return codes, list(column.cat.categories)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.intp), list(uniques)


def _for(name: str | None) -> str:
    return f" for {name!r}" if name is not None else ""
