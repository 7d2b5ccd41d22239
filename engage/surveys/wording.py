"""A survey's own words as one respondent reads them: the chosen language, else the source.

Templates ask this for every string an officer wrote (titles, questions, hints,
options, welcomes), so translations stored through ``engage.surveys.content``
appear wherever they exist and the source text fills every gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from engage.i18n import LANGUAGES, Language
from engage.surveys.content import (
    Texts,
    option_key,
    question_key,
    section_key,
    survey_key,
)
from engage.surveys.models import Option, Question, Section, Survey


class HasCode(Protocol):
    @property
    def code(self) -> str: ...


@dataclass(frozen=True)
class Wording:
    texts: Texts

    def title(self, survey: Survey) -> str:
        return self.texts.get(survey_key("title"), survey.title)

    def introduction(self, survey: Survey) -> list[str]:
        text = self.texts.get(survey_key("introduction"), survey.introduction)
        return [para for para in text.split("\n") if para.strip()]

    def thank_you(self, survey: Survey) -> str:
        return self.texts.get(survey_key("thank_you"), survey.thank_you)

    def section_title(self, section: Section) -> str:
        return self.texts.get(section_key(section, "title"), section.title)

    def section_intro(self, section: Section) -> str:
        return self.texts.get(section_key(section, "intro"), section.intro)

    def question(self, question: Question) -> str:
        return self.texts.get(question_key(question, "text"), question.text)

    def hint(self, question: Question) -> str:
        return self.texts.get(question_key(question, "hint"), question.hint or "")

    def option(self, question: Question, option: Option) -> str:
        return self.texts.get(option_key(question, option), option.label)

    def welcome(self, channel: HasCode, source: str) -> str:
        # The key content.channel_key gives a Channel, for the ChannelRef the flow carries.
        return self.texts.get(f"channel.{channel.code}.welcome", source)


def survey_languages(survey: Survey) -> list[Language]:
    """The survey's shipped languages in its order (first = source)."""
    found = [LANGUAGES[lang.code] for lang in survey.languages if lang.code in LANGUAGES]
    return found or [LANGUAGES["en"]]
