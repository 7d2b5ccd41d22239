import csv
import time
from importlib import resources

import pandas as pd
import pytest

from engage.population import census
from engage.population.categories import age_bands, band_label
from engage.population.census import (
    ATTRIBUTION,
    DIMENSIONS,
    MissingBaseline,
    UnknownAreas,
    collapse_ethnic_groups,
    load_baseline,
    load_baselines,
)

DUDLEY, BIRMINGHAM = "E08000027", "E08000025"
WEST_MIDLANDS = [f"E0800002{i}" for i in range(5, 10)] + ["E08000030", "E08000031"]
CITY_OF_LONDON, SCILLY = "E09000001", "E06000053"
BROAD_WHITE = "White"


def _rows(name: str) -> list[dict[str, str]]:
    data = resources.files("engage.population").joinpath(f"data/{name}")
    with data.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _age(label: str) -> int:
    return 90 if label == "90+" else int(label)


def share(baseline: census.Baseline, category: str) -> float:
    return float(baseline.counts[category] / baseline.counts.sum())


# ---------------------------------------------------------------- age bands


@pytest.mark.parametrize(
    ("age_min", "age_max", "expected"),
    [
        (11, 25, [(11, 14), (15, 19), (20, 25)]),
        (10, 24, [(10, 14), (15, 19), (20, 24)]),
        (16, 24, [(16, 19), (20, 24)]),
        (14, 25, [(14, 19), (20, 25)]),  # a single year at either end joins its neighbour
        (14, 18, [(14, 14), (15, 18)]),  # ...unless that would leave one band
        (24, 25, [(24, 24), (25, 25)]),
        (13, 13, [(13, 13)]),
        (None, 25, [(0, 9), (10, 14), (15, 19), (20, 25)]),
        (
            16,
            None,
            [
                (16, 19),
                (20, 24),
                (25, 29),
                (30, 34),
                (35, 44),
                (45, 54),
                (55, 64),
                (65, 74),
                (75, 120),
            ],
        ),
        (
            None,
            None,
            [
                (0, 9),
                (10, 14),
                (15, 19),
                (20, 24),
                (25, 29),
                (30, 34),
                (35, 44),
                (45, 54),
                (55, 64),
                (65, 74),
                (75, 120),
            ],
        ),
    ],
)
def test_age_bands(age_min, age_max, expected) -> None:
    assert age_bands(age_min, age_max) == expected


@pytest.mark.parametrize(("age_min", "age_max"), [(25, 11), (-1, 10), (0, 121), (1.5, 10)])
def test_age_bands_refuse_bad_ranges(age_min, age_max) -> None:
    with pytest.raises(ValueError):
        age_bands(age_min, age_max)


def test_band_labels() -> None:
    assert band_label(11, 14) == "11-14"
    assert band_label(16, 16) == "16"
    assert band_label(75, 120) == "75+"
    assert band_label(75, 95) == "75+"
    assert band_label(20, 25) == "20-25"


# ---------------------------------------------------------------- Dudley, 11-25


@pytest.fixture(scope="module")
def dudley() -> dict[str, census.Baseline]:
    return load_baselines([DUDLEY], age_min=11, age_max=25)


def test_every_dimension_loads(dudley) -> None:
    assert list(dudley) == list(DIMENSIONS)
    for dimension, baseline in dudley.items():
        assert baseline.dimension == dimension
        assert baseline.source.startswith("Census 2021")
        assert (baseline.counts > 0).all()
    assert ATTRIBUTION.startswith("Source: Office for National Statistics")


def test_age_bands_sum_single_years_exactly(dudley) -> None:
    single = {
        _age(r["category"]): int(r["count"])
        for r in _rows("la_population.csv")
        if r["area_code"] == DUDLEY and r["dimension"] == "age"
    }
    age = dudley["age"]
    assert list(age.counts.index) == ["11-14", "15-19", "20-25"]
    assert age.counts["11-14"] == sum(single[a] for a in range(11, 15))
    assert age.counts["20-25"] == sum(single[a] for a in range(20, 26))
    assert age.counts.sum() == sum(single[a] for a in range(11, 26))
    assert age.exact_ages and age.warning is None
    assert age.counts.dtype == "int64"


