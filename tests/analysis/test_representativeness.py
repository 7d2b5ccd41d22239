import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from engage.analysis.exceptions import UnknownCategories
from engage.analysis.representativeness import (
    chi_square_goodness_of_fit,
    coefficient_of_variation,
    reach_summary,
    representation,
    who_we_are_missing,
)

# The worked example in NOTES.md ("Representativeness").
AGE = pd.Series({"Under 25": 0.30, "25+": 0.70})
ETHNICITY = pd.Series({"White": 0.55, "Minority": 0.45})


def worked_example() -> pd.DataFrame:
    cells = {
        ("Under 25", "White"): 60,
        ("Under 25", "Minority"): 60,
        ("25+", "White"): 780,
        ("25+", "Minority"): 300,
    }
    rows = [cell for cell, count in cells.items() for _ in range(count)]
    return pd.DataFrame(rows, columns=["age", "ethnicity"])


def test_worked_example_ratios_asmd_and_partial_cv() -> None:
    sample = worked_example()
    age = representation(sample["age"].value_counts(), AGE)
    ethnicity = representation(sample["ethnicity"].value_counts(), ETHNICITY)

    assert list(age.index) == ["Under 25", "25+"]  # the population's order
    assert age["n"].tolist() == [120, 1080]
    assert age["ratio"].round(3).tolist() == [0.333, 1.286]
    assert ethnicity["ratio"].round(3).tolist() == [1.273, 0.667]
    # With two categories the ASMD is the same for both.
    assert age["asmd"].round(4).tolist() == [0.4364, 0.4364]
    assert ethnicity["asmd"].round(4).tolist() == [0.3015, 0.3015]
    assert age["partial_cv"].round(4).tolist() == [-0.3651, 0.2390]
    assert ethnicity["partial_cv"].round(4).tolist() == [0.2023, -0.2236]
    assert age["gap"].round(4).tolist() == [-0.2, 0.2]
    assert age["shortfall"].tolist() == pytest.approx([240.0, -240.0])
    assert age["population_share"].tolist() == [0.30, 0.70]


def test_cv_is_the_root_sum_of_squared_partial_cvs() -> None:
    sample = worked_example()
    counts = sample["age"].value_counts()
    cv = coefficient_of_variation(counts, AGE)
    assert round(cv, 4) == 0.4364
    partial = representation(counts, AGE)["partial_cv"]
    assert cv == pytest.approx(math.sqrt((partial**2).sum()))
    assert (
        round(coefficient_of_variation(sample["ethnicity"].value_counts(), ETHNICITY), 4) == 0.3015
    )


def test_population_counts_are_normalised_and_missing_categories_get_zero() -> None:
    counts = pd.Series({"A": 30, "B": 10})
    by_share = representation(counts, pd.Series({"A": 0.5, "B": 0.25, "C": 0.25}))
    by_count = representation(counts, pd.Series({"A": 5000, "B": 2500, "C": 2500}))
    pd.testing.assert_frame_equal(by_share, by_count)
    assert by_share.loc["C", "n"] == 0
    assert by_share.loc["C", "ratio"] == 0
    assert by_share.loc["C", "shortfall"] == pytest.approx(10.0)
    assert counts.tolist() == [30, 10]  # input untouched


def test_sample_category_not_in_population_is_refused_with_the_labels() -> None:
    with pytest.raises(UnknownCategories) as caught:
        representation(pd.Series({"A": 3, "Z": 1, "Y": 2}), pd.Series({"A": 1.0, "B": 1.0}))
    assert caught.value.categories == ("Z", "Y")


def test_empty_sample_gives_nan_shares_not_warnings() -> None:
    table = representation(pd.Series(dtype="int64"), AGE)
    assert table["n"].tolist() == [0, 0]
    assert table["sample_share"].isna().all()
    assert table["shortfall"].tolist() == [0.0, 0.0]
    assert math.isnan(coefficient_of_variation(pd.Series(dtype="int64"), AGE))


def test_zero_population_share_has_no_ratio_to_speak_of() -> None:
    table = representation(pd.Series({"A": 5, "B": 5}), pd.Series({"A": 1.0, "B": 0.0}))
    assert table.loc["B", "ratio"] == math.inf
    assert math.isnan(table.loc["B", "asmd"])
    assert math.isnan(table.loc["B", "partial_cv"])


def test_chi_square_agrees_with_scipy() -> None:
    counts = pd.Series({"a": 40, "b": 25, "c": 20, "d": 15})
    population = pd.Series({"a": 3000, "b": 3000, "c": 2500, "d": 1500})
    result = chi_square_goodness_of_fit(counts, population)
    shares = population / population.sum()
    expected = stats.chisquare(counts.to_numpy(), f_exp=(shares * counts.sum()).to_numpy())
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.dof == 3
    assert result.min_expected == pytest.approx(15.0)
    assert result.expected_below_5 == 0
    assert result.expected_counts_adequate


