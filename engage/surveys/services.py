"""Designing consultations: surveys, sections, questions, channels, starters and copies.

Services take a Session and plain values, flush when they need ids and never
commit: the view commits once at the boundary.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from engage.errors import Conflict, InvalidInput, NotFound, SurveyLocked
from engage.i18n import LANGUAGES, N_, Message
from engage.population.areas import UnknownArea, area_names, parse_area_codes
from engage.surveys import content
from engage.surveys.conditions import (
    check_order,
    refuse_if_referenced,
    resolve_condition,
    set_condition,
)
from engage.surveys.models import (
    PREFER_NOT_TO_SAY,
    SOURCE_LANGUAGE,
    Audience,
    Channel,
    Kind,
    Option,
    Question,
    Response,
    Section,
    Status,
    Survey,
    SurveyArea,
    SurveyLanguage,
)
from engage.surveys.starter_translations import apply_starter_translations

STARTERS = {
    "young_people": "Young people's survey: safety, violence and what would help",
    "parents": "Parents and carers survey",
    "community": "Community survey",
}
TRANSITIONS: dict[Status, set[Status]] = {
    Status.DRAFT: {Status.OPEN, Status.ARCHIVED},
    Status.OPEN: {Status.CLOSED},
    Status.CLOSED: {Status.OPEN, Status.ARCHIVED},
    Status.ARCHIVED: set(),
}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to type from a poster


def today() -> date:
    return datetime.now(UTC).date()


# ---------------------------------------------------------------- surveys


def get_survey(session: Session, survey_id: int) -> Survey:
    survey = session.scalar(
        select(Survey)
        .where(Survey.id == survey_id)
        .options(
            selectinload(Survey.sections)
            .selectinload(Section.questions)
            .selectinload(Question.options),
            selectinload(Survey.areas),
            selectinload(Survey.channels),
            selectinload(Survey.languages),
        )
    )
    if survey is None:
        raise NotFound("There is no such survey.")
    return survey


def list_surveys(session: Session) -> list[tuple[Survey, int]]:
    counts = (
        select(Response.survey_id, func.count().label("n")).group_by(Response.survey_id).subquery()
    )
    rows = session.execute(
        select(Survey, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.survey_id == Survey.id)
        .order_by(Survey.status == Status.ARCHIVED.value, Survey.created_at.desc())
    ).all()
    return [(survey, int(n)) for survey, n in rows]


def response_count(session: Session, survey_id: int) -> int:
    return int(session.scalar(select(func.count()).where(Response.survey_id == survey_id)) or 0)


def has_responses(session: Session, survey_id: int) -> bool:
    return (
        session.scalar(select(Response.id).where(Response.survey_id == survey_id).limit(1))
        is not None
    )


def ensure_questions_editable(session: Session, survey: Survey) -> None:
    """Once anyone has answered, the questions are locked: changing them would corrupt answers."""
    if survey.status == Status.ARCHIVED.value:
        raise SurveyLocked("This survey is archived. Make a copy to reuse its questions.")
    if has_responses(session, survey.id):
        raise SurveyLocked(
            "People have already answered this survey, so its questions are locked to keep "
            "their answers meaningful. Make a copy to change the questions."
        )


def _begin_change(session: Session, survey: Survey) -> None:
    """Check the questions may change, and mark the survey's structure as changed.

    The respondent flow caches each survey's pages and questions by ``version``.
    """
    ensure_questions_editable(session, survey)
    survey.version = (survey.version or 1) + 1


@dataclass
class SurveySettings:
    title: str
    introduction: str
    audience: str
    areas: str
    age_min: int | None
    age_max: int | None
    opens_on: date | None
    closes_on: date | None
    # None keeps answers; see engage.surveys.retention.
    retention_days: int | None = None
    purge_responses: bool = False
    thank_you: str = ""


def apply_settings(survey: Survey, settings: SurveySettings) -> None:
    title = settings.title.strip()
    if not title:
        raise InvalidInput("Give the survey a title.")
    try:
        Audience(settings.audience)
    except ValueError as exc:
        raise InvalidInput("Choose who the survey is for.") from exc
    try:
        codes = parse_area_codes(settings.areas)
    except UnknownArea as exc:
        raise InvalidInput(
            f"These are not local authority codes we know: {', '.join(exc.codes)}. "
            "Use Census 2021 codes such as E08000027 (Dudley)."
        ) from exc
    if not codes:
        raise InvalidInput("Add at least one area (a local authority code such as E08000027).")
    if settings.age_min is not None and settings.age_max is not None:
        if settings.age_min > settings.age_max:
            raise InvalidInput("The youngest age must not be above the oldest age.")
    if settings.opens_on and settings.closes_on and settings.opens_on > settings.closes_on:
        raise InvalidInput("The survey must open before it closes.")
    if settings.retention_days is not None and settings.retention_days < 1:
        raise InvalidInput("Keep answers for at least 1 day, or leave the number of days empty.")
    if settings.purge_responses and settings.retention_days is None:
        raise InvalidInput("Say after how many days responses should be deleted.")
    survey.title = title[:200]
    survey.introduction = settings.introduction.strip()
    survey.thank_you = settings.thank_you.strip()
    survey.audience = settings.audience
    survey.age_min, survey.age_max = settings.age_min, settings.age_max
    survey.opens_on, survey.closes_on = settings.opens_on, settings.closes_on
    survey.retention_days = settings.retention_days
    survey.purge_responses = settings.purge_responses
    current = {a.area_code: a for a in survey.areas}
    survey.areas = [current.get(code) or SurveyArea(area_code=code) for code in codes]


def create_survey(
    session: Session, settings: SurveySettings, *, created_by_id: int | None, starter: str = ""
) -> Survey:
    survey = Survey(
        created_by_id=created_by_id,
        status=Status.DRAFT.value,
        languages=[SurveyLanguage(code=SOURCE_LANGUAGE, position=0)],
    )
    apply_settings(survey, settings)
    session.add(survey)
    session.flush()
    if starter:
        spec = load_starter(starter)
        build_sections(session, survey, spec["sections"])
        apply_starter_translations(survey, starter, offset=0)
        if spec.get("demographics"):
            add_demographics(session, survey)
    add_channel(session, survey, "Web link")
    return survey


def update_settings(session: Session, survey: Survey, settings: SurveySettings) -> None:
    if survey.status == Status.ARCHIVED.value:
        raise SurveyLocked("This survey is archived and cannot be changed.")
    old_areas = survey.area_codes
    apply_settings(survey, settings)
    survey.version = (survey.version or 1) + 1
    if survey.area_codes != old_areas:
        _sync_area_question(session, survey)


def set_status(session: Session, survey: Survey, new: str) -> None:
    try:
        target = Status(new)
    except ValueError as exc:
        raise InvalidInput("That is not a survey status.") from exc
    current = Status(survey.status)
    if target not in TRANSITIONS[current]:
        raise Conflict(f"A {current.value} survey cannot be made {target.value}.")
    if target is Status.OPEN:
        problems = publish_problems(survey)
        if problems:
            raise Conflict("This survey cannot open yet: " + " ".join(problems))
    survey.status = target.value
    survey.version = (survey.version or 1) + 1


def publish_problems(survey: Survey) -> list[str]:
    problems = []
    if not survey.questions:
        problems.append("Add at least one question.")
    if not any(not c.closed for c in survey.channels):
        problems.append("Add an open channel so people have a link to follow.")
    if survey.closes_on and survey.closes_on < today():
        problems.append("The closing date has passed; change it first.")
    for section in survey.sections:
        if not section.questions:
            problems.append(f"The page '{section.title}' has no questions.")
    for code, gaps in content.missing_required(survey).items():
        named = ", ".join(f"{s.key} ({s.context})" for s in gaps[:8])
        more = f" and {len(gaps) - 8} more" if len(gaps) > 8 else ""
        language = LANGUAGES[code].english_name if code in LANGUAGES else code
        problems.append(
            f"{language} ({code}) lacks {len(gaps)} required translations: {named}{more}. "
            "Add them on the Translations page, or stop offering the language."
        )
    return problems


def accepting_problem(
    survey: Survey, channel: Channel | ChannelRef | None, on: date
) -> Message | None:
    """Why this survey or channel is not taking responses today, or None.

    A message for the respondent, translated where it is shown.
    """
    if survey.status == Status.DRAFT.value:
        return Message.of(N_("This survey has not opened yet."))
    if survey.status in (Status.CLOSED.value, Status.ARCHIVED.value):
        return Message.of(N_("This survey has closed. Thank you for your interest."))
    if survey.opens_on and on < survey.opens_on:
        return Message.of(N_("This survey opens on %(date)s."), date=survey.opens_on)
    if survey.closes_on and on > survey.closes_on:
        return Message.of(N_("This survey has closed. Thank you for your interest."))
    if channel is not None and channel.closed:
        return Message.of(N_("This link has closed. Thank you for your interest."))
    return None


# ---------------------------------------------------------------- sections and questions


def add_section(
    session: Session,
    survey: Survey,
    title: str,
    intro: str = "",
    condition: dict[str, Any] | None = None,
) -> Section:
    _begin_change(session, survey)
    title = title.strip()
    if not title:
        raise InvalidInput("Give the page a title.")
    section = Section(title=title[:200], intro=intro.strip(), position=len(survey.sections))
    resolved = resolve_condition(survey, section, condition)
    survey.sections.append(section)
    set_condition(section, resolved)
    session.flush()
    return section


def update_section(
    session: Session,
    survey: Survey,
    section: Section,
    title: str,
    intro: str,
    condition: dict[str, Any] | None,
) -> None:
    _begin_change(session, survey)
    if not title.strip():
        raise InvalidInput("Give the page a title.")
    resolved = resolve_condition(survey, section, condition)
    section.title = title.strip()[:200]
    section.intro = intro.strip()
    set_condition(section, resolved)


def delete_section(session: Session, survey: Survey, section: Section) -> None:
    _begin_change(session, survey)
    ids = {q.id for q in section.questions}
    refuse_if_referenced(survey, ids)
    survey.sections.remove(section)
    _renumber(survey.sections)


def move_section(session: Session, survey: Survey, section: Section, step: int) -> None:
    _begin_change(session, survey)
    sections = list(survey.sections)
    i = sections.index(section)
    j = i + step
    if not 0 <= j < len(sections):
        return
    sections[i], sections[j] = sections[j], sections[i]
    candidate = {s.id: n for n, s in enumerate(sections)}
    check_order(survey, candidate)
    for n, s in enumerate(sections):
        s.position = n
    survey.sections.sort(key=lambda s: s.position)


@dataclass
class QuestionSpec:
    key: str
    kind: str
    text: str
    hint: str = ""
    required: bool = False
    options: list[tuple[str, str]] | None = None  # (code, label)
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    prefer_not_option: bool = False
    demographic: str | None = None
    condition: dict[str, Any] | None = None


def options_from_lines(text: str) -> list[tuple[str, str]]:
    """Options typed one per line, optionally as ``code | label``."""
    options: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            code, label = (part.strip() for part in line.split("|", 1))
        else:
            code, label = slugify(line), line
        options.append((code, label))
    return options


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]
    if not slug or not slug[0].isalpha():
        slug = ("o_" + slug)[:60]
    return slug


def add_question(
    session: Session, survey: Survey, section: Section, spec: QuestionSpec
) -> Question:
    _begin_change(session, survey)
    resolved = resolve_condition(survey, section, spec.condition)
    question = Question(survey_id=survey.id, position=len(section.questions))
    _fill_question(survey, question, spec)
    set_condition(question, resolved)
    section.questions.append(question)
    session.flush()
    return question


def update_question(
    session: Session, survey: Survey, question: Question, spec: QuestionSpec
) -> None:
    _begin_change(session, survey)
    resolved = resolve_condition(survey, question.section, spec.condition)
    if resolved[0] == question.id:
        raise InvalidInput("A question cannot depend on itself.")
    _fill_question(survey, question, spec)
    set_condition(question, resolved)
    session.flush()


def delete_question(session: Session, survey: Survey, question: Question) -> None:
    _begin_change(session, survey)
    refuse_if_referenced(survey, {question.id})
    section = question.section
    section.questions.remove(question)
    _renumber(section.questions)


def move_question(session: Session, survey: Survey, question: Question, step: int) -> None:
    _begin_change(session, survey)
    items = list(question.section.questions)
    i = items.index(question)
    j = i + step
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
        for n, q in enumerate(items):
            q.position = n
        question.section.questions.sort(key=lambda q: q.position)


def _fill_question(survey: Survey, question: Question, spec: QuestionSpec) -> None:
    key = spec.key.strip()
    if not KEY_RE.match(key):
        raise InvalidInput(
            "The question's short name must start with a letter and use only lower-case "
            "letters, digits and underscores (e.g. feel_safe)."
        )
    if any(q.key == key and q is not question for q in survey.questions):
        raise InvalidInput(f"Another question already has the short name '{key}'.")
    try:
        kind = Kind(spec.kind)
    except ValueError as exc:
        raise InvalidInput("Choose a question type.") from exc
    if not spec.text.strip():
        raise InvalidInput("Write the question.")
    options = spec.options or []
    if kind.has_options:
        if len(options) < 2:
            raise InvalidInput("A choice or rating question needs at least two options.")
        codes = [code for code, _ in options]
        if len(set(codes)) != len(codes):
            raise InvalidInput("Two options have the same code; make each option different.")
        for code, label in options:
            if not code or len(code) > 60 or not label.strip():
                raise InvalidInput(
                    "Every option needs a label (and a code of at most 60 characters)."
                )
        if kind is Kind.RATING and not all(code.isdigit() for code in codes):
            raise InvalidInput("Rating points must have numbers as codes, e.g. '1 | Very unsafe'.")
    elif options:
        raise InvalidInput("Only choice and rating questions have options.")
    if spec.max_length is not None and spec.max_length < 1:
        raise InvalidInput("The maximum length must be at least 1 character.")
    if (
        spec.min_value is not None
        and spec.max_value is not None
        and spec.min_value > spec.max_value
    ):
        raise InvalidInput("The smallest number must not be above the largest.")
    question.key = key
    question.kind = kind.value
    question.text = spec.text.strip()
    question.hint = spec.hint.strip()
    question.required = spec.required
    question.max_length = (spec.max_length or 1000) if kind is Kind.TEXT else None
    question.min_value = spec.min_value if kind is Kind.NUMBER else None
    question.max_value = spec.max_value if kind is Kind.NUMBER else None
    question.prefer_not_option = spec.prefer_not_option and kind is Kind.NUMBER
    question.demographic = spec.demographic
    existing = {o.code: o for o in question.options}
    question.options = [
        _option(existing.get(code), code, label.strip(), n)
        for n, (code, label) in enumerate(options)
    ]


def _option(existing: Option | None, code: str, label: str, position: int) -> Option:
    option = existing or Option(code=code)
    option.label = label[:300]
    option.position = position
    return option


def _renumber(items: list[Any]) -> None:
    for n, item in enumerate(items):
        item.position = n


# ---------------------------------------------------------------- starters, demographics, copies


@lru_cache(maxsize=8)
def _load_json(name: str) -> str:
    return resources.files("engage.surveys").joinpath(f"starters/{name}.json").read_text("utf-8")


def load_starter(key: str) -> dict[str, Any]:
    if key not in STARTERS and key != "demographics":
        raise InvalidInput("There is no such starter template.")
    spec: dict[str, Any] = json.loads(_load_json(key))
    return spec


def build_sections(session: Session, survey: Survey, sections: list[dict[str, Any]]) -> None:
    """Add pages and questions from a spec (a starter, the demographic block or a copy)."""
    for sec in sections:
        section = add_section(session, survey, sec["title"], sec.get("intro", ""), None)
        for q in sec.get("questions", []):
            options = [(o["code"], o["label"]) for o in q.get("options", [])]
            if q.get("options_from") == "areas":
                names = area_names()
                options = [(c, names.get(c, c)) for c in survey.area_codes] + options
            add_question(
                session,
                survey,
                section,
                QuestionSpec(
                    key=q["key"],
                    kind=q["kind"],
                    text=q["text"],
                    hint=q.get("hint", ""),
                    required=bool(q.get("required", False)),
                    options=options,
                    max_length=q.get("max_length"),
                    min_value=q.get("min_value"),
                    max_value=q.get("max_value"),
                    prefer_not_option=bool(q.get("prefer_not_option", False)),
                    demographic=q.get("demographic"),
                    condition=q.get("condition"),
                ),
            )
        set_condition(section, resolve_condition(survey, section, sec.get("condition")))


def add_demographics(session: Session, survey: Survey) -> None:
    existing = {q.key for q in survey.questions}
    spec = load_starter("demographics")
    clash = existing & {q["key"] for s in spec["sections"] for q in s["questions"]}
    if clash:
        raise Conflict("This survey already has the standard questions about the respondent.")
    offset = len(survey.sections)
    build_sections(session, survey, spec["sections"])
    apply_starter_translations(survey, "demographics", offset=offset)


def _sync_area_question(session: Session, survey: Survey) -> None:
    """Keep the 'Which area do you live in?' options in step with the survey's areas."""
    question = next((q for q in survey.questions if q.demographic == "area"), None)
    if question is None or has_responses(session, survey.id):
        return
    names = area_names()
    tail = [
        (o.code, o.label) for o in question.options if o.code in ("elsewhere", PREFER_NOT_TO_SAY)
    ]
    existing = {o.code: o for o in question.options}
    wanted = [(c, names.get(c, c)) for c in survey.area_codes] + tail
    question.options = [
        _option(existing.get(c), c, label, n) for n, (c, label) in enumerate(wanted)
    ]


