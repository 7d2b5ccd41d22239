import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ipfn import ipfn
from scipy.optimize import linprog

from engage.analysis.exceptions import RakingDidNotConverge, UnknownCategories
from engage.analysis.weighting import (
    design_effect,
    effective_sample_size,
    rake,
    rating_summary,
    weighted_mean,
)

AGE = pd.Series({"Under 25": 0.30, "25+": 0.70})
ETHNICITY = pd.Series({"White": 0.55, "Minority": 0.45})
MARGINS = {"age": AGE, "ethnicity": ETHNICITY}


def worked_example() -> pd.DataFrame:
    cells = {
        ("Under 25", "White"): 60,
        ("Under 25", "Minority"): 60,
        ("25+", "White"): 780,
        ("25+", "Minority"): 300,
    }
    rows = [cell for cell, count in cells.items() for _ in range(count)]
    return pd.DataFrame(rows, columns=["age", "ethnicity"])


def cell_weights(sample: pd.DataFrame, weights: pd.Series) -> dict[tuple[str, str], float]:
    table = sample.assign(weight=weights).groupby(["age", "ethnicity"])["weight"]
    assert (table.nunique() == 1).all()  # one weight per cell
    return {key: round(value, 4) for key, value in table.first().items()}


def weighted_shares(sample: pd.DataFrame, weights: pd.Series, column: str) -> pd.Series:
    return weights.groupby(sample[column]).sum() / weights.sum()


def test_worked_example_weights_design_effect_and_effective_n() -> None:
    sample = worked_example()
    before = sample.copy()
    weights = rake(sample, MARGINS, tolerance=1e-10)
    assert cell_weights(sample, weights) == {
        ("Under 25", "White"): 2.3154,
        ("Under 25", "Minority"): 3.6846,
        ("25+", "White"): 0.6680,
        ("25+", "Minority"): 1.0631,
    }
    assert weights.sum() == pytest.approx(1200)
    assert weights.index.equals(sample.index)
    assert round(design_effect(weights), 4) == 1.5195
    assert round(effective_sample_size(weights), 1) == 789.7
    pd.testing.assert_frame_equal(sample, before)


def test_population_counts_work_as_margins() -> None:
    sample = worked_example()
    by_count = rake(sample, {"age": AGE * 123_456, "ethnicity": ETHNICITY * 98_765})
    pd.testing.assert_series_equal(by_count, rake(sample, MARGINS))


def test_weights_follow_the_sample_index() -> None:
    sample = worked_example().sample(frac=1, random_state=1)
    sample.index = sample.index * 10 + 7
    weights = rake(sample, MARGINS)
    assert weights.index.equals(sample.index)
    assert weighted_shares(sample, weights, "age").loc["Under 25"] == pytest.approx(0.3)


def test_categorical_columns_give_the_same_weights() -> None:
    sample = worked_example()
    categorical = sample.astype("category")
    pd.testing.assert_series_equal(rake(categorical, MARGINS), rake(sample, MARGINS))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agrees_with_ipfn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (3, 4, 2)
    counts = rng.integers(1, 40, size=shape).astype(float)
    cells = list(itertools.product(*(range(size) for size in shape)))
    rows = [cell for cell in cells for _ in range(int(counts[cell]))]
    sample = pd.DataFrame(rows, columns=["a", "b", "c"]).map(str)
    n = len(sample)
    margins = {
        name: pd.Series(rng.uniform(0.5, 2.0, size), index=[str(i) for i in range(size)])
        for name, size in zip("abc", shape, strict=True)
    }
    targets = [(margins[name] / margins[name].sum() * n).to_numpy() for name in "abc"]
    fitted, flag, _ = ipfn.ipfn(
        counts.copy(),
        targets,
        [[0], [1], [2]],
        convergence_rate=1e-13,
        rate_tolerance=0,
        max_iteration=5000,
        verbose=2,
    ).iteration()
    assert flag == 1
    expected = fitted / counts
    weights = rake(sample, margins, tolerance=1e-12, max_iterations=5000)
    got = np.zeros(shape)
    for cell, weight in zip(sample.itertuples(index=False), weights, strict=True):
        got[tuple(int(code) for code in cell)] = weight
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


