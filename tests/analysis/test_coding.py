import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.analysis.codebook import Theme
from engage.analysis.coding import (
    NotEnoughExamples,
    Suggestion,
    ThemeModel,
    seed_strength,
    suggest_by_seeds,
    train_model,
)

THEMES = [
    Theme(
        key="fear_of_violence",
        name="Feeling unsafe",
        definition="Fear of violence",
        seeds=("unsafe", "scared", "fights", "look over my shoulder", "don't feel safe"),
    ),
    Theme(
        key="knives_weapons",
        name="Knives and weapons",
        definition="Knife carrying",
        seeds=("knife", "knives", "stabbed", "knife crime"),
    ),
    Theme(
        key="policing",
        name="Policing",
        definition="The police",
        seeds=("police", "stop and search"),
    ),
    Theme(key="unsafe_places", name="Places", definition="Places", seeds=("no-go", "bus stop")),
    Theme(key="other", name="Other", definition="Anything else"),
]


def by_theme(suggestions: list[Suggestion]) -> dict[str, Suggestion]:
    return {s.theme: s for s in suggestions}


# ---------------------------------------------------------------- seeds


def test_seed_suggests_theme_with_the_words_that_triggered_it() -> None:
    [found] = suggest_by_seeds(
        ["Everyone carries KNIVES round here, my cousin got stabbed!"], THEMES
    )
    assert [s.theme for s in found] == ["knives_weapons"]
    assert found[0].reasons == ("KNIVES", "stabbed")
    assert found[0].confidence == pytest.approx(1 - 0.4 * 0.4)


def test_stemming_phrases_and_case() -> None:
    texts = [
        "I'm always looking over my shoulder",
        "Scaaaared of the fighting",  # letter runs shortened; "fighting" stems as "fights"
        "they Stop And Searched me twice",
        "the police searched me",
    ]
    found = [by_theme(s) for s in suggest_by_seeds(texts, THEMES)]
    assert found[0]["fear_of_violence"].reasons == ("looking over my shoulder",)
    assert found[0]["fear_of_violence"].confidence == pytest.approx(seed_strength(4))
    assert found[1]["fear_of_violence"].reasons == ("Scaaaared", "fighting")
    assert found[2]["policing"].reasons == ("Stop And Searched",)
    assert found[3]["policing"].reasons == ("police",)


def test_distinct_seeds_raise_confidence_and_repeats_do_not() -> None:
    once, repeated, two = suggest_by_seeds(
        ["I feel unsafe", "unsafe unsafe UNSAFE", "unsafe and scared"], THEMES
    )
    assert once[0].confidence == pytest.approx(0.6)
    assert repeated[0].confidence == pytest.approx(0.6)
    assert repeated[0].reasons == ("unsafe", "UNSAFE")
    assert two[0].confidence == pytest.approx(0.84)
    assert seed_strength(1) < seed_strength(2) < seed_strength(3) < 1


def test_a_seed_inside_a_longer_seed_counts_once() -> None:
    themes = [Theme(key="fear", name="Fear", definition="d", seeds=("unsafe", "feel unsafe"))]
    [found] = suggest_by_seeds(["I feel unsafe"], themes)
    assert found[0].reasons == ("feel unsafe",)
    assert found[0].confidence == pytest.approx(seed_strength(2))


@pytest.mark.parametrize(
    "text",
    [
        "I am not scared",
        "I don't feel unsafe",
        "I dont feel unsafe",
        "I don’t feel unsafe",  # curly apostrophe
        "I don t feel unsafe",
        "never any fights round here",
        "There's no fights",
        "nah not really scared",
    ],
)
def test_negation_stops_the_theme(text: str) -> None:
    assert suggest_by_seeds([text], THEMES) == [[]]


def test_negation_is_short_and_stops_at_the_clause() -> None:
    texts = [
        "not scared, but there are fights",  # the clause after "but" is not negated
        "I'm not scared. Fights every night",
        "I don't trust the police",  # the police are still the topic
        "I don't feel safe",  # a seed phrase that holds its own negation
        "I have never in my whole entire life seen anyone scared",  # too far away
    ]
    found = [by_theme(s) for s in suggest_by_seeds(texts, THEMES)]
    assert found[0]["fear_of_violence"].reasons == ("fights",)
    assert found[1]["fear_of_violence"].reasons == ("Fights",)
    assert set(found[2]) == {"policing"}
    assert found[3]["fear_of_violence"].reasons == ("don't feel safe",)
    assert found[4]["fear_of_violence"].reasons == ("scared",)


