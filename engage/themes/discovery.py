"""Discovery: topics and phrases in the answers the codebook does not cover yet,
and a topic promoted to a theme whose seed terms are the topic's terms.

Representative answers are redacted before they reach the page.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engage.analysis.discovery import MIN_TEXTS, collocations, discover_topics
from engage.analysis.redaction import redact_text
from engage.errors import InvalidInput
from engage.surveys.models import Question, Survey
from engage.themes.answers import answer_frame, assignments_for, best_codes, text_questions
from engage.themes.codebook import ThemeFields, add_theme, list_themes
from engage.themes.models import CodeAssignment, CodeStatus, Theme

# A pending suggestion at or above this counts as a theme for discovery: a phrase or
# two different seed words (0.8, 0.84), not one seed word on its own (0.6).
CONFIDENT = 0.7


@dataclass
class TopicView:
    number: int
    terms: list[str]
    size: int
    examples: list[str]
    suggested_name: str


@dataclass
class Discovery:
    question: Question
    questions: list[Question]
    considered: int
    topics: list[TopicView]
    phrases: list[tuple[str, str]]
    minimum: int


def discovery_texts(session: Session, question: Question) -> list[str]:
    """Answers no theme fits confidently, and answers coded "Other"."""
    themes = {t.id: t for t in list_themes(session)}
    frame = answer_frame(session, question)
    per_answer: dict[uuid.UUID, list[CodeAssignment]] = {}
    for assignment in assignments_for(session, list(frame["answer_id"])):
        per_answer.setdefault(assignment.answer_id, []).append(assignment)
    chosen = []
    for answer_id, text in zip(frame["answer_id"], frame["text"], strict=True):
        keys = set()
        for a in best_codes(per_answer.get(answer_id, [])):
            confident = a.status == CodeStatus.ACCEPTED.value or (
                a.status == CodeStatus.SUGGESTED.value and (a.confidence or 0.0) >= CONFIDENT
            )
            if confident and a.theme_id in themes:
                keys.add(themes[a.theme_id].key)
        if "no_codable_content" in keys:
            continue
        if not keys - {"other"}:
            chosen.append(str(text))
    return chosen


def build_discovery(
    session: Session, survey: Survey, question: Question, *, local_names: Sequence[str]
) -> Discovery:
    texts = discovery_texts(session, question)
    topics = discover_topics(texts)
    views = [
        TopicView(
            number=n,
            terms=list(topic.terms),
            size=topic.size,
            examples=[redact_text(texts[i], local_names=local_names) for i in topic.representative],
            suggested_name=" and ".join(topic.terms[:2]).capitalize(),
        )
        for n, topic in enumerate(topics, start=1)
    ]
    phrases = [(phrase, f"{score:.1f}") for phrase, score in collocations(texts)]
    return Discovery(
        question=question,
        questions=text_questions(survey),
        considered=len(texts),
        topics=views,
        phrases=phrases,
        minimum=MIN_TEXTS,
    )


def promote_topic(
    session: Session, *, name: str, terms: Sequence[str], definition: str = ""
) -> Theme:
    """A discovered topic becomes a theme whose seed terms are the topic's terms."""
    seeds = [t.strip() for t in terms if t.strip()]
    if not seeds:
        raise InvalidInput("Choose at least one term to use as a seed.")
    text = definition.strip() or (
        "Found by topic discovery in answers no theme fitted; seed terms: " + ", ".join(seeds)
    )
    return add_theme(session, ThemeFields(name=name, definition=text, seeds="\n".join(seeds)))
