"""A survey's own words, and their translations, by stable string id.

Every string an officer writes for respondents has an id that stays the same
while the survey lives and when it is copied (question keys and option codes,
never database ids, except for sections, which have no key):

    survey.title            survey.introduction       survey.thank_you
    section.<position>.title                          section.<position>.intro
    question.<key>.text     question.<key>.hint       question.<key>.option.<code>
    channel.<code>.welcome

The respondent flow renders through ``Texts``: the translation in the chosen
language where one exists, the source text otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.surveys.models import Channel, ContentTranslation, Option, Question, Section, Survey


def survey_key(field_name: str) -> str:
    return f"survey.{field_name}"


def section_key(section: Section, field_name: str) -> str:
    return f"section.{section.position}.{field_name}"


def question_key(question: Question, field_name: str) -> str:
    return f"question.{question.key}.{field_name}"


def option_key(question: Question, option: Option) -> str:
    return f"question.{question.key}.option.{option.code}"


def channel_key(channel: Channel) -> str:
    return f"channel.{channel.code}.welcome"


def source_hash(text: str) -> str:
    """A short fingerprint of the source text a translation was made from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Texts:
    """A survey's strings in one language, falling back to the source text."""

    language: str
    translated: Mapping[str, str] = field(default_factory=dict)

    def get(self, key: str, source: str) -> str:
        return self.translated.get(key) or source


def load_texts(session: Session, survey: Survey, language: str) -> Texts:
    """The survey's translations into ``language`` (empty for its source language)."""
    rows = session.execute(
        select(ContentTranslation.key, ContentTranslation.text).where(
            ContentTranslation.survey_id == survey.id, ContentTranslation.language == language
        )
    )
    return Texts(language=language, translated={key: text for key, text in rows})
