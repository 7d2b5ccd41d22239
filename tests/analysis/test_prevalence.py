import math
from pathlib import Path

import nltk
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.analysis.prevalence import (
    NLTK_DATA,
    VADER_LEXICON,
    co_occurrence,
    theme_prevalence,
    tone_by_theme,
    vader,
)
from engage.analysis.targets import wilson_interval

IDS = ["a", "b", "c", "d", "e", "f"]
CODED = pd.DataFrame(
    {
        "fear": [1, 0, 1, 1, 0, np.nan],
        "police": [0, 1, 1, 0, 0, np.nan],
        "other": [0, 0, 0, 0, 1, np.nan],
    },
    index=IDS,
)  # "f" not coded yet: in no base
GROUPS = pd.DataFrame(
    {
        "sex": ["Female", "Male", "Female", None, "Male", "Female"],
        "age_band": pd.Categorical(
            ["11-15", "16-24", "11-15", "11-15", "16-24", "16-24"],
            categories=["11-15", "16-24", "25+"],
        ),
    },
    index=IDS,
)
COLUMNS = ["dimension", "group", "theme", "n_answered", "n_theme", "share", "ci_low", "ci_high"]


def _row(result: pd.DataFrame, dimension: str, group: str, theme: str) -> pd.Series:
    chosen = result[
        (result["dimension"] == dimension) & (result["group"] == group) & (result["theme"] == theme)
    ]
    assert len(chosen) == 1
    return chosen.iloc[0]


def test_overall_prevalence_with_wilson_intervals() -> None:
    result = theme_prevalence(CODED)
    assert list(result.columns) == COLUMNS
    assert list(result["theme"]) == ["fear", "police", "other"]
    assert set(result["dimension"]) == {"All"} == set(result["group"])
    fear = _row(result, "All", "All", "fear")
    assert fear["n_answered"] == 5
    assert fear["n_theme"] == 3
    assert fear["share"] == pytest.approx(0.6)
    low, high = wilson_interval(3, 5)
    assert (fear["ci_low"], fear["ci_high"]) == pytest.approx((low, high))
    # A textbook check of the Wilson interval: 3 of 5 at 95% is 0.2307 to 0.8824.
    assert (fear["ci_low"], fear["ci_high"]) == pytest.approx((0.2307, 0.8824), abs=1e-4)


def test_prevalence_by_group() -> None:
    result = theme_prevalence(CODED, GROUPS)
    assert list(result["dimension"].unique()) == ["All", "sex", "age_band"]
    assert list(result.loc[result["dimension"] == "sex", "group"].unique()) == ["Female", "Male"]
    # Categorical: every category in its own order, even an empty one.
    assert list(result.loc[result["dimension"] == "age_band", "group"].unique()) == [
        "11-15",
        "16-24",
        "25+",
    ]
    female = _row(result, "sex", "Female", "fear")
    assert (female["n_answered"], female["n_theme"], female["share"]) == (2, 2, 1.0)
    # "d" has no sex recorded: in "All" but in no sex group.
    assert result.loc[result["dimension"] == "sex"].groupby("theme")["n_answered"].sum().eq(4).all()
    empty = _row(result, "age_band", "25+", "police")
    assert empty["n_answered"] == 0
    assert math.isnan(empty["share"])
    assert (empty["ci_low"], empty["ci_high"]) == (0.0, 1.0)
    young = _row(result, "age_band", "11-15", "fear")
    assert (young["n_answered"], young["n_theme"]) == (3, 3)


def test_weighted_share() -> None:
    weights = pd.Series([1.0, 2.0, 1.0, 1.0, 5.0, 100.0], index=IDS)
    result = theme_prevalence(CODED, GROUPS, weights=weights)
    assert list(result.columns) == [*COLUMNS, "weighted_share"]
    fear = _row(result, "All", "All", "fear")
    # (1 + 1 + 1) / (1 + 2 + 1 + 1 + 5); "f" did not answer, so its weight is left out.
    assert fear["weighted_share"] == pytest.approx(3 / 10)
    assert fear["share"] == pytest.approx(0.6)
    male_police = _row(result, "sex", "Male", "police")
    assert male_police["weighted_share"] == pytest.approx(2 / 7)
    assert math.isnan(_row(result, "age_band", "25+", "fear")["weighted_share"])


def test_weights_must_cover_every_answer() -> None:
    with pytest.raises(ValueError):
        theme_prevalence(CODED, weights=pd.Series([1.0, 1.0], index=["a", "b"]))
    with pytest.raises(ValueError):
        theme_prevalence(CODED, weights=pd.Series(-1.0, index=IDS))


def test_values_must_be_zero_or_one() -> None:
    with pytest.raises(ValueError, match="fear"):
        theme_prevalence(CODED.replace({1: 2}).assign(police=0, other=0))
    with pytest.raises(ValueError):
        theme_prevalence(pd.concat([CODED, CODED]))


def test_booleans_and_other_confidence_levels() -> None:
    coded = CODED.dropna().astype(bool)
    at_95 = _row(theme_prevalence(coded), "All", "All", "fear")
    at_99 = _row(theme_prevalence(coded, confidence=0.99), "All", "All", "fear")
    assert at_99["ci_low"] < at_95["ci_low"] < at_95["share"] < at_95["ci_high"] < at_99["ci_high"]


def test_no_answers_and_no_themes() -> None:
    empty = theme_prevalence(CODED.iloc[:0])
    assert list(empty["n_answered"]) == [0, 0, 0]
    assert empty["share"].isna().all()
    assert theme_prevalence(CODED[[]]).empty
    assert list(theme_prevalence(CODED[[]]).columns) == COLUMNS


