"""The audit log: what is recorded, that the database refuses changes, and the admin pages."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import Text, delete, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from engage.audit.models import AuditAction, AuditEvent
from engage.audit.services import record
from engage.auth.audit_log import PAGE_SIZE
from engage.auth.models import User
from engage.auth.roles import Role
from engage.surveys import services
from engage.surveys.models import Channel, Status
from tests.conftest import PASSWORD
from tests.helpers import question


def _events(session, action: AuditAction | None = None) -> list[AuditEvent]:
    session.rollback()  # end any read snapshot: the client's requests commit in their own sessions
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action.value)
    return list(session.scalars(query))


def _actions(session) -> list[str]:
    return [e.action for e in _events(session)]


# ---------------------------------------------------------------- what is recorded


def test_login_logout_and_failed_login_are_recorded(client, make_user, session) -> None:
    user = make_user(Role.OFFICER)
    assert (
        client.post("/login", data={"email": user.email, "password": "not it at all"}).status_code
        == 401
    )
    assert (
        client.post(
            "/login", data={"email": " Nobody@Example.gov.uk ", "password": "x"}
        ).status_code
        == 401
    )
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    assert client.post("/logout").status_code == 302

    failed, unknown, login, logout = _events(session)
    assert failed.action == "login_failed"
    assert (failed.actor_id, failed.actor_email) == (None, user.email)
    assert unknown.action == "login_failed"
    assert (unknown.actor_id, unknown.actor_email) == (None, "nobody@example.gov.uk")
    assert (login.action, login.actor_id, login.actor_email) == ("login", user.id, user.email)
    assert (logout.action, logout.actor_id) == ("logout", user.id)


def test_failed_login_with_a_long_name_is_truncated_not_refused(client, session) -> None:
    long_name = "a" * 240 + "@example.gov.uk"  # 255 characters: over the column
    response = client.post("/login", data={"email": long_name, "password": "whatever it is"})
    assert response.status_code in (401, 200)  # the form may refuse it before authenticating
    for event in _events(session, AuditAction.LOGIN_FAILED):
        assert len(event.actor_email) <= 254


def test_survey_status_changes_and_copy_are_recorded(
    client, make_user, login, make_survey, session
) -> None:
    officer = make_user(Role.OFFICER)
    survey = make_survey(status=Status.DRAFT)
    login(officer)
    for status in ("open", "closed", "open", "closed", "archived"):
        assert (
            client.post(f"/surveys/{survey.id}/status", data={"status": status}).status_code == 302
        )
    assert client.post(f"/surveys/{survey.id}/copy").status_code == 302
    events = [e for e in _events(session) if e.action != "login"]
    assert [e.action for e in events] == [
        "survey_published",
        "survey_closed",
        "survey_reopened",
        "survey_closed",
        "survey_archived",
        "survey_copied",
    ]
    assert {(e.actor_id, e.object_type) for e in events} == {(officer.id, "survey")}
    assert {e.object_id for e in events[:-1]} == {str(survey.id)}
    assert events[-1].object_id != str(survey.id)  # the copy


def test_refused_status_change_records_nothing(
    client, make_user, login, make_survey, session
) -> None:
    survey = make_survey()  # open
    login(make_user(Role.OFFICER))
    assert (
        client.post(f"/surveys/{survey.id}/status", data={"status": "archived"}).status_code == 409
    )
    assert _actions(session) == ["login"]


def test_export_is_recorded(client, make_user, login, make_survey, session) -> None:
    survey = make_survey()
    analyst = make_user(Role.ANALYST)
    login(analyst)
    assert client.get(f"/surveys/{survey.id}/export.csv").status_code == 200
    assert client.get(f"/surveys/{survey.id}/export.xlsx").status_code == 200
    events = _events(session, AuditAction.EXPORT_RESPONSES)
    assert [(e.actor_id, e.object_type, e.object_id) for e in events] == [
        (analyst.id, "survey", str(survey.id))
    ] * 2


def test_survey_creation_deletions_and_channel_closing_are_recorded(
    client, make_user, login, session
) -> None:
    login(make_user(Role.OFFICER))
    response = client.post(
        "/surveys/new",
        data={
            "title": "Draft",
            "audience": "young_people",
            "areas": "E08000027",
            "starter": "young_people",
        },
    )
    assert response.status_code == 302
    [created] = _events(session, AuditAction.SURVEY_CREATED)
    survey = services.get_survey(session, int(created.object_id))
    target = question(survey, "message_to_leaders")
    assert client.post(f"/surveys/{survey.id}/questions/{target.id}/delete").status_code == 302
    channel = survey.channels[0]
    assert (
        client.post(f"/surveys/{survey.id}/channels/{channel.id}", data={"cap": ""}).status_code
        == 302
    )
    assert (
        client.post(f"/surveys/{survey.id}/channels/{channel.id}", data={"closed": "y"}).status_code
        == 302
    )
    # Saving a closed channel again is not another closing.
    assert (
        client.post(
            f"/surveys/{survey.id}/channels/{channel.id}", data={"closed": "y", "cap": "5"}
        ).status_code
        == 302
    )

    [deleted] = _events(session, AuditAction.QUESTION_DELETED)
    assert (deleted.object_type, deleted.object_id) == ("survey", str(survey.id))
    [closed] = _events(session, AuditAction.CHANNEL_CLOSED)
    assert (closed.object_type, closed.object_id) == ("channel", str(channel.id))
    assert session.get(Channel, channel.id).closed


def test_section_deletion_is_recorded(client, make_user, login, make_survey, session) -> None:
    survey = make_survey(starter="", status=Status.DRAFT)
    login(make_user(Role.OFFICER))
    assert (
        client.post(f"/surveys/{survey.id}/sections", data={"title": "Spare page"}).status_code
        == 302
    )
    session.rollback()
    section = services.get_survey(session, survey.id).sections[-1]
    assert client.post(f"/surveys/{survey.id}/sections/{section.id}/delete").status_code == 302
    [event] = _events(session, AuditAction.SECTION_DELETED)
    assert (event.object_type, event.object_id) == ("survey", str(survey.id))


def test_admin_account_changes_are_recorded(client, make_user, login, session) -> None:
    admin = make_user(Role.ADMIN)
    officer = make_user(Role.OFFICER)
    login(admin)
    created = client.post(
        "/admin/users",
        data={
            "name": "New",
            "email": "new@example.gov.uk",
            "role": "analyst",
            "password": PASSWORD,
        },
    )
    assert created.status_code == 302
    new_id = session.scalar(select(User.id).where(User.email == "new@example.gov.uk"))
    # Role change only.
    assert (
        client.post(
            f"/admin/users/{officer.id}", data={"role": "analyst", "active": "y"}
        ).status_code
        == 302
    )
    # Disable and set a password in one save.
    assert (
        client.post(
            f"/admin/users/{officer.id}",
            data={"role": "analyst", "password": "another strong passphrase 77"},
        ).status_code
        == 302
    )
    # Re-enable.
    assert (
        client.post(
            f"/admin/users/{officer.id}", data={"role": "analyst", "active": "y"}
        ).status_code
        == 302
    )
    # Nothing changed: nothing recorded.
    assert (
        client.post(
            f"/admin/users/{officer.id}", data={"role": "analyst", "active": "y"}
        ).status_code
        == 302
    )

    events = [e for e in _events(session) if e.action != "login"]
    assert [(e.action, e.object_id) for e in events] == [
        ("user_created", str(new_id)),
        ("role_changed", str(officer.id)),
        ("password_changed", str(officer.id)),
        ("user_disabled", str(officer.id)),
        ("user_enabled", str(officer.id)),
    ]
    assert {(e.actor_id, e.actor_email, e.object_type) for e in events} == {
        (admin.id, admin.email, "user")
    }


def test_a_refused_password_records_nothing(client, make_user, login, session) -> None:
    admin = make_user(Role.ADMIN)
    officer = make_user(Role.OFFICER)
    login(admin)
    response = client.post(
        f"/admin/users/{officer.id}",
        data={"role": "analyst", "active": "y", "password": "password1234"},
    )
    assert response.status_code == 422
    assert _actions(session) == ["login"]


# ---------------------------------------------------------------- what the table can hold


def test_audit_event_has_no_free_text_columns(app) -> None:
    columns = {
        c["name"]: c for c in inspect(app.extensions["engage.engine"]).get_columns("audit_event")
    }
    assert set(columns) == {
        "id",
        "at",
        "actor_id",
        "actor_email",
        "action",
        "object_type",
        "object_id",
    }
    assert not any(isinstance(c["type"], Text) for c in columns.values())
    lengths = {name: getattr(c["type"], "length", None) for name, c in columns.items()}
    assert lengths["actor_email"] == 254 and lengths["object_id"] == 64
    assert lengths["action"] == 40 and lengths["object_type"] == 40


def test_every_action_fits_its_column() -> None:
    assert all(len(a.value) <= 40 for a in AuditAction)


def _one_event(session, make_user) -> tuple[AuditEvent, User]:
    user = make_user(Role.ADMIN)
    record(session, AuditAction.LOGIN, actor=user, object_type="user", object_id=user.id)
    session.commit()
    return session.scalars(select(AuditEvent)).one(), user


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(actor_email="someone.else@example.gov.uk"),
        update(AuditEvent).values(action="logout"),
        update(AuditEvent).values(actor_id=None, object_id="other"),
        delete(AuditEvent),
    ],
    ids=["email", "action", "actor-and-object", "delete"],
)
def test_database_refuses_updates_and_deletes(session, make_user, statement) -> None:
    _one_event(session, make_user)
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(statement.execution_options(synchronize_session=False))
        session.flush()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_database_refuses_raw_sql_too(app, session, make_user) -> None:
    _one_event(session, make_user)
    engine = app.extensions["engage.engine"]
    for sql in ("UPDATE audit_event SET object_id = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_deleting_an_account_keeps_its_events(session, make_user) -> None:
    event, user = _one_event(session, make_user)
    session.execute(delete(User).where(User.id == user.id))
    session.commit()
    session.expire_all()
    kept = session.get(AuditEvent, event.id)
    assert kept.actor_id is None
    assert kept.actor_email == user.email
    assert kept.action == "login"


# ---------------------------------------------------------------- admin pages


def test_admin_reads_filters_and_pages_the_log(client, make_user, login, session) -> None:
    admin = make_user(Role.ADMIN)
    other = make_user(Role.OFFICER, email="other.person@example.gov.uk")
    for _ in range(PAGE_SIZE + 5):
        record(
            session, AuditAction.EXPORT_RESPONSES, actor=other, object_type="survey", object_id=7
        )
    record(session, AuditAction.LOGIN_FAILED, actor_email="<script>alert(1)</script>")
    session.commit()
    login(admin)

    page = client.get("/admin/audit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "UTC" in html
    assert f"{PAGE_SIZE + 5 + 2:,} events" in html  # plus the admin's own login
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert html.index("Login") < html.index("Export responses")  # newest first
    assert 'href="/admin/audit?page=2"' in html

    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert second.count("<td>Export responses</td>") == 7

    by_action = client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    assert "1 events" in by_action and "&lt;script&gt;" in by_action

    by_actor = client.get("/admin/audit?actor=OTHER.person").get_data(as_text=True)
    assert f"{PAGE_SIZE + 5} events" in by_actor
    assert "page=2" in by_actor and "actor=OTHER.person" in by_actor

    assert client.get("/admin/audit?action=made_up").status_code == 422


def test_admin_exports_the_log_and_the_export_is_recorded(
    client, make_user, login, session
) -> None:
    admin = make_user(Role.ADMIN)
    record(session, AuditAction.LOGIN_FAILED, actor_email='=HYPERLINK("http://x")')
    session.commit()
    login(admin)
    response = client.get("/admin/audit.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["action"] for r in rows] == ["audit_exported", "login", "login_failed"]
    assert rows[0]["actor_email"] == admin.email and rows[0]["at_utc"].endswith("Z")
    assert rows[2]["actor_email"] == '\'=HYPERLINK("http://x")'  # escaped for spreadsheets
    assert [e.action for e in _events(session, AuditAction.AUDIT_EXPORTED)] == ["audit_exported"]

    filtered = client.get("/admin/audit.csv?action=login_failed")
    assert [
        r["action"] for r in csv.DictReader(io.StringIO(filtered.data.decode("utf-8-sig")))
    ] == ["login_failed"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ANALYST, Role.SAFEGUARDING])
def test_only_admins_see_the_log(client, make_user, login, session, role) -> None:
    login(make_user(role))
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
    assert _events(session, AuditAction.AUDIT_EXPORTED) == []


def test_admins_have_the_nav_link(client, make_user, login) -> None:
    login(make_user(Role.ADMIN))
    assert 'href="/admin/audit">Audit log</a>' in client.get("/home").get_data(as_text=True)
