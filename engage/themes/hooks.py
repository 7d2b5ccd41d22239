"""What themes plugs into surveys (registered in ``engage/hooks.py``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engage.surveys.answer_translations import Translated
from engage.surveys.models import Question
from engage.themes.model import refresh_answer


def refresh_answer_step(session: Session, translated: Translated) -> None:
    """Coding reads the translation where there is one: a new, changed or removed
    translation redoes that answer's machine suggestions straight away."""
    question = session.get(Question, translated.question_id)
    if question is not None:
        refresh_answer(session, question, translated.answer_id)