def test_punctuation_html_and_hyphens() -> None:
    texts = [
        "the bus-stop is a no go",
        "I&#39;m <b>scared</b> at the bus stop.",
        "bus. Stop",  # a phrase does not run across a full stop
    ]
    found = [by_theme(s) for s in suggest_by_seeds(texts, THEMES)]
    assert found[0]["unsafe_places"].reasons == ("bus-stop", "no go")
    assert found[1]["fear_of_violence"].reasons == ("scared",)
    assert found[1]["unsafe_places"].reasons == ("bus stop",)
    assert "unsafe_places" not in found[2]


def test_ordered_by_confidence_and_one_list_per_text() -> None:
    texts = ["", "   ", "nothing relevant", "police, knife crime and stabbed"]
    found = suggest_by_seeds(texts, THEMES)
    assert found[:3] == [[], [], []]
    assert [s.theme for s in found[3]] == ["knives_weapons", "policing"]
    assert suggest_by_seeds([], THEMES) == []
    assert suggest_by_seeds(["scared"], []) == [[]]


def test_non_strings_code_to_nothing() -> None:
    assert suggest_by_seeds([None, float("nan"), 3], THEMES) == [[], [], []]  # type: ignore[list-item]


@given(st.lists(st.text(max_size=300), max_size=5))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_seeds_never_raise(texts: list[str]) -> None:
    found = suggest_by_seeds(texts, THEMES)
    assert len(found) == len(texts)
    for suggestions in found:
        for s in suggestions:
            assert 0 < s.confidence <= 1
            assert s.reasons


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😱🔪💀 scared 😢",
        "knife " * 2000,  # 10,000 characters
        "<script>alert('scared')</script><div class='x'>" * 50,
        "\x00\ud7ff\ufffd\u202e scared",
        "a" * 10_000,
        "'''---...,,,!!!",
    ],
)
def test_seeds_survive_odd_texts(text: str) -> None:
    [found] = suggest_by_seeds([text], THEMES)
    assert all(isinstance(s, Suggestion) for s in found)


# ---------------------------------------------------------------- model

VOCABULARY = {
    "knives": ["knife", "knives", "blade", "stabbed", "carrying", "weapon", "shank"],
    "youth": ["youth club", "nothing to do", "bored", "activities", "football", "centre"],
    "police": ["police", "officers", "patrols", "stop and search", "feds", "arrested"],
    "school": ["school", "teachers", "lessons", "college", "excluded", "classroom"],
}
FILLER = "the a and i we they it there is are more less very really just about around".split()


def synthetic(rows: int, seed: int, rare: int = 0) -> tuple[list[str], pd.DataFrame]:
    """Texts made from theme vocabularies; ``rare`` texts also get the word "bike"."""
    rng = random.Random(seed)
    texts, labels = [], []
    themes = list(VOCABULARY)
    for _ in range(rows):
        chosen = rng.sample(themes, rng.choice([1, 1, 2]))
        words = [rng.choice(FILLER) for _ in range(rng.randint(2, 6))]
        for theme in chosen:
            words += rng.sample(VOCABULARY[theme], 2)
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append({theme: int(theme in chosen) for theme in themes})
    frame = pd.DataFrame(labels)
    frame["bikes"] = 0
    for row in rng.sample(range(rows), rare):
        texts[row] += " bike"
        frame.loc[row, "bikes"] = 1
    return texts, frame


@pytest.fixture(scope="module")
def trained() -> tuple[ThemeModel, list[str], pd.DataFrame]:
    texts, labels = synthetic(300, seed=1, rare=5)
    model = train_model(texts, labels, min_positives=20, seed=0)
    test_texts, test_labels = synthetic(150, seed=2)
    return model, test_texts, test_labels


def f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = int((truth & predicted).sum())
    return 2 * tp / (int(truth.sum()) + int(predicted.sum()))


def test_model_learns_themes_well_above_chance(trained) -> None:
    model, texts, labels = trained
    predicted = model.predict(texts)
    assert list(predicted.columns) == ["knives", "youth", "police", "school"]
    assert list(predicted.index) == list(range(len(texts)))
    for theme in model.themes:
        truth = labels[theme].to_numpy()
        chance = 2 * truth.mean() / (1 + truth.mean())  # F1 of ticking everything
        assert f1(truth, predicted[theme].to_numpy()) > max(0.85, chance + 0.3), theme
    assert set(predicted.stack().unique()) <= {0, 1}


def test_model_skips_small_themes_and_never_predicts_them(trained) -> None:
    model, texts, _ = trained
    assert model.skipped == {"bikes": 5}
    assert "bikes" not in model.themes
    assert "bikes" not in model.predict_proba(["a bike bike bike", *texts]).columns
    assert all("bikes" not in {s.theme for s in found} for found in model.suggest(texts))