def survey_to_spec(survey: Survey) -> list[dict[str, Any]]:
    def condition(item: Section | Question) -> dict[str, Any] | None:
        if item.condition_question_id is None:
            return None
        ref = next(q.key for q in survey.questions if q.id == item.condition_question_id)
        return {"question": ref, "operator": item.condition_operator, "value": item.condition_value}

    return [
        {
            "title": s.title,
            "intro": s.intro,
            "condition": condition(s),
            "questions": [
                {
                    "key": q.key,
                    "kind": q.kind,
                    "text": q.text,
                    "hint": q.hint,
                    "required": q.required,
                    "options": [{"code": o.code, "label": o.label} for o in q.options],
                    "max_length": q.max_length,
                    "min_value": q.min_value,
                    "max_value": q.max_value,
                    "prefer_not_option": q.prefer_not_option,
                    "demographic": q.demographic,
                    "condition": condition(q),
                }
                for q in s.questions
            ],
        }
        for s in survey.sections
    ]


def copy_survey(session: Session, survey: Survey, *, created_by_id: int | None) -> Survey:
    copy = Survey(
        title=f"Copy of {survey.title}"[:200],
        introduction=survey.introduction,
        thank_you=survey.thank_you,
        audience=survey.audience,
        age_min=survey.age_min,
        age_max=survey.age_max,
        # A copy keeps the retention rule: otherwise its free text would be kept forever.
        retention_days=survey.retention_days,
        purge_responses=survey.purge_responses,
        status=Status.DRAFT.value,
        created_by_id=created_by_id,
        copied_from_id=survey.id,
        areas=[SurveyArea(area_code=code) for code in survey.area_codes],
        languages=[
            SurveyLanguage(code=lang.code, position=lang.position) for lang in survey.languages
        ],
    )
    session.add(copy)
    session.flush()
    build_sections(session, copy, survey_to_spec(survey))
    codes = {}
    for channel in survey.channels:
        new = add_channel(session, copy, channel.name, channel.cap)
        new.welcome, new.language = channel.welcome, channel.language
        codes[channel.code] = new.code
    content.copy_translations(survey, copy, codes)
    return copy


