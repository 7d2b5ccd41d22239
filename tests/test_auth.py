"""Accounts, passwords, throttling, session renewal and the access rule on every route."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from engage import create_app
from engage.auth.access import access_of
from engage.auth.models import LoginFailure, User
from engage.auth.passwords import WeakPassword, check_password_policy
from engage.auth.roles import Role
from tests.conftest import PASSWORD, app_config


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "password1234",
        "qwertyuiop123",
        "Birmingham2024",
        "aaaaaaaaaaaaaaaa",
        "engageengage12",
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_password_policy(password, ["engage"])


def test_strong_password_is_accepted() -> None:
    check_password_policy("correct horse battery staple 42")


def test_passwords_are_hashed_with_scrypt(make_user, session) -> None:
    user = make_user(Role.OFFICER)
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_create_admin_command(app: Flask, session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Boss@Example.gov.uk",
            "--name",
            "Boss",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "boss@example.gov.uk"))
    assert user is not None and user.role == "admin"
    weak = runner.invoke(
        args=["create-admin", "--email", "x@example.gov.uk", "--password", "password"]
    )
    assert weak.exit_code == 2
    assert "Password refused" in weak.output


def test_login_and_logout(client, make_user) -> None:
    user = make_user(Role.OFFICER)
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/surveys/")
    assert client.get("/surveys/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/surveys/").status_code == 302


def test_wrong_password_is_refused_and_recorded(client, make_user, session) -> None:
    user = make_user(Role.OFFICER)
    response = client.post(
        "/login", data={"email": user.email, "password": "not the password at all"}
    )
    assert response.status_code == 401
    assert "not right" in response.get_data(as_text=True)
    assert session.scalar(select(LoginFailure.account)) == user.email


def test_login_throttled_after_ten_failures(client, make_user) -> None:
    user = make_user(Role.OFFICER)
    for _ in range(10):
        assert (
            client.post(
                "/login", data={"email": user.email, "password": "wrong-password-x"}
            ).status_code
            == 401
        )
    blocked = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "too many failed sign-in attempts" in blocked.get_data(as_text=True)
    # Another account is not affected.
    other = make_user(Role.ANALYST)
    assert (
        client.post("/login", data={"email": other.email, "password": PASSWORD}).status_code == 302
    )


def test_login_redirect_stays_on_site(client, make_user) -> None:
    user = make_user(Role.OFFICER)
    response = client.post(
        "/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/surveys/"


def test_session_is_renewed_at_login(database_url, tmp_path, make_user) -> None:
    app = create_app(app_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    user = make_user(Role.OFFICER)
    page = client.get("/login").get_data(as_text=True)
    before_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        before = dict(sess)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": before_token}
    )
    assert response.status_code == 302
    with client.session_transaction() as sess:
        after = dict(sess)
    assert "planted" not in after
    assert after.get("csrf_token") != before.get("csrf_token")
    assert after["_user_id"] == user.get_id()
    app.extensions["engage.engine"].dispose()


def test_role_change_logs_user_out(client, make_user, login, session) -> None:
    user = make_user(Role.OFFICER)
    login(user)
    assert client.get("/surveys/").status_code == 200
    from engage.auth.services import set_role

    db_user = session.get(User, user.id)
    set_role(session, db_user, Role.ANALYST)
    session.commit()
    assert client.get("/surveys/").status_code == 302


def test_admin_creates_account_with_policy(client, make_user, login, session) -> None:
    admin = make_user(Role.ADMIN)
    login(admin)
    weak = client.post(
        "/admin/users",
        data={
            "name": "A",
            "email": "a@example.gov.uk",
            "role": "analyst",
            "password": "password1234",
        },
    )
    assert weak.status_code == 422
    ok = client.post(
        "/admin/users",
        data={"name": "A", "email": "a@example.gov.uk", "role": "analyst", "password": PASSWORD},
    )
    assert ok.status_code == 302
    assert session.scalar(select(User.role).where(User.email == "a@example.gov.uk")) == "analyst"


# ---------------------------------------------------------------- every route declares access


def _fill(rule) -> str:
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]
        values[arg] = (
            1
            if isinstance(converter, IntegerConverter)
            else {"fmt": "csv", "action": "up"}.get(arg, "x")
        )
    url = rule.rule
    for arg, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(value), url)
    return url


def _routes(app: Flask):
    # Signing out goes last so the walk keeps its session.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout")
    for rule in rules:
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, view, method


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    undeclared = [rule.rule for rule, view, _ in _routes(app) if access_of(view) is None]
    assert undeclared == []


def test_only_respondent_pages_and_login_are_public(app: Flask) -> None:
    public = sorted({rule.rule for rule, view, _ in _routes(app) if access_of(view) == "public"})
    assert public == ["/login", "/r/<code>", "/s/<code>", "/s/<code>/start"]


def test_anonymous_users_are_sent_to_login(app: Flask, client) -> None:
    checked = 0
    for rule, view, method in _routes(app):
        if access_of(view) == "public":
            continue
        response = client.open(_fill(rule), method=method)
        assert response.status_code == 302, (rule.rule, method, response.status_code)
        assert "/login" in response.headers["Location"], rule.rule
        checked += 1
    assert checked > 20


def test_wrong_roles_get_403(app: Flask, make_user, database_url, tmp_path) -> None:
    users = {role: make_user(role) for role in Role}
    checked = 0
    for role, user in users.items():
        client = app.test_client()
        assert (
            client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
            == 302
        )
        for rule, view, method in _routes(app):
            allowed = access_of(view)
            if allowed == "public":
                continue
            response = client.open(_fill(rule), method=method)
            if role in allowed:
                assert response.status_code != 403, (role, rule.rule, method)
            else:
                assert response.status_code == 403, (role, rule.rule, method, response.status_code)
                checked += 1
    assert checked > 50


def test_individual_responses_are_for_officers_and_analysts_only(app: Flask) -> None:
    view = app.view_functions["surveys.response_detail"]
    assert access_of(view) == frozenset({Role.OFFICER, Role.ANALYST})
    assert access_of(app.view_functions["surveys.export"]) == frozenset(
        {Role.OFFICER, Role.ANALYST}
    )
