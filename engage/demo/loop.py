"""Demo data for closing the loop: priorities, last year's youth survey and its commitments.

Runs after ``seed_demo`` and, like it, can run again: the priorities, the previous
wave and its commitments are found by their set, title and survey, and only what
is missing is added. Last year's survey is a copy of this year's youth survey with
its own sample, drawn from fewer channels (no mosque youth group, no street
outreach), so it is less representative than this year's: the overview across
waves has a story to show. Youth Assembly members, reviews and votes belong to
the Assembly's own demo step. Last year's channels, its commitments and their updates
are in ``data/loop.json``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.demo.datafiles import load
from engage.demo.plans import YOUTH
from engage.demo.responses import add_responses
from engage.demo.themes import suggest_codes
from engage.feedback import services as feedback
from engage.feedback.models import CommitmentStatus, SurveyWave
from engage.priorities.services import load_starter_set
from engage.safeguarding.models import FlagStatus, SafeguardingFlag, SafeguardingNote
from engage.surveys import services
from engage.surveys.models import Status, Survey
from engage.themes.codebook import get_codebook, list_themes

_DATA = load("loop")
_PREVIOUS = _DATA["previous_wave"]
PREVIOUS_TITLE: str = _PREVIOUS["title"]
PRIORITY_SET = "wmvrp"
PREVIOUS_RESPONSES = 300
# Last year's survey opened about a year before this year's and ran for six weeks.
PREVIOUS_OPENED_DAYS_AGO = 386
PREVIOUS_WEEKS_OPEN = 6

# Last year's channels: the school and online reach mostly White British young people
# in Dudley; the mosque youth group and street outreach only joined this year.
PREVIOUS = replace(
    YOUTH,
    share=1.0,
    reach={
        name: replace(YOUTH.reach[name], share=share)
        for name, share in _PREVIOUS["channels"].items()
    },
)


@dataclass(frozen=True)
class Step:
    at: float  # share of the time between last year's close and today
    text: str
    status: CommitmentStatus
    progress: int


@dataclass(frozen=True)
class DemoCommitment:
    title: str
    partner: str
    detail: str
    themes: tuple[str, ...]
    groups: tuple[str, ...]
    starts: float
    due: float  # above 1 is after today
    steps: tuple[Step, ...]
    reason: str = ""


COMMITMENTS: tuple[DemoCommitment, ...] = tuple(
    DemoCommitment(
        title=item["title"],
        partner=item["partner"],
        detail=item["detail"],
        themes=tuple(item["themes"]),
        groups=tuple(item["groups"]),
        starts=item["starts"],
        due=item["due"],
        steps=tuple(
            Step(
                at=step["at"],
                text=step["text"],
                status=CommitmentStatus(step["status"]),
                progress=step["progress"],
            )
            for step in item["steps"]
        ),
        reason=item.get("reason", ""),
    )
    for item in _DATA["commitments"]
)


def seed_loop(
    session: Session,
    *,
    surveys: Mapping[str, int],
    officer_id: int,
    secret_key: str,
    responses: int = PREVIOUS_RESPONSES,
    seed: int = 2025,
) -> dict[str, Any]:
    """Priorities, last year's youth survey as the previous wave, and its commitments.

    ``surveys`` is ``DemoResult.surveys`` (starter key -> survey id). ``secret_key``
    is for the Assembly's demo step (voter keys); nothing here needs it. Never commits.
    """
    del secret_key  # members, reviews and votes are seeded by the Assembly's own step
    today = services.today()
    get_codebook(session)  # priorities and commitments map to its themes
    loaded = load_starter_set(session, PRIORITY_SET)
    youth = services.get_survey(session, surveys["young_people"])

    previous = session.scalars(
        select(Survey).where(Survey.title == PREVIOUS_TITLE).order_by(Survey.id)
    ).first()
    created_responses = 0
    if previous is None:
        previous, created_responses = _create_previous(
            session, youth, officer_id, random.Random(seed), responses, today
        )
    linked = _link_waves(session, youth, previous)

    created_commitments = 0
    if not feedback.list_commitments(session, previous.id):
        created_commitments = _add_commitments(session, previous, officer_id, today)
    return {
        "priority_set": PRIORITY_SET,
        "priorities_added": len(loaded.added),
        "priorities_already": loaded.already,
        "priority_themes_skipped": loaded.skipped_themes,
        "previous_survey_id": previous.id,
        "previous_title": previous.title,
        "previous_responses": created_responses,
        "wave": {"survey_id": youth.id, "follows_id": previous.id, "linked_now": linked},
        "commitments_created": created_commitments,
        "commitments": len(feedback.list_commitments(session, previous.id)),
    }


def loop_summary(result: Mapping[str, Any]) -> str:
    """Lines for the ``demo`` command's output."""
    lines = [
        "",
        "Closing the loop:",
        f"  Priorities ({result['priority_set']}): {result['priorities_added']} added, "
        f"{result['priorities_already']} already there. /priorities/",
        f"  Previous wave: {result['previous_title']}  /surveys/{result['previous_survey_id']}"
        f" ({result['previous_responses']} sample responses added)",
        f"  Commitments: {result['commitments']}  "
        f"/surveys/{result['previous_survey_id']}/commitments/",
    ]
    return "\n".join(lines)


