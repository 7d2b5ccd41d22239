"""You said, we did: commitments, their timelines, and the waves a consultation belongs to.

Commitments are the partnership's own words, so they are shown live to the Youth
Assembly. The rules a commitment must keep (a reason when it is not taken
forward, done means a done date and 100%) live here, so every caller gets them,
and the database's check constraints back the first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from engage.analysis.codebook import SPECIAL_KEYS
from engage.assembly.models import Comment, Moderation
from engage.errors import Conflict, InvalidInput, NotFound
from engage.feedback.models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    FeedbackPage,
    SurveyWave,
)
from engage.population import census
from engage.population.categories import broad_ethnic_groups
from engage.population.mapping import to_census
from engage.surveys.models import Answer, Question, Status, Survey
from engage.themes.answers import NOT_KNOWN, PREFER_NOT
from engage.themes.codebook import codebook_exists, list_themes
from engage.themes.models import Theme

TITLE_MAX = 200
PARTNER_MAX = 200
DETAIL_MAX = 4000
REASON_MAX = 2000
UPDATE_MAX = 2000
GROUP_MAX = 80
MAX_GROUPS = 8
# Dimensions a commitment can name as "raised by"; channels are places, not groups of people.
GROUP_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("age", "Age"),
    ("sex", "Sex"),
    ("ethnic_group", "Ethnic group"),
    ("area", "Area"),
)
NOT_A_GROUP = frozenset({NOT_KNOWN, PREFER_NOT, "Somewhere else"})


MAX_ID = 2**31 - 1  # integer primary keys: a larger id from a URL matches nothing


class CommitmentProblems(InvalidInput):
    """What is wrong with a commitment or an update, by form field name."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


# ---------------------------------------------------------------- reading


def get_commitment(session: Session, survey_id: int, commitment_id: int) -> Commitment:
    """The commitment, if it belongs to this survey (another survey's id is a 404)."""
    commitment = session.get(Commitment, commitment_id) if 0 < commitment_id <= MAX_ID else None
    if commitment is None or commitment.survey_id != survey_id:
        raise NotFound("There is no such commitment for this consultation.")
    return commitment


def list_commitments(session: Session, survey_id: int) -> list[Commitment]:
    return list(
        session.scalars(
            select(Commitment)
            .where(Commitment.survey_id == survey_id)
            .options(selectinload(Commitment.themes), selectinload(Commitment.updates))
            .order_by(Commitment.position, Commitment.id)
        )
    )


def status_counts(session: Session, survey_ids: Sequence[int] | None = None) -> dict[str, int]:
    """Commitments by status (every status present, in order); all surveys when None."""
    query = select(Commitment.status, func.count()).group_by(Commitment.status)
    if survey_ids is not None:
        query = query.where(Commitment.survey_id.in_(list(survey_ids)))
    found = {str(status): int(n) for status, n in session.execute(query).all()}
    return {s.value: found.get(s.value, 0) for s in CommitmentStatus}


def commitment_place(session: Session, commitment_id: int) -> str | None:
    """Where a member's comment on a commitment was left, for the moderation queue."""
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        return None
    survey = session.get(Survey, commitment.survey_id)
    prefix = f"{survey.title}: " if survey is not None else ""
    return f"{prefix}commitment \u201c{commitment.title}\u201d"


def approved_comments(session: Session, commitment_ids: Sequence[int]) -> dict[int, list[Comment]]:
    """Approved Assembly comments per commitment, oldest first. Pending ones are never shown."""
    result: dict[int, list[Comment]] = {cid: [] for cid in commitment_ids}
    if not commitment_ids:
        return result
    rows = session.scalars(
        select(Comment)
        .where(
            Comment.commitment_id.in_(list(commitment_ids)),
            Comment.status == Moderation.APPROVED.value,
        )
        .order_by(Comment.created_on, Comment.id)
    )
    for comment in rows:
        if comment.commitment_id is not None:
            result[comment.commitment_id].append(comment)
    return result


