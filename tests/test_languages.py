"""Respondents in their own language: choice, carrying, right to left, plurals, page weight."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.i18n import EASY_READ, choose_language
from engage.surveys.content import question_key
from engage.surveys.models import ContentTranslation, Response, SurveyLanguage
from tests.helpers import hidden, question, start_form, submit_all, youth_answers

PAGE_BUDGET = 30 * 1024  # bytes of HTML plus same-origin CSS per respondent page


@pytest.fixture
def offer(session):
    """Offer a survey in more languages (the first stays its source language)."""

    def do(survey, *codes: str, channel_language: str | None = None):
        for position, code in enumerate(codes, start=1):
            survey.languages.append(SurveyLanguage(code=code, position=position))
        if channel_language is not None:
            survey.channels[0].language = channel_language
        survey.version += 1
        session.commit()
        return survey.channels[0].code

    return do


def html_tag(html: str) -> str:
    match = re.search(r"<html[^>]*>", html)
    assert match
    return match.group(0)


# ------------------------------------------------------------------ negotiation


def test_precedence_explicit_then_channel_then_browser_then_first() -> None:
    offered = ["en", "cy", "ur", EASY_READ]
    accepted = ["ur-PK", "en"]
    assert choose_language(offered, explicit="cy", channel_default="ur", accepted=accepted) == "cy"
    assert choose_language(offered, channel_default="cy", accepted=accepted) == "cy"
    assert choose_language(offered, accepted=accepted) == "ur"  # ur-PK reaches ur
    assert choose_language(offered, accepted=["fr", "cy-GB"]) == "cy"
    assert choose_language(offered) == "en"
    # An unknown or unoffered code gives the survey's first language, not a guess.
    assert choose_language(offered, explicit="xx", accepted=accepted) == "en"
    assert choose_language(offered, explicit="pl", channel_default="cy") == "en"
    # A channel default the survey does not offer is passed over.
    assert choose_language(offered, channel_default="pl", accepted=["cy"]) == "cy"
    # No browser asks for easy read; only an explicit choice gives it.
    assert choose_language(offered, accepted=["en-x-easy"]) == EASY_READ
    assert choose_language(offered, accepted=["en-GB"]) == "en"
    assert choose_language(["cy", "en"]) == "cy"


def test_start_page_offers_each_language_in_its_own_script(client, make_survey, offer) -> None:
    code = offer(make_survey(), "cy", "ur", "ar", EASY_READ)
    html = client.get(f"/s/{code}").get_data(as_text=True)
    assert f'href="/s/{code}?lang=ur" lang="ur" hreflang="ur" dir="rtl"' in html
    assert ">اردو</a>" in html and ">العربية</a>" in html and ">Cymraeg</a>" in html
    assert f'href="/s/{code}?lang=en-x-easy"' in html and ">Easy read</a>" in html


def test_one_language_survey_shows_no_language_links(client, make_survey) -> None:
    survey = make_survey()
    html = client.get(f"/s/{survey.channels[0].code}").get_data(as_text=True)
    assert "hreflang" not in html and 'name="_lang"' not in html


def test_urdu_renders_right_to_left(client, make_survey, offer) -> None:
    code = offer(make_survey(), "ur")
    html = client.get(f"/s/{code}?lang=ur").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html
    # Phone numbers stay left to right inside right-to-left text.
    assert '<bdi dir="ltr">0800 1111</bdi>' in html


def test_welsh_interface_strings_and_language_carried(client, make_survey, offer) -> None:
    code = offer(make_survey(), "cy")
    start = client.get(f"/s/{code}?lang=cy").get_data(as_text=True)
    assert '<html lang="cy" dir="ltr">' in start
    assert "Cyn i chi ddechrau" in start and "Before you start" not in start
    assert f'href="/s/{code}/start?lang=cy"' in start
    page = client.get(f"/s/{code}/start?lang=cy").get_data(as_text=True)
    assert hidden(page, "lang") == "cy"
    assert "Tudalen 1 o " in page and ">Parhau</button>" in page
    assert "Gadael y wefan hon yn gyflym" in page  # quick exit


def test_channel_default_and_browser_preference(client, make_survey, offer) -> None:
    survey = make_survey()
    code = offer(survey, "cy", "ur", channel_language="cy")
    html = client.get(f"/s/{code}", headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert '<html lang="cy"' in html  # the link's language beats the browser's
    explicit = client.get(f"/s/{code}?lang=ur", headers={"Accept-Language": "cy"})
    assert '<html lang="ur"' in explicit.get_data(as_text=True)


def test_browser_preference_among_the_survey_languages(client, make_survey, offer) -> None:
    code = offer(make_survey(), "cy")
    welsh = client.get(f"/s/{code}", headers={"Accept-Language": "fr;q=0.9, cy-GB;q=0.8"})
    assert '<html lang="cy"' in welsh.get_data(as_text=True)
    urdu = client.get(f"/s/{code}", headers={"Accept-Language": "ur"})  # not offered
    assert '<html lang="en"' in urdu.get_data(as_text=True)


@pytest.mark.parametrize("code", ["xx", "../../etc", "ur", "EN-X-EASY", "%F0%9F%92%A9", ""])
def test_unknown_or_unoffered_code_falls_back_with_200(client, make_survey, offer, code) -> None:
    link = offer(make_survey(), "cy")
    for url in (f"/s/{link}?lang={code}", f"/s/{link}/start?lang={code}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en" dir="ltr">' in response.get_data(as_text=True)


def test_a_posted_unknown_language_falls_back(client, make_survey, offer) -> None:
    survey = make_survey()
    code = offer(survey, "cy")
    state = start_form(client, code)
    data = {**state, "_page": survey.sections[0].id, "_action": "next", "lang": "zz"}
    response = client.post(f"/s/{code}", data=data)
    assert response.status_code == 422  # the page's required question, not the language
    assert '<html lang="en"' in response.get_data(as_text=True)


def test_error_pages_speak_the_asked_language(client, make_survey) -> None:
    missing = client.get("/s/nosuchlink?lang=cy")
    assert missing.status_code == 404
    assert "Ni allem ddod o hyd i'r arolwg hwnnw" in missing.get_data(as_text=True).replace(
        "&#39;", "'"
    )


# ------------------------------------------------------------------ switching and storing


def test_switching_language_mid_survey_keeps_every_answer(client, make_survey, offer) -> None:
    survey = make_survey()
    code = offer(survey, "cy", "ur")
    state = start_form(client, code)
    first, second = survey.sections[0], survey.sections[1]
    feel = question(survey, "feel_safe_area")
    reasons = question(survey, "unsafe_reasons")
    page2 = client.post(
        f"/s/{code}",
        data={**state, "_page": first.id, "_action": "next", "lang": "en", feel.field_name: "4"},
    )
    assert page2.status_code == 200
    on_page = {"_page": second.id, "lang": "en", feel.field_name: "4"}
    typed = {reasons.field_name: "Mae'n dywyll ger y parc"} if reasons.section is second else {}
    switched = client.post(f"/s/{code}", data={**state, **on_page, **typed, "_lang": "cy"})
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200
    assert '<html lang="cy"' in html and hidden(html, "lang") == "cy"
    assert f'name="_page" value="{second.id}"' in html  # the same page, not the next
    assert f'name="{feel.field_name}" value="4"' in html  # the earlier answer still travels
    assert "There is a problem" not in html and "Mae problem" not in html  # nothing checked
    # Continue comes before the language buttons: pressing Enter submits Continue.
    assert html.index('name="_action" value="next"') < html.index('name="_lang"')


def test_response_stores_the_language_it_was_given_in(client, make_survey, offer, session) -> None:
    survey = make_survey()
    code = offer(survey, "cy", EASY_READ)
    for language in ("cy", EASY_READ, None):
        answers = youth_answers(survey)
        state = start_form(client, code)
        if language:
            state["lang"] = language
        response = submit_all(client, survey, code, answers, state)
        assert response.status_code == 200
    stored = session.scalars(select(Response.language)).all()
    assert sorted(stored) == sorted(["cy", EASY_READ, "en"])


def test_thank_you_page_in_welsh(client, make_survey, offer) -> None:
    survey = make_survey()
    code = offer(survey, "cy")
    state = {**start_form(client, code), "lang": "cy"}
    html = submit_all(client, survey, code, youth_answers(survey), state).get_data(as_text=True)
    assert "Diolch. Mae eich atebion wedi&#39;u hanfon." in html
    assert "Thank you. Your answers have been sent." not in html


def test_officer_translations_of_the_survey_appear(client, make_survey, offer, session) -> None:
    survey = make_survey()
    feel = question(survey, "feel_safe_area")
    # The starter's Welsh draft is applied when the survey is made: replace its wording
    # with an officer's, so the page must show what the officer wrote.
    key = question_key(feel, "text")
    existing = session.scalars(
        select(ContentTranslation).where(
            ContentTranslation.survey_id == survey.id,
            ContentTranslation.key == key,
            ContentTranslation.language == "cy",
        )
    ).one_or_none()
    if existing is None:
        existing = ContentTranslation(survey_id=survey.id, key=key, language="cy")
        session.add(existing)
    existing.text = "Pa mor ddiogel ydych chi'n teimlo yn eich ardal?"
    existing.source_hash = "x"
    survey.version += 1
    session.commit()
    code = offer(survey, "cy")
    welsh = client.get(f"/s/{code}/start?lang=cy").get_data(as_text=True)
    english = client.get(f"/s/{code}/start").get_data(as_text=True)
    assert "Pa mor ddiogel ydych chi" in welsh and feel.text not in welsh
    assert "Pa mor ddiogel" not in english


def test_survey_content_is_read_once_per_version_and_language(
    app, client, make_survey, offer, session
) -> None:
    code = offer(make_survey(), "cy")
    client.get(f"/s/{code}?lang=cy")
    client.get(f"/s/{code}?lang=cy")
    cache = app.extensions["engage.texts_cache"]
    assert list(cache) == [(session.scalars(select(SurveyLanguage.survey_id)).first(), "cy")]


# ------------------------------------------------------------------ plurals, numbers, safety


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (1, "hyd at 1 cymeriad."),  # one
        (2, "hyd at 2 gymeriad."),  # two: soft mutation
        (3, "hyd at 3 chymeriad."),  # few: aspirate mutation
        (4, "hyd at 4 o gymeriadau."),  # other
        (6, "hyd at 6 chymeriad."),  # many
        (2000, "hyd at 2,000 o gymeriadau."),  # other, with CLDR grouping
    ],
)
def test_welsh_plural_forms_come_from_cldr(
    client, make_survey, offer, session, limit, expected
) -> None:
    survey = make_survey()
    reasons = question(survey, "unsafe_reasons")
    reasons.max_length = limit
    code = offer(survey, "cy")
    state = start_form(client, code)
    data = {**state, "_page": reasons.section.id, "_action": "next", "lang": "cy", "_lang": "cy"}
    html = client.post(f"/s/{code}", data=data).get_data(as_text=True)
    assert f"Gallwch ysgrifennu {expected}" in html


def test_english_plural_and_number_formatting(client, make_survey, offer, session) -> None:
    survey = make_survey()
    reasons = question(survey, "unsafe_reasons")
    reasons.max_length = 1
    session.commit()
    code = survey.channels[0].code
    html = client.get(f"/s/{code}/start").get_data(as_text=True)
    assert "You can write up to 1 character." in html
    reasons.max_length = 12000
    survey.version += 1
    session.commit()
    html = client.get(f"/s/{code}/start").get_data(as_text=True)
    assert "You can write up to 12,000 characters." in html


def test_easy_read_has_its_own_words_on_english_locale_data(client, make_survey, offer) -> None:
    code = offer(make_survey(), EASY_READ)
    html = client.get(f"/s/{code}/start?lang=en-x-easy").get_data(as_text=True)
    assert '<html lang="en-x-easy" dir="ltr">' in html
    assert ">Next</button>" in html and "Leave this page fast" in html
    assert "You can write up to 1,000 letters and spaces." in html  # English grouping


def test_translations_are_plain_text_and_bad_placeholders_do_not_crash(
    app, client, make_survey, offer
) -> None:
    from babel.support import Translations

    code = offer(make_survey(), "cy")
    client.get(f"/s/{code}?lang=cy")  # loads the Welsh catalogue into the cache
    domain = app.extensions["babel"].instance.domain_instance
    welsh = next(t for (locale, _), t in domain.cache.items() if locale == "cy")
    assert isinstance(welsh, Translations)
    welsh._catalog["Skip to main content"] = "<script>alert(1)</script>"
    welsh._catalog["Page %(page)s of %(count)s"] = "Tudalen %(nonsense)s"
    welsh._catalog["Before you start"] = "Cyn dechrau"  # lacks nothing: fine
    html = client.get(f"/s/{code}/start?lang=cy")
    assert html.status_code == 200
    body = html.get_data(as_text=True)
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Page 1 of " in body  # the English, rather than a 500


def test_page_weight_per_language_within_budget(client, make_survey, offer) -> None:
    survey = make_survey()
    code = offer(survey, "cy", "ur", "ar", "pl", "ro", "bn", "pa", EASY_READ)
    stylesheet = client.get("/static/css/engage.css")
    css = stylesheet.data
    stylesheet.close()
    for language in ("en", "cy", "ur", "ar", EASY_READ):
        for url in (f"/s/{code}?lang={language}", f"/s/{code}/start?lang={language}"):
            page = client.get(url)
            weight = len(page.data) + len(css)
            assert weight <= PAGE_BUDGET, (url, weight)


def test_respondent_stylesheets_use_logical_properties_only() -> None:
    from engage.gettext import ROOT

    for name in ("engage.css", "results.css"):
        css = (ROOT / "static" / "css" / name).read_text(encoding="utf-8")
        physical = re.findall(
            r"[\w-]*(?<![\w-])(?:left|right)\b[\w-]*\s*:[^;}]*|:\s*(?:left|right)\b", css
        )
        assert physical == [], (name, physical)
        assert "@font-face" not in css and "url(" not in css  # system fonts, nothing fetched
