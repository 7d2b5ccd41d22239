"""The demo's synthetic responses: who answers, on which day, and what they tick.

The sample is what partnerships look at first, so it is built to look like a real
consultation rather than uniform noise: each channel reaches different people (see
``plans``). Every response goes through the same validation and storage as a real
one (``logic.prune_hidden``, ``logic.check_survey``, ``store_submission``), so the
demo cannot hold answers the respondent flow would refuse. Answers are reproducible
from the seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from engage.demo.datafiles import load
from engage.demo.plans import OPENED_DAYS_AGO, Plan, Reach, pick
from engage.demo.themes import BASE_THEMES, THEME_CODES, write_answer
from engage.hooks import submission_pipeline
from engage.surveys import logic
from engage.surveys.models import PREFER_NOT_TO_SAY, Kind, Mode, Question, Survey
from engage.surveys.pipeline import store_submission

_PEOPLE = load("people")
RELIGION_BY_ETHNIC: dict[str, dict[str, float]] = _PEOPLE["religion_by_ethnic"]
# Chance that English is the main language, for young people; lower for adults (see _person).
ENGLISH_MAIN: dict[str, float] = _PEOPLE["english_main"]

_ANSWERS = load("answers")
# Chance of ticking an option without a theme behind it.
OPTION_BASE: dict[str, float] = _ANSWERS["tick_chance"]
# Options that make sense only on their own, with the chance of ticking one.
EXCLUSIVE: frozenset[str] = frozenset(_ANSWERS["exclusive"])
CATCH_ALL: frozenset[str] = frozenset(_ANSWERS["catch_all"])
PLACE_QUESTIONS: frozenset[str] = frozenset(_ANSWERS["place_questions"])


def allocate(total: int, shares: Sequence[float]) -> list[int]:
    """Split a total by shares, largest remainders first, so small channels get their share."""
    whole = sum(shares)
    exact = [total * share / whole for share in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def add_responses(
    session: Session, rng: random.Random, survey: Survey, plan: Plan, count: int, today: date
) -> int:
    """Store ``count`` responses through the plan's channels, between opening and ``today``.

    Returns how many were stored. Each goes through the submission pipeline, as a real one does.
    """
    channels = {c.name: c for c in survey.channels}
    names = [name for name in plan.reach if name in channels]
    per_channel = allocate(count, [plan.reach[name].share for name in names])
    assignments = [name for name, n in zip(names, per_channel, strict=True) for _ in range(n)]
    rng.shuffle(assignments)
    opened = survey.opens_on or today - timedelta(days=OPENED_DAYS_AGO)
    days = [opened + timedelta(days=n) for n in range((today - opened).days + 1)]
    pipeline = submission_pipeline()  # the same steps as every real response
    stored = 0
    for name in assignments:
        reach = plan.reach[name]
        person = _person(rng, plan.starter, reach, name)
        raw = {q.id: values for q in survey.questions if (values := _answer(rng, q, person))}
        kept, _ = logic.prune_hidden(survey, raw)
        checked = logic.check_survey(survey, kept)
        if checked.errors:
            # A demo answer the real form would refuse is a bug here, not data to store.
            raise RuntimeError(f"Demo answers failed validation: {sorted(checked.errors)}")
        weights = [reach.schedule.weight(day, opened) for day in days]
        on = rng.choices(days, weights=weights)[0]
        mode = Mode.PAPER if person.paper else Mode.ONLINE
        saved = store_submission(
            session, pipeline, survey, channels[name], checked.answers, on=on, nonce=None, mode=mode
        )
        if saved is not None:
            stored += 1
    session.flush()
    return stored


# ---------------------------------------------------------------- respondents


@dataclass
class Person:
    audience: str  # young_people, parents or community
    channel: str
    age: int
    sex: str
    ethnic_group: str
    religion: str
    area: str
    english_main: bool
    english: str
    trans: bool
    condition: bool
    impact: str
    shy: bool  # says "prefer not to say" to most questions about themselves
    paper: bool
    fear: float  # 0 (feels safe) .. 1
    distrust: float  # 0 .. 1
    themes: list[str]

    @property
    def minority(self) -> bool:
        return not self.ethnic_group.startswith("white")

    @property
    def skip(self) -> float:
        return 0.15 if self.paper else 0.10


def _person(rng: random.Random, audience: str, reach: Reach, channel: str) -> Person:
    low, high = rng.choices(list(reach.ages), weights=list(reach.ages.values()))[0]
    age = rng.randint(low, high)
    female = rng.random() < reach.female
    ethnic = pick(rng, reach.ethnic)
    if reach.muslim is not None and rng.random() < reach.muslim:
        religion = "muslim"
    else:
        religions = dict(RELIGION_BY_ETHNIC[ethnic])
        if age >= 40 and "christian" in religions and not ethnic.startswith("asian"):
            religions["christian"] *= (
                1.8  # older White and Black residents are more often Christian
            )
        religion = pick(rng, religions)
    english_main = ENGLISH_MAIN.get(ethnic, 0.96)
    if age >= 25:
        english_main = 1 - min(0.9, (1 - english_main) * 1.6)
    english = pick(
        rng,
        {
            "very_well": 0.75 if age < 25 else 0.5,
            "well": 0.25,
            "not_well": 0.12,
            "not_at_all": 0.03,
        },
    )
    condition = rng.random() < (0.12 if age < 25 else 0.15 + 0.004 * (age - 25))
    fear = rng.betavariate(2.3, 2.1) + reach.fear + (0.05 if female else 0.0)
    distrust = min(1.0, max(0.0, reach.distrust + rng.uniform(-0.15, 0.15)))
    sex = "female" if female else "male"
    paper = rng.random() < reach.paper
    person = Person(
        audience=audience,
        channel=channel,
        age=age,
        sex=sex,
        ethnic_group=ethnic,
        religion=religion,
        area=pick(rng, reach.areas),
        english_main=rng.random() < english_main,
        english=english,
        trans=rng.random() < (0.02 if age < 30 else 0.006),
        condition=condition,
        impact=pick(rng, {"yes_a_lot": 0.25, "yes_a_little": 0.45, "not_at_all": 0.3}),
        shy=rng.random() < (0.06 if paper else 0.035),
        paper=paper,
        fear=min(1.0, max(0.0, fear)),
        distrust=distrust,
        themes=[],
    )
    person.themes = _themes(rng, person, reach)
    return person


def _themes(rng: random.Random, person: Person, reach: Reach) -> list[str]:
    weights = dict(BASE_THEMES[person.audience])
    for theme, factor in reach.themes.items():
        weights[theme] = weights.get(theme, 0.5) * factor
    weights["girls_harassment"] *= 3.5 if person.sex == "female" else 0.25
    if person.minority:
        weights["racism"] *= 4
        if person.sex == "male" and person.age < 30:
            weights["stop_search"] *= 2.5
    else:
        weights["racism"] *= 0.4
    if person.religion == "muslim":
        weights["racism"] *= 1.5
    how_many = rng.choices((1, 2, 3), weights=(0.4, 0.4, 0.2))[0]
    chosen: list[str] = []
    while len(chosen) < how_many:
        theme = pick(rng, {k: v for k, v in weights.items() if k not in chosen})
        chosen.append(theme)
    return chosen


# ---------------------------------------------------------------- answers


def _answer(rng: random.Random, question: Question, person: Person) -> list[str]:
    """The raw values a respondent would post for one question (empty if they skip it)."""
    if question.demographic:
        return _demographic(rng, question, person)
    kind = question.kind_enum
    if kind is Kind.TEXT:
        if rng.random() >= (0.45 if person.paper else 0.6):
            return []
        return [
            _fit(
                write_answer(rng, question.key, person.audience, person.themes), question.max_length
            )
        ]
    if not question.required and rng.random() < person.skip:
        return []
    codes = [o.code for o in question.options]
    if kind is Kind.RATING:
        return [_rating(rng, question.key, codes, person)]
    if kind is Kind.SINGLE:
        return [_single(rng, question.key, codes, person)]
    if kind is Kind.MULTI:
        return _multi(rng, question.key, codes, person)
    if question.min_value is not None and question.max_value is not None:
        return [str(rng.randint(int(question.min_value), int(question.max_value)))]
    return []


def _demographic(rng: random.Random, question: Question, person: Person) -> list[str]:
    codes = {o.code for o in question.options}
    can_decline = PREFER_NOT_TO_SAY in codes or question.prefer_not_option
    if can_decline and ((person.shy and rng.random() < 0.85) or rng.random() < 0.055):
        return [PREFER_NOT_TO_SAY]
    if rng.random() < person.skip:
        return []
    kind = question.demographic
    if kind == "age":
        return [str(person.age)]
    value = {
        "sex": person.sex,
        "area": person.area,
        "ethnic_group": person.ethnic_group,
        "religion": person.religion,
        "main_language": "yes" if person.english_main else "no",
        "gender_identity": "no" if person.trans else "yes",
        "english_proficiency": person.english,
        "disability": "yes" if person.condition else "no",
        "disability_impact": person.impact,
    }.get(kind or "")
    if value in codes:
        return [str(value)]
    if value is None and codes:
        return [rng.choice(sorted(codes - {PREFER_NOT_TO_SAY}) or sorted(codes))]
    return [PREFER_NOT_TO_SAY] if can_decline else []


def _rating_mean(key: str, person: Person) -> float:
    """Where on a 1-5 scale this person tends to answer: safety middle-low, trust lower still."""
    if "police" in key:
        mean = 2.75 - 0.75 * person.minority - 1.1 * person.distrust
        mean += 0.4 if person.age >= 50 else 0.0
        if {"stop_search", "police_trust"} & set(person.themes):
            mean -= 0.5
        return mean
    if "youth_worker" in key:
        return (
            3.4 + (0.6 if person.channel.startswith("Youth club") else 0.0) - 0.4 * person.distrust
        )
    if "school" in key:
        return 3.2 - (0.6 if "bullying" in person.themes else 0.0)
    if "council" in key:
        return 2.3 - 0.5 * person.distrust
    if "listen" in key:
        return 2.3 - 0.4 * person.minority - 0.5 * person.distrust
    if "night" in key:
        return 3.5 - 2.1 * person.fear - (0.35 if person.sex == "female" else 0.0)
    if "safe" in key:
        return 3.95 - 1.9 * person.fear - (0.1 if person.sex == "female" else 0.0)
    return 3.0


def _rating(rng: random.Random, key: str, codes: list[str], person: Person) -> str:
    points = sorted(codes, key=int)
    value = rng.gauss(_rating_mean(key, person), 0.85)
    index = round((value - 1) / 4 * (len(points) - 1))
    return points[min(len(points) - 1, max(0, index))]


def _ordinal(rng: random.Random, codes: list[str], position: float) -> str:
    """An option from an ordered list, around ``position`` (0 = first, 1 = last)."""
    index = round(position * (len(codes) - 1) + rng.gauss(0, 0.7))
    return codes[min(len(codes) - 1, max(0, index))]


def _single(rng: random.Random, key: str, codes: list[str], person: Person) -> str:
    choices = [c for c in codes if c != PREFER_NOT_TO_SAY]
    themes = set(person.themes)
    if key == "worry_violence":
        return _ordinal(rng, choices, person.fear)
    weights: dict[str, float]
    if key == "weapon_carrying":
        yes = (
            0.22 + (0.25 if person.channel == "Street outreach" else 0.0) + 0.1 * (person.age >= 15)
        )
        yes += 0.2 if "knives" in themes else 0.0
        weights = {"yes": yes, "no": 0.36, "not_sure": 0.26, PREFER_NOT_TO_SAY: 0.08}
    elif key == "social_media_violence":
        every_day = 0.2 * (2 if "social_media" in themes else 1) * (1.3 if person.age < 18 else 1)
        weights = {"every_day": every_day, "every_week": 0.32, "every_month": 0.2,
                   "less_often": 0.18, "never": 0.1}  # fmt: skip
    elif key == "know_where_help":
        yes = 0.45 + (
            0.15 if person.channel in ("Oak Park School", "Youth club (Brierley Hill)") else 0
        )
        yes *= 0.3 if "where_help" in themes else 1
        weights = {"yes": yes, "not_sure": 0.35, "no": 0.2}
    elif key == "violence_change":
        weights = {"more": 0.46, "same": 0.34, "less": 0.06, "not_sure": 0.14}
    elif key == "would_tell":
        weights = {"yes": 0.58 - 0.25 * person.distrust, "not_sure": 0.27,
                   "no": 0.12 + 0.25 * person.distrust}  # fmt: skip
    elif key == "see_results":
        weights = {"yes": 0.78, "no": 0.22}
    elif key == "know_exploitation_signs":
        weights = {"yes": 0.33, "not_sure": 0.45, "no": 0.22}
    else:
        weights = {c: 1.0 for c in choices}
    weights = {c: w for c, w in weights.items() if c in codes and w > 0}
    return pick(rng, weights) if weights else rng.choice(choices or codes)


def _multi(rng: random.Random, key: str, codes: list[str], person: Person) -> list[str]:
    if key == "children_ages":
        return _children_ages(rng, codes, person.age)
    linked = set().union(*(THEME_CODES.get(t, frozenset()) for t in person.themes))
    exclusive = [c for c in codes if c in EXCLUSIVE]
    if exclusive:
        chance = 0.05
        if key in PLACE_QUESTIONS:
            chance = 0.3 * (1 - person.fear) ** 2
        elif key == "who_tell":
            chance = 0.08 + 0.2 * person.distrust
        elif "where_help" in person.themes:
            chance = 0.45
        if rng.random() < chance:
            return [exclusive[0]]
    scale = 0.5 + person.fear if key in PLACE_QUESTIONS else 1.0
    picked = []
    for code in codes:
        if code in EXCLUSIVE or code == PREFER_NOT_TO_SAY:
            continue
        if code in CATCH_ALL:
            chance = 0.04
        elif code in linked:
            chance = 0.7
        else:
            chance = OPTION_BASE.get(code, 0.14) * scale
            if person.sex == "female" and code in (
                "buses_trains",
                "public_transport",
                "streets_at_night",
            ):
                chance *= 1.4
            if code == "faith_group" and person.religion in ("muslim", "sikh", "hindu"):
                chance *= 4
            if code == "police" and key == "who_tell":
                chance *= 1.5 - person.distrust
        if rng.random() < min(chance, 0.9):
            picked.append(code)
    if not picked:
        options = [c for c in codes if c not in EXCLUSIVE | CATCH_ALL and c != PREFER_NOT_TO_SAY]
        picked = [rng.choice(options or codes)]
    if len(picked) > 5:
        picked = sorted(rng.sample(picked, 5), key=codes.index)
    return picked


def _children_ages(rng: random.Random, codes: list[str], age: int) -> list[str]:
    if age < 35:
        wanted = ["under_11"] + (["age_11_15"] if rng.random() < 0.6 else [])
    elif age < 45:
        wanted = ["age_11_15"] + (["under_11"] if rng.random() < 0.4 else [])
        wanted += ["age_16_17"] if rng.random() < 0.25 else []
    else:
        wanted = rng.sample(["age_11_15", "age_16_17", "age_18_25"], rng.randint(1, 2))
    return [c for c in codes if c in wanted] or [rng.choice(codes)]


def _fit(text: str, limit: int | None) -> str:
    limit = limit or logic.DEFAULT_MAX_TEXT
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut or text[:limit]
