"""What the report and the public page read besides the findings, and the public page itself.

Services take a session and plain values and never commit: the view commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.analysis import consensus
from engage.analysis.exceptions import AnalysisError
from engage.assembly import services as assembly_services
from engage.assembly.context import plan_groups
from engage.assembly.models import GroupBy, Review, ReviewStatus
from engage.errors import EngageError, InvalidInput, NotFound
from engage.feedback.models import FeedbackPage
from engage.quotes.models import Quote
from engage.surveys.models import Status, Survey
from engage.surveys.services import CODE_ALPHABET, new_channel_code

SUMMARY_MAX = 4000
CODE_TRIES = 50
BROADEST = 5  # statements shown as having the broadest support
NOT_PUBLISHED, PUBLISHED, WITHDRAWN = "not published", "published", "withdrawn"


class PageWithdrawn(EngageError):
    status = 410
    title = "This page has been taken down"


# ---------------------------------------------------------------- the public page


def get_page(session: Session, survey_id: int) -> FeedbackPage | None:
    return session.get(FeedbackPage, survey_id)


def published_page(session: Session, code: str) -> FeedbackPage:
    """The published page at ``/r/<code>``: 404 for an unknown code, 410 once withdrawn."""
    cleaned = code.strip().lower()
    if not cleaned or len(cleaned) > 12 or any(c not in CODE_ALPHABET for c in cleaned):
        raise NotFound("There is no page at this address. Check the link and try again.")
    page = session.scalar(select(FeedbackPage).where(FeedbackPage.code == cleaned))
    state = page_state(page)
    if page is None or state == NOT_PUBLISHED:
        raise NotFound("There is no page at this address. Check the link and try again.")
    if state == WITHDRAWN:
        raise PageWithdrawn(
            "The partnership has taken this page down for now. Look out for news of what "
            "happened after the survey where you found it."
        )
    return page


def page_state(page: FeedbackPage | None) -> str:
    if page is None:
        return NOT_PUBLISHED
    snapshot = page.snapshot or {}
    if page.published_at is not None and snapshot.get("figures"):
        return PUBLISHED
    return WITHDRAWN if snapshot.get("withdrawn_at") else NOT_PUBLISHED


def _new_code(session: Session) -> str:
    for _ in range(CODE_TRIES):
        code = new_channel_code()
        if session.scalar(select(FeedbackPage.survey_id).where(FeedbackPage.code == code)) is None:
            return code
    raise RuntimeError("could not find a free public page code")  # 31**7 codes: not reached


def chosen_quote_ids(page: FeedbackPage | None) -> list[int]:
    if page is None or not page.snapshot:
        return []
    return [int(i) for i in page.snapshot.get("quote_ids", [])]


def save_settings(
    session: Session, survey: Survey, *, summary: str, quote_ids: Sequence[int]
) -> FeedbackPage:
    """Store the officers' summary and the quotes to show; create the page (and its code)
    on first use. Neither changes the published figures."""
    summary = summary.strip()
    if len(summary) > SUMMARY_MAX:
        raise InvalidInput(f"Keep the summary to {SUMMARY_MAX:,} characters.")
    shared = {q.id for q in quotes_of(session, survey.id)}
    unknown = [i for i in quote_ids if i not in shared]
    if unknown:
        raise InvalidInput("Choose quotes from this consultation's shared quotes.")
    page = get_page(session, survey.id)
    if page is None:
        page = FeedbackPage(survey_id=survey.id, code=_new_code(session), summary="", snapshot={})
        session.add(page)
    page.summary = summary
    page.snapshot = {**(page.snapshot or {}), "quote_ids": sorted(set(quote_ids))}
    session.flush()
    return page


def publish(session: Session, page: FeedbackPage, figures: dict[str, Any]) -> None:
    """Publish (or refresh) the page with a new snapshot of the masked figures."""
    now = datetime.now(UTC)
    kept = {k: v for k, v in (page.snapshot or {}).items() if k == "quote_ids"}
    page.snapshot = {**kept, "figures": figures, "taken_at": now.isoformat()}
    page.published_at = now
    session.flush()


def withdraw(page: FeedbackPage) -> None:
    """Take the page down: the public address then says so (410). The code is kept, so
    publishing again brings the same address back; the figures are dropped."""
    page.published_at = None
    kept = {k: v for k, v in (page.snapshot or {}).items() if k == "quote_ids"}
    page.snapshot = {**kept, "withdrawn_at": datetime.now(UTC).isoformat()}


def quotes_of(session: Session, survey_id: int) -> list[Quote]:
    return list(
        session.scalars(select(Quote).where(Quote.survey_id == survey_id).order_by(Quote.id))
    )


def shown_quotes(session: Session, survey_id: int, ids: Sequence[int]) -> list[Quote]:
    """The chosen quotes that are still shared (an officer may have removed one since)."""
    wanted = set(ids)
    return [q for q in quotes_of(session, survey_id) if q.id in wanted]


# ---------------------------------------------------------------- the Assembly


@dataclass(frozen=True)
class BroadSupport:
    """Statements the Assembly's age bands agree on, and why there may be none to show."""

    statements: list[tuple[str, float, str]]  # text, consensus (0-1), kind
    groups: int
    note: str


def latest_review(session: Session, survey_id: int) -> Review | None:
    return session.scalar(
        select(Review)
        .where(Review.survey_id == survey_id, Review.status != ReviewStatus.DRAFT.value)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
    )


def broadest_support(session: Session, survey_id: int, *, min_group: int) -> BroadSupport:
    """Approved statements with the broadest support across the Assembly's age bands.

    Pol.is's group-aware consensus (``analysis.consensus.group_consensus``) over
    age bands, with the Assembly results page's rule for small groups
    (``assembly.context.plan_groups``): no band under ``min_group`` voters on
    its own. Only statements every group agrees with are listed; nothing here
    is per member.
    """
    review = latest_review(session, survey_id)
    if review is None:
        return BroadSupport([], 0, "The Youth Assembly has not reviewed this consultation yet.")
    votes, members = assembly_services.results_frame(session, review)
    if votes.empty:
        return BroadSupport([], 0, "No votes on statements yet.")
    plan = plan_groups(votes, members, GroupBy.AGE_BAND.value, min_group)
    if plan.labels is None:
        return BroadSupport([], 0, plan.note)
    try:
        table = consensus.group_consensus(votes, pd.Series(plan.labels))
    except AnalysisError:
        return BroadSupport([], 0, "No votes from members with an age band yet.")
    texts = {s.id: s.text for s in assembly_services.approved_statements(session, review.id)}
    agreed = table[table["kind"] == consensus.AGREED_BY_EVERY_GROUP].head(BROADEST)
    statements = [
        (texts[int(row["statement"])], float(row["consensus_agree"]), str(row["kind"]))
        for row in agreed.to_dict("records")
        if int(row["statement"]) in texts
    ]
    note = "" if statements else "No statement is agreed by every age band yet."
    return BroadSupport(statements, len(plan.groups), note)


# ---------------------------------------------------------------- across consultations


def reported_surveys(session: Session) -> list[Survey]:
    """Consultations that have been opened (not drafts), oldest first."""
    return list(
        session.scalars(
            select(Survey)
            .where(Survey.status != Status.DRAFT.value)
            .order_by(Survey.created_at, Survey.id)
        )
    )
