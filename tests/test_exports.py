"""Reading and exporting: counts by day and channel, shuffled exports safe to open in Excel."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
from sqlalchemy import func, select, update

from engage import exports
from engage.auth.roles import Role
from engage.surveys import responses, services
from engage.surveys.models import Mode, Response
from tests.helpers import question, submit_all, youth_answers


def test_escape_cell_neutralises_formulas() -> None:
    for dangerous in ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "|cmd", "%0A", "\tx", "\rx"]:
        assert exports.escape_cell(dangerous) == "'" + dangerous
    assert exports.escape_cell("fine") == "fine"
    assert exports.escape_cell(-3) == -3  # numbers stay numbers


def test_export_frame_shuffles_and_escapes() -> None:
    frame = pd.DataFrame({"response_id": [str(i) for i in range(200)], "text": ["=1+1"] * 200})
    out = responses.export_frame(frame, seed=1)
    assert list(out["response_id"]) != list(frame["response_id"])
    assert sorted(out["response_id"]) == sorted(frame["response_id"])
    assert set(out["text"]) == {"'=1+1"}


def _submit_several(client, survey) -> None:
    code = survey.channels[0].code
    submit_all(
        client, survey, code, youth_answers(survey, unsafe_reasons='=HYPERLINK("http://x","click")')
    )
    submit_all(
        client,
        survey,
        code,
        youth_answers(
            survey, unsafe_reasons="-the bus stop", feel_safe_area="5", unsafe_places=["parks"]
        ),
    )
    submit_all(
        client,
        survey,
        code,
        youth_answers(survey, age="prefer_not_to_say", unsafe_reasons="Ça va 🔪 naïve"),
    )


def test_csv_export(client, session, make_survey, make_user, login) -> None:
    survey = make_survey()
    _submit_several(client, survey)
    login(make_user(Role.ANALYST))
    response = client.get(f"/surveys/{survey.id}/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 3
    texts = {r["unsafe_reasons"] for r in rows}
    assert '\'=HYPERLINK("http://x","click")' in texts
    assert "'-the bus stop" in texts and "Ça va 🔪 naïve" in texts
    assert {r["age"] for r in rows} == {"15", "Prefer not to say"}
    assert {r["channel"] for r in rows} == {"Web link"}
    assert {r["unsafe_places"] for r in rows} == {"In parks", "On the streets at night; In parks"}
    assert {r["ethnic_group"] for r in rows} == {"Asian or Asian British: Pakistani"}
    assert "submitted_on" in rows[0] and "time" not in " ".join(rows[0])


def test_xlsx_export(client, session, make_survey, make_user, login) -> None:
    survey = make_survey()
    _submit_several(client, survey)
    login(make_user(Role.OFFICER))
    response = client.get(f"/surveys/{survey.id}/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["Responses"]
    header = [c.value for c in sheet[1]]
    column = header.index("unsafe_reasons")
    values = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert len(values) == 3
    assert all(not str(v).startswith("=") for v in values)
    assert all(row[column].data_type != "f" for row in sheet.iter_rows(min_row=2))


def test_overview_counts_by_day_and_channel(client, session, make_survey, make_user, login) -> None:
    survey = make_survey()
    survey = services.get_survey(session, survey.id)
    school = services.add_channel(session, survey, "Oak Park School")
    session.commit()
    submit_all(client, survey, survey.channels[0].code, youth_answers(survey))
    for _ in range(2):
        submit_all(client, survey, school.code, youth_answers(survey))
    login(make_user(Role.OFFICER))
    html = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Oak Park School" in html
    frame = responses.counts_frame(session, survey.id)
    assert dict(zip(frame["channel"], frame["count"], strict=True)) == {
        "Web link": 1,
        "Oak Park School": 2,
    }


def test_paper_response_is_keyed_in_and_marked(
    client, session, make_survey, make_user, login
) -> None:
    survey = make_survey()
    login(make_user(Role.OFFICER))
    feel = question(survey, "feel_safe_area").field_name
    why = question(survey, "why_not_tell").field_name
    bad = client.post(
        f"/surveys/{survey.id}/responses/new",
        data={"channel": survey.channels[0].id, "mode": "paper"},
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/surveys/{survey.id}/responses/new",
        data={"channel": survey.channels[0].id, "mode": "paper", feel: "2", why: "does not apply"},
    )
    assert ok.status_code == 302
    stored = session.scalars(select(Response)).one()
    assert stored.mode == Mode.PAPER.value
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    page = client.get(f"/surveys/{survey.id}/responses/new").get_data(as_text=True)
    assert "1 answers to questions that did not apply were left out" in page


def test_codebook_csv_escapes_what_officers_typed(
    client, session, make_survey, make_user, login
) -> None:
    survey = make_survey()
    login(make_user(Role.OFFICER))
    added = client.post(
        f"/surveys/{survey.id}/themes/codebook/new",
        data={"name": "=cmd|' /C calc'!A0", "definition": "+1 lights", "seeds": "lights"},
    )
    assert added.status_code == 302
    response = client.get(f"/surveys/{survey.id}/themes/codebook.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    row = next(r for r in rows if r["seeds"] == "lights")
    assert (row["name"], row["definition"]) == ("'=cmd|' /C calc'!A0", "'+1 lights")
    assert "Knives and weapons" in {r["name"] for r in rows}


def test_outreach_plan_csv_escapes_channel_names() -> None:
    from engage.reach.views import PLAN_COLUMNS, _csv

    row: dict[str, object] = dict.fromkeys(PLAN_COLUMNS, "")
    row.update(dimension="Sex", category="Female", best_channels='=HYPERLINK("x"); Web link')
    response = _csv(1, [row])
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0]["best_channels"] == '\'=HYPERLINK("x"); Web link'
    assert rows[0]["category"] == "Female"


def test_exports_say_which_language_each_response_was_given_in(
    client, session, make_survey, make_user, login
) -> None:
    survey = make_survey()
    _submit_several(client, survey)
    session.rollback()
    first = session.scalars(
        select(Response.id).where(Response.survey_id == survey.id).order_by(Response.id)
    ).first()
    session.execute(update(Response).where(Response.id == first).values(language="ur"))
    session.commit()
    login(make_user(Role.OFFICER))
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/surveys/{survey.id}/export.csv").data.decode("utf-8-sig"))
        )
    )
    assert sorted(r["language"] for r in rows) == ["en", "en", "ur"]
    assert next(r for r in rows if r["response_id"] == str(first))["language"] == "ur"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/surveys/{survey.id}/export.xlsx").data))
    sheet = book["Responses"]
    header = [c.value for c in sheet[1]]
    languages = [row[header.index("language")].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(languages) == ["en", "en", "ur"]
