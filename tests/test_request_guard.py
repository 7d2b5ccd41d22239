"""NUL and other control characters are refused on every route, before the database.

psycopg refuses NUL in text: before the guard, `/s/%00`, `/s/%00/start` and
`/s/<code>%00` were 500s on PostgreSQL. The walk below fills every path variable of
every rule in the URL map, as an anonymous visitor and as an admin, so a route added
later is covered too. The suite runs on PostgreSQL when ENGAGE_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.auth.models import User
from engage.auth.roles import Role
from engage.request_guard import has_form_control, has_url_control
from engage.surveys.models import Response, Survey
from tests.helpers import start_form, submit_all, youth_answers

HOSTILE = ["%00", "a%00b", "%01", "%1b%5b31m", "%7f", "%c2%85", "%0d%0aSet-Cookie:x=1"]


def _urls(app: Flask, value: str) -> list[tuple[str, str]]:
    """Every rule with each path variable set to a hostile value, with a method it accepts."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.arguments:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", value)
            for converter in ("int", "string", "path", "any"):
                path = path.replace(f"<{converter}:{name}>", value)
        if "<" in path:  # a converter with arguments, e.g. <int(max=...):id>
            path = re.sub(r"<[^>]+>", value, path)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            urls.append((method, path))
    return urls


def _assert_refused(client: FlaskClient, app: Flask) -> int:
    seen = 0
    for value in HOSTILE:
        for method, url in _urls(app, value):
            response = client.open(
                url, method=method, data={"x": "1"} if method == "POST" else None
            )
            assert response.status_code != 500, (method, url)
            assert response.status_code == 400, (method, url, response.status_code)
            seen += 1
    return seen


def test_the_reported_link_codes_are_refused_not_500(client, make_survey) -> None:
    code = make_survey().channels[0].code
    for url in ("/s/%00", "/s/%00/start", f"/s/{code}%00", f"/s/{code}%00/start"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "could not be understood" in response.get_data(as_text=True)
    # The real link still works.
    assert client.get(f"/s/{code}").status_code == 200


def test_every_route_refuses_control_characters_in_its_path_anonymously(app, client) -> None:
    assert _assert_refused(client, app) > 100


def test_every_route_refuses_control_characters_in_its_path_for_an_admin(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[[User], None],
    make_survey: Callable[..., Survey],
) -> None:
    make_survey()
    login(make_user(Role.ADMIN))
    assert _assert_refused(client, app) > 100


@pytest.mark.parametrize("query", ["?lang=%00", "?lang=ur%01", "?q=%7f", "?page=%c2%9b"])
def test_control_characters_in_the_query_are_refused(client, make_survey, query) -> None:
    code = make_survey().channels[0].code
    assert client.get(f"/s/{code}{query}").status_code == 400


def test_a_nul_in_a_form_field_is_refused_before_the_database(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.OFFICER)
    response = client.post("/login", data={"email": user.email + "\x00", "password": "x"})
    assert response.status_code == 400
    response = client.post("/login", data={"email\x00": user.email, "password": "x"})
    assert response.status_code == 400


def test_a_nul_in_a_respondents_hidden_field_stores_nothing(
    client: FlaskClient, make_survey: Callable[..., Survey], session: Session
) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    state = start_form(client, code)
    state["nonce"] = "\x00" + state["nonce"][1:]
    assert submit_all(client, survey, code, youth_answers(survey), state).status_code == 400
    assert session.scalar(select(func.count()).select_from(Response)) == 0
    # An answer's stray control character is stripped, not refused (test_respond.py).
    assert submit_all(client, survey, code, youth_answers(survey)).status_code == 200
    session.rollback()  # a fresh read: the first count's transaction must not hide the row
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_tab_and_newline_are_ordinary_in_free_text() -> None:
    assert not has_form_control("line one\nline two\tand a tab\r\n")
    assert has_form_control("a\x00b") and has_form_control("\x1b[31m") and has_form_control("\x85")
    assert has_url_control("a\tb") and not has_url_control("ŵ اردو 😀")
