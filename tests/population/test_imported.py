import pandas as pd
import pytest

from engage.population.census import MissingBaseline, UnknownAreas, load_baseline
from engage.population.imported import (
    PopulationFileError,
    baseline_from_frame,
    validate_population_frame,
)

WARD_A, WARD_B = "E05001234", "E05001235"


def frame(rows: list[tuple], columns=("area_code", "dimension", "category", "count", "age_band")):
    return pd.DataFrame(rows, columns=list(columns))


def test_validate_cleans_a_good_frame() -> None:
    clean = validate_population_frame(
        pd.DataFrame(
            {
                "Area Code": [" e05001234", WARD_A, WARD_A, WARD_A],
                "Dimension": ["sex", "sex", "ETHNIC_GROUP", "religion"],
                "Category": ["female", "Male", "asian", "Not answered"],
                "count": ["1,200", 1100.0, "30", 4],
                "age_band": ["", None, "10 - 17", "16+"],
                "area_name": ["Ward A", "", None, "Ward A"],
            }
        )
    )
    assert list(clean.columns) == [
        "area_code",
        "area_name",
        "dimension",
        "category",
        "age_band",
        "count",
    ]
    assert clean["area_code"].tolist() == [WARD_A] * 4
    assert clean["category"].tolist() == [
        "Female",
        "Male",
        "Asian, Asian British or Asian Welsh",
        "Not answered",
    ]
    assert clean["dimension"].tolist() == ["sex", "sex", "ethnic_group", "religion"]
    assert clean["count"].tolist() == [1200, 1100, 30, 4]
    assert clean["count"].dtype == "int64"
    assert clean["age_band"].isna().tolist() == [True, True, False, False]
    assert clean["age_band"].dropna().tolist() == ["10-17", "16+"]


def test_validate_reports_every_problem_with_row_numbers() -> None:
    bad = frame(
        [
            (WARD_A, "sex", "Female", "100", None),  # row 1: fine
            (WARD_A, "height", "Tall", "5", None),  # row 2: unknown dimension
            (WARD_A, "sex", "Male", "-3", None),  # row 3: negative
            (WARD_A, "religion", "Muslim", "12.5", None),  # row 4: not whole
            (WARD_A, "sex", "Female", "7", None),  # row 5: repeats row 1
            ("", "sex", "Female", "abc", None),  # row 6: blank area, bad count
            (WARD_A, "ethnic_group", "Whit", "3", None),  # row 7: unknown category
            (WARD_A, "religion", "Christian", "3", "teens"),  # row 8: bad age band
            (WARD_A, "age", "10-14", "3", None),  # row 9 and 10 overlap
            (WARD_A, "age", "12", "3", None),
        ]
    )
    with pytest.raises(PopulationFileError) as raised:
        validate_population_frame(bad)
    problems = raised.value.problems
    text = "\n".join(problems)
    assert "row 2: unknown dimension 'height' (known: age, disability, ethnic_group," in text
    assert "row 3: count must not be negative, not '-3'" in text
    assert "row 4: count must be a whole number, not '12.5'" in text
    assert (
        "rows 1 and 5: the same area, dimension, category and age band twice "
        f"({WARD_A}, sex, Female, all ages)"
    ) in problems
    assert "row 6: area_code is empty" in text
    assert "row 6: count must be a whole number, not 'abc'" in text
    assert "row 7: unknown ethnic_group category 'Whit' (known: " in text
    assert "; White: Irish; " in text  # the known categories, in census spelling
    assert "row 8: age_band 'teens'" in text
    assert "rows 9 and 10: age bands 10-14 and 12 overlap" in text
    assert not any(p.startswith("row 1:") for p in problems)
    assert len(problems) == 9


def test_validate_lists_known_categories_once_and_finds_duplicates_with_bad_counts() -> None:
    bad = frame(
        [
            (WARD_A, "religion", "Jedi", "3", None),
            (WARD_A, "religion", "Sith", "4", None),
            (WARD_A, "sex", "Male", "lots", None),
            (WARD_A, "sex", "male", "5", None),
            (WARD_A, "sex", "Female", "3,000,000,000", None),
        ]
    )
    with pytest.raises(PopulationFileError) as raised:
        validate_population_frame(bad)
    assert raised.value.problems == [
        "row 1: unknown religion category 'Jedi' (known: No religion; Christian; Buddhist; "
        "Hindu; Jewish; Muslim; Sikh; Other religion; Not answered)",
        "row 2: unknown religion category 'Sith' (the known ones are listed at row 1)",
        "row 3: count must be a whole number, not 'lots'",
        "row 5: count must be at most 2,147,483,647, not '3,000,000,000'",
        "rows 3 and 4: the same area, dimension, category and age band twice "
        f"({WARD_A}, sex, Male, all ages)",
    ]


def test_validate_reports_missing_columns_and_empty_files() -> None:
    with pytest.raises(PopulationFileError) as raised:
        validate_population_frame(pd.DataFrame({"area_code": [WARD_A], "category": ["Male"]}))
    assert raised.value.problems == [
        "missing columns: dimension, count (the file has area_code, category)"
    ]
    with pytest.raises(PopulationFileError) as raised:
        validate_population_frame(frame([]))
    assert raised.value.problems == ["the file has a header but no data rows"]


