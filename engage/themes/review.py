"""The review queue: people accept, reject and add codes, one answer card at a time.

The queue orders answers by how useful reviewing them is next, filters by theme,
group, channel and language, and hides answers in a blind sample the reviewer is
still coding. Decisions record who made them; the suggestion's coder is kept.
An answer in another language shows as written (with its language and direction)
and, below it, its translation, which is what the coders read.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import pandas as pd
from nltk.stem.snowball import SnowballStemmer
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.errors import InvalidInput, NotFound
from engage.i18n import SOURCE, get_language
from engage.surveys.answer_translations import get_translation
from engage.surveys.models import Answer, Question, Response, Survey
from engage.themes.answers import (
    DIMENSIONS,
    NOT_KNOWN,
    PREFER_NOT,
    SOURCE_LABELS,
    answer_frame,
    assignments_for,
    best_codes,
    get_answer,
    human_coder,
    percent,
    respondent_group_frame,
    text_questions,
)
from engage.themes.codebook import list_themes, quick_themes, theme_options
from engage.themes.model import (
    RETRAIN_AFTER,
    current_model,
    reviews_since_training,
    uncertainty_by_answer,
)
from engage.themes.models import CodeAssignment, CodeStatus, Source, Theme
from engage.themes.reliability import samples_in_progress_for

PAGE_SIZE = 20


# ---------------------------------------------------------------- decisions


def get_assignment(session: Session, survey: Survey, assignment_id: int) -> CodeAssignment:
    assignment = session.get(CodeAssignment, assignment_id)
    if assignment is None or assignment.source == Source.BLIND.value:
        raise NotFound("There is no such code.")
    get_answer(session, survey, str(assignment.answer_id))
    return assignment


def decide(session: Session, assignment: CodeAssignment, status: str, reviewer_id: int) -> None:
    if status not in (CodeStatus.ACCEPTED.value, CodeStatus.REJECTED.value):
        raise InvalidInput("Accept or reject the code.")
    assignment.status = status
    assignment.reviewer_id = reviewer_id
    assignment.at = datetime.now(UTC)


def add_code(session: Session, answer: Answer, theme: Theme, reviewer_id: int) -> CodeAssignment:
    """A person codes an answer to a theme (or accepts an earlier code of it)."""
    if not theme.active:
        raise InvalidInput("Choose a current theme from the codebook.")
    existing = [a for a in assignments_for(session, [answer.id]) if a.theme_id == theme.id]
    if existing:
        chosen = existing[0]
        decide(session, chosen, CodeStatus.ACCEPTED.value, reviewer_id)
        for other in existing[1:]:
            if other.status == CodeStatus.SUGGESTED.value:
                decide(session, other, CodeStatus.ACCEPTED.value, reviewer_id)
        return chosen
    assignment = CodeAssignment(
        answer_id=answer.id,
        theme_id=theme.id,
        coder=human_coder(reviewer_id),
        source=Source.HUMAN.value,
        confidence=None,
        status=CodeStatus.ACCEPTED.value,
        reasons="",
        reviewer_id=reviewer_id,
        at=datetime.now(UTC),
    )
    session.add(assignment)
    session.flush()
    return assignment


def decide_all(session: Session, answer: Answer, status: str, reviewer_id: int) -> int:
    """Accept or reject every pending suggestion on an answer."""
    pending = [
        a for a in assignments_for(session, [answer.id]) if a.status == CodeStatus.SUGGESTED.value
    ]
    for assignment in pending:
        decide(session, assignment, status, reviewer_id)
    return len(pending)


def parse_confidence(raw: str) -> float:
    """A confidence typed as a percentage ("80", "80%") or a fraction ("0.8")."""
    text = raw.strip().rstrip("%").strip()
    try:
        value = float(text)
    except ValueError as exc:
        raise InvalidInput("Enter the confidence as a percentage, like 80.") from exc
    if not math.isfinite(value) or value < 0 or value > 100:
        raise InvalidInput("Enter the confidence as a percentage from 0 to 100.")
    if value > 1 or "%" in raw or text.isdigit():
        value /= 100
    return value


def bulk_accept(
    session: Session,
    question: Question,
    minimum: float,
    reviewer_id: int,
    *,
    theme_id: int | None = None,
) -> int:
    """Accept every pending suggestion on a question at or above a confidence."""
    query = (
        select(CodeAssignment)
        .join(Answer, Answer.id == CodeAssignment.answer_id)
        .where(
            Answer.question_id == question.id,
            CodeAssignment.status == CodeStatus.SUGGESTED.value,
            CodeAssignment.source != Source.BLIND.value,
            CodeAssignment.confidence >= minimum - 1e-9,
        )
    )
    if theme_id is not None:
        query = query.where(CodeAssignment.theme_id == theme_id)
    chosen = list(session.scalars(query).unique())
    for assignment in chosen:
        decide(session, assignment, CodeStatus.ACCEPTED.value, reviewer_id)
    return len(chosen)


# ---------------------------------------------------------------- the queue


@dataclass
class CodeView:
    id: int
    theme_id: int
    name: str
    status: str
    source: str
    confidence: str
    reasons: list[str]
    number: int


@dataclass
class Card:
    answer_id: str
    pieces: list[tuple[str, bool]]
    codes: list[CodeView]
    reviewed: bool
    pending: int
    about: str
    language: str = SOURCE  # the code, for the text's lang attribute
    language_name: str = "English"
    direction: str = "ltr"
    # The officer's translation, cut like ``pieces`` (trigger words are found in it).
    translation: list[tuple[str, bool]] | None = None
    translation_text: str = ""


@dataclass
class QueueFilters:
    theme: int | None = None
    group: str = ""  # "dimension:value"
    channel: int | None = None
    language: str = ""
    show: str = "all"  # all | todo | reviewed
    order: str = "useful"  # useful | random
    page: int = 1

    def query(self, **changes: Any) -> dict[str, Any]:
        values = {
            "theme": self.theme,
            "group": self.group,
            "channel": self.channel,
            "language": self.language,
            "show": self.show,
            "order": self.order,
            "page": self.page,
        } | changes
        return {k: v for k, v in values.items() if v not in (None, "", "all", "useful", 1)}


@dataclass
class Queue:
    question: Question
    questions: list[Question]
    cards: list[Card]
    filters: QueueFilters
    total: int
    shown: int
    reviewed: int
    pending: int
    pages: int
    theme_options: list[tuple[int, str]]
    quick: list[tuple[int, str, str]]
    group_options: list[tuple[str, str]]
    channel_options: list[tuple[int, str]]
    language_options: list[tuple[str, str]]
    model_version: str | None
    reviews_since_training: int
    retrain_after: int
    hidden_for_blind: int


def parse_filters(args: Any) -> QueueFilters:
    def number(name: str) -> int | None:
        raw = str(args.get(name, "") or "")
        return int(raw) if raw.isdigit() else None

    show = str(args.get("show", "all"))
    order = str(args.get("order", "useful"))
    return QueueFilters(
        theme=number("theme"),
        group=str(args.get("group", "") or "")[:200],
        channel=number("channel"),
        language=str(args.get("language", "") or "").strip().lower()[:16],
        show=show if show in ("all", "todo", "reviewed") else "all",
        order=order if order in ("useful", "random") else "useful",
        page=max(1, number("page") or 1),
    )


def _code_views(assignments: Sequence[CodeAssignment], order: dict[int, int]) -> list[CodeView]:
    best = sorted(
        best_codes(assignments),
        key=lambda a: (
            a.status == CodeStatus.REJECTED.value,
            -(a.confidence or 0.0) if a.status == CodeStatus.SUGGESTED.value else 0.0,
            order.get(a.theme_id, 0),
        ),
    )
    return [
        CodeView(
            id=a.id,
            theme_id=a.theme_id,
            name=a.theme.name,
            status=a.status,
            source=SOURCE_LABELS.get(a.source, a.source),
            confidence=percent(a.confidence) if a.confidence is not None else "",
            reasons=[r for r in a.reasons.split("; ") if r] if a.reasons else [],
            number=n,
        )
        for n, a in enumerate(best, start=1)
    ]


def language_name(code: str) -> str:
    language = get_language(code)
    return language.english_name if language else code


def _card(
    answer_id: uuid.UUID,
    text: str,
    assignments: Sequence[CodeAssignment],
    order: dict[int, int],
    about: str,
    *,
    language: str = SOURCE,
    translation: str | None = None,
) -> Card:
    codes = _code_views(assignments, order)
    triggers = [r for c in codes if c.status != CodeStatus.REJECTED.value for r in c.reasons]
    known = get_language(language)
    return Card(
        answer_id=str(answer_id),
        # The coders read the translation, so their trigger words are marked there.
        pieces=highlight(text, [] if translation else triggers),
        codes=codes,
        reviewed=any(a.reviewer_id is not None for a in assignments),
        pending=sum(1 for c in codes if c.status == CodeStatus.SUGGESTED.value),
        about=about,
        language=language,
        language_name=language_name(language),
        # An unknown code: let the browser find the direction from the text itself.
        direction=known.direction if known else "auto",
        translation=highlight(translation, triggers) if translation else None,
        translation_text=translation or "",
    )


def _about(groups: pd.DataFrame, response_id: uuid.UUID) -> str:
    if response_id not in groups.index:
        return ""
    # A one-label list: pandas-stubs does not count a UUID as a row label.
    row = groups.loc[[response_id]].iloc[0]
    parts = [str(row[d]) for d in ("age_band", "sex", "ethnic_group", "channel")]
    return " · ".join(p for p in parts if p not in (NOT_KNOWN, PREFER_NOT))


def build_queue(
    session: Session, survey: Survey, question: Question, filters: QueueFilters, user_id: int
) -> Queue:
    themes = list_themes(session)
    order = {t.id: t.position for t in themes}
    frame = answer_frame(session, question)
    hidden = samples_in_progress_for(session, survey, user_id)
    hidden_count = int(frame["answer_id"].isin(hidden).sum()) if hidden else 0
    if hidden:
        frame = frame[~frame["answer_id"].isin(hidden)]
    assignments = assignments_for(session, list(frame["answer_id"]))
    by_answer: dict[uuid.UUID, list[CodeAssignment]] = {}
    for assignment in assignments:
        by_answer.setdefault(assignment.answer_id, []).append(assignment)
    groups, _, _ = respondent_group_frame(session, survey)
    states = uncertainty_by_answer(session, list(frame["answer_id"]))

    def reviewed(answer_id: uuid.UUID) -> bool:
        return any(a.reviewer_id is not None for a in by_answer.get(answer_id, []))

    total = len(frame)
    reviewed_count = sum(1 for a in frame["answer_id"] if reviewed(a))
    pending_count = sum(1 for a in assignments if a.status == CodeStatus.SUGGESTED.value)
    keep = pd.Series(True, index=frame.index)
    if filters.theme is not None:
        keep &= frame["answer_id"].map(
            lambda a: any(
                x.theme_id == filters.theme and x.status != CodeStatus.REJECTED.value
                for x in by_answer.get(a, [])
            )
        )
    if filters.channel is not None:
        keep &= frame["channel_id"] == filters.channel
    if filters.language:
        keep &= frame["language"] == filters.language
    if filters.group and ":" in filters.group:
        dimension, value = filters.group.split(":", 1)
        if dimension in groups.columns:
            wanted = set(groups.index[groups[dimension].astype(str) == value])
            keep &= frame["response_id"].isin(wanted)
    if filters.show == "todo":
        keep &= ~frame["answer_id"].map(reviewed)
    elif filters.show == "reviewed":
        keep &= frame["answer_id"].map(reviewed)
    chosen = frame[keep]
    if filters.order == "useful":
        # Most useful next: not yet reviewed, then nothing suggested (uncoded), then
        # the suggestions the coders are least sure of.
        keys = chosen["answer_id"].map(
            lambda a: (
                reviewed(a),
                any(x.status == CodeStatus.SUGGESTED.value for x in by_answer.get(a, [])),
                -states.get(a, 0.0),
                str(a),
            )
        )
        chosen = chosen.loc[keys.sort_values().index]
    pages = max(1, math.ceil(len(chosen) / PAGE_SIZE))
    filters.page = min(filters.page, pages)
    page = chosen.iloc[(filters.page - 1) * PAGE_SIZE : filters.page * PAGE_SIZE]
    cards = [
        _card(
            answer_id,
            original,
            by_answer.get(answer_id, []),
            order,
            _about(groups, response_id),
            language=language,
            translation=translation if isinstance(translation, str) else None,
        )
        for answer_id, original, response_id, language, translation in zip(
            page["answer_id"],
            page["original"],
            page["response_id"],
            page["language"],
            page["translation"],
            strict=True,
        )
    ]
    group_options = [
        (f"{d}:{v}", f"{label}: {v}")
        for d, label in DIMENSIONS
        if d != "audience" and d in groups.columns
        for v in sorted({str(x) for x in groups[d]})
    ]
    trained = current_model(session)
    return Queue(
        question=question,
        questions=text_questions(survey),
        cards=cards,
        filters=filters,
        total=total,
        shown=len(chosen),
        reviewed=reviewed_count,
        pending=pending_count,
        pages=pages,
        theme_options=theme_options(themes),
        quick=quick_themes(themes),
        group_options=group_options,
        channel_options=[(c.id, c.name) for c in survey.channels],
        language_options=sorted(
            ((str(code), language_name(str(code))) for code in set(frame["language"])),
            key=lambda option: (option[0] != SOURCE, option[1]),
        ),
        model_version=trained.version if trained else None,
        reviews_since_training=reviews_since_training(session),
        retrain_after=RETRAIN_AFTER,
        hidden_for_blind=hidden_count,
    )


def build_card(session: Session, survey: Survey, answer_id: uuid.UUID) -> Card:
    answer = get_answer(session, survey, str(answer_id))
    themes = list_themes(session)
    groups, _, _ = respondent_group_frame(session, survey)
    translation = get_translation(session, answer.id)
    language = session.scalar(select(Response.language).where(Response.id == answer.response_id))
    return _card(
        answer.id,
        answer.text_value or "",
        assignments_for(session, [answer.id]),
        {t.id: t.position for t in themes},
        _about(groups, answer.response_id),
        language=language or SOURCE,
        translation=translation.text if translation else None,
    )


# ---------------------------------------------------------------- trigger words


@lru_cache(maxsize=1)
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


def _stem(word: str) -> str:
    return str(_stemmer().stem(word.lower().replace("’", "'")))


def highlight(text: str, phrases: Iterable[str]) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_trigger) so a template can mark trigger words.

    Words match on their stems ("scared" marks "scary"), phrases word by word.
    """
    tokens = [(m.start(), m.end(), _stem(m.group())) for m in _TOKEN.finditer(text)]
    marked = [False] * len(tokens)
    for phrase in phrases:
        wanted = [_stem(w) for w in _TOKEN.findall(phrase)]
        if not wanted:
            continue
        for start in range(len(tokens) - len(wanted) + 1):
            if all(tokens[start + i][2] == w for i, w in enumerate(wanted)):
                for i in range(len(wanted)):
                    marked[start + i] = True
    pieces: list[tuple[str, bool]] = []
    position = 0
    n = 0
    while n < len(tokens):
        if not marked[n]:
            n += 1
            continue
        first = n
        while n + 1 < len(tokens) and marked[n + 1]:
            n += 1
        start, end = tokens[first][0], tokens[n][1]
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
        n += 1
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


# ---------------------------------------------------------------- progress per question


@dataclass
class QuestionProgress:
    question: Question
    answers: int
    reviewed: int
    pending: int


def build_hub(session: Session, survey: Survey) -> list[QuestionProgress]:
    result = []
    for question in text_questions(survey):
        frame = answer_frame(session, question)
        assignments = assignments_for(session, list(frame["answer_id"]))
        result.append(
            QuestionProgress(
                question=question,
                answers=len(frame),
                reviewed=len({a.answer_id for a in assignments if a.reviewer_id is not None}),
                pending=sum(1 for a in assignments if a.status == CodeStatus.SUGGESTED.value),
            )
        )
    return result
