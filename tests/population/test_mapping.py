import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from engage.analysis._categories import PREFER_NOT_TO_SAY as ANALYSIS_PREFER_NOT_TO_SAY
from engage.analysis.representativeness import reach_summary
from engage.population import categories
from engage.population.census import Baseline, load_baseline, load_baselines
from engage.population.mapping import (
    PREFER_NOT_TO_SAY,
    UnknownLabels,
    census_category,
    labels_to_codes,
    to_census,
)

NA = pd.NA
DISABLED = "Disabled under the Equality Act"
NOT_DISABLED = "Not disabled under the Equality Act"


@pytest.fixture(scope="module")
def youth() -> dict[str, Baseline]:
    return load_baselines(["E08000027"], age_min=11, age_max=25)


def column(values: list) -> list:
    return [None if v is NA else v for v in values]


def test_prefer_not_to_say_matches_the_analysis_label() -> None:
    assert PREFER_NOT_TO_SAY == ANALYSIS_PREFER_NOT_TO_SAY


def test_demographics_census_categories_are_census_labels() -> None:
    demographics = json.loads(
        resources.files("engage.surveys").joinpath("starters/demographics.json").read_text()
    )
    census = demographics["census_categories"]
    everyone = load_baselines(["E08000027"], age_min=None, age_max=None)
    assert set(census["ethnic_group"].values()) == set(everyone["ethnic_group"].counts.index)
    assert set(census["religion"].values()) == set(everyone["religion"].counts.index)
    assert set(census["disability"].values()) == set(everyone["disability"].counts.index)
    assert set(census["sex"].values()) == set(everyone["sex"].counts.index)
    # Every option of the questions maps to something.
    questions = {q["key"]: q for section in demographics["sections"] for q in section["questions"]}
    for key in ("sex", "ethnic_group", "religion", "main_language"):
        codes = [o["code"] for o in questions[key]["options"]]
        assert labels_to_codes(key, pd.Series(codes)).tolist() == codes


def test_to_census_maps_every_dimension(youth) -> None:
    respondents = pd.DataFrame(
        {
            "age": [11, 25, 30, "prefer_not_to_say", np.nan, 15, 10],
            "sex": ["female", "male", np.nan, "prefer_not_to_say", "female", "male", "male"],
            "ethnic_group": [
                "asian_pakistani",
                "white_british",
                "prefer_not_to_say",
                np.nan,
                "mixed_other",
                "other_arab",
                "black_african",
            ],
            "religion": [
                "muslim",
                "no_religion",
                "other_religion",
                "prefer_not_to_say",
                np.nan,
                "christian",
                "sikh",
            ],
            "long_term_condition": ["no", "yes", "yes", "yes", "prefer_not_to_say", np.nan, "yes"],
            "disability_impact": [
                np.nan,
                "yes_a_lot",
                "not_at_all",
                np.nan,
                np.nan,
                np.nan,
                "prefer_not_to_say",
            ],
            "main_language": ["yes", "no", "prefer_not_to_say", np.nan, "yes", "no", "yes"],
            "english_proficiency": [np.nan, "well", np.nan, np.nan, np.nan, "very_well", np.nan],
        }
    )
    mapped = to_census(respondents, youth, age_min=11, age_max=25)
    assert list(mapped.columns) == list(youth)
    assert column(mapped["age"].tolist()) == [
        "11-14",
        "20-25",
        None,
        PREFER_NOT_TO_SAY,
        None,
        "15-19",
        None,
    ]
    assert mapped.attrs["ages_out_of_range"] == 2  # 30 and 10
    assert column(mapped["sex"].tolist()) == [
        "Female",
        "Male",
        None,
        PREFER_NOT_TO_SAY,
        "Female",
        "Male",
        "Male",
    ]
    # The baseline is broad (ages 10-17), so detailed answers roll up.
    assert column(mapped["ethnic_group"].tolist()) == [
        "Asian, Asian British or Asian Welsh",
        "White",
        PREFER_NOT_TO_SAY,
        None,
        "Mixed or Multiple ethnic groups",
        "Other ethnic group",
        "Black, Black British, Black Welsh, Caribbean or African",
    ]
    assert column(mapped["religion"].tolist()) == [
        "Muslim",
        "No religion",
        "Other religion",
        PREFER_NOT_TO_SAY,
        None,
        "Christian",
        "Sikh",
    ]
    assert column(mapped["disability"].tolist()) == [
        NOT_DISABLED,  # no condition
        DISABLED,  # reduces activity a lot
        NOT_DISABLED,  # a condition that does not reduce activity
        None,  # a condition, impact not answered
        PREFER_NOT_TO_SAY,
        None,
        PREFER_NOT_TO_SAY,  # prefer not to say about the impact
    ]
    assert column(mapped["main_language"].tolist()) == [
        "Main language is English",
        "Main language is not English",
        PREFER_NOT_TO_SAY,
        None,
        "Main language is English",
        "Main language is not English",
        "Main language is English",
    ]
    # The result feeds reach_summary as it is.
    summary = reach_summary(mapped, {d: b.counts for d, b in youth.items()})
    assert set(summary["dimension"]) == set(youth)