def test_the_census_by_age_file_is_a_valid_import() -> None:
    from importlib import resources

    path = resources.files("engage.population").joinpath("data/la_population_by_age.csv")
    with path.open("rb") as handle:
        by_age = pd.read_csv(handle, dtype=str, keep_default_na=False)
    dudley = by_age[by_age["area_code"] == "E08000027"]
    ethnic = baseline_from_frame(dudley, ["E08000027"], "ethnic_group", age_min=11, age_max=25)
    census = load_baseline(["E08000027"], "ethnic_group", age_min=11, age_max=25)
    pd.testing.assert_series_equal(ethnic.counts, census.counts)
    sex = baseline_from_frame(dudley, ["E08000027"], "sex", age_min=11, age_max=25)
    pd.testing.assert_series_equal(
        sex.counts, load_baseline(["E08000027"], "sex", age_min=11, age_max=25).counts
    )
    assert sex.exact_ages and sex.warning is None


def ward_frame() -> pd.DataFrame:
    rows = []
    for ward, scale in ((WARD_A, 1), (WARD_B, 2)):
        for age in range(0, 30):
            rows.append((ward, "age", str(age), 10 * scale, None))
            rows.append((ward, "sex", "Female", 5 * scale, str(age)))
            rows.append((ward, "sex", "Male", 4 * scale, str(age)))
        rows += [
            (ward, "religion", "Muslim", 30 * scale, None),
            (ward, "religion", "Christian", 60 * scale, None),
            (ward, "religion", "Not answered", 10 * scale, None),
            (
                ward,
                "main_language",
                "Main language is English (English or Welsh in Wales)",
                90 * scale,
                None,
            ),
            (
                ward,
                "main_language",
                "Main language is not English (English or Welsh in Wales): Can speak English well",
                6 * scale,
                None,
            ),
            (
                ward,
                "main_language",
                "Main language is not English (English or Welsh in Wales): Cannot speak English",
                4 * scale,
                None,
            ),
            (ward, "ethnic_group", "White", 70 * scale, "10-17"),
            (ward, "ethnic_group", "Asian", 30 * scale, "10-17"),
        ]
    return frame(rows)


def test_imported_ages_and_sex_follow_the_survey_range() -> None:
    wards = ward_frame()
    age = baseline_from_frame(wards, [WARD_A, WARD_B], "age", age_min=11, age_max=25)
    assert age.counts.to_dict() == {"11-14": 120, "15-19": 150, "20-25": 180}
    assert age.exact_ages and age.warning is None
    sex = baseline_from_frame(wards, [WARD_A], "sex", age_min=11, age_max=25)
    assert sex.counts.to_dict() == {"Female": 75, "Male": 60}
    assert sex.exact_ages
    assert sex.source.startswith("Imported population figures, ages 11-25")


def test_imported_ages_beyond_the_figures_are_flagged() -> None:
    age = baseline_from_frame(ward_frame(), [WARD_A], "age", age_min=11, age_max=40)
    assert not age.exact_ages
    assert "ages 11-29" in age.warning
    assert list(age.counts.index) == ["11-14", "15-19", "20-24", "25-29"]


def test_imported_categories_collapse_like_the_census() -> None:
    wards = ward_frame()
    religion = baseline_from_frame(
        wards, [WARD_A, WARD_B], "religion", age_min=None, age_max=None, source="Ward profile"
    )
    assert religion.counts.to_dict() == {"Christian": 180, "Muslim": 90}
    assert "Not answered" in religion.source and religion.source.startswith("Ward profile")
    language = baseline_from_frame(wards, [WARD_B], "main_language", age_min=None, age_max=None)
    assert language.counts.to_dict() == {
        "Main language is English": 180,
        "Main language is not English": 20,
    }
    ethnic = baseline_from_frame(wards, [WARD_A], "ethnic_group", age_min=11, age_max=16)
    assert ethnic.counts.to_dict() == {"Asian, Asian British or Asian Welsh": 30, "White": 70}
    assert not ethnic.exact_ages and "10-17" in ethnic.warning


def test_imported_figures_without_ages_warn() -> None:
    religion = baseline_from_frame(ward_frame(), [WARD_A], "religion", age_min=11, age_max=25)
    assert not religion.exact_ages
    assert "no age breakdown" in religion.warning


def test_imported_areas_and_dimensions_must_be_there() -> None:
    wards = ward_frame()
    with pytest.raises(UnknownAreas) as raised:
        baseline_from_frame(wards, [WARD_A, "E05009999"], "sex", age_min=None, age_max=None)
    assert raised.value.codes == ["E05009999"]
    with pytest.raises(MissingBaseline) as missing:
        baseline_from_frame(wards, [WARD_A], "disability", age_min=None, age_max=None)
    assert missing.value.dimension == "disability" and missing.value.areas == [WARD_A]
    partial = wards[~((wards["area_code"] == WARD_B) & (wards["dimension"] == "religion"))]
    with pytest.raises(MissingBaseline) as missing:
        baseline_from_frame(partial, [WARD_A, WARD_B], "religion", age_min=None, age_max=None)
    assert missing.value.areas == [WARD_B]


def test_a_bad_label_elsewhere_does_not_block_a_dimension() -> None:
    wards = pd.concat([ward_frame(), frame([(WARD_A, "religion", "Jedi", 3, None)])])
    sex = baseline_from_frame(wards, [WARD_A], "sex", age_min=None, age_max=None)
    assert sex.counts.sum() == 270
    with pytest.raises(PopulationFileError, match="Jedi"):
        baseline_from_frame(wards, [WARD_A], "religion", age_min=None, age_max=None)
