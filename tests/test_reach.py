"""The reach pages: respondents against Census 2021, masked small cells, the outreach plan."""

from __future__ import annotations

import csv
import io
import re

from engage.auth.roles import Role
from engage.demo.partnership import seed_demo
from engage.reach.context import build_reach, reach_alerts
from engage.surveys import services


def _demo(session):
    demo = seed_demo(session, responses=200, seed=5)
    session.commit()
    return demo, services.get_survey(session, demo.surveys["young_people"])


def test_reach_page_compares_with_census_and_masks_small_counts(
    client, session, make_user, login
) -> None:
    _, survey = _demo(session)
    login(make_user(Role.ANALYST))
    response = client.get(f"/surveys/{survey.id}/reach/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for heading in (
        "Who we are missing",
        "Age",
        "Sex",
        "Ethnic group",
        "Religion",
        "Reach by channel",
    ):
        assert heading in html
    assert (
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0"
        in html
    )
    assert "&lt;10" in html
    # Every displayed count cell is 0, "<10", a masked marker or at least 10.
    for cell in re.findall(r'<td class="num">([0-9,]+)</td>', html):
        value = int(cell.replace(",", ""))
        assert value == 0 or value >= 10 or "." in cell
    assert 'type="application/json"' in html and "plotly.min.js" in html
    assert "<script>" not in html  # no inline script: CSP script-src 'self'


def test_reach_figures_follow_the_analysis(session) -> None:
    _, survey = _demo(session)
    reach = build_reach(session, survey, threshold=10, planned_next=300)
    assert reach.total == len([1 for _ in range(reach.total)]) and reach.total > 100
    dims = {d.name: d for d in reach.dimensions}
    assert {"age", "sex", "ethnic_group", "religion"} <= set(dims)
    assert dims["age"].rows[0].category.startswith("11")
    # The demo under-represents minority ethnic groups: at least one is flagged.
    assert any(r.under for r in dims["ethnic_group"].rows)
    assert reach.missing and all(m["planned"] == 300 for m in reach.missing)
    assert reach.ratings and reach.ratings[0]["weighted"] != "–"


def test_overview_alerts_groups_below_0_8(client, session, make_user, login) -> None:
    _, survey = _demo(session)
    alerts = reach_alerts(session, survey)
    assert alerts and all("of their population share" in a for a in alerts)
    login(make_user(Role.OFFICER))
    html = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "less than 0.8 of their share" in html
    assert alerts[0].split(":")[1].split(" at ")[0].strip() in html


def test_outreach_plan_and_csv(client, session, make_user, login) -> None:
    _, survey = _demo(session)
    login(make_user(Role.OFFICER))
    page = client.get(f"/surveys/{survey.id}/reach/plan?next_wave=500")
    assert page.status_code == 200
    assert "Reached best by" in page.get_data(as_text=True)
    exported = client.get(
        f"/surveys/{survey.id}/reach/plan?next_wave=500&min:sex:Female=400&format=csv"
    )
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert {r["dimension"] for r in rows} >= {"Age", "Sex", "Ethnic group"}
    female = next(r for r in rows if r["dimension"] == "Sex" and r["category"] == "Female")
    assert female["minimum"] == "400" and female["needed"]
    for row in rows:
        so_far = row["so_far"].replace(",", "")
        assert so_far in ("<10", "[c]") or int(so_far) == 0 or int(so_far) >= 10


def test_outreach_plan_bad_input_is_a_clear_error(client, session, make_user, login) -> None:
    _, survey = _demo(session)
    login(make_user(Role.OFFICER))
    bad = client.get(f"/surveys/{survey.id}/reach/plan?next_wave=lots")
    assert bad.status_code == 422 and "whole number" in bad.get_data(as_text=True)
    bad_min = client.get(f"/surveys/{survey.id}/reach/plan?min:sex:Female=-3")
    assert bad_min.status_code == 422


def test_reach_of_survey_with_no_responses(client, make_survey, make_user, login) -> None:
    survey = make_survey()
    login(make_user(Role.OFFICER))
    response = client.get(f"/surveys/{survey.id}/reach/")
    assert response.status_code == 200
    assert "0 responses so far" in response.get_data(as_text=True)


def test_small_bases_are_marked_unreliable(client, make_survey, make_user, login) -> None:
    from tests.helpers import submit_all, youth_answers

    survey = make_survey()
    for _ in range(12):
        submit_all(client, survey, survey.channels[0].code, youth_answers(survey))
    login(make_user(Role.OFFICER))
    html = client.get(f"/surveys/{survey.id}/reach/").get_data(as_text=True)
    assert "Fewer than 50 answers" in html
    assert "100.0%" in html  # a base of 12 is shown, with the caution
