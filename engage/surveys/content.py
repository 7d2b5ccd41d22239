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
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.surveys.models import (
    SOURCE_LANGUAGE,
    Channel,
    ContentTranslation,
    Option,
    Question,
    Section,
    Survey,
)


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


# ---------------------------------------------------------------- what there is to translate

# ``{name}`` placeholders a translation must keep (a format field, never translated).
PLACEHOLDER_RE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER_RE.findall(text))


@dataclass(frozen=True)
class SourceString:
    """One string of a survey's own words in its source language."""

    key: str
    text: str
    # Required strings (title, page titles, question texts, option labels) must be
    # translated before the survey opens in a language; the rest fall back to the source.
    required: bool
    # Where the string appears, for a translator who cannot see the page.
    context: str

    @property
    def hash(self) -> str:
        return source_hash(self.text)


def source_strings(survey: Survey) -> list[SourceString]:
    """Every translatable string of the survey, in the order a respondent meets them.

    Empty optional texts (no hint, no welcome) have nothing to translate and are left out.
    """
    found: list[SourceString] = []

    def add(key: str, text: str, required: bool, context: str) -> None:
        if text.strip():
            found.append(SourceString(key, text, required, context))

    add(survey_key("title"), survey.title, True, "Survey title")
    add(survey_key("introduction"), survey.introduction, False, "Start page introduction")
    for channel in survey.channels:
        add(channel_key(channel), channel.welcome, False, f"Welcome for link '{channel.name}'")
    for section in survey.sections:
        page = f"Page {section.position + 1}"
        add(section_key(section, "title"), section.title, True, f"{page} title")
        add(section_key(section, "intro"), section.intro, False, f"{page} text at the top")
        for question in section.questions:
            where = f"{page}, question '{question.key}'"
            add(question_key(question, "text"), question.text, True, f"{where}: the question")
            add(question_key(question, "hint"), question.hint, False, f"{where}: hint")
            for option in question.options:
                add(
                    option_key(question, option),
                    option.label,
                    True,
                    f"{where}: answer option '{option.code}'",
                )
    add(survey_key("thank_you"), survey.thank_you, False, "Thank-you page message")
    return found


def language_codes(survey: Survey) -> list[str]:
    """The survey's languages in order; the first is its source language."""
    return [language.code for language in survey.languages] or [SOURCE_LANGUAGE]


def missing_required(survey: Survey) -> dict[str, list[SourceString]]:
    """For each offered language but the source, the required strings it has no text for."""
    strings = [s for s in source_strings(survey) if s.required]
    done: dict[str, set[str]] = {}
    for row in survey.translations:
        if row.text.strip():
            done.setdefault(row.language, set()).add(row.key)
    missing = {}
    for code in language_codes(survey)[1:]:
        gaps = [s for s in strings if s.key not in done.get(code, set())]
        if gaps:
            missing[code] = gaps
    return missing


def copy_translations(
    source: Survey, copy: Survey, channel_codes: Mapping[str, str]
) -> list[ContentTranslation]:
    """The source survey's translations for its copy.

    Keys are stable across copies except a channel's welcome, which is keyed by the
    channel's code: a copy's channels get new codes, given here as old -> new.
    """
    copied = []
    for row in source.translations:
        key = row.key
        if key.startswith("channel."):
            old = key.split(".")[1]
            if old not in channel_codes:
                continue
            key = f"channel.{channel_codes[old]}.welcome"
        copied.append(
            ContentTranslation(
                key=key, language=row.language, text=row.text, source_hash=row.source_hash
            )
        )
    copy.translations.extend(copied)
    return copied
