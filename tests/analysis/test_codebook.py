import csv
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.analysis.codebook import (
    SPECIAL_KEYS,
    CodebookError,
    Theme,
    codebook_from_csv,
    codebook_to_csv,
    codebook_to_qdc,
    default_codebook,
    theme_guid,
)

NS = {"q": "urn:QDA-XML:codebook:1.0"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

REQUIRED_TOPICS = {
    "fear_of_violence",
    "unsafe_places",
    "gangs_exploitation",
    "knives_weapons",
    "online_harm",
    "youth_provision",
    "policing",
    "poverty_opportunity",
    "racism_discrimination",
    "bullying",
    "mental_health_trauma",
    "drugs_alcohol",
    "peer_pressure",
    "family_home",
    "school",
    "where_to_get_help",
    "services_trust",
    "media_portrayal",
    "vawg",
    "no_codable_content",
    "other",
}


def small_codebook() -> list[Theme]:
    return [
        Theme("safety", "Safety", "Feeling safe", seeds=("unsafe", "scared")),
        Theme(
            "places",
            "Places",
            "Unsafe places",
            include="parks, alleys",
            exclude="general fear",
            examples=('The park, "after dark"', "Alley by the shop"),
            seeds=("park", "no-go"),
            parent="safety",
            version=3,
        ),
        Theme("lighting", "Lighting, CCTV", "Dark streets", parent="places"),
        Theme("other", "Other", "Anything else"),
    ]


# --- the default codebook -------------------------------------------------------------------


def test_default_codebook_covers_the_consultation_topics() -> None:
    themes = default_codebook()
    keys = {theme.key for theme in themes}
    assert REQUIRED_TOPICS <= keys
    assert set(SPECIAL_KEYS) <= keys
    assert len(keys) == len(themes)


def test_default_codebook_themes_are_complete() -> None:
    themes = default_codebook()
    keys = {theme.key for theme in themes}
    for theme in themes:
        assert SNAKE.match(theme.key), theme.key
        assert theme.name and theme.definition and theme.include and theme.exclude, theme.key
        assert 2 <= len(theme.examples) <= 3, theme.key
        assert theme.parent is None or theme.parent in keys, theme.key
        assert theme.version == 1
        assert len(set(theme.seeds)) == len(theme.seeds), theme.key
        assert all(seed == seed.lower().strip() and seed for seed in theme.seeds), theme.key
        if theme.key == "other":
            # "Other" is what is left when nothing fits: a seed would pull answers into it.
            assert theme.seeds == ()
        else:
            assert 8 <= len(theme.seeds) <= 25, theme.key


def test_default_codebook_nests_and_knows_youth_slang() -> None:
    themes = {theme.key: theme for theme in default_codebook()}
    assert themes["unsafe_places"].parent == "fear_of_violence"
    assert themes["stop_and_search"].parent == "policing"
    assert themes["policing"].parent == "services_trust"
    assert themes["school_exclusion"].parent == "school"
    assert "policed the right way" in themes["policing"].seeds
    assert "feds" in themes["policing"].seeds
    assert {"opps", "county lines", "going country"} <= set(themes["gangs_exploitation"].seeds)
    assert {"shank", "for protection"} <= set(themes["knives_weapons"].seeds)


def test_default_codebook_is_a_fresh_list_each_time() -> None:
    first = default_codebook()
    first.clear()
    assert default_codebook()


def test_default_codebook_is_data_with_no_list_separator_inside_items() -> None:
    raw = resources.files("engage.analysis").joinpath("data", "default_codebook.json")
    data = json.loads(raw.read_text(encoding="utf-8"))
    assert len(data["themes"]) == len(default_codebook())
    for item in data["themes"]:
        assert all("|" not in text for text in item["seeds"] + item["examples"])


# --- CSV ------------------------------------------------------------------------------------


def test_csv_round_trip_of_the_default_codebook() -> None:
    themes = default_codebook()
    text = codebook_to_csv(themes)
    header = next(csv.reader(io.StringIO(text)))
    assert header == [
        "key",
        "name",
        "definition",
        "include",
        "exclude",
        "examples",
        "seeds",
        "parent",
        "version",
    ]
    assert codebook_from_csv(text) == themes


def test_csv_joins_lists_with_a_bar() -> None:
    text = codebook_to_csv(small_codebook())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[1]["seeds"] == "park|no-go"
    assert rows[1]["examples"] == 'The park, "after dark"|Alley by the shop'
    assert rows[1]["parent"] == "safety"
    assert rows[0]["parent"] == ""
    assert rows[1]["version"] == "3"


def test_csv_from_excel_with_bom_blank_rows_and_only_required_columns() -> None:
    text = "\ufeffKey,Name,Definition\r\n\r\nsafety,Safety,Feeling safe\r\n"
    assert codebook_from_csv(text) == [Theme("safety", "Safety", "Feeling safe")]


def test_csv_accepts_a_spreadsheet_version_like_2_point_0() -> None:
    text = "key,name,definition,version\nsafety,Safety,Feeling safe,2.0\n"
    assert codebook_from_csv(text)[0].version == 2


def test_csv_lists_every_problem_with_row_numbers() -> None:
    text = (
        "key,name,definition,parent,version\n"
        "Bad Key,Name,Def,,1\n"  # row 2
        "\n"  # row 3, blank: counted, skipped
        "ok,,,missing,one\n"  # row 4
        "ok,Dup,Def,,0\n"  # row 5
        "loop_a,A,Def,loop_b,\n"  # row 6
        "loop_b,B,Def,loop_a,\n"  # row 7
        "me,Me,Def,me,\n"  # row 8
    )
    with pytest.raises(CodebookError) as caught:
        codebook_from_csv(text)
    problems = caught.value.problems
    expected = [
        ("row 2", "snake_case"),
        ("row 4", "name is empty"),
        ("row 4", "definition is empty"),
        ("row 4", "parent 'missing'"),
        ("row 4", "version 'one'"),
        ("row 5", "already used in row 4"),
        ("row 5", "version must be"),
        ("row 8", "its own parent"),
        ("'loop_a' (row 6)", "cycle"),
    ]
    for where, what in expected:
        assert any(where in problem and what in problem for problem in problems), (where, what)
    assert len(problems) == len(expected)
    assert isinstance(caught.value, ValueError)


def test_csv_missing_and_unknown_columns() -> None:
    with pytest.raises(CodebookError) as caught:
        codebook_from_csv("key,title,definitions\nsafety,Safety,Def\n")
    assert caught.value.problems == [
        "missing column 'name'",
        "missing column 'definition'",
        "unknown column 'title'",
        "unknown column 'definitions'",
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "key,name,definition\n"])
def test_csv_with_no_themes(text: str) -> None:
    with pytest.raises(CodebookError):
        codebook_from_csv(text)


