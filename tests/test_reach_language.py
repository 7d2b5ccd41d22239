"""Reach by language: responses by language and channel (masked), the Census 2021
English-proficiency baseline, and the outreach plan's suggestion to add languages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import update
from sqlalchemy.orm import Session

from engage.auth.roles import Role
from engage.population.language import english_proficiency
from engage.reach.language import build_language_reach
from engage.surveys import services as survey_services
from engage.surveys.logic import Parsed
from engage.surveys.models import Response, Survey
from engage.surveys.responses import record_response
from tests.helpers import question

DUDLEY = "E08000027"


def respond(session: Session, survey: Survey, languages: Sequence[tuple[str, int]]) -> None:
    """``n`` responses in each language, through the survey's first channel."""
    feel = question(survey, "feel_safe_area").id
    for language, n in languages:
        for _ in range(n):
            stored = record_response(
                session,
                survey,
                survey.channels[0],
                {feel: Parsed(codes=("3",))},
                on=survey_services.today(),
                nonce=None,
            )
            assert stored is not None
            session.execute(
                update(Response).where(Response.id == stored.response_id).values(language=language)
            )
    session.commit()


def test_census_english_proficiency_for_dudley() -> None:
    rows = pd.read_csv("engage/population/data/la_population.csv")
    dudley = rows[(rows["area_code"] == DUDLEY) & (rows["dimension"] == "main_language")]
    english = int(
        dudley[dudley["category"].str.startswith("Main language is English")]["count"].sum()
    )
    assert english == 298_941 and int(dudley["count"].sum()) == 312_879

    found = english_proficiency([DUDLEY])
    assert found is not None
    assert found.total == 312_879
    assert found.not_english == 312_879 - 298_941 == 13_938
    assert f"{found.not_english_share * 100:.1f}" == "4.5"
    assert found.not_well == 3_097 + 652  # cannot speak English well, or at all
    assert f"{found.not_well_share * 100:.1f}" == "1.2"
    # Summed over areas: Dudley and Sandwell together.
    both = english_proficiency([DUDLEY, "E08000028"])
    assert both is not None and both.total > found.total


def test_reach_page_shows_language_by_channel_masked_and_the_census_baseline(
    client, session, make_survey, make_user, login
) -> None:
    survey = make_survey(areas=DUDLEY)
    respond(session, survey, [("en", 14), ("ur", 3), ("en-x-easy", 1)])
    login(make_user(Role.ANALYST))
    html = client.get(f"/surveys/{survey.id}/reach/").get_data(as_text=True)
    table = html[html.index("data-language-table") :]
    table = table[: table.index("</table>")]
    urdu = re.search(r"<tr><td>Urdu</td>(.*?)</tr>", table)
    assert urdu is not None
    assert "&lt;10" in urdu.group(1) and ">3<" not in urdu.group(1)
    assert "<td>English</td>" in table and "<td>Easy read</td>" in table
    # Every count cell is 0, masked, or at least 10.
    for cell in re.findall(r'<td class="num">([^<]*)</td>', table):
        assert cell in ("0", "&lt;10", "[c]") or int(cell.replace(",", "")) >= 10
    assert "4.5%" in html and "1.2%" in html  # Dudley's census shares
    assert "under 50.0%" in html  # 3 of 18: a bound, never 16.7%
    assert "16.7%" not in html
    assert "do not say which language people speak" in html and "TS024" in html


def test_report_language_table_is_masked(client, session, make_survey, make_user, login) -> None:
    survey = make_survey(areas=DUDLEY)
    respond(session, survey, [("en", 20), ("pl", 4)])
    login(make_user(Role.OFFICER))
    html = client.get(f"/surveys/{survey.id}/report").get_data(as_text=True)
    table = html[html.index("data-language-table") :]
    table = table[: table.index("</table>")]
    polish = re.search(r"<tr><td>Polish</td>(.*?)</tr>", table)
    assert polish is not None and "&lt;10" in polish.group(1) and ">4<" not in polish.group(1)
    assert "<td>English</td>" in table
    assert "Residents whose main language is not English" in html and "4.5%" in html


def test_language_figures_follow_the_counts(session, make_survey) -> None:
    survey = make_survey(areas=DUDLEY)
    respond(session, survey, [("en", 30), ("pl", 10)])
    reach = build_language_reach(session, survey, threshold=10)
    assert reach.total == 40
    assert reach.other_language == "10" and reach.other_language_pct == "25.0%"
    rows = {r.code: r for r in reach.rows}
    assert rows["pl"].total == "10" and rows["en"].total == "30"
    assert reach.census_not_english_pct == "4.5%" and not reach.under_reached


def test_outreach_plan_suggests_languages_only_when_under_reached(
    client, session, make_survey, make_user, login
) -> None:
    survey = make_survey(areas=DUDLEY)
    respond(session, survey, [("en", 40)])
    login(make_user(Role.OFFICER))
    page = client.get(f"/surveys/{survey.id}/reach/plan").get_data(as_text=True)
    assert "data-language-suggestion" in page
    assert "Offer the survey in other languages" in page
    # The survey is offered in English only: every other shipped language is named.
    for name in ("Welsh", "Urdu", "Punjabi (Gurmukhi)", "Polish", "Romanian", "Arabic", "Bengali"):
        assert name in page
    assert "census cannot say which languages are most spoken locally" in page
    exported = client.get(f"/surveys/{survey.id}/reach/plan?format=csv")
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    language = next(r for r in rows if r["dimension"] == "Language")
    assert language["population_pct"] == "4.5%" and language["so_far"] == "0"
    assert "Urdu" in language["suggestion"]
    assert all(r["suggestion"] == "" for r in rows if r["dimension"] != "Language")

    respond(session, survey, [("ur", 10)])  # 10 of 50 (20%) against a census 4.5%
    page = client.get(f"/surveys/{survey.id}/reach/plan").get_data(as_text=True)
    assert "data-language-suggestion" not in page
    exported = client.get(f"/surveys/{survey.id}/reach/plan?format=csv")
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert next(r for r in rows if r["dimension"] == "Language")["suggestion"] == ""
