"""Raking weights and what they cost in precision.

Raking (iterative proportional fitting) adjusts each respondent's weight so the
weighted sample matches the population on several variables at once, using
only each variable's own margin: the census does not publish the joint table
of, say, age by ethnicity by religion for small areas, and the sample could not
support one.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from engage.analysis._categories import (
    PREFER_NOT_TO_SAY,
    classify_missing,
    factorize_column,
    population_shares,
)
from engage.analysis.exceptions import RakingDidNotConverge, UnknownCategories

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

# Past this the mixed-radix cell key is re-numbered before another column is
# folded in, so it never overflows int64.
_KEY_LIMIT = 2**62


@dataclass(frozen=True, slots=True)
class _Dimension:
    name: str
    categories: pd.Index
    shares: FloatArray
    cell_codes: IntArray  # per cell: category position, or len(categories) when missing


def rake(
    sample: pd.DataFrame,
    margins: Mapping[str, pd.Series],
    *,
    max_iterations: int = 100,
    tolerance: float = 1e-6,
    trim: tuple[float, float] | None = None,
    base_weights: pd.Series | None = None,
    prefer_not_to_say: str = PREFER_NOT_TO_SAY,
) -> pd.Series:
    """Raking weights, one per row of ``sample``, scaled to mean 1 (they sum to n).

    ``margins`` maps a column of ``sample`` to the population counts or shares
    of its categories (each normalised by its own total). Converged means every
    weighted share is within ``tolerance`` of its population share.

    Missing answers: a row whose value in a dimension is "prefer not to say",
    blank, NaN or None keeps its weight in that dimension's step; only rows with
    a known category are adjusted, so that *among the known rows* the weighted
    shares reproduce the margin while their total weight is unchanged. This
    assumes the answer is missing at random within the other dimensions, and
    keeps every respondent in the weighted results instead of dropping them.

    ``trim=(low, high)`` bounds the weights to [low, high] times the mean
    weight: the weights are raked to convergence first; those outside are then
    fixed at the cap and the rest re-raked to make up the margins, round after
    round until no free weight strays (a capped weight stays capped, as in the
    usual trim-and-rake practice). The margins and the caps then hold together,
    and the weights are the untrimmed ones when the caps do not bite.
    ``base_weights`` (positive, same index as ``sample``) are the starting
    weights, e.g. design weights.

    Raises ``RakingDidNotConverge`` carrying the iterations run and the largest
    margin error: at once (0 iterations) when a category with a population
    share above 0 has no respondent with a known answer (listed in
    ``empty_categories``), or when a raking run needs more than
    ``max_iterations`` sweeps, e.g. for a sample whose combinations of
    categories cannot match all the margins, or for caps too tight for them
    (``trim_violation``). Sample labels absent from a margin raise
    ``UnknownCategories``. A margin category with population share 0 gets its
    respondents a weight of 0.

    Speed: the work is done on the distinct combinations of categories (cells)
    with their counts, never on the rows, then mapped back: for 1,000,000 rows
    the cost is one hash lookup per row and column, a few times a
    ``value_counts``.
    """
    if max_iterations < 1:
        raise ValueError("max_iterations must be at least 1")
    if tolerance <= 0:
        raise ValueError("tolerance must be positive")
    if trim is not None and not 0 <= trim[0] <= 1 <= trim[1]:
        raise ValueError("trim must be (low, high) with low <= 1 <= high")
    n_rows = len(sample)
    if not margins:
        return pd.Series(np.ones(n_rows), index=sample.index, name="weight")

    keys: list[tuple[IntArray, int]] = []
    dimension_codes: list[tuple[str, pd.Index, FloatArray, IntArray]] = []
    for name, margin in margins.items():
        shares = population_shares(margin, name)
        codes = _category_codes(sample[name], shares.index, name, prefer_not_to_say)
        dimension_codes.append((name, shares.index, shares.to_numpy(dtype="float64"), codes))
        keys.append((codes, len(shares) + 1))
    if base_weights is not None:
        base_codes, base_values = _base_weight_codes(base_weights, sample.index)
        keys.append((base_codes, len(base_values)))

    # One integer per row naming its cell; rows in a cell share every code, so
    # any row of the cell can stand for it.
    cell_of_row, n_cells = _cells(keys, n_rows)
    representative = np.empty(n_cells, dtype=np.intp)
    representative[cell_of_row] = np.arange(n_rows, dtype=np.intp)
    cell_count = np.bincount(cell_of_row, minlength=n_cells).astype("float64")
    dimensions = [
        _Dimension(name, categories, shares, codes[representative])
        for name, categories, shares, codes in dimension_codes
    ]
    if base_weights is not None:
        unit = base_values[base_codes[representative]].astype("float64")
    else:
        unit = np.ones(n_cells, dtype="float64")

    empty = _empty_categories(dimensions, cell_count * unit)
    if empty:
        raise RakingDidNotConverge(0, _margin_error(dimensions, cell_count * unit), empty)

    # Work at the final scale (total weight n) from the start, so the caps,
    # relative to a mean weight of 1, are plain numbers.
    total = float(n_rows)
    unit = unit * (total / float((cell_count * unit).sum()))
    free = np.ones(n_cells, dtype=bool)
    unit, iterations, converged = _fit(
        dimensions, cell_count, unit, free, total, max_iterations, tolerance
    )
    violation: float | None = None
    if converged and trim is not None:
        # Cap and re-rake: weights outside the caps are fixed at the cap and the
        # others raked to make up the margins, until no free weight strays.
        # Weights once capped stay capped, so this ends within n_cells rounds.
        low, high = trim
        while converged:
            violation = _bound_violation(unit, cell_count, low, high)
            outside = free & ((unit > high * (1 + tolerance)) | (unit < low * (1 - tolerance)))
            if not outside.any():
                break
            unit = np.where(outside, np.clip(unit, low, high), unit)
            free &= ~outside
            unit, more, converged = _fit(
                dimensions, cell_count, unit, free, total, max_iterations, tolerance
            )
            iterations += more
    if not converged:
        # For trimming, how far outside the caps the weights were the last time
        # the margins held: what the caps would have to allow.
        raise RakingDidNotConverge(
            iterations, _margin_error(dimensions, cell_count * unit), trim_violation=violation
        )

    weights = unit[cell_of_row]
    weights *= n_rows / weights.sum()
    return pd.Series(weights, index=sample.index, name="weight")


def design_effect(weights: npt.ArrayLike) -> float:
    """Kish's design effect from unequal weights: n * sum(w^2) / (sum w)^2.

    The factor by which weighting inflates the variance of a mean, compared
    with a simple random sample of the same size (1 for equal weights).
    """
    w = _weights_array(weights)
    if w.size == 0:
        return math.nan
    return float(w.size * np.dot(w, w) / w.sum() ** 2)


def effective_sample_size(weights: npt.ArrayLike) -> float:
    """Kish's effective sample size: (sum w)^2 / sum(w^2) = n / design effect."""
    w = _weights_array(weights)
    if w.size == 0:
        return 0.0
    return float(w.sum() ** 2 / np.dot(w, w))


def weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    """Mean of the answered values (NaN = not answered), weighted. NaN when none."""
    answered, w = _answered(values, weights)
    total = float(w.sum())
    if answered.size == 0 or total == 0:
        return math.nan
    return float(np.dot(answered, w) / total)


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """A rating question's mean, unweighted and weighted, side by side.

    ``effective_n`` and ``design_effect`` are computed over the weights of the
    people who answered this question, which is what the precision of its
    weighted mean depends on.
    """

    n: int
    unweighted_mean: float
    weighted_mean: float
    effective_n: float
    design_effect: float


def rating_summary(values: pd.Series, weights: pd.Series | None = None) -> RatingSummary:
    """Headline figures for a numeric rating question (NaN = not answered).

    Without weights the weighted figures are those of equal weights: the same
    mean, effective n = n and design effect 1.
    """
    if weights is None:
        weights = pd.Series(1.0, index=values.index)
    answered, w = _answered(values, weights)
    n = int(answered.size)
    unweighted = float(answered.mean()) if n else math.nan
    return RatingSummary(
        n=n,
        unweighted_mean=unweighted,
        weighted_mean=weighted_mean(values, weights),
        effective_n=effective_sample_size(w),
        design_effect=design_effect(w),
    )


def _category_codes(
    column: pd.Series, categories: pd.Index, name: str, prefer_not_to_say: str
) -> IntArray:
    """Each row's position in ``categories``; len(categories) when missing.

    Rows are looked up in the margin's small index directly; only the rows not
    found there (usually a few per cent) are examined, for refusals, blanks and
    labels the margin does not know.
    """
    lookup_index = pd.Index(categories, dtype="object")
    values: pd.Series | npt.NDArray[np.object_]
    if isinstance(column.dtype, pd.CategoricalDtype):
        category_codes, labels = factorize_column(column)
        positions = lookup_index.get_indexer(pd.Index(labels, dtype="object"))
        codes = np.append(positions, -1)[category_codes]  # NaN's code -1 takes the last
        values = column
    else:
        values = column.to_numpy(dtype="object")
        # An object Index, so pandas does not re-infer a string dtype for 1M rows.
        codes = lookup_index.get_indexer(pd.Index(values, dtype="object", copy=False))
    codes = np.asarray(codes, dtype=np.intp)
    absent = codes < 0
    if absent.any():
        others = pd.unique(np.asarray(values[absent], dtype="object"))
        unknown: list[Hashable] = [
            label for label in others if classify_missing(label, prefer_not_to_say) is None
        ]
        if unknown:
            raise UnknownCategories(unknown, name)
        codes[absent] = len(categories)
    return codes