def pending_comment_count(session: Session, commitment_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                Comment.commitment_id == commitment_id,
                Comment.status == Moderation.PENDING.value,
            )
        )
        or 0
    )


def followed_commitments(session: Session) -> list[tuple[Survey, list[Commitment]]]:
    """Commitments of every consultation past its draft, newest consultation first."""
    rows = session.scalars(
        select(Commitment)
        .join(Survey, Survey.id == Commitment.survey_id)
        .where(Survey.status != Status.DRAFT.value)
        .options(selectinload(Commitment.themes), selectinload(Commitment.updates))
        .order_by(
            Survey.opens_on.is_(None),
            Survey.opens_on.desc(),
            Survey.created_at.desc(),
            Survey.id.desc(),
            Commitment.position,
            Commitment.id,
        )
    ).all()
    surveys = {
        s.id: s
        for s in session.scalars(select(Survey).where(Survey.id.in_({c.survey_id for c in rows})))
    }
    grouped: dict[int, list[Commitment]] = {}
    for commitment in rows:
        grouped.setdefault(commitment.survey_id, []).append(commitment)
    return [(surveys[sid], items) for sid, items in grouped.items()]


def followable_commitment(session: Session, commitment_id: int) -> Commitment:
    """A commitment the Assembly may see: its consultation is not a draft."""
    commitment = session.get(Commitment, commitment_id) if 0 < commitment_id <= MAX_ID else None
    if commitment is not None:
        survey = session.get(Survey, commitment.survey_id)
        if survey is not None and survey.status != Status.DRAFT.value:
            return commitment
    raise NotFound("There is no such commitment.")


# ---------------------------------------------------------------- groups who raised it


def respondent_group_labels(
    session: Session, survey: Survey, *, threshold: int
) -> list[tuple[str, list[str]]]:
    """The groups this survey's respondents fall into, by dimension, as commitments name them.

    The same groups as the findings' breakdowns (Census age bands, broad ethnic
    groups), counted with one aggregate query rather than a frame of every
    response, so the form stays quick on a large consultation. Only groups at
    least ``threshold`` respondents share are offered (the suppression threshold),
    as with quote attribution: a commitment shown to the public should never point
    at a handful of people. Names leave here, never counts.
    """
    questions = {
        q.demographic: q
        for q in survey.questions
        if q.demographic in {dim for dim, _ in GROUP_DIMENSIONS}
    }
    if not questions:
        return []
    dimension_of = {q.id: dim for dim, q in questions.items()}
    answered: dict[str, list[tuple[object, int]]] = {dim: [] for dim in questions}
    for question_id, code, number, n in session.execute(
        select(Answer.question_id, Answer.option_code, Answer.number_value, func.count())
        .where(Answer.question_id.in_(list(dimension_of)))
        .group_by(Answer.question_id, Answer.option_code, Answer.number_value)
    ):
        value = number if code is None else code
        if value is not None:
            answered[dimension_of[question_id]].append((value, int(n)))
    try:
        baselines = census.load_baselines(
            survey.area_codes, age_min=survey.age_min, age_max=survey.age_max
        )
    except census.UnknownAreas:
        baselines = {}
    result: list[tuple[str, list[str]]] = []
    for dim, label in GROUP_DIMENSIONS:
        if dim not in questions or not answered[dim]:
            continue
        names = _group_names(dim, [v for v, _ in answered[dim]], questions[dim], survey, baselines)
        sizes: Counter[str] = Counter()
        for name, (_, n) in zip(names, answered[dim], strict=True):
            if name is not None and name not in NOT_A_GROUP:
                sizes[name] += n
        present = sorted(name for name, n in sizes.items() if n >= threshold)
        if present:
            result.append((label, [group_label(dim, name) for name in present]))
    return result