def test_to_census_uses_detailed_ethnic_groups_for_a_detailed_baseline() -> None:
    baseline = load_baseline(["E08000027"], "ethnic_group", age_min=None, age_max=None)
    mapped = to_census(
        pd.DataFrame({"ethnic_group": ["white_other", "asian_other", "prefer_not_to_say"]}),
        {"ethnic_group": baseline},
        age_min=None,
        age_max=None,
    )
    assert mapped["ethnic_group"].tolist() == [
        "White: Other White",
        "Asian, Asian British or Asian Welsh: Other Asian",
        PREFER_NOT_TO_SAY,
    ]


def test_to_census_without_a_column_is_not_answered(youth) -> None:
    mapped = to_census(pd.DataFrame({"sex": ["female", "male"]}), youth, age_min=11, age_max=25)
    assert mapped["sex"].tolist() == ["Female", "Male"]
    assert mapped["religion"].isna().all() and mapped["disability"].isna().all()


def test_a_single_disability_question() -> None:
    baseline = load_baseline(["E08000027"], "disability", age_min=None, age_max=None)
    mapped = to_census(
        pd.DataFrame({"disability": ["Yes", "no", "Prefer not to say", None]}),
        {"disability": baseline},
        age_min=None,
        age_max=None,
    )
    assert column(mapped["disability"].tolist()) == [
        DISABLED,
        NOT_DISABLED,
        PREFER_NOT_TO_SAY,
        None,
    ]
    # Stored under its demographic key next to the impact question, it is the condition.
    mapped = to_census(
        pd.DataFrame({"disability": ["yes", "yes"], "disability_impact": ["yes_a_little", None]}),
        {"disability": baseline},
        age_min=None,
        age_max=None,
    )
    assert column(mapped["disability"].tolist()) == [DISABLED, None]


def test_to_census_refuses_codes_it_cannot_place(youth) -> None:
    with pytest.raises(UnknownLabels) as raised:
        to_census(pd.DataFrame({"sex": ["female", "other"]}), youth, age_min=11, age_max=25)
    assert raised.value.dimension == "sex" and raised.value.unknown == ["other"]


def test_labels_to_codes_accepts_codes_labels_and_census_labels() -> None:
    values = pd.Series(
        [
            "asian_pakistani",
            "Asian or Asian British: Pakistani",
            "ASIAN, ASIAN BRITISH OR ASIAN WELSH: PAKISTANI",
            "  White:   Irish ",
            "Prefer not to say",
            "",
            None,
        ]
    )
    assert column(labels_to_codes("ethnic_group", values).tolist()) == [
        "asian_pakistani",
        "asian_pakistani",
        "asian_pakistani",
        "white_irish",
        "prefer_not_to_say",
        None,
        None,
    ]
    religion = pd.Series(
        [
            "Christian (including Church of England, Catholic, Protestant and all other Christian denominations)",
            "Other religion",
            "Any other religion",
        ]
    )
    assert labels_to_codes("religion", religion).tolist() == [
        "christian",
        "other_religion",
        "other_religion",
    ]
    language = pd.Series(
        ["Yes", "Main language is not English (English or Welsh in Wales): Cannot speak English"]
    )
    assert labels_to_codes("main_language", language).tolist() == ["yes", "no"]
    assert column(
        labels_to_codes("age", pd.Series(["16", 17.0, "Prefer not to say", ""])).tolist()
    ) == [
        16,
        17,
        "prefer_not_to_say",
        None,
    ]


def test_labels_to_codes_lists_unknown_labels_and_the_allowed_ones() -> None:
    with pytest.raises(UnknownLabels) as raised:
        labels_to_codes("sex", pd.Series(["Female", "Woman", "x", "Woman"]))
    assert raised.value.dimension == "sex"
    assert raised.value.unknown == ["Woman", "x"]
    assert raised.value.allowed == ["Female", "Male", PREFER_NOT_TO_SAY]
    with pytest.raises(UnknownLabels) as raised:
        labels_to_codes("age", pd.Series(["16.5", "sixteen", -1, 200, 16]))
    assert raised.value.unknown == ["-1", "16.5", "200", "sixteen"]


def test_labels_to_codes_unknown_column() -> None:
    with pytest.raises(ValueError, match="unknown answer column"):
        labels_to_codes("shoe_size", pd.Series(["9"]))


def test_census_category_for_imported_files() -> None:
    assert census_category("sex", "female") == "Female"
    assert census_category("ethnic_group", "asian") == "Asian, Asian British or Asian Welsh"
    assert census_category("ethnic_group", "White: Irish") == "White: Irish"
    assert census_category("religion", "not answered") == "Not answered"
    cell = "Main language is not English (English or Welsh in Wales): Cannot speak English"
    assert census_category("main_language", cell.upper()) == cell
    assert census_category("age", "90+") == "90+"
    assert census_category("age", "10 to 17") == "10-17"
    assert census_category("sex", "Unknown") is None
    assert categories.baseline_category("main_language", cell) == "Main language is not English"
    assert categories.baseline_category("religion", "Not answered") is None