def test_chi_square_flags_small_expected_counts() -> None:
    counts = pd.Series({"a": 18, "b": 1, "c": 1})
    result = chi_square_goodness_of_fit(counts, pd.Series({"a": 0.9, "b": 0.05, "c": 0.05}))
    assert result.min_expected == pytest.approx(1.0)
    assert result.expected_below_5 == 2
    assert not result.expected_counts_adequate


def test_reach_summary_takes_the_refusal_label_as_a_parameter() -> None:
    sample = pd.DataFrame({"sex": ["F", "M", "F", "F", "M", "Rather not", "Rather not", "F"]})
    before = sample.copy()
    summary = reach_summary(
        sample, {"sex": pd.Series({"F": 51, "M": 49})}, prefer_not_to_say="Rather not"
    )
    pd.testing.assert_frame_equal(sample, before)  # input untouched
    sex = summary.set_index("category")
    assert sex.loc["F", "n"] == 4
    assert sex.loc["F", "sample_share"] == pytest.approx(4 / 6)
    assert sex.loc["Rather not", "n"] == 2
    assert math.isnan(sex.loc["Rather not", "sample_share"])
    assert sex.loc["Not answered", "n"] == 0
    with pytest.raises(UnknownCategories):  # the default label is not a refusal here
        reach_summary(sample, {"sex": pd.Series({"F": 51, "M": 49})})


def test_reach_summary_default_refusal_label_and_blanks() -> None:
    sample = pd.DataFrame(
        {"age": ["Under 25", "25+", "25+", "Prefer not to say", None, "", " ", "25+", np.nan]}
    )
    summary = reach_summary(sample, {"age": AGE})
    assert list(summary.columns) == [
        "dimension",
        "category",
        "n",
        "sample_share",
        "population_share",
        "ratio",
        "gap",
        "shortfall",
        "asmd",
        "partial_cv",
        "cv",
    ]
    assert summary["category"].tolist() == ["Under 25", "25+", "Prefer not to say", "Not answered"]
    assert summary["n"].tolist() == [1, 3, 1, 4]
    assert summary["sample_share"].iloc[:2].tolist() == [0.25, 0.75]
    assert summary["population_share"].iloc[2:].isna().all()
    assert summary["cv"].nunique() == 1


def test_reach_summary_matches_representation_on_the_worked_example() -> None:
    sample = worked_example()
    summary = reach_summary(sample, {"age": AGE, "ethnicity": ETHNICITY})
    assert summary["dimension"].tolist() == ["age"] * 4 + ["ethnicity"] * 4
    age = summary[summary["dimension"] == "age"].iloc[:2].set_index("category")
    expected = representation(sample["age"].value_counts(), AGE)
    pd.testing.assert_frame_equal(
        age[expected.columns], expected, check_names=False, check_index_type=False
    )
    assert summary.loc[summary["dimension"] == "ethnicity", "cv"].round(4).unique().tolist() == [
        0.3015
    ]


def test_reach_summary_names_the_dimension_of_an_unknown_category() -> None:
    sample = pd.DataFrame({"age": ["Under 25", "25-34"], "ethnicity": ["White", "White"]})
    with pytest.raises(UnknownCategories) as caught:
        reach_summary(sample, {"ethnicity": ETHNICITY, "age": AGE})
    assert caught.value.dimension == "age"
    assert caught.value.categories == ("25-34",)


def test_reach_summary_handles_categorical_columns_with_unused_categories() -> None:
    column = pd.Categorical(
        ["White", "White", "Minority", "Prefer not to say"],
        categories=["White", "Minority", "Prefer not to say", "Not in the codebook"],
    )
    summary = reach_summary(pd.DataFrame({"ethnicity": column}), {"ethnicity": ETHNICITY})
    assert summary["n"].tolist() == [2, 1, 1, 0]


def test_who_we_are_missing_ranks_by_signed_partial_cv() -> None:
    summary = reach_summary(worked_example(), {"age": AGE, "ethnicity": ETHNICITY})
    missing = who_we_are_missing(summary)
    assert missing["category"].tolist() == ["Under 25", "Minority"]
    assert missing["partial_cv"].round(4).tolist() == [-0.3651, -0.2236]
    assert "needed" not in missing

    planned = who_we_are_missing(summary, planned_next=800)
    assert planned["needed"].tolist() == [480, 540]
    assert planned["allocation"].tolist() == [480, 540]
