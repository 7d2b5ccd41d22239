"""The public "you said, we did" page: settings, publishing, the snapshot and /r/<code>."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage import RESPONDENT_CSP
from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.auth.roles import Role
from engage.feedback.models import Commitment, CommitmentUpdate, FeedbackPage
from engage.quotes.models import Quote
from engage.surveys.models import Survey
from engage.surveys.services import CODE_ALPHABET
from tests.test_report import SMALL, Consultation, build_consultation, respond, signed_in

MASKED = {"<10", "[c]", "0", "not shown"}


def fresh(session: Session) -> Session:
    session.rollback()
    session.expire_all()
    return session


def page_of(session: Session, survey: Survey) -> FeedbackPage:
    page = fresh(session).get(FeedbackPage, survey.id)
    assert page is not None
    return page


def publish(client: FlaskClient, survey: Survey, **data: Any) -> None:
    response = client.post(f"/surveys/{survey.id}/public", data={"action": "publish", **data})
    assert response.status_code == 302, response.get_data(as_text=True)


def actions(session: Session) -> list[str]:
    fresh(session)
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def walk(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every leaf of a JSON document with its path."""
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in walk(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [leaf for n, v in enumerate(value) for leaf in walk(v, f"{path}[{n}]")]
    return [(path, value)]


def setup(
    app: Flask, session: Session, make_user: Callable[..., User], make_survey
) -> tuple[Consultation, FlaskClient]:
    consultation = build_consultation(session, make_survey)
    return consultation, signed_in(app, make_user, Role.OFFICER)


def test_publishing_stores_a_masked_snapshot(
    app: Flask, session: Session, make_user, make_survey
) -> None:
    consultation, officer = setup(app, session, make_user, make_survey)
    survey = consultation.survey
    settings = officer.get(f"/surveys/{survey.id}/public")
    assert settings.status_code == 200
    html = settings.get_data(as_text=True)
    assert "Not published yet" in html
    assert '<legend class="question">Quotes to show</legend>' in html
    assert "People carry [knife] in the park near [school]." in html
    publish(
        officer,
        survey,
        summary="You told us the park is not safe at night.\n\nHere is what we are doing.",
        quotes=str(consultation.quote_id),
    )
    page = page_of(session, survey)
    assert page.published_at is not None
    assert len(page.code) == 7 and set(page.code) <= set(CODE_ALPHABET)
    snapshot = page.snapshot or {}
    assert snapshot["quote_ids"] == [consultation.quote_id]
    figures = snapshot["figures"]
    leaves = walk(figures)
    # Only display strings (and yes/no flags): no raw number about respondents is kept.
    assert all(isinstance(v, str | bool) or v is None or path == ".threshold" for path, v in leaves)
    counts = [v for path, v in leaves if path.endswith((".count", ".responses", ".wrote"))]
    assert counts
    for value in counts:
        assert value in MASKED or int(value.replace(",", "")) >= 10, value
    assert str(SMALL) not in counts and "<10" in counts
    assert figures["responses"] == "45"
    drugs = next(t for t in figures["themes"] if t["name"] == "Drugs and alcohol")
    assert drugs == {"name": "Drugs and alcohol", "count": "<10", "share": "–", "percent": None}
    assert actions(session)[-1] == "public_page_published"
    # The settings page now says where the page is and shows the published figures.
    html = officer.get(f"/surveys/{survey.id}/public").get_data(as_text=True)
    assert f"/r/{page.code}" in html and "The published figures" in html


def test_the_public_page_is_safe_and_plain(
    app: Flask, session: Session, make_user, make_survey
) -> None:
    consultation, officer = setup(app, session, make_user, make_survey)
    survey = consultation.survey
    publish(officer, survey, summary="We heard you.", quotes=str(consultation.quote_id))
    code = page_of(session, survey).code
    visitor = app.test_client()  # nobody signed in
    response = visitor.get(f"/r/{code}")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == RESPONDENT_CSP
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    assert "<script" not in html.lower()
    assert "style=" not in html.lower()
    # Nothing loaded from another origin: every src and stylesheet is our own.
    assert not re.search(r'\ssrc="(?!/)', html)
    for href in re.findall(r'<link[^>]+href="([^"]+)"', html):
        assert href.startswith("/static/"), href
    assert "Leave this site quickly" in html and "Childline" in html and "999" in html
    assert "We heard you." in html
    assert "People carry [knife] in the park near [school]." in html
    assert "A young person aged 11-15 in Dudley" in html
    # You told us: masked counts; the small theme shows "<10", never the number.
    assert re.search(r"Drugs and alcohol</span>\s*<span class=\"bars__value\">&lt;10 people", html)
    assert f"{SMALL} people" not in html and f">{SMALL}<" not in html
    assert re.search(r"Knives and weapons</span>\s*<meter[^>]*value=\"53\"", html)
    # Who took part: the small group shows "<10 people", with no share.
    assert re.search(r"<td>Black[^<]*</td><td>&lt;10 people</td>", html)
    # What we are doing: live commitments with progress, dates, updates and reasons.
    assert '<progress id="progress-' in html and 'value="40"' in html
    assert "First sessions ran." in html and "Why we are not doing this:" in html
    assert "The underpass is the only step-free route." in html
    # The Assembly's priorities: averages only where enough members rated.
    assert "Knives and weapons: <strong>5.0</strong> out of 5" in html
    assert "Drugs and alcohol: <strong>" not in html
    assert len(response.data) < 20_000  # small page weight


def test_figures_stay_fixed_until_published_again_but_commitments_are_live(
    app: Flask, session: Session, make_user, make_survey
) -> None:
    consultation, officer = setup(app, session, make_user, make_survey)
    survey = consultation.survey
    publish(officer, survey)
    code = page_of(session, survey).code
    visitor = app.test_client()
    before = visitor.get(f"/r/{code}").get_data(as_text=True)
    assert "<strong>45</strong> people answered" in before
    respond(session, survey, 12, sex="female", age=16, ethnic="white_british")
    commitment = fresh(session).get(Commitment, consultation.commitment_id)
    assert commitment is not None
    commitment.progress = 70
    commitment.updates.append(
        CommitmentUpdate(
            on=date(2025, 9, 1), text="Sessions every Friday.", status="in_progress", progress=70
        )
    )
    session.commit()
    after = visitor.get(f"/r/{code}").get_data(as_text=True)
    assert "<strong>45</strong> people answered" in after  # the snapshot, not the live count
    assert 'value="70"' in after and "Sessions every Friday." in after
    publish(officer, survey)
    assert "<strong>57</strong> people answered" in visitor.get(f"/r/{code}").get_data(as_text=True)
    assert page_of(session, survey).code == code  # the same address after updating


def test_withdrawing_takes_the_page_down(
    app: Flask, session: Session, make_user, make_survey
) -> None:
    consultation, officer = setup(app, session, make_user, make_survey)
    survey = consultation.survey
    publish(officer, survey)
    code = page_of(session, survey).code
    response = officer.post(f"/surveys/{survey.id}/public", data={"action": "withdraw"})
    assert response.status_code == 302
    page = page_of(session, survey)
    assert page.published_at is None and "figures" not in (page.snapshot or {})
    assert actions(session)[-1] == "public_page_withdrawn"
    gone = app.test_client().get(f"/r/{code}")
    assert gone.status_code == 410
    html = gone.get_data(as_text=True)
    assert "This page has been taken down" in html and "Childline" in html
    assert gone.headers["Content-Security-Policy"] == RESPONDENT_CSP
    settings = officer.get(f"/surveys/{survey.id}/public").get_data(as_text=True)
    assert "Withdrawn" in settings
    again = officer.post(f"/surveys/{survey.id}/public", data={"action": "withdraw"})
    assert again.status_code == 422 and "nothing to withdraw" in again.get_data(as_text=True)
    publish(officer, survey)
    assert app.test_client().get(f"/r/{code}").status_code == 200


def test_unknown_and_unpublished_pages_are_a_clear_404(
    app: Flask, session: Session, make_user, make_survey
) -> None:
    consultation, officer = setup(app, session, make_user, make_survey)
    visitor = app.test_client()
    for code in ("abcdefg", "ABC", "x" * 40, "0o1il"):
        response = visitor.get(f"/r/{code}")
        assert response.status_code == 404, code
        html = response.get_data(as_text=True)
        assert "There is no page at this address." in html and "Childline" in html
        assert response.headers["Content-Security-Policy"] == RESPONDENT_CSP
    # Saved but never published: the address does not exist yet.
    saved = officer.post(
        f"/surveys/{consultation.survey.id}/public", data={"action": "save", "summary": "Draft"}
    )
    assert saved.status_code == 302
    page = page_of(session, consultation.survey)
    assert page.summary == "Draft" and page.published_at is None
    assert visitor.get(f"/r/{page.code}").status_code == 404


def test_bad_settings_are_refused_with_a_message(
    app: Flask, session: Session, make_user, make_survey
) -> None:
    consultation, officer = setup(app, session, make_user, make_survey)
    survey = consultation.survey
    other = make_survey(title="Another consultation")
    foreign = Quote(
        survey_id=other.id,
        question_id=other.questions[0].id,
        text="Not from this consultation.",
        attribution="A young person",
    )
    session.add(foreign)
    session.commit()
    path = f"/surveys/{survey.id}/public"
    wrong_quote = officer.post(path, data={"action": "publish", "quotes": str(foreign.id)})
    assert wrong_quote.status_code == 422
    assert "Choose quotes from the list." in wrong_quote.get_data(as_text=True)
    not_a_number = officer.post(path, data={"action": "save", "quotes": "abc"})
    assert not_a_number.status_code == 422
    too_long = officer.post(path, data={"action": "save", "summary": "x" * 4001})
    assert too_long.status_code == 422 and "4,000 characters" in too_long.get_data(as_text=True)
    odd = officer.post(path, data={"action": "explode"})
    assert odd.status_code == 422 and "Choose Save, Publish or Withdraw." in odd.get_data(
        as_text=True
    )
    assert fresh(session).get(FeedbackPage, survey.id) is None  # nothing was stored
    assert officer.get("/surveys/99999/public").status_code == 404


def test_only_designers_change_the_public_page(
    app: Flask, session: Session, make_user, make_survey
) -> None:
    consultation, _ = setup(app, session, make_user, make_survey)
    path = f"/surveys/{consultation.survey.id}/public"
    for role in (Role.ANALYST, Role.ASSEMBLY, Role.SAFEGUARDING):
        client = signed_in(app, make_user, role)
        assert client.get(path).status_code == 403
        assert client.post(path, data={"action": "publish"}).status_code == 403
    assert signed_in(app, make_user, Role.ADMIN).get(path).status_code == 200