@st.composite
def feasible_problems(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """A sample with every category present and margins some positive weights achieve."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    extra = draw(st.integers(0, 40))
    rows = []
    for i in range(max(sizes) + extra):  # every category of every dimension at least once
        rows.append(
            [
                f"c{i % size}" if i < max(sizes) else f"c{draw(st.integers(0, size - 1))}"
                for size in sizes
            ]
        )
    sample = pd.DataFrame(rows, columns=[f"d{j}" for j in range(len(sizes))])
    true_weights = pd.Series(
        draw(st.lists(st.floats(0.2, 5.0), min_size=len(sample), max_size=len(sample)))
    )
    margins = {
        column: true_weights.groupby(sample[column]).sum() * draw(st.floats(0.01, 1000.0))
        for column in sample.columns
    }
    return sample, margins


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feasible_problems())
def test_raked_weights_reproduce_every_margin(
    problem: tuple[pd.DataFrame, dict[str, pd.Series]],
) -> None:
    sample, margins = problem
    weights = rake(sample, margins, tolerance=1e-9, max_iterations=20_000)
    assert (weights > 0).all()
    assert weights.sum() == pytest.approx(len(sample))
    assert design_effect(weights) >= 1 - 1e-12
    for column, margin in margins.items():
        shares = weighted_shares(sample, weights, column)
        expected = margin / margin.sum()
        np.testing.assert_allclose(shares.reindex(expected.index), expected, atol=1e-8)


def test_prefer_not_to_say_and_blanks_keep_their_weight_and_known_rows_match() -> None:
    sample = pd.DataFrame(
        {"age": ["Under 25"] * 10 + ["25+"] * 30 + ["Prefer not to say"] * 5 + [None, "", np.nan]}
    )
    weights = rake(sample, {"age": AGE})
    known = sample["age"].isin(AGE.index)
    assert weights[~known].tolist() == pytest.approx([1.0] * 8)
    assert weights.sum() == pytest.approx(len(sample))
    assert weighted_shares(sample[known], weights[known], "age").to_dict() == pytest.approx(
        {"Under 25": 0.3, "25+": 0.7}
    )


def test_missing_in_one_dimension_is_still_raked_on_the_others() -> None:
    sample = worked_example()
    sample.loc[sample.index[::7], "ethnicity"] = "Prefer not to say"
    weights = rake(sample, MARGINS, tolerance=1e-10)
    assert weighted_shares(sample, weights, "age")["Under 25"] == pytest.approx(0.3)
    known = sample["ethnicity"] != "Prefer not to say"
    shares = weighted_shares(sample[known], weights[known], "ethnicity")
    assert shares["White"] == pytest.approx(0.55)


def test_unknown_category_is_refused() -> None:
    sample = pd.DataFrame({"age": ["Under 25", "25+", "Adult"]})
    with pytest.raises(UnknownCategories) as caught:
        rake(sample, {"age": AGE})
    assert caught.value.categories == ("Adult",)
    assert caught.value.dimension == "age"


def test_category_nobody_is_in_cannot_be_raked() -> None:
    sample = pd.DataFrame({"age": ["25+"] * 5 + ["Prefer not to say"]})
    with pytest.raises(RakingDidNotConverge) as caught:
        rake(sample, {"age": AGE})
    assert caught.value.iterations == 0
    assert caught.value.empty_categories == {"age": ("Under 25",)}


def test_impossible_margins_run_out_of_iterations() -> None:
    # Only two combinations answered, so age and ethnicity move together: no
    # weights can give 30% under 25 and 55% White at once.
    sample = pd.DataFrame(
        {"age": ["Under 25"] * 10 + ["25+"] * 10, "ethnicity": ["White"] * 10 + ["Minority"] * 10}
    )
    with pytest.raises(RakingDidNotConverge) as caught:
        rake(sample, MARGINS, max_iterations=50)
    assert caught.value.iterations == 50
    assert caught.value.max_error > 0.2
    assert caught.value.empty_categories == {}


def test_trimming_keeps_weights_within_bounds_and_margins_hold() -> None:
    sample = worked_example()
    weights = rake(sample, MARGINS, trim=(0.5, 3.2), tolerance=1e-8, max_iterations=2000)
    relative = weights / weights.mean()
    assert relative.max() <= 3.2 + 1e-6
    assert relative.min() >= 0.5 - 1e-6
    assert relative.max() == pytest.approx(3.2, abs=1e-6)  # the cap bit
    assert weighted_shares(sample, weights, "age")["Under 25"] == pytest.approx(0.3, abs=1e-8)
    assert weighted_shares(sample, weights, "ethnicity")["White"] == pytest.approx(0.55, abs=1e-8)
    assert design_effect(weights) < design_effect(rake(sample, MARGINS))


def test_trimming_that_does_not_bite_changes_nothing() -> None:
    sample = worked_example()
    pd.testing.assert_series_equal(rake(sample, MARGINS, trim=(0.1, 10)), rake(sample, MARGINS))


def test_caps_too_tight_for_the_margins_are_refused() -> None:
    # With these margins the under-25 White weight is t/60 and the under-25
    # Minority weight (360 - t)/60: both at most 2.5 needs 210 <= t <= 150.
    with pytest.raises(RakingDidNotConverge) as caught:
        rake(worked_example(), MARGINS, trim=(0.5, 2.5), max_iterations=300)
    assert caught.value.trim_violation is not None
    assert caught.value.trim_violation > 0.01


def caps_are_feasible(
    sample: pd.DataFrame, margins: dict[str, pd.Series], low: float, high: float
) -> bool:
    """Linear programming: is there any one weight per cell within the caps that fits?"""
    cells = sample.groupby(list(margins)).size()
    count = cells.to_numpy(dtype=float)
    equations, right = [], []
    for level, margin in enumerate(margins.values()):
        labels = cells.index.get_level_values(level)
        for category, share in (margin / margin.sum()).items():
            equations.append(count * (labels == category) - share * count)
            right.append(0.0)
    equations.append(count)
    right.append(count.sum())  # mean weight 1
    result = linprog(
        np.zeros(len(count)),
        A_eq=np.array(equations),
        b_eq=np.array(right),
        bounds=[(low, high)] * len(count),
        method="highs",
    )
    return bool(result.status == 0)


@pytest.mark.parametrize("seed", range(30))
def test_trimming_succeeds_exactly_when_the_caps_are_feasible(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 5, size=rng.integers(2, 4))
    cells = list(itertools.product(*(range(size) for size in sizes)))
    counts = rng.integers(1, 30, size=len(cells))
    rows = [cell for cell, count in zip(cells, counts, strict=True) for _ in range(count)]
    sample = pd.DataFrame(rows, columns=[f"d{i}" for i in range(len(sizes))]).map(str)
    margins = {
        f"d{i}": pd.Series(rng.lognormal(0, 0.7, size), index=[str(j) for j in range(size)])
        for i, size in enumerate(sizes)
    }
    untrimmed = rake(sample, margins, max_iterations=2000)
    high = max(1.0, untrimmed.max() * rng.uniform(0.6, 1.0))
    low = min(1.0, untrimmed.min() * rng.uniform(0.8, 1.6))
    if caps_are_feasible(sample, margins, low * (1 + 1e-6), high * (1 - 1e-6)):
        weights = rake(sample, margins, trim=(low, high), max_iterations=2000)
        assert weights.between(low * (1 - 1e-5), high * (1 + 1e-5)).all()
        for column, margin in margins.items():
            expected = margin / margin.sum()
            shares = weighted_shares(sample, weights, column).reindex(expected.index)
            np.testing.assert_allclose(shares, expected, atol=1e-6)
    elif not caps_are_feasible(sample, margins, low * (1 - 1e-3), high * (1 + 1e-3)):
        with pytest.raises(RakingDidNotConverge):
            rake(sample, margins, trim=(low, high), max_iterations=2000)


def test_base_weights_are_the_starting_point() -> None:
    sample = pd.DataFrame({"age": ["Under 25"] * 4 + ["25+"] * 6})
    base = pd.Series([1.0, 1.0, 3.0, 3.0, 1, 1, 1, 1, 1, 1], index=sample.index)
    weights = rake(sample, {"age": AGE}, base_weights=base)
    # Within a category the raking factor is common, so base-weight ratios survive.
    assert weights.iloc[2] / weights.iloc[0] == pytest.approx(3.0)
    assert weighted_shares(sample, weights, "age")["Under 25"] == pytest.approx(0.3)
    pd.testing.assert_series_equal(
        rake(sample, {"age": AGE}, base_weights=pd.Series(2.0, index=sample.index)),
        rake(sample, {"age": AGE}),
    )


def test_base_weights_with_trimming() -> None:
    sample = worked_example()
    base = pd.Series(np.where(np.arange(len(sample)) % 2 == 0, 1.0, 1.5), index=sample.index)
    weights = rake(sample, MARGINS, base_weights=base, trim=(0.4, 3.0), max_iterations=2000)
    relative = weights / weights.mean()
    assert relative.between(0.4 - 1e-6, 3.0 + 1e-6).all()
    assert weighted_shares(sample, weights, "age")["Under 25"] == pytest.approx(0.3, abs=1e-6)


def test_design_effect_and_effective_sample_size_known_values() -> None:
    assert design_effect([1, 1, 1, 1]) == 1.0
    assert effective_sample_size([1, 1, 1, 1]) == 4.0
    # n sum(w^2) / (sum w)^2 = 4 * 10 / 36
    assert design_effect([1, 1, 2, 2]) == pytest.approx(40 / 36)
    assert effective_sample_size([1, 1, 2, 2]) == pytest.approx(3.6)
    with pytest.raises(ValueError):
        design_effect([1, -1])


def test_rating_summary_side_by_side() -> None:
    values = pd.Series([5, 4, np.nan, 1, 2])
    weights = pd.Series([1.0, 1.0, 9.0, 3.0, 3.0])
    summary = rating_summary(values, weights)
    assert summary.n == 4
    assert summary.unweighted_mean == pytest.approx(3.0)
    assert summary.weighted_mean == pytest.approx((5 + 4 + 3 + 6) / 8)
    assert weighted_mean(values, weights) == summary.weighted_mean
    # Only the weights of people who answered count: (8^2) / (1 + 1 + 9 + 9).
    assert summary.effective_n == pytest.approx(3.2)
    assert summary.design_effect == pytest.approx(4 * 20 / 64)

    unweighted = rating_summary(values)
    assert unweighted.weighted_mean == unweighted.unweighted_mean == 3.0
    assert unweighted.design_effect == 1.0
    assert unweighted.effective_n == 4.0

    empty = rating_summary(pd.Series([np.nan, np.nan]))
    assert empty.n == 0
    assert math.isnan(empty.unweighted_mean)
    assert math.isnan(empty.weighted_mean)
