"""How many more responses, from whom: next-wave targets and sample sizes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from engage.analysis._categories import aligned_counts, population_shares

# Shares times counts are floats: 0.3 * 2000 is 600.0000000000001, which must
# not round up to 601 people.
_ROUNDING_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class NextWaveTargets:
    """Per-group targets for the next wave (``table``) and whether they fit.

    ``table`` is indexed by the population's categories with columns
    ``population_share``, ``n_so_far``, ``target_total`` (P * (n so far +
    planned)), ``needed`` (max(0, target_total - n_so_far), rounded up to whole
    people) and ``allocation`` (how to split the planned wave, see
    ``next_wave_targets``).
    """

    table: pd.DataFrame
    planned_next: int
    total_needed: int

    @property
    def exceeds_planned(self) -> bool:
        """True when reaching every group's target takes more than the planned wave."""
        return self.total_needed > self.planned_next


def next_wave_targets(
    sample_counts: pd.Series, population: pd.Series, planned_next: int
) -> NextWaveTargets:
    """Responses each group needs next wave for the combined sample to be proportional.

    needed_k = max(0, P_k * (n + planned_next) - n_k) (NOTES.md). The needs add up
    to at least ``planned_next``, and to more whenever a group is already above
    its share of the combined total: responses from it cannot be taken back, so
    proportionality then needs a bigger wave (``exceeds_planned``).

    ``allocation`` splits ``planned_next`` over the groups with a gap only, in
    proportion to their gaps (largest remainders, so it adds up exactly): it
    closes gaps before adding anyone to a group that is already at its share,
    and equals ``needed`` when the planned wave is just enough.
    """
    if planned_next < 0:
        raise ValueError("planned_next must not be negative")
    shares = population_shares(population)
    counts = aligned_counts(sample_counts, shares.index)
    n_so_far = int(counts.sum())
    p = shares.to_numpy(dtype="float64")
    have = counts.to_numpy(dtype="float64")
    target = p * (n_so_far + planned_next)
    gap = np.maximum(target - have, 0.0)
    needed = np.ceil(gap - _ROUNDING_SLACK).clip(min=0).astype("int64")
    allocation = _largest_remainder(gap, planned_next)
    table = pd.DataFrame(
        {
            "population_share": p,
            "n_so_far": counts.to_numpy(dtype="int64"),
            "target_total": target,
            "needed": needed,
            "allocation": allocation,
        },
        index=shares.index,
    )
    return NextWaveTargets(table=table, planned_next=planned_next, total_needed=int(needed.sum()))


def minimum_targets(sample_counts: pd.Series, minimums: Mapping[str, int]) -> pd.DataFrame:
    """Responses still needed to reach a minimum per group (e.g. 50 for a reliable base).

    Indexed by the groups in ``minimums``; other groups in the sample are ignored.
    """
    index = pd.Index(list(minimums), dtype="object")
    counts = pd.to_numeric(sample_counts, errors="raise")
    n = counts.reindex(index, fill_value=0).fillna(0).astype("int64").to_numpy()
    minimum = np.array([int(minimums[key]) for key in minimums], dtype="int64")
    if (minimum < 0).any():
        raise ValueError("minimums must not be negative")
    return pd.DataFrame(
        {"n": n, "minimum": minimum, "needed": np.maximum(minimum - n, 0)}, index=index
    )


def sample_size_for_margin(
    margin: float,
    *,
    proportion: float = 0.5,
    confidence: float = 0.95,
    population: int | None = None,
    design_effect: float = 1.0,
) -> int:
    """Responses needed to estimate a proportion within +/- ``margin``.

    n0 = z^2 p(1 - p) / margin^2 times the design effect (weighting inflates the
    variance by roughly that factor), then Cochran's finite population
    correction n0 / (1 + (n0 - 1) / N) when the population size N is given: it
    matters when sampling a sizeable part of a small group, such as one school.
    p = 0.5 is the worst case and the usual planning assumption.
    """
    if not 0 < margin < 1:
        raise ValueError("margin must be between 0 and 1 (0.05 for +/-5 points)")
    if not 0 <= proportion <= 1:
        raise ValueError("proportion must be between 0 and 1")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if design_effect <= 0:
        raise ValueError("design_effect must be positive")
    if population is not None and population < 1:
        raise ValueError("population must be at least 1")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    n0 = z**2 * proportion * (1 - proportion) / margin**2 * design_effect
    if population is not None:
        n0 = n0 / (1 + (n0 - 1) / population)
    return max(math.ceil(n0 - _ROUNDING_SLACK), 0)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion successes / n.

    Chosen over the textbook p +/- z*sqrt(p(1-p)/n) because it stays inside
    [0, 1] and does not collapse to zero width when a theme is mentioned by
    nobody or by everybody, which is common with small groups. n = 0 gives
    (0, 1): no data, no information.
    """
    if n < 0 or not 0 <= successes <= n:
        raise ValueError("need 0 <= successes <= n")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if n == 0:
        return (0.0, 1.0)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def _largest_remainder(gap: npt.NDArray[np.float64], total: int) -> npt.NDArray[np.int64]:
    """Whole numbers proportional to ``gap`` that add up to ``total``."""
    result = np.zeros(len(gap), dtype="int64")
    gap_total = float(gap.sum())
    if total == 0 or gap_total <= 0:
        return result
    exact = gap * (total / gap_total)
    result = np.floor(exact + _ROUNDING_SLACK).astype("int64")
    short = total - int(result.sum())
    if short > 0:
        remainders = exact - result
        # Stable sort on the negated remainder: ties go to the earlier group.
        order = np.argsort(-remainders, kind="stable")
        result[order[:short]] += 1
    return result