def test_csv_refuses_a_bar_inside_a_seed() -> None:
    with pytest.raises(CodebookError):
        codebook_to_csv([Theme("a", "A", "Def", seeds=("this|that",))])


def test_csv_row_with_extra_cells_is_a_problem() -> None:
    with pytest.raises(CodebookError) as caught:
        codebook_from_csv("key,name,definition\nsafety,Safety,Def,surplus\n")
    assert caught.value.problems == ["row 2: 4 cells but 3 columns"]


_words = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
_keys = st.from_regex(SNAKE, fullmatch=True).filter(lambda key: len(key) <= 30)


@st.composite
def codebooks(draw: st.DrawFn) -> list[Theme]:
    keys = draw(st.lists(_keys, min_size=1, max_size=8, unique=True))
    themes = []
    for position, key in enumerate(keys):
        # Parents only among earlier themes: never a cycle.
        parent = draw(st.sampled_from([None, *keys[:position]]))
        themes.append(
            Theme(
                key=key,
                name=draw(_words),
                definition=draw(_words),
                include=draw(st.just("") | _words),
                exclude=draw(st.just("") | _words),
                examples=tuple(draw(st.lists(_words, max_size=3))),
                seeds=tuple(draw(st.lists(_words, max_size=5))),
                parent=parent,
                version=draw(st.integers(min_value=1, max_value=10_000)),
            )
        )
    return themes


@settings(max_examples=150, deadline=None)
@given(codebooks())
def test_csv_round_trip_any_codebook(themes: list[Theme]) -> None:
    assert codebook_from_csv(codebook_to_csv(themes)) == themes