def _base_weight_codes(base_weights: pd.Series, index: pd.Index) -> tuple[IntArray, FloatArray]:
    if not base_weights.index.equals(index):
        raise ValueError("base_weights must have the same index as the sample")
    values = base_weights.to_numpy(dtype="float64")
    if not (np.isfinite(values).all() and (values > 0).all()):
        raise ValueError("base_weights must be finite and positive")
    codes, uniques = pd.factorize(values)
    return np.asarray(codes, dtype=np.intp), np.asarray(uniques, dtype="float64")


def _cells(keys: list[tuple[IntArray, int]], n_rows: int) -> tuple[IntArray, int]:
    """Number the distinct combinations of codes: (cell of each row, number of cells)."""
    key = np.zeros(n_rows, dtype=np.int64)
    radix = 1
    for codes, size in keys:
        if radix * size >= _KEY_LIMIT:
            renumbered, uniques = pd.factorize(key)
            key, radix = np.asarray(renumbered, dtype=np.int64), len(uniques)
        key = key * size + codes
        radix *= size
    cell_of_row, cells = pd.factorize(key)
    return np.asarray(cell_of_row, dtype=np.intp), len(cells)


def _totals(dimension: _Dimension, cell_weight: FloatArray) -> FloatArray:
    totals = np.bincount(
        dimension.cell_codes, weights=cell_weight, minlength=len(dimension.categories) + 1
    )
    return np.asarray(totals, dtype=np.float64)


def _empty_categories(
    dimensions: list[_Dimension], cell_weight: FloatArray
) -> dict[str, list[Hashable]]:
    empty: dict[str, list[Hashable]] = {}
    for dimension in dimensions:
        known = _totals(dimension, cell_weight)[:-1]
        absent = (dimension.shares > 0) & (known <= 0)
        if absent.any():
            empty[dimension.name] = list(dimension.categories[absent])
    return empty


def _fit(
    dimensions: list[_Dimension],
    cell_count: FloatArray,
    unit: FloatArray,
    free: BoolArray,
    total: float,
    max_iterations: int,
    tolerance: float,
) -> tuple[FloatArray, int, bool]:
    """Sweep until the margins hold: (weights per row of each cell, sweeps, converged)."""
    for iteration in range(1, max_iterations + 1):
        unit = _sweep(dimensions, cell_count, unit, free, total)
        if _margin_error(dimensions, cell_count * unit) <= tolerance:
            return unit, iteration, True
    return unit, max_iterations, False


def _sweep(
    dimensions: list[_Dimension],
    cell_count: FloatArray,
    unit: FloatArray,
    free: BoolArray,
    total: float,
) -> FloatArray:
    """One pass of proportional fitting over every dimension in turn.

    In each dimension the rows with a known answer share ``total`` less the
    weight of the rows without one, split by the population shares; only the
    free cells are scaled, the capped ones count as they are.
    """
    unit = unit.copy()
    for dimension in dimensions:
        weight = cell_count * unit
        totals = _totals(dimension, weight)
        adjustable = _totals(dimension, np.where(free, weight, 0.0))[:-1]
        fixed = totals[:-1] - adjustable
        target = dimension.shares * (total - totals[-1]) - fixed
        factor = np.ones(len(totals))
        # Known empty categories were refused before iterating; a 0 here is a
        # category with population share 0 (or one whose capped weights already
        # exceed its share, which the margin check then reports).
        factor[:-1] = np.divide(
            np.maximum(target, 0.0), adjustable, out=np.ones_like(target), where=adjustable > 0
        )
        unit = np.where(free, unit * factor[dimension.cell_codes], unit)
    return unit


def _margin_error(dimensions: list[_Dimension], cell_weight: FloatArray) -> float:
    """Largest absolute difference between a weighted share and its population share."""
    error = 0.0
    for dimension in dimensions:
        known = _totals(dimension, cell_weight)[:-1]
        total = known.sum()
        if total > 0:
            error = max(error, float(np.abs(known / total - dimension.shares).max()))
        else:
            error = max(error, float(dimension.shares.max()))
    return error


def _bound_violation(unit: FloatArray, cell_count: FloatArray, low: float, high: float) -> float:
    """How far (in multiples of the mean weight) the weights stray outside the caps."""
    mean = float((cell_count * unit).sum() / cell_count.sum())
    relative = unit / mean
    return float(max((low - relative).max(), (relative - high).max(), 0.0))


def _weights_array(weights: npt.ArrayLike) -> FloatArray:
    w = np.asarray(weights, dtype="float64").ravel()
    if w.size and not (np.isfinite(w).all() and (w >= 0).all() and w.sum() > 0):
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w


def _answered(values: pd.Series, weights: pd.Series) -> tuple[FloatArray, FloatArray]:
    if not weights.index.equals(values.index):
        raise ValueError("values and weights must have the same index")
    numbers = pd.to_numeric(values, errors="raise").to_numpy(dtype="float64", na_value=np.nan)
    keep = ~np.isnan(numbers)
    kept = _weights_array(weights.to_numpy(dtype="float64")[keep])
    return numbers[keep], kept