def test_sex_is_exact_for_the_survey_ages(dudley) -> None:
    expected = {"Female": 0, "Male": 0}
    for r in _rows("la_population_by_age.csv"):
        if r["area_code"] == DUDLEY and r["dimension"] == "sex":
            if 11 <= _age(r["age_band"]) <= 25:
                expected[r["category"]] += int(r["count"])
    sex = dudley["sex"]
    assert sex.counts.to_dict() == expected
    assert sex.exact_ages
    assert "ages 11-25" in sex.source


def test_ethnic_group_uses_broad_groups_at_10_to_17(dudley) -> None:
    ethnic = dudley["ethnic_group"]
    assert len(ethnic.counts) == 5
    assert "ages 10-17" in ethnic.source
    assert not ethnic.exact_ages
    assert "10-17" in ethnic.warning
    # data/README.md: Dudley 24.7% non-White at 10-17 (against 15.1% at all ages).
    assert 1 - share(ethnic, BROAD_WHITE) == pytest.approx(0.247, abs=0.0005)
    assert ethnic.counts.sum() == 30631


def test_birmingham_ethnic_group_matches_the_readme() -> None:
    ethnic = load_baseline([BIRMINGHAM], "ethnic_group", age_min=10, age_max=17)
    assert ethnic.exact_ages and ethnic.warning is None
    assert ethnic.counts.sum() == 131170
    assert ethnic.counts.sum() - ethnic.counts[BROAD_WHITE] == 88430


def test_ethnic_group_for_adults_is_all_ages_detailed() -> None:
    ethnic = load_baseline([BIRMINGHAM], "ethnic_group", age_min=16, age_max=None)
    assert len(ethnic.counts) == 19
    assert "all ages" in ethnic.source
    assert ethnic.warning
    assert 1 - sum(
        share(ethnic, c) for c in ethnic.counts.index if c.startswith("White")
    ) == pytest.approx(0.514, abs=0.0005)
    everyone = load_baseline([BIRMINGHAM], "ethnic_group", age_min=None, age_max=None)
    assert everyone.exact_ages and everyone.warning is None


def test_religion_mixes_the_two_age_bands_for_a_range_across_16() -> None:
    young = load_baseline([BIRMINGHAM], "religion", age_min=0, age_max=15)
    adults = load_baseline([BIRMINGHAM], "religion", age_min=16, age_max=None)
    mixed = load_baseline([BIRMINGHAM], "religion", age_min=11, age_max=25)
    # data/README.md: Muslim is 43.8% of religion counts aged 0-15, 'Not answered'
    # included; the baseline leaves 'Not answered' out of its base.
    refused = sum(
        int(r["count"])
        for r in _rows("la_population_by_age.csv")
        if r["area_code"] == BIRMINGHAM
        and r["dimension"] == "religion"
        and r["age_band"] == "0-15"
        and r["category"] == "Not answered"
    )
    with_refusals = young.counts["Muslim"] / (young.counts.sum() + refused)
    assert with_refusals == pytest.approx(0.438, abs=0.0005)
    assert share(young, "Muslim") > with_refusals
    assert share(adults, "Muslim") < share(mixed, "Muslim") < share(young, "Muslim")
    assert "estimate" in mixed.source and "Not answered" in mixed.source
    assert "Not answered" not in mixed.counts.index
    assert not mixed.exact_ages and mixed.warning
    # The estimate is for the survey's ages: its total is their population.
    sex = load_baseline([BIRMINGHAM], "sex", age_min=11, age_max=25)
    assert mixed.counts.sum() == pytest.approx(sex.counts.sum())
    assert young.exact_ages and adults.exact_ages


def test_religion_inside_one_band_says_so() -> None:
    teens = load_baseline([BIRMINGHAM], "religion", age_min=11, age_max=15)
    assert "ages 0-15" in teens.source
    assert not teens.exact_ages and "0-15" in teens.warning
    everyone = load_baseline([BIRMINGHAM], "religion", age_min=None, age_max=None)
    assert everyone.exact_ages
    assert share(everyone, "Muslim") > 0.2986  # 'Not answered' left out of the base