def _group_names(
    dim: str,
    values: list[object],
    question: Question,
    survey: Survey,
    baselines: dict[str, census.Baseline],
) -> list[str | None]:
    """The findings' name for each distinct answer (as ``respondent_group_frame`` has it)."""
    if dim in baselines and dim != "area":
        frame = pd.DataFrame({dim: pd.Series(values, dtype="object")})
        mapped = to_census(
            frame, {dim: baselines[dim]}, age_min=survey.age_min, age_max=survey.age_max
        )[dim]
        broad = broad_ethnic_groups() if dim == "ethnic_group" else {}
        return [None if pd.isna(v) else broad.get(str(v), str(v)) for v in mapped.astype("object")]
    if dim == "age":
        return [None for _ in values]  # no Census bands for these areas: no age groups
    return [question.option_label(v) if isinstance(v, str) else None for v in values]


def commitment_themes(session: Session) -> list[Theme]:
    """Active codebook themes a commitment can answer (not "Other" or "No codable content")."""
    if not codebook_exists(session):
        return []
    return [t for t in list_themes(session) if t.key not in SPECIAL_KEYS]


def group_label(dimension: str, value: str) -> str:
    if dimension == "age":
        return f"Aged {value}"
    if dimension == "area":
        return f"Living in {value}"
    return value


