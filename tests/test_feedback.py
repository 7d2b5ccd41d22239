"""You said, we did: commitments, their timeline, waves, the thank-you link and the Assembly view."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engage.assembly.models import Comment, Moderation
from engage.audit.models import AuditEvent
from engage.auth.roles import Role
from engage.feedback import services
from engage.feedback.models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    FeedbackPage,
    SurveyWave,
)
from engage.surveys.models import Status, Survey
from engage.themes.codebook import get_codebook, list_themes
from tests.conftest import today
from tests.helpers import submit_all, youth_answers


def themes_by_key(session) -> dict:
    get_codebook(session)
    session.commit()
    return {t.key: t for t in list_themes(session)}


def add_commitment(session, survey, **overrides) -> Commitment:
    fields = services.CommitmentFields(
        title=overrides.pop("title", "Youth workers out on Friday nights"),
        partner=overrides.pop("partner", "Dudley Council Youth Service"),
        **overrides,
    )
    commitment = services.create_commitment(session, survey.id, fields, today=today())
    session.commit()
    return commitment


def form(**values) -> dict:
    data = {
        "title": "More lighting on the canal path",
        "partner": "Dudley Council",
        "detail": "",
        "status": "planned",
        "reason": "",
        "progress": "0",
        "starts_on": "",
        "due_on": "",
        "done_on": "",
        "other_groups": "",
    }
    data.update(values)
    return data


def reload(session):
    session.rollback()
    session.expire_all()


def audit_actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# ---------------------------------------------------------------- creating and editing


def test_officer_adds_a_commitment_with_themes_and_groups(
    client, make_user, login, make_survey, session
) -> None:
    officer = make_user(Role.OFFICER)
    login(officer)
    survey = make_survey()
    themes = themes_by_key(session)
    response = client.post(
        f"/surveys/{survey.id}/commitments/new",
        data=form(
            title="Detached youth workers in the park on Friday nights",
            partner="Birmingham City Council Youth Service",
            themes=[str(themes["unsafe_places"].id), str(themes["youth_provision"].id)],
            other_groups="Young women\n  Young women \nPeople at the youth club",
            status="in_progress",
            progress="40",
            starts_on="2026-01-05",
            due_on="2026-06-30",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    reload(session)
    stored = session.scalars(select(Commitment)).one()
    assert stored.survey_id == survey.id
    assert stored.status == "in_progress" and stored.progress == 40
    assert stored.groups == ["Young women", "People at the youth club"]
    assert {t.key for t in stored.themes} == {"unsafe_places", "youth_provision"}
    assert stored.due_on == date(2026, 6, 30)
    assert "commitment_created" in audit_actions(session)

    page = client.get(f"/surveys/{survey.id}/commitments/").get_data(as_text=True)
    assert "Detached youth workers in the park on Friday nights" in page
    assert "Birmingham City Council Youth Service" in page
    assert "In progress" in page and "40% done" in page
    assert "Young women" in page and themes["unsafe_places"].name in page
    assert "30 June 2026" in page


def test_not_taken_forward_needs_a_reason(client, make_user, login, make_survey, session) -> None:
    login(make_user(Role.OFFICER))
    survey = make_survey()
    refused = client.post(
        f"/surveys/{survey.id}/commitments/new",
        data=form(status="not_taken_forward", reason="   "),
    )
    assert refused.status_code == 422
    assert "Say why it is not being taken forward" in refused.get_data(as_text=True)
    reload(session)
    assert session.scalar(select(func.count()).select_from(Commitment)) == 0

    accepted = client.post(
        f"/surveys/{survey.id}/commitments/new",
        data=form(status="not_taken_forward", reason="The bus company would not fund it."),
    )
    assert accepted.status_code == 302
    reload(session)
    stored = session.scalars(select(Commitment)).one()
    assert stored.reason == "The bus company would not fund it."
    page = client.get(f"/surveys/{survey.id}/commitments/").get_data(as_text=True)
    assert "Not taken forward" in page and "The bus company would not fund it." in page


def test_the_database_refuses_not_taken_forward_without_a_reason(make_survey, session) -> None:
    survey = make_survey()
    session.add(
        Commitment(
            survey_id=survey.id,
            title="x",
            partner="y",
            status=CommitmentStatus.NOT_TAKEN_FORWARD.value,
            reason="",
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_done_sets_the_done_date_and_full_progress(
    client, make_user, login, make_survey, session
) -> None:
    login(make_user(Role.OFFICER))
    survey = make_survey()
    response = client.post(
        f"/surveys/{survey.id}/commitments/new", data=form(status="done", progress="30")
    )
    assert response.status_code == 302
    reload(session)
    stored = session.scalars(select(Commitment)).one()
    assert stored.progress == 100
    assert stored.done_on == today()
    # An explicit done date is kept; a future one is refused.
    future = client.post(
        f"/surveys/{survey.id}/commitments/new",
        data=form(status="done", done_on=(today() + timedelta(days=3)).isoformat()),
    )
    assert future.status_code == 422
    assert "cannot be in the future" in future.get_data(as_text=True)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": ""}, "Say what will be done."),
        ({"partner": ""}, "Say which partner will do it."),
        ({"starts_on": "2026-03-01", "due_on": "2026-02-01"}, "cannot be before the start date"),
        ({"progress": "140"}, "whole number from 0 to 100"),
        ({"progress": "lots"}, "Not a valid integer"),
        ({"due_on": "2026-02-31"}, "Not a valid date"),
        ({"status": "finished"}, "Choose one of the statuses."),
        ({"other_groups": "x" * 81}, "Keep each group to 80 characters"),
        ({"other_groups": "\n".join(f"Group {n}" for n in range(9))}, "at most 8 groups"),
        ({"themes": ["999999"]}, "Choose themes from the list."),
        ({"themes": ["abc"]}, "Choose themes from the list."),
        ({"groups": ["Made up group"]}, "Choose groups from the list"),
    ],
)
def test_bad_commitments_get_a_clear_message(
    client, make_user, login, make_survey, session, values, message
) -> None:
    login(make_user(Role.OFFICER))
    survey = make_survey()
    themes_by_key(session)
    response = client.post(f"/surveys/{survey.id}/commitments/new", data=form(**values))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'class="error-summary"' in response.get_data(as_text=True)
    reload(session)
    assert session.scalar(select(func.count()).select_from(Commitment)) == 0


def test_groups_offered_are_respondents_groups_enough_people_share(
    client, app, make_user, login, make_survey, session
) -> None:
    survey = make_survey()
    knives = themes_by_key(session)["knives_weapons"].name
    code = survey.channels[0].code
    assert submit_all(client, survey, code, youth_answers(survey)).status_code == 200
    assert submit_all(client, survey, code, youth_answers(survey)).status_code == 200
    reload(session)
    login(make_user(Role.OFFICER))
    # Two respondents: below the suppression threshold, so no group is offered.
    page = client.get(f"/surveys/{survey.id}/commitments/new").get_data(as_text=True)
    assert 'value="Female"' not in page
    assert "No group has enough respondents yet" in page
    app.config["SUPPRESSION_THRESHOLD"] = 2
    page = client.get(f"/surveys/{survey.id}/commitments/new").get_data(as_text=True)
    assert 'value="Female"' in page
    assert re.search(r'value="Aged [0-9]+-[0-9]+"', page)
    assert "Prefer not to say" not in page and "Not known" not in page
    assert knives in page
    assert "Other</label>" not in page and "No codable content" not in page
    labels = dict(services.respondent_group_labels(session, survey, threshold=2))
    assert labels["Sex"] == ["Female"]
    assert services.respondent_group_labels(session, survey, threshold=3) == []


def test_officer_edits_a_commitment(client, make_user, login, make_survey, session) -> None:
    login(make_user(Role.OFFICER))
    survey = make_survey()
    item = add_commitment(session, survey, groups=["Typed by hand"])
    page = client.get(f"/surveys/{survey.id}/commitments/{item.id}").get_data(as_text=True)
    assert "Change the commitment" in page
    assert 'value="Typed by hand" checked' in page  # kept groups stay chosen
    response = client.post(
        f"/surveys/{survey.id}/commitments/{item.id}",
        data=form(
            title="Youth workers out on Friday and Saturday nights",
            partner="Dudley Council Youth Service",
            groups=["Typed by hand"],
            status="in_progress",
            progress="25",
        ),
    )
    assert response.status_code == 302
    reload(session)
    stored = session.get(Commitment, item.id)
    assert stored.title == "Youth workers out on Friday and Saturday nights"
    assert stored.status == "in_progress" and stored.progress == 25
    assert stored.groups == ["Typed by hand"]
    assert "commitment_updated" in audit_actions(session)
    refused = client.post(
        f"/surveys/{survey.id}/commitments/{item.id}",
        data=form(status="not_taken_forward"),
    )
    assert refused.status_code == 422
    assert "Say why it is not being taken forward" in refused.get_data(as_text=True)


# ---------------------------------------------------------------- the timeline


def post_update(client, survey, item, **values):
    data = {
        "update-on": today().isoformat(),
        "update-text": "Something happened.",
        "update-status": "in_progress",
        "update-progress": "50",
    }
    data.update({f"update-{k}": v for k, v in values.items()})
    return client.post(f"/surveys/{survey.id}/commitments/{item.id}/updates", data=data)


def test_updates_move_the_commitment_and_show_newest_first(
    client, make_user, login, make_survey, session
) -> None:
    officer = make_user(Role.OFFICER)
    login(officer)
    survey = make_survey()
    item = add_commitment(session, survey)
    first, second = today() - timedelta(days=40), today() - timedelta(days=10)
    assert (
        post_update(
            client, survey, item, on=first.isoformat(), text="Funding agreed.", progress="20"
        ).status_code
        == 302
    )
    assert (
        post_update(
            client, survey, item, on=second.isoformat(), text="Two workers hired.", progress="60"
        ).status_code
        == 302
    )
    # Entered later but dated earlier: the timeline goes by date.
    assert (
        post_update(
            client,
            survey,
            item,
            on=(first - timedelta(days=5)).isoformat(),
            text="Plan written.",
            progress="10",
        ).status_code
        == 302
    )
    reload(session)
    stored = session.get(Commitment, item.id)
    assert stored.status == "in_progress" and stored.progress == 10  # the last update posted
    page = client.get(f"/surveys/{survey.id}/commitments/{item.id}").get_data(as_text=True)
    order = [page.index(t) for t in ("Two workers hired.", "Funding agreed.", "Plan written.")]
    assert order == sorted(order)

    done = post_update(client, survey, item, text="Running every Friday.", status="done")
    assert done.status_code == 302
    reload(session)
    stored = session.get(Commitment, item.id)
    assert stored.status == "done" and stored.progress == 100 and stored.done_on == today()
    newest = session.scalars(
        select(CommitmentUpdate).order_by(CommitmentUpdate.id.desc()).limit(1)
    ).one()
    assert newest.progress == 100 and newest.author_id == officer.id
    assert audit_actions(session).count("commitment_updated") == 4


def test_update_not_taken_forward_gives_its_text_as_the_reason(
    client, make_user, login, make_survey, session
) -> None:
    login(make_user(Role.OFFICER))
    survey = make_survey()
    item = add_commitment(session, survey)
    response = post_update(
        client, survey, item, text="The partner withdrew its funding.", status="not_taken_forward"
    )
    assert response.status_code == 302
    reload(session)
    stored = session.get(Commitment, item.id)
    assert stored.status == "not_taken_forward"
    assert stored.reason == "The partner withdrew its funding."


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"text": "  "}, "Say what happened."),
        ({"on": (date.today() + timedelta(days=30)).isoformat()}, "cannot be in the future"),
        ({"status": "nope"}, "Choose the status after this update."),
        ({"progress": "101"}, "whole number from 0 to 100"),
    ],
)
def test_bad_updates_are_refused(
    client, make_user, login, make_survey, session, values, message
) -> None:
    login(make_user(Role.OFFICER))
    survey = make_survey()
    item = add_commitment(session, survey)
    response = post_update(client, survey, item, **values)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    reload(session)
    assert session.scalar(select(func.count()).select_from(CommitmentUpdate)) == 0


def test_a_commitment_belongs_to_its_survey(client, make_user, login, make_survey, session) -> None:
    login(make_user(Role.OFFICER))
    mine, other = make_survey(), make_survey(title="Another consultation")
    item = add_commitment(session, mine)
    base = f"/surveys/{other.id}/commitments/{item.id}"
    assert client.get(base).status_code == 404
    assert client.post(base, data=form()).status_code == 404
    assert client.post(base + "/updates", data={"update-text": "x"}).status_code == 404
    assert client.get(f"/surveys/{mine.id}/commitments/{item.id}").status_code == 200
    assert client.get("/surveys/999999/commitments/").status_code == 404
    huge = "99999999999999999999"  # beyond PostgreSQL's integer: still a plain 404
    assert client.get(f"/surveys/{mine.id}/commitments/{huge}").status_code == 404
    assert client.post(f"/surveys/{mine.id}/wave", data={"follows": huge}).status_code == 422


def test_analysts_read_but_do_not_change(client, make_user, login, make_survey, session) -> None:
    login(make_user(Role.ANALYST))
    survey = make_survey()
    item = add_commitment(session, survey)
    listing = client.get(f"/surveys/{survey.id}/commitments/")
    assert listing.status_code == 200
    assert "Add a commitment" not in listing.get_data(as_text=True)
    detail = client.get(f"/surveys/{survey.id}/commitments/{item.id}")
    assert detail.status_code == 200
    assert "Change the commitment" not in detail.get_data(as_text=True)
    assert "Add an update" not in detail.get_data(as_text=True)
    assert client.get(f"/surveys/{survey.id}/commitments/new").status_code == 403
    assert client.post(f"/surveys/{survey.id}/commitments/new", data=form()).status_code == 403
    assert (
        client.post(f"/surveys/{survey.id}/commitments/{item.id}", data=form()).status_code == 403
    )
    assert post_update(client, survey, item).status_code == 403
    assert client.post(f"/surveys/{survey.id}/wave", data={"follows": ""}).status_code == 403
    assert client.get("/assembly/commitments").status_code == 403


def test_assembly_members_see_only_the_follow_view(
    client, make_user, login, make_survey, session
) -> None:
    login(make_user(Role.ASSEMBLY))
    survey = make_survey()
    item = add_commitment(session, survey)
    assert client.get("/assembly/commitments").status_code == 200
    assert client.get(f"/surveys/{survey.id}/commitments/").status_code == 403
    assert client.get(f"/surveys/{survey.id}/commitments/{item.id}").status_code == 403


# ---------------------------------------------------------------- services other parts call


def test_list_and_count_by_status(make_survey, session) -> None:
    first, second = make_survey(), make_survey(title="Second")
    a = add_commitment(session, first, title="A")
    b = add_commitment(session, first, title="B", status="done")
    add_commitment(session, second, title="C", status="not_taken_forward", reason="No money.")
    assert [c.id for c in services.list_commitments(session, first.id)] == [a.id, b.id]
    assert services.status_counts(session) == {
        "planned": 1,
        "in_progress": 0,
        "done": 1,
        "not_taken_forward": 1,
    }
    assert services.status_counts(session, [second.id]) == {
        "planned": 0,
        "in_progress": 0,
        "done": 0,
        "not_taken_forward": 1,
    }
    assert sum(services.status_counts(session, []).values()) == 0


# ---------------------------------------------------------------- waves


def test_waves_link_and_refuse_loops(client, make_user, login, make_survey, session) -> None:
    login(make_user(Role.OFFICER))
    old = make_survey(title="Youth survey 2024", status=Status.CLOSED)
    middle = make_survey(title="Youth survey 2025", status=Status.CLOSED)
    new = make_survey(title="Youth survey 2026")

    assert (
        client.post(f"/surveys/{middle.id}/wave", data={"follows": str(old.id)}).status_code == 302
    )
    assert (
        client.post(f"/surveys/{new.id}/wave", data={"follows": str(middle.id)}).status_code == 302
    )
    reload(session)
    assert services.previous_wave(session, new.id).id == middle.id
    assert services.previous_wave(session, old.id) is None
    assert [s.id for s in services.waves(session, middle.id)] == [old.id, middle.id, new.id]
    page = client.get(f"/surveys/{new.id}/commitments/").get_data(as_text=True)
    assert (
        page.index("Youth survey 2024") < page.index("Youth survey 2025") < page.index("(this one)")
    )

    itself = client.post(f"/surveys/{new.id}/wave", data={"follows": str(new.id)})
    assert itself.status_code == 422
    assert "cannot follow on from itself" in itself.get_data(as_text=True)
    loop = client.post(f"/surveys/{old.id}/wave", data={"follows": str(new.id)})
    assert loop.status_code == 409
    assert "already follows on from this consultation" in loop.get_data(as_text=True)
    taken = client.post(f"/surveys/{new.id}/wave", data={"follows": str(old.id)})
    assert taken.status_code == 409
    assert "A consultation has one next wave" in taken.get_data(as_text=True)
    bad = client.post(f"/surveys/{new.id}/wave", data={"follows": "abc"})
    assert bad.status_code == 422
    missing = client.post(f"/surveys/{new.id}/wave", data={"follows": "999999"})
    assert missing.status_code == 422

    assert client.post(f"/surveys/{new.id}/wave", data={"follows": ""}).status_code == 302
    reload(session)
    assert services.previous_wave(session, new.id) is None
    assert session.scalar(select(func.count()).select_from(SurveyWave)) == 1


# ---------------------------------------------------------------- the thank-you page


def test_thank_you_links_to_the_last_wave_only_when_published(client, make_survey, session) -> None:
    last_year = make_survey(title="Youth survey 2025", status=Status.CLOSED)
    add_commitment(session, last_year, title="One")
    add_commitment(session, last_year, title="Two")
    this_year = make_survey(title="Youth survey 2026")
    session.add(SurveyWave(survey_id=this_year.id, follows_id=last_year.id))
    page = FeedbackPage(survey_id=last_year.id, code="abc2345", summary="")
    session.add(page)
    session.commit()
    code = this_year.channels[0].code

    unpublished = submit_all(client, this_year, code, youth_answers(this_year))
    assert unpublished.status_code == 200
    assert "Thank you" in unpublished.get_data(as_text=True)
    assert "/r/abc2345" not in unpublished.get_data(as_text=True)

    page.published_at = datetime.now(UTC)
    session.commit()
    published = submit_all(client, this_year, code, youth_answers(this_year))
    html = published.get_data(as_text=True)
    assert published.status_code == 200
    assert 'href="/r/abc2345"' in html
    assert "Last time, 2 commitments came out of what people told us" in html
    assert published.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "<script" not in html

    # The earlier survey's own thank-you page has no earlier wave to link to.
    other = make_survey(title="Unlinked")
    plain = submit_all(client, other, other.channels[0].code, youth_answers(other))
    assert "What happened last time" not in plain.get_data(as_text=True)


# ---------------------------------------------------------------- the Youth Assembly follows


def test_follow_view_shows_commitments_of_non_draft_surveys_newest_first(
    client, make_user, login, make_survey, session
) -> None:
    older = make_survey(title="Older consultation", status=Status.CLOSED)
    older.opens_on = today() - timedelta(days=400)
    newer = make_survey(title="Newer consultation")
    newer.opens_on = today() - timedelta(days=10)
    draft = make_survey(title="Draft consultation", status=Status.DRAFT)
    session.commit()
    item = add_commitment(session, older, title="Lighting on the canal path")
    add_commitment(session, newer, title="Mentors in schools")
    hidden = add_commitment(session, draft, title="Secret plan")
    services.add_update(
        session,
        item,
        on=today() - timedelta(days=3),
        text="New lights are up.",
        status="done",
        progress=100,
        author_id=None,
        today=today(),
    )
    session.commit()
    login(make_user(Role.ASSEMBLY))
    html = client.get("/assembly/commitments").get_data(as_text=True)
    assert html.index("Newer consultation") < html.index("Older consultation")
    assert "Lighting on the canal path" in html and "New lights are up." in html
    assert "Secret plan" not in html and "Draft consultation" not in html
    assert (
        client.post(
            f"/assembly/commitments/{hidden.id}/comments", data={"text": "Hello"}
        ).status_code
        == 404
    )
    assert (
        client.post("/assembly/commitments/999999/comments", data={"text": "x"}).status_code == 404
    )


def test_member_comments_are_redacted_pending_and_anonymous(
    client, make_user, login, make_survey, session, app
) -> None:
    survey = make_survey()
    item = add_commitment(session, survey)
    member = make_user(Role.ASSEMBLY, name="Zainab Testmember")
    member_email = member.email
    login(member)
    text = "Great idea! Text me on 07700 900123 or email zainab.k@example.com about it."
    response = client.post(f"/assembly/commitments/{item.id}/comments", data={"text": text})
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "will appear here once it has been checked" in followed

    reload(session)
    comment = session.scalars(select(Comment)).one()
    assert comment.commitment_id == item.id and comment.review_id is None
    assert comment.status == Moderation.PENDING.value
    assert "07700" not in comment.text and "900123" not in comment.text
    assert "zainab.k@example.com" not in comment.text and "@" not in comment.text
    assert comment.redactions >= 2
    assert "Great idea!" in comment.text
    # Nothing about a comment names its author, and no audit event links the two.
    assert not {"author_id", "user_id", "member_id"} & set(Comment.__table__.columns.keys())
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "comment")
        )
        == 0
    )
    assert "Great idea!" not in followed  # pending comments are never shown

    comment.status = Moderation.APPROVED.value
    session.commit()
    other_member = make_user(Role.ASSEMBLY)
    client.post("/logout")
    login(other_member)
    shown = client.get("/assembly/commitments").get_data(as_text=True)
    assert "Great idea!" in shown
    assert "Zainab" not in shown and member_email not in shown

    client.post("/logout")
    reload(session)
    login(make_user(Role.OFFICER))
    officer_page = client.get(f"/surveys/{survey.id}/commitments/{item.id}").get_data(as_text=True)
    assert "Great idea!" in officer_page
    assert "Zainab" not in officer_page and member_email not in officer_page


def test_empty_or_long_comments_get_a_clear_message(
    client, make_user, login, make_survey, session
) -> None:
    survey = make_survey()
    item = add_commitment(session, survey)
    login(make_user(Role.ASSEMBLY))
    empty = client.post(f"/assembly/commitments/{item.id}/comments", data={"text": "   "})
    assert empty.status_code == 422
    assert "Write something first." in empty.get_data(as_text=True)
    long = client.post(f"/assembly/commitments/{item.id}/comments", data={"text": "a" * 1001})
    assert long.status_code == 422
    assert "Keep it to 1,000 characters" in long.get_data(as_text=True)
    assert "aaaa" in long.get_data(as_text=True)  # what they typed is kept
    reload(session)
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_pages_are_phone_friendly_and_labelled(
    client, make_user, login, make_survey, session
) -> None:
    login(make_user(Role.OFFICER))
    survey = make_survey()
    themes_by_key(session)
    html = client.get(f"/surveys/{survey.id}/commitments/new").get_data(as_text=True)
    assert 'name="viewport"' in html and "css/feedback.css" in html
    assert '<legend class="question">Status</legend>' in html
    for name in ("title", "partner", "reason", "progress", "due_on", "done_on"):
        assert f'for="{name}"' in html, name
    headings = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in pairwise(headings))


# ---------------------------------------------------------------- demo data


def test_group_labels_match_the_findings_breakdowns(session) -> None:
    """The quick aggregate names the same groups as the frame the theme summaries use."""
    from engage.demo.partnership import seed_demo
    from engage.themes.answers import respondent_group_frame

    result = seed_demo(session, responses=150, seed=5)
    session.commit()
    survey = session.get(Survey, result.surveys["young_people"])
    groups, _, _ = respondent_group_frame(session, survey)
    for threshold in (1, 5, 10):
        expected = []
        for column, label in services.GROUP_DIMENSIONS:
            column_name = "age_band" if column == "age" else column
            sizes = groups[column_name].astype(str).value_counts()
            names = sorted(
                str(v) for v, n in sizes.items() if n >= threshold and v not in services.NOT_A_GROUP
            )
            if names:
                expected.append((label, [services.group_label(column, v) for v in names]))
        assert services.respondent_group_labels(session, survey, threshold=threshold) == expected


def test_moderation_queue_names_the_commitment_a_comment_is_on(
    client, make_user, login, make_survey, session
) -> None:
    from engage.assembly.members import submit_comment

    survey = make_survey(title="Canal consultation")
    item = add_commitment(session, survey, title="Lighting on the canal path")
    submit_comment(session, "When will it be done?", names=[], today=today(), commitment_id=item.id)
    session.commit()
    login(make_user(Role.OFFICER))
    html = client.get("/assembly/moderation").get_data(as_text=True)
    assert "Canal consultation: commitment \u201cLighting on the canal path\u201d" in html
    assert "When will it be done?" in html


def test_officers_see_how_many_comments_wait_but_not_what_they_say(
    client, make_user, login, make_survey, session
) -> None:
    from engage.assembly.members import submit_comment

    survey = make_survey()
    item = add_commitment(session, survey)
    submit_comment(
        session, "Still waiting for this", names=[], today=today(), commitment_id=item.id
    )
    session.commit()
    login(make_user(Role.OFFICER))
    html = client.get(f"/surveys/{survey.id}/commitments/{item.id}").get_data(as_text=True)
    assert "1 comment from Assembly members is waiting to be checked" in html
    assert "Still waiting for this" not in html
    assert 'href="/assembly/moderation"' in html
