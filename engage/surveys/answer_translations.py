"""Translations of written answers, kept beside the answer as it was written.

An officer, analyst or the safeguarding lead adds a translation of an answer given
in another language. The answer itself is never changed: the translation is its own
row, with the language the answer was written in and who translated it. What reads
free text (coding, discovery, safeguarding triage) uses the translation where there
is one.

A translation added, changed or removed runs the steps registered in
``engage/hooks.py`` (safeguarding triages the new text, themes redoes the answer's
machine suggestions), in the caller's transaction. Surveys does not know what the
steps are.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.errors import InvalidInput
from engage.i18n import EASY_READ, SOURCE
from engage.surveys.models import Answer, AnswerTranslation, Response

TRANSLATION_STEPS = "engage.translation_steps"
MAX_TRANSLATION = 10_000
# Easy read is English: the English-only triage and coding understand it.
ENGLISH = frozenset({SOURCE, EASY_READ})


def is_english(language: str | None) -> bool:
    """Whether text in this language is read by the English-only tools as it stands."""
    return (language or SOURCE).strip().lower() in ENGLISH


@dataclass(frozen=True)
class Translated:
    """An answer whose translation was just added, changed (``text``) or removed (None)."""

    answer_id: uuid.UUID
    survey_id: int
    question_id: int
    language: str
    text: str | None
    on: date


TranslationStep = Callable[[Session, Translated], None]


@dataclass(frozen=True)
class TranslationSteps:
    steps: tuple[tuple[str, TranslationStep], ...] = ()

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.steps]

    def run(self, session: Session, translated: Translated) -> None:
        for _, step in self.steps:
            step(session, translated)


def get_translation(session: Session, answer_id: uuid.UUID) -> AnswerTranslation | None:
    return session.get(AnswerTranslation, answer_id)


def translations_for(
    session: Session, answer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AnswerTranslation]:
    found: dict[uuid.UUID, AnswerTranslation] = {}
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        for row in session.scalars(
            select(AnswerTranslation).where(
                AnswerTranslation.answer_id.in_(ids[start : start + 500])
            )
        ):
            found[row.answer_id] = row
    return found


def answer_language(session: Session, answer: Answer) -> str:
    """The language the answer was written in: its response's."""
    language = session.scalar(select(Response.language).where(Response.id == answer.response_id))
    return language or SOURCE


def clean_translation(raw: str) -> str:
    text = raw.replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput("Write the translation, or remove it.")
    if len(text) > MAX_TRANSLATION:
        raise InvalidInput(f"Keep the translation to {MAX_TRANSLATION:,} characters or fewer.")
    return text


def save_translation(
    session: Session,
    steps: TranslationSteps,
    answer: Answer,
    survey_id: int,
    raw: str,
    *,
    translated_by_id: int | None,
    on: date,
) -> AnswerTranslation:
    """Add or replace the translation of a written answer; the answer stays as written."""
    if answer.text_value is None:
        raise InvalidInput("This answer has no text to translate.")
    text = clean_translation(raw)
    language = answer_language(session, answer)
    translation = session.get(AnswerTranslation, answer.id)
    if translation is None:
        translation = AnswerTranslation(answer_id=answer.id, language=language, text=text)
        session.add(translation)
    else:
        translation.text = text
        translation.language = language
        translation.created_at = datetime.now(UTC)
    translation.translated_by_id = translated_by_id
    session.flush()
    steps.run(session, _translated(answer, survey_id, language, text, on))
    return translation


def remove_translation(
    session: Session, steps: TranslationSteps, answer: Answer, survey_id: int, *, on: date
) -> bool:
    """Remove an answer's translation; False if it had none."""
    translation = session.get(AnswerTranslation, answer.id)
    if translation is None:
        return False
    language = translation.language
    session.delete(translation)
    session.flush()
    steps.run(session, _translated(answer, survey_id, language, None, on))
    return True


def _translated(
    answer: Answer, survey_id: int, language: str, text: str | None, on: date
) -> Translated:
    return Translated(
        answer_id=answer.id,
        survey_id=survey_id,
        question_id=answer.question_id,
        language=language,
        text=text,
        on=on,
    )