@st.composite
def coded_frames(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    n = draw(st.integers(0, 40))
    themes = draw(st.integers(1, 4))
    values = draw(
        st.lists(
            st.lists(st.integers(0, 1), min_size=themes, max_size=themes), min_size=n, max_size=n
        )
    )
    coded = pd.DataFrame(values, columns=[f"t{i}" for i in range(themes)], dtype="int64")
    groups = pd.DataFrame(
        {"area": draw(st.lists(st.sampled_from(["North", "South", None]), min_size=n, max_size=n))}
    )
    weights = pd.Series(
        draw(st.lists(st.floats(0, 50, allow_nan=False), min_size=n, max_size=n)), dtype="float64"
    )
    return coded, groups, weights


@settings(max_examples=150, deadline=None)
@given(coded_frames(), st.floats(0.5, 0.999))
def test_intervals_contain_the_share_and_stay_in_zero_to_one(
    frames: tuple[pd.DataFrame, pd.DataFrame, pd.Series], confidence: float
) -> None:
    coded, groups, weights = frames
    result = theme_prevalence(coded, groups, weights=weights, confidence=confidence)
    assert (result["ci_low"] >= 0).all() and (result["ci_high"] <= 1).all()
    assert (result["ci_low"] <= result["ci_high"]).all()
    shown = result.dropna(subset=["share"])
    assert (shown["ci_low"] <= shown["share"] + 1e-12).all()
    assert (shown["share"] <= shown["ci_high"] + 1e-12).all()
    assert (result["n_theme"] <= result["n_answered"]).all()
    weighted = result["weighted_share"].dropna()
    assert ((weighted >= -1e-12) & (weighted <= 1 + 1e-12)).all()
    overall = result[result["dimension"] == "All"]
    assert (overall["n_answered"] == len(coded)).all()
    assert list(overall["n_theme"]) == list(coded.sum())


# --- co-occurrence ---------------------------------------------------------------------------


def test_co_occurrence_counts_answers_with_both() -> None:
    result = co_occurrence(CODED)
    assert list(result.index) == list(result.columns) == ["fear", "police", "other"]
    assert result.loc["fear", "fear"] == 3
    assert result.loc["fear", "police"] == result.loc["police", "fear"] == 1
    assert result.loc["fear", "other"] == 0
    assert result.to_numpy().dtype == np.int64


@settings(max_examples=80, deadline=None)
@given(coded_frames())
def test_co_occurrence_is_symmetric_with_counts_on_the_diagonal(
    frames: tuple[pd.DataFrame, pd.DataFrame, pd.Series],
) -> None:
    coded = frames[0]
    result = co_occurrence(coded)
    assert (result.to_numpy() == result.to_numpy().T).all()
    assert list(np.diag(result.to_numpy())) == list(coded.sum())


# --- tone ------------------------------------------------------------------------------------


def test_vader_loads_the_packaged_lexicon_offline() -> None:
    assert (NLTK_DATA / VADER_LEXICON).is_file()
    assert (NLTK_DATA / VADER_LEXICON).with_name("LICENSE.txt").is_file()
    analyser = vader()
    assert analyser is vader()  # loaded once
    assert nltk.data.path[0] == str(NLTK_DATA) or str(NLTK_DATA) in nltk.data.path
    score = analyser.polarity_scores("I don't feel safe walking home, there are gangs with knives")
    assert score["compound"] == pytest.approx(-0.34, abs=0.005)


def test_packaged_lexicon_is_the_vadersentiment_one() -> None:
    package = pytest.importorskip("vaderSentiment")
    shipped = Path(package.__file__).with_name("vader_lexicon.txt")
    assert (NLTK_DATA / VADER_LEXICON).read_bytes() == shipped.read_bytes()


def test_tone_by_theme() -> None:
    texts = pd.Series(
        {
            "a": "I don't feel safe walking home, there are gangs with knives",
            "b": "The local police officers are great and really helpful",
            "c": "I hate it, scared all the time, police do nothing",
            "d": None,
            "e": "The youth club is brilliant, I love it",
            "f": "Not coded yet: not counted",
        }
    )
    result = tone_by_theme(texts, CODED)
    assert list(result.columns) == [
        "theme",
        "n",
        "mean_compound",
        "share_negative",
        "share_positive",
    ]
    fear = result.set_index("theme").loc["fear"]
    assert fear["n"] == 2  # "d" has no text
    assert fear["mean_compound"] < -0.3
    assert fear["share_negative"] == 1.0 and fear["share_positive"] == 0.0
    police = result.set_index("theme").loc["police"]
    assert police["n"] == 2
    assert police["share_negative"] == 0.5 and police["share_positive"] == 0.5
    other = result.set_index("theme").loc["other"]
    assert other["mean_compound"] > 0.5


def test_tone_of_a_theme_with_no_text() -> None:
    result = tone_by_theme(pd.Series({"a": "fine"}), CODED).set_index("theme")
    assert result.loc["police", "n"] == 0
    assert math.isnan(result.loc["police", "mean_compound"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=120), st.none()), min_size=1, max_size=10))
def test_tone_never_raises_and_stays_in_range(texts: list[str | None]) -> None:
    coded = pd.DataFrame({"t": [1] * len(texts)})
    result = tone_by_theme(pd.Series(texts, dtype="object"), coded)
    value = result.loc[0, "mean_compound"]
    assert math.isnan(value) or -1 <= value <= 1
