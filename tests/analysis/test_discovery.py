import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.analysis.discovery import (
    STOP_WORDS,
    SURVEY_FILLER,
    Topic,
    collocations,
    discover_topics,
)

KNIVES = [
    "Too many people carrying knives, I think knives are everywhere",
    "Knife crime is really bad, someone got stabbed near the chip shop",
    "People carry blades for protection because they are scared of getting stabbed",
    "There was a stabbing last week, knives need to be taken off the streets",
    "My cousin carries a knife for protection, it's mad",
    "Knife amnesty bins would help get blades off the street",
    "Stabbings happen all the time, knife crime is out of control",
    "You just know some people have knives on them",
]
YOUTH = [
    "There is nothing to do, the youth club closed down",
    "We need a youth club with football and boxing",
    "Bring back youth clubs, kids are bored with nowhere to go",
    "More youth clubs and free football sessions in the holidays",
    "The youth centre shut so now we hang around the park bored",
    "Boxing gym or youth club would keep people busy",
    "Kids are bored, they need youth clubs and activities",
    "Free activities like football and music, youth clubs open late",
]
POLICE = [
    "Police stop and search us for no reason",
    "Stop and search is unfair, the police target black boys",
    "The police never come when you call them",
    "More police patrols but they should treat us with respect",
    "Police stop and search me every week walking home from school",
    "I don't trust the police, they harass young people",
    "Police should talk to young people instead of stop and search",
    "When the police come they treat everyone like criminals",
]
CORPUS = [text for trio in zip(KNIVES, YOUTH, POLICE, strict=True) for text in trio]
KNIFE_WORDS = {"knife", "knives", "blades", "stabbed", "stabbing", "stabbings", "carry"}
YOUTH_WORDS = {"youth", "club", "clubs", "football", "boxing", "bored", "activities", "free"}
POLICE_WORDS = {"police", "stop", "search", "trust", "patrols", "treat", "criminals"}


def _theme_of(topic: Topic) -> str:
    """The theme all of a topic's representative answers come from ("" when mixed)."""
    sources = {
        name
        for position in topic.representative
        for name, texts in (("knives", KNIVES), ("youth", YOUTH), ("police", POLICE))
        if CORPUS[position] in texts
    }
    return sources.pop() if len(sources) == 1 else ""


def test_three_clear_themes_give_three_topics() -> None:
    topics = discover_topics(CORPUS, n_topics=3)
    assert len(topics) == 3
    assert {_theme_of(topic) for topic in topics} == {"knives", "youth", "police"}
    for topic in topics:
        assert len(topic.representative) == 3
        words = {"knives": KNIFE_WORDS, "youth": YOUTH_WORDS, "police": POLICE_WORDS}
        assert topic.terms[0] in words[_theme_of(topic)]
        assert 1 <= len(topic.terms) <= 8
    sizes = [topic.size for topic in topics]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) == len(CORPUS)


def test_representative_positions_refer_to_the_input() -> None:
    texts = ["", None, "   ", *CORPUS]
    topics = discover_topics(texts, n_topics=3)  # type: ignore[arg-type]
    for topic in topics:
        assert all(position >= 3 for position in topic.representative)
    shifted = discover_topics(CORPUS, n_topics=3)
    assert [t.terms for t in topics] == [t.terms for t in shifted]
    assert [tuple(p - 3 for p in t.representative) for t in topics] == [
        t.representative for t in shifted
    ]


def test_filler_words_never_make_a_topic() -> None:
    for topic in discover_topics(CORPUS, n_topics=6):
        for term in topic.terms:
            assert not set(term.split()) & STOP_WORDS, term
    assert {"people", "think", "like", "dont"} <= SURVEY_FILLER


def test_fewer_than_ten_texts_give_no_topics() -> None:
    assert discover_topics(CORPUS[:9]) == []
    assert discover_topics([]) == []
    # Blank and filler-only answers do not count towards the ten.
    assert discover_topics([*CORPUS[:9], "", "idk", "I think people like stuff"]) == []


def test_number_of_topics_adapts_to_the_amount_of_text() -> None:
    assert len(discover_topics(CORPUS[:12], n_topics=6)) <= 2
    assert len(discover_topics(CORPUS, n_topics=6)) <= 4
    assert len(discover_topics(CORPUS, n_topics=2)) == 2


def test_topics_are_reproducible() -> None:
    assert discover_topics(CORPUS, seed=3) == discover_topics(CORPUS, seed=3)


def test_n_topics_must_be_positive() -> None:
    with pytest.raises(ValueError):
        discover_topics(CORPUS, n_topics=0)


def test_identical_answers_do_not_break_the_model() -> None:
    topics = discover_topics(["knife crime"] * 20)
    assert len(topics) >= 1
    assert "knife" in topics[0].terms


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=80), max_size=40))
def test_discover_topics_never_raises(texts: list[str]) -> None:
    topics = discover_topics(texts)
    for topic in topics:
        assert all(0 <= position < len(texts) for position in topic.representative)
        assert topic.size >= 0


def test_collocations_find_stop_and_search() -> None:
    found = dict(collocations(CORPUS))
    assert "stop search" in found
    assert found["stop search"] > 0
    assert "youth clubs" in found or "youth club" in found
    for pair in found:
        assert not set(pair.split()) & STOP_WORDS


def test_collocations_need_three_sightings_within_one_answer() -> None:
    twice = ["bleed kit in every shop", "a bleed kit saves lives"]
    assert collocations(twice) == []
    thrice = [*twice, "put a bleed kit here"]
    assert [pair for pair, _ in collocations(thrice)] == ["bleed kit"]
    # The end of one answer and the start of the next are not a pair.
    across = ["we need more bleed", "kit now"] * 5
    assert "bleed kit" not in dict(collocations(across))


def test_collocations_are_sorted_and_limited() -> None:
    found = collocations(CORPUS, top=3)
    assert len(found) == 3
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True)
    pmi = collocations(CORPUS, measure="pmi")
    assert pmi and all(isinstance(score, float) for _, score in pmi)
    assert collocations(CORPUS, top=0) == []
    assert collocations([]) == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=30))
def test_collocations_never_raise(texts: list[str]) -> None:
    for pair, score in collocations(texts):
        assert len(pair.split()) == 2
        assert score == score  # not NaN


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            ["knife crime", "youth club", "police", "", "idk", "knife crime youth club", "bored"]
        ),
        max_size=60,
    )
)
def test_discover_topics_copes_with_repeated_answers(texts: list[str]) -> None:
    for topic in discover_topics(texts):
        assert topic.terms
        assert all(texts[position] for position in topic.representative)
