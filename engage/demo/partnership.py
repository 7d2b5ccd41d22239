"""The demo partnership: three logins, three open surveys with their channels and sample.

The accounts are in ``data/partnership.json``, the surveys' plans in ``data/plans.json``.
Answers are reproducible from the seed; passwords and channel codes are not, on purpose.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.auth import services as auth_services
from engage.auth.models import User
from engage.auth.passwords import WeakPassword, check_password_policy
from engage.auth.roles import Role
from engage.demo.datafiles import load
from engage.demo.plans import CLOSES_IN_DAYS, OPENED_DAYS_AGO, PLANS, YOUTH, Plan
from engage.demo.responses import add_responses, allocate
from engage.demo.themes import suggest_codes
from engage.i18n import LANGUAGES
from engage.surveys import services
from engage.surveys.models import Survey
from engage.translations.services import set_languages

_DATA = load("partnership")
_ACCOUNTS = _DATA["accounts"]
OFFICER_EMAIL: str = _ACCOUNTS["officer"]["email"]
OFFICER_NAME: str = _ACCOUNTS["officer"]["name"]
ANALYST_EMAIL: str = _ACCOUNTS["analyst"]["email"]
ANALYST_NAME: str = _ACCOUNTS["analyst"]["name"]
SAFEGUARDING_EMAIL: str = _ACCOUNTS["safeguarding"]["email"]
SAFEGUARDING_NAME: str = _ACCOUNTS["safeguarding"]["name"]


# ---------------------------------------------------------------- result


@dataclass
class DemoResult:
    officer_email: str
    officer_password: str
    analyst_email: str
    surveys: dict[str, int]  # starter key -> survey id
    responses_created: int
    analyst_password: str
    titles: dict[str, str] = field(default_factory=dict)  # starter key -> title
    youth_links: list[tuple[str, str]] = field(default_factory=list)  # (channel name, code)
    safeguarding_email: str = SAFEGUARDING_EMAIL
    safeguarding_password: str = ""

    def summary(self) -> str:
        lines = [
            "Demo partnership ready.",
            "",
            "Sign in at /login (these passwords are new for this run):",
            f"  Engagement officer  {self.officer_email}",
            f"                      password: {self.officer_password}",
            f"  Analyst             {self.analyst_email}",
            f"                      password: {self.analyst_password}",
            f"  Safeguarding lead   {self.safeguarding_email}",
            f"                      password: {self.safeguarding_password}",
            "",
            "Surveys (open):",
        ]
        width = max((len(t) for t in self.titles.values()), default=0)
        for key, survey_id in self.surveys.items():
            title = self.titles.get(key, key)
            lines.append(f"  {title.ljust(width)}  /surveys/{survey_id}")
        if self.youth_links:
            lines += ["", "Short links for the young people's survey:"]
            name_width = max(len(name) for name, _ in self.youth_links)
            lines += [f"  {name.ljust(name_width)}  /s/{code}" for name, code in self.youth_links]
        lines.append("")
        if self.responses_created:
            lines.append(f"Created {self.responses_created} sample responses.")
        else:
            lines.append(
                "The demo surveys already existed: no responses were added, "
                "only the passwords were reset."
            )
        return "\n".join(lines)


# ---------------------------------------------------------------- seeding


def seed_demo(session: Session, *, responses: int = 400, seed: int = 2021) -> DemoResult:
    """Create (or find) the demo accounts and surveys; add sample responses to new surveys only."""
    if responses < 0:
        raise ValueError("responses must not be negative")
    officer, officer_password = ensure_user(session, OFFICER_EMAIL, OFFICER_NAME, Role.OFFICER)
    _, analyst_password = ensure_user(session, ANALYST_EMAIL, ANALYST_NAME, Role.ANALYST)
    _, safeguarding_password = ensure_user(
        session, SAFEGUARDING_EMAIL, SAFEGUARDING_NAME, Role.SAFEGUARDING
    )
    rng = random.Random(seed)
    today = services.today()
    counts = allocate(responses, [plan.share for plan in PLANS])
    ids: dict[str, int] = {}
    titles: dict[str, str] = {}
    created = 0
    youth_links: list[tuple[str, str]] = []
    for plan, count in zip(PLANS, counts, strict=True):
        title = str(services.load_starter(plan.starter)["title"])
        survey = _find_survey(session, title)
        if survey is None:
            survey = _create_survey(session, plan, title, officer.id, today)
            created += add_responses(session, rng, survey, plan, count, today)
            suggest_codes(session, survey)
        ids[plan.starter] = survey.id
        titles[plan.starter] = survey.title
        if plan is YOUTH:
            youth_links = [(c.name, c.code) for c in survey.channels]
    return DemoResult(
        officer_email=OFFICER_EMAIL,
        officer_password=officer_password,
        analyst_email=ANALYST_EMAIL,
        surveys=ids,
        responses_created=created,
        analyst_password=analyst_password,
        titles=titles,
        youth_links=youth_links,
        safeguarding_password=safeguarding_password,
    )


# ---------------------------------------------------------------- accounts


_SYLLABLES = _DATA["password_syllables"]
SYLLABLE_ONSETS: tuple[str, ...] = tuple(_SYLLABLES["onsets"])
SYLLABLE_VOWELS: tuple[str, ...] = tuple(_SYLLABLES["vowels"])
SYLLABLE_CODAS: tuple[str, ...] = tuple(_SYLLABLES["codas"])


def generate_password() -> str:
    """Three pronounceable made-up words, about 58 bits from ``secrets``: easy to type in a demo."""

    def word() -> str:
        syllables = "".join(
            secrets.choice(SYLLABLE_ONSETS) + secrets.choice(SYLLABLE_VOWELS) for _ in range(2)
        )
        return syllables + secrets.choice(SYLLABLE_CODAS)

    return "-".join(word() for _ in range(3))


def _password_for(email: str, name: str) -> str:
    for _ in range(50):
        candidate = generate_password()
        try:
            check_password_policy(candidate, [email, name, "engage"])
        except WeakPassword:
            continue
        return candidate
    raise RuntimeError("Could not generate a password that meets the policy.")


def ensure_user(session: Session, email: str, name: str, role: Role) -> tuple[User, str]:
    password = _password_for(email, name)
    user = auth_services.get_user_by_email(session, email)
    if user is None:
        user = auth_services.create_user(
            session, email=email, name=name, password=password, role=role
        )
    else:
        auth_services.set_password(session, user, password)
    return user, password


# ---------------------------------------------------------------- surveys


def _find_survey(session: Session, title: str) -> Survey | None:
    return session.scalars(select(Survey).where(Survey.title == title).order_by(Survey.id)).first()


def _create_survey(
    session: Session, plan: Plan, title: str, officer_id: int, today: date
) -> Survey:
    starter = services.load_starter(plan.starter)
    survey = services.create_survey(
        session,
        services.SurveySettings(
            title=title,
            introduction=str(starter.get("introduction", "")),
            audience=str(starter.get("audience", plan.starter)),
            areas=" ".join(plan.areas),
            age_min=plan.age_min,
            age_max=plan.age_max,
            opens_on=today - timedelta(days=OPENED_DAYS_AGO),
            closes_on=today + timedelta(days=CLOSES_IN_DAYS),
        ),
        created_by_id=officer_id,
        starter=plan.starter,
    )
    existing = {c.name for c in survey.channels}
    for name in plan.reach:
        if name not in existing:
            services.add_channel(session, survey, name)
    if plan.starter == "young_people":
        # The youth survey is offered in every shipped language (all drafts, so a real
        # survey adds them one by one on its translations page once checked).
        set_languages(session, survey, list(LANGUAGES))
    services.set_status(session, survey, "open")
    session.flush()
    return survey