# ---------------------------------------------------------------- channels


def new_channel_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))


def add_channel(session: Session, survey: Survey, name: str, cap: int | None = None) -> Channel:
    name = name.strip()
    if not name:
        raise InvalidInput("Name the channel, e.g. 'Oak Park School' or 'Instagram'.")
    if any(c.name.lower() == name.lower() for c in survey.channels):
        raise InvalidInput(f"This survey already has a channel called '{name}'.")
    if cap is not None and cap < 1:
        raise InvalidInput("A cap must be at least 1 response.")
    channel = Channel(name=name[:120], code=new_channel_code(), cap=cap, closed=False)
    survey.channels.append(channel)
    session.flush()
    return channel


def update_channel(
    channel: Channel,
    *,
    cap: int | None,
    closed: bool,
    welcome: str | None = None,
    language: str | None = None,
) -> None:
    """Change a channel; ``welcome`` None keeps it, ``language`` "" clears it."""
    if cap is not None and cap < 1:
        raise InvalidInput("A cap must be at least 1 response.")
    if language and language not in content.language_codes(channel.survey):
        raise InvalidInput("A link can only open in one of the languages the survey is offered in.")
    channel.cap, channel.closed = cap, closed
    before = (channel.welcome, channel.language)
    if welcome is not None:
        channel.welcome = welcome.strip()
    if language is not None:
        channel.language = language or None
    if (channel.welcome, channel.language) != before:  # respondents see both
        channel.survey.version = (channel.survey.version or 1) + 1


