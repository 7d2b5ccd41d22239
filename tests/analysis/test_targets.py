import pandas as pd
import pytest

from engage.analysis.exceptions import UnknownCategories
from engage.analysis.targets import (
    minimum_targets,
    next_wave_targets,
    sample_size_for_margin,
    wilson_interval,
)

AGE = pd.Series({"Under 25": 0.30, "25+": 0.70})


def test_worked_example_next_wave_needs_480_under_25s() -> None:
    counts = pd.Series({"25+": 1080, "Under 25": 120})
    targets = next_wave_targets(counts, AGE, planned_next=800)
    table = targets.table
    assert list(table.index) == ["Under 25", "25+"]
    assert table.loc["Under 25", "target_total"] == pytest.approx(600)
    # 0.3 * 2000 is 600.0000000000001 in floating point: still 480 people, not 481.
    assert table["needed"].tolist() == [480, 320]
    assert table["allocation"].tolist() == [480, 320]
    assert table["n_so_far"].tolist() == [120, 1080]
    assert targets.total_needed == 800
    assert not targets.exceeds_planned


def test_over_represented_group_means_the_planned_wave_is_not_enough() -> None:
    # B already has 90 of the 100 it would need in a proportional 200.
    counts = pd.Series({"A": 10, "B": 90, "C": 0})
    population = pd.Series({"A": 0.25, "B": 0.25, "C": 0.5})
    targets = next_wave_targets(counts, population, planned_next=100)
    table = targets.table
    assert table["target_total"].tolist() == pytest.approx([50, 50, 100])
    assert table["needed"].tolist() == [40, 0, 100]
    assert targets.total_needed == 140
    assert targets.exceeds_planned
    # The planned 100 go to the gaps only, in proportion to them: 40:100.
    assert table["allocation"].tolist() == [29, 0, 71]
    assert table["allocation"].sum() == 100


def test_needed_rounds_up_to_whole_people_and_allocation_adds_up() -> None:
    counts = pd.Series({"A": 1, "B": 1, "C": 1})
    population = pd.Series({"A": 1, "B": 1, "C": 1})
    targets = next_wave_targets(counts, population, planned_next=10)
    assert targets.table["needed"].tolist() == [4, 4, 4]  # 13/3 - 1 = 3.33 each
    assert targets.table["allocation"].sum() == 10
    assert sorted(targets.table["allocation"].tolist()) == [3, 3, 4]


def test_next_wave_refuses_unknown_categories() -> None:
    with pytest.raises(UnknownCategories):
        next_wave_targets(pd.Series({"Adult": 3}), AGE, planned_next=10)


def test_minimum_targets() -> None:
    counts = pd.Series({"Girls": 60, "Boys": 35, "Other": 4})
    table = minimum_targets(counts, {"Girls": 50, "Boys": 50, "Non-binary": 10})
    assert table.to_dict("index") == {
        "Girls": {"n": 60, "minimum": 50, "needed": 0},
        "Boys": {"n": 35, "minimum": 50, "needed": 15},
        "Non-binary": {"n": 0, "minimum": 10, "needed": 10},
    }


@pytest.mark.parametrize(
    ("margin", "options", "expected"),
    [
        (0.05, {}, 385),
        (0.05, {"population": 1000}, 278),
        (0.03, {}, 1068),
        (0.05, {"confidence": 0.99}, 664),
        (0.05, {"design_effect": 2.0}, 769),
        (0.05, {"proportion": 0.2}, 246),
        (0.05, {"population": 50}, 45),
    ],
)
def test_sample_size_for_margin_known_values(
    margin: float, options: dict[str, float], expected: int
) -> None:
    assert sample_size_for_margin(margin, **options) == expected  # type: ignore[arg-type]


def test_sample_size_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        sample_size_for_margin(5)
    with pytest.raises(ValueError):
        sample_size_for_margin(0.05, confidence=95)


@pytest.mark.parametrize(
    ("successes", "n", "expected"),
    [
        (0, 10, (0.0, 0.2775)),
        (5, 10, (0.2366, 0.7634)),
        (10, 10, (0.7225, 1.0)),
        (81, 263, (0.2553, 0.3662)),
        (1, 1, (0.2065, 1.0)),
    ],
)
def test_wilson_interval_known_values(
    successes: int, n: int, expected: tuple[float, float]
) -> None:
    low, high = wilson_interval(successes, n)
    assert (round(low, 4), round(high, 4)) == expected


def test_wilson_interval_edges() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    narrow = wilson_interval(50, 100, confidence=0.5)
    wide = wilson_interval(50, 100, confidence=0.99)
    assert wide[0] < narrow[0] < 0.5 < narrow[1] < wide[1]
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