def test_thresholds_scores_and_metadata(trained) -> None:
    model, _, _ = trained
    assert set(model.thresholds) == set(model.themes)
    assert all(0 < t < 1 for t in model.thresholds.values())
    assert list(model.scores.columns) == ["precision", "recall", "f1", "support"]
    assert list(model.scores.index) == model.themes
    assert (model.scores["f1"] > 0.8).all()
    assert model.scores["support"].sum() > 300
    assert model.trained_on == 300
    assert model.version.startswith("tfidf-ovr-")
    stamp, digest = model.version.removeprefix("tfidf-ovr-").rsplit("-", 1)
    assert stamp.endswith("Z") and "T" in stamp
    assert len(digest) == 6 and int(digest, 16) >= 0


def test_probabilities_and_suggestions(trained) -> None:
    model, _, _ = trained
    texts = ["he was stabbed with a knife", "nothing to do, so bored", "", "🙂"]
    proba = model.predict_proba(texts)
    assert ((proba >= 0) & (proba <= 1)).all().all()
    suggested = model.suggest(texts)
    assert suggested[0][0].theme == "knives"
    assert set(suggested[0][0].reasons) & {"knife", "stabbed"}
    assert suggested[1][0].theme == "youth"
    assert set(suggested[1][0].reasons) & {"bored", "nothing to do", "nothing", "do"}
    for found in suggested:
        assert [s.confidence for s in found] == sorted((s.confidence for s in found), reverse=True)
        for s in found:
            assert s.confidence >= model.thresholds[s.theme]


def test_round_trip_gives_identical_predictions(trained) -> None:
    model, texts, _ = trained
    again = ThemeModel.from_bytes(model.to_bytes())
    assert again.version == model.version
    assert again.thresholds == model.thresholds
    pd.testing.assert_frame_equal(again.predict_proba(texts), model.predict_proba(texts))
    pd.testing.assert_frame_equal(again.predict(texts), model.predict(texts))
    pd.testing.assert_frame_equal(again.scores, model.scores)
    assert again.suggest(texts[:5]) == model.suggest(texts[:5])


def test_from_bytes_refuses_other_data_before_unpickling(trained) -> None:
    import pickle

    model, _, _ = trained
    for data in (pickle.dumps({"format": "x"}), b"", b"engage-theme-model/1\n", b"\x00" * 500):
        with pytest.raises(ValueError, match="not a ThemeModel"):
            ThemeModel.from_bytes(data)
    header, pickled = model.to_bytes().split(b"\n", 1)
    assert header.startswith(b"engage-theme-model/1 scikit-learn=")
    with pytest.raises(ValueError, match=r"scikit-learn 0\.1 .* train it again"):
        ThemeModel.from_bytes(b"engage-theme-model/1 scikit-learn=0.1\n" + pickled)
    with pytest.raises(ValueError, match="not a ThemeModel"):
        ThemeModel.from_bytes(header + b"\n" + pickle.dumps({"a": 1}))


def test_training_is_repeatable() -> None:
    texts, labels = synthetic(120, seed=3)
    first = train_model(texts, labels, min_positives=5)
    second = train_model(texts, labels, min_positives=5)
    # Equal up to the solver's tolerance: liblinear's shuffling draws from one C
    # random generator that the two training threads share.
    assert first.thresholds == pytest.approx(second.thresholds, abs=1e-3)
    assert first.version.rsplit("-", 1)[1] == second.version.rsplit("-", 1)[1]


def test_not_enough_examples() -> None:
    texts, labels = synthetic(60, seed=4, rare=3)
    with pytest.raises(NotEnoughExamples) as error:
        train_model(texts, labels[["bikes"]], min_positives=5)
    assert error.value.themes == {"bikes": 3}


def test_a_theme_everyone_has_is_skipped() -> None:
    texts, labels = synthetic(60, seed=5)
    labels = labels.assign(everyone=1)
    model = train_model(texts, labels, min_positives=5)
    assert model.skipped["everyone"] == 60
    assert "everyone" not in model.themes


def test_tiny_themes_learn_with_min_positives_two() -> None:
    texts = ["knife crime", "stabbed with a knife", "youth club closed", "nothing to do"] * 2
    labels = pd.DataFrame({"knives": [1, 1, 0, 0] * 2, "youth": [0, 0, 1, 1] * 2})
    model = train_model(texts, labels, min_positives=2)
    assert model.themes == ["knives", "youth"]
    assert model.predict(["a knife"]).loc[0, "knives"] == 1


def test_bad_labels_are_refused() -> None:
    texts = ["a", "b", "c"]
    with pytest.raises(ValueError, match="rows"):
        train_model(texts, pd.DataFrame({"x": [0, 1]}))
    with pytest.raises(ValueError, match="only 0 and 1: x"):
        train_model(texts, pd.DataFrame({"x": [0, 2, 1]}))