def clean_groups(groups: Sequence[str]) -> tuple[list[str], str | None]:
    """Groups trimmed and without repeats, and what is wrong with them (or None)."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in groups:
        group = " ".join(raw.split())
        if not group or group.casefold() in seen:
            continue
        if len(group) > GROUP_MAX:
            return (
                cleaned,
                f"Keep each group to {GROUP_MAX} characters ({group[:30]}... is longer).",
            )
        seen.add(group.casefold())
        cleaned.append(group)
    if len(cleaned) > MAX_GROUPS:
        return cleaned, f"Name at most {MAX_GROUPS} groups (there are {len(cleaned)})."
    return cleaned, None


# ---------------------------------------------------------------- writing commitments


@dataclass
class CommitmentFields:
    title: str
    partner: str
    detail: str = ""
    theme_ids: Sequence[int] = ()
    groups: Sequence[str] = ()
    status: str = CommitmentStatus.PLANNED.value
    reason: str = ""
    progress: int | None = 0
    starts_on: date | None = None
    due_on: date | None = None
    done_on: date | None = None


def _check(
    session: Session, fields: CommitmentFields, today: date
) -> tuple[list[Theme], list[str]]:
    problems: dict[str, str] = {}
    title, partner = fields.title.strip(), fields.partner.strip()
    if not title:
        problems["title"] = "Say what will be done."
    elif len(title) > TITLE_MAX:
        problems["title"] = f"Keep what will be done to {TITLE_MAX} characters."
    if not partner:
        problems["partner"] = "Say which partner will do it."
    elif len(partner) > PARTNER_MAX:
        problems["partner"] = f"Keep the partner to {PARTNER_MAX} characters."
    if len(fields.detail.strip()) > DETAIL_MAX:
        problems["detail"] = f"Keep the detail to {DETAIL_MAX:,} characters."
    if fields.status not in {s.value for s in CommitmentStatus}:
        problems["status"] = "Choose a status."
    elif fields.status == CommitmentStatus.NOT_TAKEN_FORWARD.value and not fields.reason.strip():
        problems["reason"] = (
            "Say why it is not being taken forward: people who raised it should see the reason."
        )
    if len(fields.reason.strip()) > REASON_MAX:
        problems["reason"] = f"Keep the reason to {REASON_MAX:,} characters."
    if fields.progress is None or not 0 <= fields.progress <= 100:
        problems["progress"] = "Progress is a whole number from 0 to 100."
    if fields.starts_on and fields.due_on and fields.due_on < fields.starts_on:
        problems["due_on"] = "The due date cannot be before the start date."
    if fields.done_on and fields.done_on > today:
        problems["done_on"] = "The done date cannot be in the future."
    groups, group_problem = clean_groups(fields.groups)
    if group_problem:
        problems["groups"] = group_problem
    themes = _themes(session, fields.theme_ids)
    if themes is None:
        problems["themes"] = "Choose themes from the list."
    if problems:
        raise CommitmentProblems(problems)
    return themes or [], groups


def _themes(session: Session, theme_ids: Sequence[int]) -> list[Theme] | None:
    wanted = set(theme_ids)
    if not wanted:
        return []
    themes = list(
        session.scalars(
            select(Theme)
            .where(Theme.id.in_(wanted), Theme.active.is_(True))
            .order_by(Theme.position, Theme.id)
        )
    )
    return themes if len(themes) == len(wanted) else None


def _apply(
    commitment: Commitment,
    fields: CommitmentFields,
    themes: list[Theme],
    groups: list[str],
    today: date,
) -> None:
    commitment.title = fields.title.strip()
    commitment.partner = fields.partner.strip()
    commitment.detail = fields.detail.strip()
    commitment.groups = groups
    commitment.reason = fields.reason.strip()
    commitment.starts_on, commitment.due_on = fields.starts_on, fields.due_on
    retired = [t for t in commitment.themes if not t.active]
    commitment.themes = [*themes, *retired]
    _set_status(commitment, fields.status, fields.progress or 0, fields.done_on or today)


def _set_status(commitment: Commitment, status: str, progress: int, done_on: date) -> None:
    commitment.status = status
    if status == CommitmentStatus.DONE.value:
        commitment.progress = 100
        commitment.done_on = done_on
    else:
        commitment.progress = progress
        commitment.done_on = None


def create_commitment(
    session: Session, survey_id: int, fields: CommitmentFields, *, today: date
) -> Commitment:
    themes, groups = _check(session, fields, today)
    position = session.scalar(
        select(func.max(Commitment.position)).where(Commitment.survey_id == survey_id)
    )
    commitment = Commitment(survey_id=survey_id, position=int(position or 0) + 1, themes=[])
    _apply(commitment, fields, themes, groups, today)
    session.add(commitment)
    session.flush()
    return commitment


def update_commitment(
    session: Session, commitment: Commitment, fields: CommitmentFields, *, today: date
) -> None:
    # A done commitment keeps its done date unless the officer changes it.
    if fields.done_on is None and commitment.done_on is not None:
        fields.done_on = commitment.done_on
    themes, groups = _check(session, fields, today)
    _apply(commitment, fields, themes, groups, today)
    session.flush()


def add_update(
    session: Session,
    commitment: Commitment,
    *,
    on: date | None,
    text: str,
    status: str,
    progress: int | None,
    author_id: int | None,
    today: date,
) -> CommitmentUpdate:
    """Add an entry to the timeline and move the commitment to the status after it.

    Done sets progress to 100 and the done date to the update's date. Not taken
    forward needs a reason: the commitment's own, or this update's text.
    """
    problems: dict[str, str] = {}
    cleaned = text.strip()
    when = on or today
    if not cleaned:
        problems["text"] = "Say what happened."
    elif len(cleaned) > UPDATE_MAX:
        problems["text"] = f"Keep the update to {UPDATE_MAX:,} characters."
    if when > today:
        problems["on"] = "An update records what has happened: its date cannot be in the future."
    if status not in {s.value for s in CommitmentStatus}:
        problems["status"] = "Choose the status after this update."
    if progress is None or not 0 <= progress <= 100:
        problems["progress"] = "Progress is a whole number from 0 to 100."
    if problems:
        raise CommitmentProblems(problems)
    assert progress is not None
    if status == CommitmentStatus.NOT_TAKEN_FORWARD.value and not commitment.reason.strip():
        commitment.reason = cleaned
    done_on = when if commitment.done_on is None else commitment.done_on
    _set_status(commitment, status, progress, done_on)
    update = CommitmentUpdate(
        commitment=commitment,
        on=when,
        text=cleaned,
        status=status,
        progress=commitment.progress,
        author_id=author_id,
    )
    session.add(update)
    session.flush()
    return update


# ---------------------------------------------------------------- waves


def previous_wave(session: Session, survey_id: int) -> Survey | None:
    follows = session.scalar(select(SurveyWave.follows_id).where(SurveyWave.survey_id == survey_id))
    return session.get(Survey, follows) if follows is not None else None


def next_wave(session: Session, survey_id: int) -> Survey | None:
    later = session.scalar(select(SurveyWave.survey_id).where(SurveyWave.follows_id == survey_id))
    return session.get(Survey, later) if later is not None else None


def waves(session: Session, survey_id: int) -> list[Survey]:
    """The chain this survey belongs to, oldest first (just the survey when it has no waves)."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFound("There is no such survey.")
    chain = [survey]
    seen = {survey.id}
    earlier = previous_wave(session, survey.id)
    while earlier is not None and earlier.id not in seen:  # a cycle cannot be stored; be safe
        chain.insert(0, earlier)
        seen.add(earlier.id)
        earlier = previous_wave(session, earlier.id)
    later = next_wave(session, survey.id)
    while later is not None and later.id not in seen:
        chain.append(later)
        seen.add(later.id)
        later = next_wave(session, later.id)
    return chain