def test_disability_and_main_language_are_all_ages_with_warnings(dudley) -> None:
    disability = dudley["disability"]
    assert list(disability.counts.index) == [
        "Disabled under the Equality Act",
        "Not disabled under the Equality Act",
    ]
    assert "No age breakdown" in disability.warning and "16" in disability.warning
    language = dudley["main_language"]
    assert list(language.counts.index) == [
        "Main language is English",
        "Main language is not English",
    ]
    assert language.counts.to_dict() == {
        "Main language is English": 298941,
        "Main language is not English": 4973 + 5216 + 3097 + 652,
    }
    assert "3 and over" in language.source and "3 and over" in language.warning


def test_pooling_areas_sums_counts() -> None:
    pooled = load_baselines(WEST_MIDLANDS, age_min=11, age_max=25)
    singles = [load_baselines([code], age_min=11, age_max=25) for code in WEST_MIDLANDS]
    for dimension in ("age", "sex", "ethnic_group", "disability", "main_language"):
        total = sum(s[dimension].counts for s in singles)
        pd.testing.assert_series_equal(pooled[dimension].counts, total, check_names=False)
    adults = load_baseline(WEST_MIDLANDS, "religion", age_min=16, age_max=None)
    total = sum(
        load_baseline([c], "religion", age_min=16, age_max=None).counts for c in WEST_MIDLANDS
    )
    pd.testing.assert_series_equal(adults.counts, total, check_names=False)


def test_unknown_areas_are_listed() -> None:
    with pytest.raises(UnknownAreas) as raised:
        load_baseline([DUDLEY, "E99999999", "nonsense"], "age", age_min=11, age_max=25)
    assert raised.value.codes == ["E99999999", "NONSENSE"]
    assert isinstance(raised.value, ValueError)


def test_area_codes_are_normalised() -> None:
    assert census.resolve_areas([" e08000027", DUDLEY]) == [DUDLEY]


def test_city_of_london_ethnicity_falls_back_to_all_ages() -> None:
    ethnic = load_baseline([CITY_OF_LONDON], "ethnic_group", age_min=11, age_max=25)
    assert len(ethnic.counts) == 19
    assert "all ages" in ethnic.source
    assert "City of London" in ethnic.warning
    # Pooled with an area that has the figures, the whole pool falls back.
    pooled = load_baseline([DUDLEY, CITY_OF_LONDON], "ethnic_group", age_min=11, age_max=25)
    assert len(pooled.counts) == 19 and pooled.warning


def test_scilly_religion_falls_back() -> None:
    religion = load_baseline([SCILLY], "religion", age_min=11, age_max=25)
    assert "all ages" in religion.source and religion.warning


def test_merged_districts_use_the_2023_unitary_only_when_all_are_asked_for() -> None:
    north_yorkshire = list(census.UNITARIES_2023["E06000065"])
    whole = load_baseline(north_yorkshire, "ethnic_group", age_min=11, age_max=25)
    assert "ages 10-17" in whole.source
    part = load_baseline(north_yorkshire[:2], "ethnic_group", age_min=11, age_max=25)
    assert "all ages" in part.source
    assert "North Yorkshire" in part.warning
    # The unitary's own code stands for its districts.
    assert load_baseline(["E06000065"], "sex", age_min=11, age_max=25).counts.sum() == (
        load_baseline(north_yorkshire, "sex", age_min=11, age_max=25).counts.sum()
    )


def test_collapse_ethnic_groups() -> None:
    detailed = load_baseline([DUDLEY], "ethnic_group", age_min=None, age_max=None)
    broad = collapse_ethnic_groups(detailed)
    assert len(broad.counts) == 5
    assert broad.counts.sum() == detailed.counts.sum()
    assert 1 - share(broad, BROAD_WHITE) == pytest.approx(0.151, abs=0.0005)


def test_unknown_dimension() -> None:
    with pytest.raises(ValueError, match="dimension"):
        load_baseline([DUDLEY], "height", age_min=None, age_max=None)


def test_loading_is_quick() -> None:
    census._read.cache_clear()
    census._dimension_rows.cache_clear()
    census._by_age_area_set.cache_clear()
    started = time.perf_counter()
    load_baselines(WEST_MIDLANDS, age_min=11, age_max=25)
    # The brief is under 1 s; some slack for a busy test machine.
    assert time.perf_counter() - started < 1.5


def test_missing_baseline_carries_its_data() -> None:
    error = MissingBaseline("ethnic_group", [CITY_OF_LONDON])
    assert error.dimension == "ethnic_group" and error.areas == [CITY_OF_LONDON]