@dataclass(frozen=True)
class ChannelRef:
    """What the respondent flow needs of a channel, read fresh on every request."""

    id: int
    survey_id: int
    name: str
    code: str
    cap: int | None
    closed: bool
    # The language this link opens in (None: the browser's preference) and its welcome.
    language: str | None = None
    welcome: str = ""


# Built once: this runs on every respondent request.
_CHANNEL_BY_CODE = (
    select(
        Channel.id,
        Channel.survey_id,
        Channel.name,
        Channel.code,
        Channel.cap,
        Channel.closed,
        Channel.language,
        Channel.welcome,
        Survey.version,
    )
    .join(Survey, Survey.id == Channel.survey_id)
    .where(Channel.code == bindparam("code"))
)


def get_channel_by_code(session: Session, code: str) -> tuple[ChannelRef, int]:
    """The channel for a short link and its survey's current structure version."""
    row = session.execute(_CHANNEL_BY_CODE, {"code": code.lower()[:16]}).one_or_none()
    if row is None:
        raise NotFound(N_("We could not find that survey. Check the link and try again."))
    ref = ChannelRef(
        id=row.id,
        survey_id=row.survey_id,
        name=row.name,
        code=row.code,
        cap=row.cap,
        closed=row.closed,
        language=row.language,
        welcome=row.welcome or "",
    )
    return ref, int(row.version)


def channel_response_count(session: Session, channel_id: int) -> int:
    return int(session.scalar(select(func.count()).where(Response.channel_id == channel_id)) or 0)


def get_channel(survey: Survey, channel_id: int) -> Channel:
    for channel in survey.channels:
        if channel.id == channel_id:
            return channel
    raise NotFound("There is no such channel.")


def channel_counts(session: Session, survey_id: int) -> dict[int, int]:
    rows = session.execute(
        select(Response.channel_id, func.count())
        .where(Response.survey_id == survey_id)
        .group_by(Response.channel_id)
    ).all()
    return {cid: int(n) for cid, n in rows if cid is not None}


def find_section(survey: Survey, section_id: int) -> Section:
    for section in survey.sections:
        if section.id == section_id:
            return section
    raise NotFound("There is no such page in this survey.")


def find_question(survey: Survey, question_id: int) -> Question:
    for question in survey.questions:
        if question.id == question_id:
            return question
    raise NotFound("There is no such question in this survey.")