def wave_options(session: Session, survey: Survey) -> list[Survey]:
    """Surveys this one could follow on from: any other, newest first."""
    return list(
        session.scalars(
            select(Survey)
            .where(Survey.id != survey.id)
            .order_by(Survey.created_at.desc(), Survey.id.desc())
        )
    )


def set_previous_wave(session: Session, survey: Survey, follows_id: int | None) -> Survey | None:
    """Record (or with None, remove) the consultation this one follows on from."""
    current = session.get(SurveyWave, survey.id)
    if follows_id is None:
        if current is not None:
            session.delete(current)
            session.flush()
        return None
    if follows_id == survey.id:
        raise InvalidInput("A consultation cannot follow on from itself.")
    earlier = session.get(Survey, follows_id) if 0 < follows_id <= MAX_ID else None
    if earlier is None:
        raise InvalidInput("Choose a consultation from the list.")
    # Walking back from the earlier survey must never reach this one.
    step: Survey | None = earlier
    seen: set[int] = set()
    while step is not None and step.id not in seen:
        if step.id == survey.id:
            raise Conflict(
                f"“{earlier.title}” already follows on from this consultation (directly or "
                "through other waves), so this one cannot follow on from it."
            )
        seen.add(step.id)
        step = previous_wave(session, step.id)
    taken = session.scalar(
        select(SurveyWave.survey_id).where(
            SurveyWave.follows_id == earlier.id, SurveyWave.survey_id != survey.id
        )
    )
    if taken is not None:
        other = session.get(Survey, taken)
        raise Conflict(
            f"“{other.title if other else 'Another consultation'}” already follows on from "
            f"“{earlier.title}”. A consultation has one next wave."
        )
    if current is None:
        session.add(SurveyWave(survey_id=survey.id, follows_id=earlier.id))
    else:
        current.follows_id = earlier.id
    session.flush()
    return earlier


# Built once: the thank-you page runs it on every submission.
_PREVIOUS_RESULTS = (
    select(FeedbackPage.code, func.count(Commitment.id))
    .select_from(SurveyWave)
    .join(FeedbackPage, FeedbackPage.survey_id == SurveyWave.follows_id)
    .outerjoin(Commitment, Commitment.survey_id == SurveyWave.follows_id)
    .where(
        SurveyWave.survey_id == bindparam("survey_id"),
        FeedbackPage.published_at.is_not(None),
    )
    .group_by(FeedbackPage.code)
)


def previous_results(session: Session, survey_id: int) -> tuple[str, int] | None:
    """For the thank-you page: the previous wave's published page code and its commitments.

    One query; None unless this survey follows a wave whose public page is published.
    """
    row = session.execute(_PREVIOUS_RESULTS, {"survey_id": survey_id}).first()
    return (str(row[0]), int(row[1])) if row is not None else None
