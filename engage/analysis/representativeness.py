"""How far the people who answered are from the population they should reflect.

Notation (NOTES.md, "Representativeness"): population shares P_k, sample counts
n_k, n = sum n_k, sample shares s_k = n_k / n. Everything here is descriptive:
which groups we reach less than their share, and by how much. Weighting is in
``weighting``, next-wave targets in ``targets``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from engage.analysis._categories import (
    NOT_ANSWERED,
    PREFER_NOT_TO_SAY,
    aligned_counts,
    classify_missing,
    population_shares,
)
from engage.analysis.targets import next_wave_targets

REPRESENTATION_COLUMNS = [
    "n",
    "sample_share",
    "population_share",
    "ratio",
    "gap",
    "shortfall",
    "asmd",
    "partial_cv",
]
SUMMARY_COLUMNS = ["dimension", "category", *REPRESENTATION_COLUMNS, "cv"]


def representation(sample_counts: pd.Series, population: pd.Series) -> pd.DataFrame:
    """Each category's share of the sample against its share of the population.

    ``sample_counts`` are respondents per category, already without "prefer not
    to say" and blanks (``reach_summary`` does that split). ``population`` holds
    counts or shares; it is normalised by its own total. The result is indexed
    by the population's categories, with n = 0 for those nobody answered;
    sample labels the population lacks raise ``UnknownCategories``.

    Columns: ``ratio`` s/P; ``gap`` s - P; ``shortfall`` P*n - n_k, the
    respondents a group is short of proportional reach at the current size;
    ``asmd`` |s - P| / sqrt(P(1 - P)), the absolute standardised difference
    using the population's SD (the sample's SD would shrink the difference for
    a group we barely reach); ``partial_cv`` sqrt(P)*(r - 1), the category's
    signed contribution to the coefficient of variation of response
    propensities (Schouten et al.'s partial R-indicator, unconditional): its
    square summed over categories is CV**2, negative means under-reached.

    A category with a population share of 0 has no defined ratio, ASMD or
    partial CV (NaN, or an infinite ratio if someone answered it).
    """
    shares = population_shares(population)
    counts = aligned_counts(sample_counts, shares.index)
    return _representation(counts, shares)


def coefficient_of_variation(sample_counts: pd.Series, population: pd.Series) -> float:
    """CV of response propensities for one variable: sqrt(sum (s_k - P_k)^2 / P_k).

    Reported instead of the R-indicator, which is ~0.99 for any open survey
    because so few of the population respond. 0 means the sample mirrors the
    population; NaN for an empty sample. Categories with a population share of
    0 are left out (their propensity is undefined).
    """
    shares = population_shares(population)
    counts = aligned_counts(sample_counts, shares.index)
    return _cv(counts, shares)


@dataclass(frozen=True, slots=True)
class ChiSquareResult:
    """Pearson goodness-of-fit of the sample's categories to the population's.

    ``expected_below_5`` counts categories with fewer than 5 expected
    respondents; when ``expected_counts_adequate`` is False (Cochran's rule: any
    expected count under 1, or more than 20% under 5) the chi-square
    approximation to the p-value is unreliable and categories should be merged.
    """

    statistic: float
    dof: int
    p_value: float
    min_expected: float
    expected_below_5: int
    categories: int

    @property
    def expected_counts_adequate(self) -> bool:
        if self.categories == 0 or math.isnan(self.min_expected):
            return False
        return self.min_expected >= 1 and self.expected_below_5 <= 0.2 * self.categories


def chi_square_goodness_of_fit(sample_counts: pd.Series, population: pd.Series) -> ChiSquareResult:
    """Test whether the sample could be a random draw from the population's shares.

    With the thousands of responses an open survey gets, this rejects for
    differences too small to matter: read it alongside the ratios and CV, which
    say how large the differences are. Categories with a population share of 0
    are not counted as categories; a respondent in one makes the statistic
    infinite.
    """
    shares = population_shares(population)
    counts = aligned_counts(sample_counts, shares.index)
    n = int(counts.sum())
    positive = shares.to_numpy() > 0
    observed = counts.to_numpy()[positive].astype("float64")
    expected = shares.to_numpy()[positive] * n
    k = int(positive.sum())
    dof = max(k - 1, 0)
    if n == 0 or k == 0:
        return ChiSquareResult(math.nan, dof, math.nan, math.nan, k, k)
    if counts.to_numpy()[~positive].sum() > 0:
        statistic = math.inf
    else:
        statistic = float(((observed - expected) ** 2 / expected).sum())
    p_value = float(stats.chi2.sf(statistic, dof)) if dof > 0 else math.nan
    return ChiSquareResult(
        statistic=statistic,
        dof=dof,
        p_value=p_value,
        min_expected=float(expected.min()),
        expected_below_5=int((expected < 5).sum()),
        categories=k,
    )


def reach_summary(
    sample: pd.DataFrame,
    populations: Mapping[str, pd.Series],
    *,
    prefer_not_to_say: str = PREFER_NOT_TO_SAY,
) -> pd.DataFrame:
    """Representation of several dimensions at once, as one long table.

    ``sample`` has one row per respondent and a column per dimension named as
    in ``populations`` (population counts or shares per category). For each
    dimension, in the order of ``populations``: one row per population
    category (columns as in ``representation``), then a "Prefer not to say"
    row and a "Not answered" row (blank, NaN or None), which carry ``n`` only:
    they are outside the base the shares are computed on, since a refusal says
    nothing about which group someone is in. ``cv`` is the dimension's
    coefficient of variation, repeated on each of its rows.
    """
    frames = []
    for dimension, population in populations.items():
        shares = population_shares(population, dimension)
        counts = sample[dimension].value_counts(dropna=False, sort=False)
        in_base, refused, blank = _split_missing(counts, prefer_not_to_say)
        aligned = aligned_counts(in_base, shares.index, dimension)
        table = _representation(aligned, shares)
        missing = pd.DataFrame(
            {"n": [refused, blank]},
            index=pd.Index([prefer_not_to_say, NOT_ANSWERED], dtype="object"),
        )
        table = pd.concat([table, missing])
        table["n"] = table["n"].astype("int64")
        table["cv"] = _cv(aligned, shares)
        table.insert(0, "dimension", dimension)
        table.insert(1, "category", table.index.to_numpy(dtype="object"))
        frames.append(table.reset_index(drop=True))
    if not frames:
        return pd.DataFrame({column: [] for column in SUMMARY_COLUMNS})
    return pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS]


def who_we_are_missing(summary: pd.DataFrame, planned_next: int | None = None) -> pd.DataFrame:
    """The under-reached groups of a ``reach_summary``, most under-reached first.

    Ranked by signed partial CV, which weighs a group's shortfall by its size:
    missing half of a group that is 30% of the population costs more
    representativeness than missing half of one that is 1%. Only groups with a
    negative partial CV (reached less than their share) are listed. With
    ``planned_next``, ``needed`` and ``allocation`` come from
    ``targets.next_wave_targets`` for each dimension.
    """
    in_base = summary[summary["population_share"].notna()]
    missing = in_base[in_base["partial_cv"] < 0]
    columns = [
        "dimension",
        "category",
        "n",
        "sample_share",
        "population_share",
        "ratio",
        "partial_cv",
        "shortfall",
    ]
    result = missing[columns].copy()
    if planned_next is not None:
        needed = pd.Series(0, index=result.index, dtype="int64")
        allocation = pd.Series(0, index=result.index, dtype="int64")
        for dimension, rows in in_base.groupby("dimension", sort=False):
            targets = next_wave_targets(
                pd.Series(rows["n"].to_numpy(), index=rows["category"].to_numpy()),
                pd.Series(rows["population_share"].to_numpy(), index=rows["category"].to_numpy()),
                planned_next,
            ).table
            wanted = result.index[result["dimension"] == dimension]
            categories = result.loc[wanted, "category"].to_numpy()
            needed.loc[wanted] = targets.loc[categories, "needed"].to_numpy()
            allocation.loc[wanted] = targets.loc[categories, "allocation"].to_numpy()
        result["needed"] = needed
        result["allocation"] = allocation
    return result.sort_values("partial_cv", kind="stable").reset_index(drop=True)


def _representation(counts: pd.Series, shares: pd.Series) -> pd.DataFrame:
    n_k = counts.to_numpy(dtype="float64")
    p = shares.to_numpy(dtype="float64")
    n = n_k.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        s = n_k / n if n > 0 else np.full_like(p, np.nan)
        ratio = s / p
        gap = s - p
        sd = np.sqrt(p * (1 - p))
        asmd = np.where(sd > 0, np.abs(gap) / sd, np.nan)
        partial_cv = np.where(p > 0, np.sqrt(p) * (ratio - 1), np.nan)
    return pd.DataFrame(
        {
            "n": counts.to_numpy(dtype="int64"),
            "sample_share": s,
            "population_share": p,
            "ratio": ratio,
            "gap": gap,
            "shortfall": p * n - n_k,
            "asmd": asmd,
            "partial_cv": partial_cv,
        },
        index=shares.index,
    )


def _cv(counts: pd.Series, shares: pd.Series) -> float:
    n = float(counts.sum())
    if n == 0:
        return math.nan
    p = shares.to_numpy(dtype="float64")
    s = counts.to_numpy(dtype="float64") / n
    positive = p > 0
    return float(np.sqrt((((s - p) ** 2)[positive] / p[positive]).sum()))


def _split_missing(counts: pd.Series, prefer_not_to_say: str) -> tuple[pd.Series, int, int]:
    """Split value counts into the representation base, refusals and blanks.

    Works on the (small) table of distinct values, never on the rows.
    """
    kinds = [classify_missing(label, prefer_not_to_say) for label in counts.index]
    is_refused = np.array([kind == "prefer_not_to_say" for kind in kinds], dtype=bool)
    is_blank = np.array([kind == "not_answered" for kind in kinds], dtype=bool)
    values = counts.to_numpy(dtype="int64")
    in_base = counts[~(is_refused | is_blank) & (values > 0)]
    # A categorical column lists unused categories with 0; only labels someone
    # actually gave are checked against the population.
    return in_base, int(values[is_refused].sum()), int(values[is_blank].sum())