# --- REFI-QDA codebook -----------------------------------------------------------------------


def parse(data: bytes) -> ET.Element:
    # Our own output, not untrusted input.
    return ET.fromstring(data)  # noqa: S314


def _codes(element: ET.Element) -> list[ET.Element]:
    return element.findall("q:Code", NS)


def test_qdc_is_well_formed_and_nested_by_parent() -> None:
    themes = default_codebook()
    root = parse(codebook_to_qdc(themes, name="Default codebook"))
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert root.get("origin") == "Engage"
    codes = root.find("q:Codes", NS)
    assert codes is not None
    by_key = {theme.key: theme for theme in themes}
    by_guid = {theme_guid(theme.key): theme for theme in themes}
    seen = []

    def walk(element: ET.Element, parent_key: str | None) -> None:
        for code in _codes(element):
            theme = by_guid[code.get("guid", "")]
            assert theme.parent == parent_key
            assert code.get("name") == theme.name
            assert code.get("isCodable") == "true"
            description = code.find("q:Description", NS)
            assert description is not None and description.text
            assert description.text.startswith(theme.definition)
            # Description comes before nested codes, as the schema orders them.
            assert next(iter(code)) is description
            seen.append(theme.key)
            walk(code, theme.key)

    walk(codes, None)
    assert sorted(seen) == sorted(by_key)
    top = [code.get("name") for code in _codes(codes)]
    assert by_key["unsafe_places"].name not in top
    assert by_key["fear_of_violence"].name in top


def test_qdc_guids_are_stable_uuid5_of_the_key() -> None:
    themes = small_codebook()
    first = codebook_to_qdc(themes, name="A")
    second = codebook_to_qdc(list(reversed(themes)), name="A")
    guids = {code.get("guid") for code in parse(first).iter("{urn:QDA-XML:codebook:1.0}Code")}
    assert guids == {
        code.get("guid") for code in parse(second).iter("{urn:QDA-XML:codebook:1.0}Code")
    }
    for guid in guids:
        assert uuid.UUID(str(guid)).version == 5
    assert theme_guid("safety") == theme_guid("safety") != theme_guid("places")
    assert codebook_to_qdc(themes, name="A") == first


def test_qdc_escapes_text_and_keeps_the_name() -> None:
    themes = [Theme("a", 'Police & "feds" <12>', "Def -- with dashes & <tags>")]
    data = codebook_to_qdc(themes, name="Wave 2 -- Dudley & Sandwell")
    assert data.startswith(b"<?xml")
    root = parse(data)
    code = root.find("q:Codes/q:Code", NS)
    assert code is not None
    assert code.get("name") == 'Police & "feds" <12>'
    assert b"Wave 2 - Dudley &amp; Sandwell" in data or b"Wave 2 - Dudley & Sandwell" in data


def test_qdc_refuses_an_invalid_codebook() -> None:
    with pytest.raises(CodebookError):
        codebook_to_qdc(
            [Theme("a", "A", "Def", parent="b"), Theme("b", "B", "Def", parent="a")], name="x"
        )


@settings(max_examples=100, deadline=None)
@given(codebooks())
def test_qdc_well_formed_and_nested_for_any_codebook(themes: list[Theme]) -> None:
    root = parse(codebook_to_qdc(themes, name="Generated"))
    parents = {theme_guid(theme.key): theme.parent for theme in themes}
    found = {}

    def walk(element: ET.Element, parent: str | None) -> None:
        for code in _codes(element):
            found[code.get("guid")] = parent
            walk(code, next(t.key for t in themes if theme_guid(t.key) == code.get("guid")))

    codes = root.find("q:Codes", NS)
    assert codes is not None
    walk(codes, None)
    assert found == parents


_any_text = st.text(min_size=1, max_size=40).filter(lambda text: bool(text.strip()))


@settings(max_examples=150, deadline=None)
@given(_any_text, _any_text, st.text(max_size=40))
def test_qdc_stays_well_formed_with_any_characters(name: str, definition: str, title: str) -> None:
    # Control characters cannot appear in XML even escaped: they are dropped.
    theme = Theme("a", name, definition, examples=(definition,), seeds=(name,))
    root = parse(codebook_to_qdc([theme], name=title))
    assert root.find("q:Codes/q:Code", NS) is not None
