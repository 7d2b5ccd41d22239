"""The starter templates' shipped translations: complete, faithful to placeholders, applied."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from engage.i18n import LANGUAGES, SOURCE
from engage.surveys import content, services
from engage.surveys.models import Status
from engage.surveys.starter_translations import (
    BLOCKS,
    META,
    block_strings,
    load_language,
    shipped_languages,
    source_catalogue,
)
from engage.translations.services import State, set_languages, translation_rows

SHIPPED = shipped_languages()


def test_source_json_lists_every_starter_string() -> None:
    path = resources.files("engage.surveys").joinpath("starters/translations/source.json")
    committed = json.loads(path.read_text("utf-8"))
    # Regenerate with: flask --app engage starter-translations-source
    assert committed == source_catalogue()
    assert committed["young_people"]["question.feel_safe_area.option.1"] == "Very unsafe"
    assert committed["demographics"]["question.ethnic_group.option.other_arab"] == (
        "Other ethnic group: Arab"
    )
    assert sum(len(committed[block]) for block in BLOCKS) == 376


def test_welsh_and_easy_read_ship() -> None:
    assert {"cy", "en-x-easy"} <= set(SHIPPED)
    assert set(SHIPPED) <= set(LANGUAGES) - {SOURCE}


def _problems(data: dict) -> list[str]:
    problems = []
    for block in BLOCKS:
        english, translated = block_strings(block), data.get(block, {})
        problems += [f"{block}: {key} missing" for key in english if key not in translated]
        problems += [
            f"{block}: {key} is not a starter string" for key in translated if key not in english
        ]
        for key, text in translated.items():
            if key not in english:
                continue
            if not text.strip():
                problems.append(f"{block}: {key} is empty")
            elif content.placeholders(text) != content.placeholders(english[key]):
                problems.append(f"{block}: {key} placeholders differ from the English")
    return problems


@pytest.mark.parametrize("language", SHIPPED)
def test_a_shipped_starter_translation_is_complete(language: str) -> None:
    data = load_language(language)
    meta = data[META]
    assert isinstance(meta["draft"], bool)
    if meta["draft"]:
        assert meta["note"].strip(), "a draft says what is to be checked"
    problems = _problems(data)
    assert not problems, "\n".join(problems)


def test_the_completeness_check_reports_each_kind_of_gap() -> None:
    data = load_language("cy")
    parents = {k: v for k, v in data["parents"].items() if k != "survey.title"}
    parents["question.nope.text"] = "?"
    parents["section.0.title"] = " "
    parents["question.child_safe.text"] = "Pa mor ddiogel yw {child}?"
    assert _problems({**data, "parents": parents}) == [
        "parents: survey.title missing",
        "parents: question.nope.text is not a starter string",
        "parents: section.0.title is empty",
        "parents: question.child_safe.text placeholders differ from the English",
    ]


def test_every_language_has_starter_translations() -> None:
    wanted = set(LANGUAGES) - {SOURCE}
    assert len(wanted) == 8
    assert sorted(wanted - set(SHIPPED)) == [], "translators: add these from source.json"


def test_a_survey_from_a_starter_gets_the_shipped_translations(make_survey, session) -> None:
    survey = make_survey(
        "young_people",
        status=Status.DRAFT,
        title="Your area, your safety: young people's survey",
        introduction="An officer's own introduction.",
    )
    # Offered in English alone: every shipped translation is a draft for the officer to offer.
    assert content.language_codes(survey) == ["en"]
    rows = {r.string.key: r for r in translation_rows(survey, "cy")}
    assert rows["survey.title"].text == "Eich ardal, eich diogelwch: arolwg pobl ifanc"
    assert rows["survey.title"].state is State.DONE
    # The officer wrote a different introduction: the starter's translation does not fit it.
    assert rows["survey.introduction"].state is State.MISSING
    # The demographic block follows the starter's five pages: its pages are renumbered.
    assert rows["section.5.title"].text == "Amdanoch chi"
    assert rows["question.ethnic_group.option.other_arab"].text == "Grŵp ethnig arall: Arabaidd"
    # Place names are stored as they are.
    assert rows["question.area.option.E08000027"].text == "Dudley"
    easy = {r.string.key: r for r in translation_rows(survey, "en-x-easy")}
    assert easy["question.feel_safe_area.text"].text == "How safe do you feel near where you live?"
    # Offering Welsh and easy read leaves no required string missing: the survey opens.
    set_languages(session, survey, ["en", "cy", "en-x-easy"])
    assert content.missing_required(survey) == {}
    services.set_status(session, survey, Status.OPEN.value)
    assert survey.status == Status.OPEN.value


def test_adding_the_demographic_block_later_brings_its_translations(make_survey, session) -> None:
    survey = make_survey("", status=Status.DRAFT)
    section = services.add_section(session, survey, "Your views")
    services.add_question(
        session, survey, section, services.QuestionSpec(key="views", kind="text", text="Views?")
    )
    services.add_demographics(session, survey)
    rows = {r.string.key: r for r in translation_rows(survey, "cy")}
    assert rows["section.1.title"].text == "Amdanoch chi"
    assert rows["section.0.title"].state is State.MISSING