def _create_previous(
    session: Session,
    youth: Survey,
    officer_id: int,
    rng: random.Random,
    count: int,
    today: date,
) -> tuple[Survey, int]:
    opens = today - timedelta(days=PREVIOUS_OPENED_DAYS_AGO)
    closes = opens + timedelta(weeks=PREVIOUS_WEEKS_OPEN)
    survey = services.copy_survey(session, youth, created_by_id=officer_id)
    survey.title = PREVIOUS_TITLE
    survey.copied_from_id = None  # last year's came first; this year's copied it
    survey.opens_on, survey.closes_on = opens, None
    survey.created_at = datetime(opens.year, opens.month, opens.day, 9, tzinfo=UTC) - timedelta(
        days=14
    )
    for channel in [c for c in survey.channels if c.name not in PREVIOUS.reach]:
        survey.channels.remove(channel)
    session.flush()
    services.set_status(session, survey, Status.OPEN.value)
    # Responses fall between opening and closing: the sampler's "today" is the closing day.
    stored = add_responses(session, rng, survey, PREVIOUS, count, closes)
    suggest_codes(session, survey)
    survey.closes_on = closes
    services.set_status(session, survey, Status.CLOSED.value)
    if youth.copied_from_id is None:
        youth.copied_from_id = survey.id
    _close_old_flags(session, survey, officer_id)
    session.flush()
    return survey, stored


def _close_old_flags(session: Session, survey: Survey, officer_id: int) -> None:
    """Last year's possible disclosures were dealt with last year, not left in today's queue."""
    for flag in session.scalars(
        select(SafeguardingFlag).where(SafeguardingFlag.survey_id == survey.id)
    ):
        flag.status = FlagStatus.CLOSED.value
        session.add(
            SafeguardingNote(
                flag_id=flag.id,
                author_id=officer_id,
                status=FlagStatus.CLOSED.value,
                note=_PREVIOUS["closed_flag_note"],
            )
        )


def _link_waves(session: Session, youth: Survey, previous: Survey) -> bool:
    """This year's youth survey follows last year's, unless either is already linked."""
    if session.get(SurveyWave, youth.id) is not None:
        return False
    if session.scalar(select(SurveyWave.survey_id).where(SurveyWave.follows_id == previous.id)):
        return False
    feedback.set_previous_wave(session, youth, previous.id)
    return True


def _add_commitments(session: Session, survey: Survey, officer_id: int, today: date) -> int:
    closed = survey.closes_on or today
    span = max(1, (today - closed).days)

    def at(share: float) -> date:
        # Up to 1: between last year's close and today; above 1: that far into the future.
        return closed + timedelta(days=round(span * share))

    themes = {t.key: t for t in list_themes(session)}
    for item in COMMITMENTS:
        commitment = feedback.create_commitment(
            session,
            survey.id,
            feedback.CommitmentFields(
                title=item.title,
                partner=item.partner,
                detail=item.detail,
                theme_ids=[themes[k].id for k in item.themes if k in themes],
                groups=list(item.groups),
                reason=item.reason,
                starts_on=at(item.starts),
                due_on=at(item.due),
            ),
            today=today,
        )
        for step in item.steps:
            feedback.add_update(
                session,
                commitment,
                on=at(step.at),
                text=step.text,
                status=step.status.value,
                progress=step.progress,
                author_id=officer_id,
                today=today,
            )
    session.flush()
    return len(COMMITMENTS)


def publish_previous_wave(
    session: Session, survey_id: int, *, threshold: int, min_group: int
) -> str:
    """Publish last year's public page (once), so this year's thank-you page links to it.

    The snapshot's theme counts are read on a second connection, so the previous
    wave must already be committed. Returns the page's code. Never commits.
    """
    from engage.report import context as report_context
    from engage.report import services as report_services

    survey = services.get_survey(session, survey_id)
    page = report_services.get_page(session, survey.id)
    if page is not None and page.published_at is not None:
        return page.code
    page = report_services.save_settings(
        session, survey, summary=_PREVIOUS["public_page_summary"], quote_ids=[]
    )
    figures = report_context.build_public_figures(
        session, survey, threshold=threshold, min_group=min_group
    )
    report_services.publish(session, page, figures)
    return page.code
