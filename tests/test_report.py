"""The engagement report (HTML, CSV, JSON) and the partnership overview, through the pages."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage import ROOT
from engage.assembly.models import (
    Participant,
    Review,
    ReviewTheme,
    Statement,
    ThemeRating,
    Vote,
)
from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.auth.roles import Role
from engage.feedback.models import Commitment, CommitmentUpdate, SurveyWave
from engage.priorities.models import Priority
from engage.quotes.models import Quote
from engage.surveys import services as survey_services
from engage.surveys.logic import Parsed
from engage.surveys.models import Status, Survey
from engage.surveys.responses import record_response
from engage.themes.codebook import list_themes
from engage.themes.models import CodeAssignment
from tests.conftest import PASSWORD
from tests.helpers import question

SMALL = 7  # a group and a theme of this many people: never shown as a number
COUNT_MEASURES = {
    "responses",
    "people",
    "people_who_wrote",
    "people_who_wrote_an_answer",
}
CELL = re.compile(r"data-count>([^<]*)<")


@dataclass
class Consultation:
    survey: Survey
    quote_id: int
    commitment_id: int


def respond(
    session: Session,
    survey: Survey,
    n: int,
    *,
    sex: str,
    age: int,
    ethnic: str,
    text: str = "People carry knives in the park.",
    channel: int = 0,
) -> list[object]:
    """``n`` responses stored through the service; returns their text answer ids."""
    ids = {k: question(survey, k).id for k in ("unsafe_reasons", "age", "sex", "ethnic_group")}
    answer_ids = []
    for _ in range(n):
        stored = record_response(
            session,
            survey,
            survey.channels[channel],
            {
                ids["unsafe_reasons"]: Parsed(text=text),
                ids["age"]: Parsed(number=float(age)),
                ids["sex"]: Parsed(codes=(sex,)),
                ids["ethnic_group"]: Parsed(codes=(ethnic,)),
            },
            on=survey_services.today(),
            nonce=None,
        )
        assert stored is not None
        answer_ids.append(stored.text_answer_ids[ids["unsafe_reasons"]])
    session.commit()
    return answer_ids


def code(session: Session, answer_ids: Sequence[object], theme_id: int, status: str) -> None:
    for answer_id in answer_ids:
        session.add(
            CodeAssignment(
                answer_id=answer_id,
                theme_id=theme_id,
                coder="seed:1",
                source="seed",
                status=status,
                reasons="",
            )
        )
    session.commit()


def build_consultation(session: Session, make_survey: Callable[..., Survey]) -> Consultation:
    """45 responses; a group (Black African, 7) and a theme (drugs, 7) under the threshold."""
    survey = make_survey(title="Safe in Dudley")
    survey_services.add_channel(session, survey, "Oak Park School")
    session.commit()
    survey = survey_services.get_survey(session, survey.id)
    themes = {t.key: t for t in list_themes(session)}
    girls = respond(session, survey, 24, sex="female", age=15, ethnic="white_british")
    boys = respond(session, survey, 14, sex="male", age=19, ethnic="asian_pakistani", channel=1)
    few = respond(session, survey, SMALL, sex="male", age=22, ethnic="black_african")
    code(session, girls, themes["knives_weapons"].id, "accepted")
    code(session, boys, themes["gangs_exploitation"].id, "suggested")
    code(session, few, themes["drugs_alcohol"].id, "suggested")
    quote = Quote(
        survey_id=survey.id,
        question_id=question(survey, "unsafe_reasons").id,
        text="People carry [knife] in the park near [school].",
        attribution="A young person aged 11-15 in Dudley",
    )
    session.add(quote)
    commitment = Commitment(
        survey_id=survey.id,
        title='=HYPERLINK("http://evil.example") Youth workers in the park',
        detail="Detached youth workers on Friday nights.",
        partner="Dudley Council Youth Service",
        groups=["Young people aged 11-15"],
        status="in_progress",
        progress=40,
        starts_on=date(2025, 7, 1),
        due_on=date(2026, 3, 31),
        position=0,
    )
    commitment.themes = [themes["knives_weapons"]]
    commitment.updates = [
        CommitmentUpdate(
            on=date(2025, 8, 1), text="First sessions ran.", status="in_progress", progress=40
        )
    ]
    session.add(commitment)
    session.add(
        Commitment(
            survey_id=survey.id,
            title="Close the underpass",
            partner="Highways",
            status="not_taken_forward",
            reason="The underpass is the only step-free route.",
            progress=0,
            position=1,
        )
    )
    priority = Priority(code="SV1", title="Reduce knife crime among young people", position=0)
    priority.themes = [themes["knives_weapons"], themes["drugs_alcohol"]]
    session.add(priority)
    session.flush()
    add_assembly(session, survey, [themes["knives_weapons"].id, themes["drugs_alcohol"].id])
    session.commit()
    return Consultation(survey=survey, quote_id=quote.id, commitment_id=commitment.id)


def add_assembly(session: Session, survey: Survey, theme_ids: Sequence[int]) -> None:
    """A closed review: six members in each of two age bands rate themes and vote."""
    review = Review(survey_id=survey.id, title="What you told us", status="closed")
    session.add(review)
    session.flush()
    for n, theme_id in enumerate(theme_ids):
        session.add(ReviewTheme(review_id=review.id, theme_id=theme_id, position=n))
    agreed = Statement(
        review_id=review.id,
        kind="finding",
        origin="officer",
        text="Young people need somewhere safe to go at night.",
        status="approved",
        created_on=date(2025, 7, 1),
    )
    split = Statement(
        review_id=review.id,
        kind="action",
        origin="officer",
        text="More police patrols in the park.",
        status="approved",
        created_on=date(2025, 7, 1),
    )
    session.add_all([agreed, split])
    session.flush()
    for n in range(12):
        band = "11-13" if n < 6 else "14-15"
        person = Participant(
            review_id=review.id, voter=hashlib.sha256(f"m{n}".encode()).hexdigest(), age_band=band
        )
        session.add(person)
        session.flush()
        session.add(Vote(statement_id=agreed.id, participant_id=person.id, value=1))
        session.add(Vote(statement_id=split.id, participant_id=person.id, value=1 if n < 6 else -1))
        session.add(
            ThemeRating(
                review_id=review.id, theme_id=theme_ids[0], participant_id=person.id, score=5
            )
        )
        if n < 3:  # three members only: too few to show an average
            session.add(
                ThemeRating(
                    review_id=review.id, theme_id=theme_ids[1], participant_id=person.id, score=2
                )
            )


def signed_in(app: Flask, make_user: Callable[..., User], role: Role) -> FlaskClient:
    client = app.test_client()
    user = make_user(role)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def assert_masked(values: Sequence[str], threshold: int = 10) -> None:
    assert values
    for value in values:
        text = value.strip().replace("&lt;", "<")
        assert text in (f"<{threshold}", "[c]", "0") or int(text.replace(",", "")) >= threshold, (
            value
        )


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def consultation(session: Session, make_survey: Callable[..., Survey]) -> Consultation:
    return build_consultation(session, make_survey)


# ---------------------------------------------------------------- the report page


def test_report_shows_masked_counts_only(app: Flask, make_user, consultation: Consultation) -> None:
    client = signed_in(app, make_user, Role.ANALYST)
    response = client.get(f"/surveys/{consultation.survey.id}/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    cells = CELL.findall(html)
    assert_masked(cells)
    assert "&lt;10" in cells
    assert str(SMALL) not in cells
    # The small ethnic group and the small theme are there, masked, with no share.
    black = re.search(r"<td>Black[^<]*(?:<span[^>]*>[^<]*</span>)?</td><td[^>]*>([^<]*)<", html)
    assert black and black.group(1) == "&lt;10"
    drugs = re.search(r"<td>Drugs and alcohol</td><td class=\"num\" data-count>([^<]*)</td>"
                      r"<td class=\"num\">([^<]*)</td>", html)  # fmt: skip
    assert drugs and drugs.groups() == ("&lt;10", "–")
    assert "45" in cells  # the 45 responses are shown
    for heading in (
        "Who took part",
        "Who we missed, and targets for next time",
        "What people told us",
        "By age band",
        "What the Youth Assembly said",
        "How this fits our strategic priorities",
        "What we are doing",
    ):
        assert heading in html
    assert "Census 2021" in html
    assert "Open Government Licence" in html
    assert "<svg" in html and "<script" not in html


def test_report_prints_well(app: Flask, make_user, consultation: Consultation) -> None:
    client = signed_in(app, make_user, Role.OFFICER)
    html = client.get(f"/surveys/{consultation.survey.id}/report").get_data(as_text=True)
    link = re.search(r'<link rel="stylesheet" href="(/static/css/report\.css)">', html)
    assert link
    with client.get(link.group(1)) as static:
        css = static.get_data(as_text=True)
    print_css = css[css.index("@media print") :]
    assert "@page{size:A4" in print_css
    assert ".no-print" in print_css and "display:none" in print_css
    assert "tr,td,th{break-inside:avoid" in print_css
    assert "h1,h2,h3{break-after:avoid" in print_css
    assert "thead{display:table-header-group}" in print_css
    # Navigation and download links are inside the part that is not printed.
    tools = html[html.index('<div class="no-print">') : html.index('<article class="report"')]
    assert "report.csv" in tools and "Overview</a>" in tools
    # Headings in order: one h1, then h2 sections with h3 inside.
    levels = [int(n) for n in re.findall(r"<h([1-6])", html[html.index("<article") :])]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in pairwise(levels))


def test_report_sections_show_assembly_priorities_and_commitments(
    app: Flask, make_user, consultation: Consultation
) -> None:
    client = signed_in(app, make_user, Role.ADMIN)
    html = client.get(f"/surveys/{consultation.survey.id}/report").get_data(as_text=True)
    # Ratings: twelve members rated knives (shown); three rated drugs (no average).
    assert re.search(
        r"<td>Knives and weapons</td><td class=\"num\">5\.0</td><td class=\"num\">12<", html
    )
    assert re.search(
        r"<td>Drugs and alcohol</td><td class=\"num\">–</td><td class=\"num\">fewer than 5<", html
    )
    # Broadest support: agreed by both age bands; the split statement is not listed.
    assert "Young people need somewhere safe to go at night." in html
    assert "More police patrols in the park." not in html
    assert "SV1</strong> Reduce knife crime among young people" in html
    assert "Close the underpass" in html and "The underpass is the only step-free route." in html
    assert 'value="40"' in html and "First sessions ran." in html
    assert "In progress: <strong>1</strong>" in html


def test_csv_and_json_hold_the_figures_of_the_page(
    app: Flask, make_user, session: Session, consultation: Consultation
) -> None:
    client = signed_in(app, make_user, Role.OFFICER)
    survey_id = consultation.survey.id
    html = client.get(f"/surveys/{survey_id}/report").get_data(as_text=True)
    as_json = client.get(f"/surveys/{survey_id}/report.json")
    assert as_json.status_code == 200
    assert as_json.headers["Content-Disposition"].endswith('.json"')
    data = json.loads(as_json.get_data(as_text=True))
    as_csv = client.get(f"/surveys/{survey_id}/report.csv")
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    rows = csv_rows(as_csv.data)
    assert list(rows[0]) == ["section", "dimension", "group", "item", "measure", "value"]

    overall = data["themes"]["overall"]
    assert {t["theme"]: t["people"] for t in overall}["Drugs and alcohol"] == "<10"
    for theme in overall:
        cell = f'<td>{theme["theme"]}</td><td class="num" data-count>{theme["people"]}</td>'
        assert cell.replace("<10", "&lt;10") in html
        exported = {
            r["measure"]: r["value"]
            for r in rows
            if r["section"] == "themes" and r["item"] == theme["theme"]
        }
        assert exported == {
            "people": theme["people"],
            "share": theme["share"],
            "ci_95": theme["ci_95"],
        }
    for dim in data["who_took_part"]:
        for group in dim["groups"]:
            assert f"<td>{group['share_of_population']}".replace("<td>", '<td class="num">') in html
            row = next(
                r
                for r in rows
                if r["section"] == "who_took_part"
                and r["dimension"] == dim["dimension"]
                and r["group"] == group["group"]
                and r["measure"] == "responses"
            )
            assert row["value"] == group["responses"]
    # Every count in either export is masked, and the small number never appears as one.
    assert_masked([r["value"] for r in rows if r["measure"] in COUNT_MEASURES])
    assert str(SMALL) not in {r["value"] for r in rows if r["measure"] in COUNT_MEASURES}
    assert "<10" in {r["value"] for r in rows}
    # Cells a spreadsheet would run as a formula are escaped.
    titles = {r["item"] for r in rows if r["section"] == "commitments"}
    assert '\'=HYPERLINK("http://evil.example") Youth workers in the park' in titles
    assert data["commitments"][0]["title"].startswith("=HYPERLINK")  # JSON is data, not a sheet
    # Both downloads are in the audit log.
    session.rollback()
    session.expire_all()
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "report_exported")).all()
    assert len(events) == 2 and {e.object_id for e in events} == {str(survey_id)}


def test_report_of_a_consultation_with_no_answers(app: Flask, make_user, make_survey) -> None:
    survey = make_survey(title="Nothing yet")
    client = signed_in(app, make_user, Role.OFFICER)
    html = client.get(f"/surveys/{survey.id}/report").get_data(as_text=True)
    assert "No coded answers yet." in html
    assert "No commitments have been recorded" in html
    data = json.loads(client.get(f"/surveys/{survey.id}/report.json").get_data(as_text=True))
    assert data["method"]["responses"] == "0"


def test_report_roles_and_missing_surveys(
    app: Flask, make_user, consultation: Consultation
) -> None:
    path = f"/surveys/{consultation.survey.id}/report"
    for role in (Role.ASSEMBLY, Role.SAFEGUARDING):
        client = signed_in(app, make_user, role)
        assert client.get(path).status_code == 403
        assert client.get(path + ".csv").status_code == 403
        assert client.get("/overview").status_code == 403
    assert app.test_client().get(path).status_code == 302
    client = signed_in(app, make_user, Role.ANALYST)
    missing = client.get("/surveys/99999/report.json")
    assert missing.status_code == 404 and "There is no such survey." in missing.get_data(
        as_text=True
    )


# ---------------------------------------------------------------- the overview


def test_overview_follows_waves_and_counts_commitments(
    app: Flask, make_user, session: Session, make_survey, consultation: Consultation
) -> None:
    first = consultation.survey
    second = make_survey(title="Safe in Dudley, one year on")
    respond(session, second, 30, sex="female", age=15, ethnic="white_british")
    respond(session, second, 12, sex="male", age=16, ethnic="black_african")
    session.add(SurveyWave(survey_id=second.id, follows_id=first.id))
    session.add(
        Commitment(
            survey_id=second.id, title="Lights", partner="Council", status="done", progress=100
        )
    )
    make_survey(title="Still a draft", status=Status.DRAFT)
    session.commit()
    client = signed_in(app, make_user, Role.ANALYST)
    response = client.get("/overview")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Safe in Dudley, one year on" in html and "Still a draft" not in html
    assert "Coefficient of variation" in html and "<svg" in html
    assert "Safe in Dudley: 2 waves" in html
    # The small group's ratio is hidden in the first wave and shown in the second.
    table = html[html.index('<h3 id="trend-ethnic_group">') :]
    black = re.search(
        r"<td>Black[^<]*</td><td class=\"num[^\"]*\">([^<]*)</td><td class=\"num[^\"]*\">([^<]*)</td>",
        table,
    )
    assert black and black.group(1) == "–" and black.group(2) != "–"
    # Themes over time: the small theme is masked, never a share or count under 10.
    drugs = re.search(r"<td>Drugs and alcohol</td><td class=\"num\">([^<]*)</td>", html)
    assert drugs is None or drugs.group(1) in ("&lt;10", "0")
    # Commitments by status: one in progress and one not taken forward, then one done.
    assert re.search(r"Safe in Dudley</a></td><td class=\"num\">0</td><td class=\"num\">1</td>"
                     r"<td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">2</td>", html)  # fmt: skip
    assert "<strong>3</strong>" in html


def test_overview_with_nothing_opened(app: Flask, make_user) -> None:
    client = signed_in(app, make_user, Role.OFFICER)
    assert "No consultation has been opened yet." in client.get("/overview").get_data(as_text=True)


def test_print_stylesheet_is_a_real_file() -> None:
    css = (Path(ROOT) / "static" / "css" / "report.css").read_text("utf-8")
    assert "@media print" in css and "@page" in css
