"""The codebook in the database, code suggestions and decisions, training, blind samples.

Services take a session and plain values, flush when they need ids and never
commit: the view commits once. The analysis itself (seed matching, the model,
agreement) lives in ``engage.analysis``; this module only feeds it rows.
"""

from __future__ import annotations

import logging
import math
import random
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engage.analysis import codebook as cb
from engage.analysis import coding
from engage.auth.models import User
from engage.auth.roles import READERS
from engage.errors import InvalidInput, NotFound
from engage.surveys.models import Answer, Kind, Question, Response, Survey
from engage.themes.models import (
    BlindSample,
    BlindSampleItem,
    CodeAssignment,
    Codebook,
    CodeStatus,
    Source,
    SuggestionState,
    Theme,
    TrainedModel,
)

log = logging.getLogger(__name__)

CODEBOOK_NAME = "Partnership codebook"
MIN_POSITIVES = 20  # a theme needs this many confirmed answers before the model predicts it
RETRAIN_AFTER = 50  # reviews since the last training that trigger a new one
# A training run happens inside a request: the newest 2,000 reviewed answers fit in
# about ten seconds with two dozen themes, well inside the 30-second worker timeout.
MAX_TRAINING_ANSWERS = 2000
REFRESH_BATCH = 1000  # answers whose suggestions are brought up to date per queue load
SEED_THRESHOLD = 0.5  # where a seed confidence is "uncertain" (for the review order)
MAX_REASONS = 500
MAX_FIELD = 4000
MAX_SAMPLE = 200
_KEY = re.compile(r"[^a-z0-9]+")


def human_coder(user_id: int) -> str:
    return f"user:{user_id}"


# ---------------------------------------------------------------- the codebook


def get_codebook(session: Session) -> Codebook:
    """The partnership codebook, created from the default codebook on first use."""
    book = session.scalar(select(Codebook).order_by(Codebook.id).limit(1))
    if book is not None:
        return book
    book = Codebook(name=CODEBOOK_NAME, version=1)
    session.add(book)
    _store_themes(session, cb.default_codebook())
    session.flush()
    return book


def seed_coder(book: Codebook) -> str:
    return f"seed:{book.version}"


def _bump(session: Session) -> None:
    get_codebook(session).version += 1


def list_themes(session: Session, *, active_only: bool = True) -> list[Theme]:
    get_codebook(session)
    query = select(Theme).order_by(Theme.position, Theme.id)
    if active_only:
        query = query.where(Theme.active.is_(True))
    return list(session.scalars(query).unique())


def get_theme(session: Session, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("There is no such theme.")
    return theme


def as_codebook(themes: Sequence[Theme]) -> list[cb.Theme]:
    """Database rows as the analysis modules' themes (parents outside the list dropped)."""
    keys = {t.key for t in themes}
    return [
        cb.Theme(
            key=t.key,
            name=t.name,
            definition=t.definition,
            include=t.include,
            exclude=t.exclude,
            examples=tuple(t.examples or ()),
            seeds=tuple(t.seeds or ()),
            parent=t.parent.key if t.parent is not None and t.parent.key in keys else None,
            version=t.version,
        )
        for t in themes
    ]


def _store_themes(session: Session, themes: Sequence[cb.Theme]) -> list[Theme]:
    """Insert or update themes by key; returns the rows in the given order."""
    existing = {t.key: t for t in session.scalars(select(Theme))}
    top = max((t.position for t in existing.values()), default=0)
    rows: list[Theme] = []
    for n, theme in enumerate(themes, start=1):
        row = existing.get(theme.key)
        if row is None:
            row = Theme(key=theme.key, version=theme.version, position=top + n)
            session.add(row)
            existing[theme.key] = row
        elif _differs(row, theme):
            row.version = max(row.version + 1, theme.version)
        row.name = theme.name
        row.definition = theme.definition
        row.include = theme.include
        row.exclude = theme.exclude
        row.examples = list(theme.examples)
        row.seeds = list(theme.seeds)
        row.active = True
        row.merged_into_id = None
        rows.append(row)
    session.flush()
    for row, theme in zip(rows, themes, strict=True):
        row.parent_id = existing[theme.parent].id if theme.parent else None
    return rows


def _differs(row: Theme, theme: cb.Theme) -> bool:
    return (
        row.name != theme.name
        or row.definition != theme.definition
        or row.include != theme.include
        or row.exclude != theme.exclude
        or list(row.examples or ()) != list(theme.examples)
        or list(row.seeds or ()) != list(theme.seeds)
        or (row.parent.key if row.parent else None) != theme.parent
        or not row.active
    )


@dataclass(frozen=True)
class ThemeFields:
    """What an officer types into the theme form. Lists are one item per line."""

    name: str
    definition: str
    include: str = ""
    exclude: str = ""
    examples: str = ""
    seeds: str = ""
    parent_id: str = ""


def _lines(text: str) -> list[str]:
    items = [line.strip() for line in text.replace("|", "\n").splitlines()]
    return [item for item in items if item]


def _check_fields(session: Session, fields: ThemeFields, theme: Theme | None) -> Theme | None:
    problems = []
    if not fields.name.strip():
        problems.append("Enter a name for the theme.")
    if not fields.definition.strip():
        problems.append("Enter a definition: what the theme covers.")
    for label, value in (
        ("name", fields.name),
        ("definition", fields.definition),
        ("what to include", fields.include),
        ("what to exclude", fields.exclude),
        ("examples", fields.examples),
        ("seed terms", fields.seeds),
    ):
        if len(value) > MAX_FIELD:
            problems.append(f"Keep the {label} to {MAX_FIELD:,} characters or fewer.")
    if len(fields.name.strip()) > 200:
        problems.append("Keep the name to 200 characters or fewer.")
    parent: Theme | None = None
    if fields.parent_id.strip():
        if not fields.parent_id.strip().isdigit():
            problems.append("Choose a parent theme from the list.")
        else:
            parent = session.get(Theme, int(fields.parent_id))
            if parent is None or not parent.active:
                problems.append("Choose a parent theme from the list.")
            elif theme is not None and _is_descendant(parent, theme):
                problems.append("A theme cannot sit under itself or one of its own sub-themes.")
    if problems:
        raise ThemeProblems(problems)
    return parent


def _is_descendant(candidate: Theme, ancestor: Theme) -> bool:
    seen: set[int] = set()
    node: Theme | None = candidate
    while node is not None and node.id not in seen:
        if node.id == ancestor.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


class ThemeProblems(InvalidInput):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def key_for(name: str, taken: Iterable[str]) -> str:
    """A snake_case key from a name, unique among ``taken``."""
    base = _KEY.sub("_", name.lower()).strip("_")[:50] or "theme"
    if not base[0].isalpha():
        base = f"theme_{base}"[:50]
    used = set(taken)
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    return key


def add_theme(session: Session, fields: ThemeFields) -> Theme:
    get_codebook(session)
    parent = _check_fields(session, fields, None)
    taken = session.scalars(select(Theme.key)).all()
    top = session.scalar(select(func.max(Theme.position))) or 0
    theme = Theme(
        key=key_for(fields.name, taken),
        name=fields.name.strip(),
        definition=fields.definition.strip(),
        include=fields.include.strip(),
        exclude=fields.exclude.strip(),
        examples=_lines(fields.examples),
        seeds=_lines(fields.seeds),
        parent_id=parent.id if parent else None,
        version=1,
        active=True,
        position=top + 1,
    )
    session.add(theme)
    _bump(session)
    session.flush()
    return theme


def update_theme(session: Session, theme: Theme, fields: ThemeFields) -> bool:
    """Edit (or rename) a theme; bumps its version when anything changed."""
    if not theme.active:
        raise InvalidInput("This theme was merged into another and can no longer be edited.")
    parent = _check_fields(session, fields, theme)
    new = {
        "name": fields.name.strip(),
        "definition": fields.definition.strip(),
        "include": fields.include.strip(),
        "exclude": fields.exclude.strip(),
        "examples": _lines(fields.examples),
        "seeds": _lines(fields.seeds),
        "parent_id": parent.id if parent else None,
    }
    if all(getattr(theme, name) == value for name, value in new.items()):
        return False
    for name, value in new.items():
        setattr(theme, name, value)
    theme.version += 1
    _bump(session)
    return True


_PRECEDENCE = {CodeStatus.ACCEPTED.value: 0, CodeStatus.REJECTED.value: 1}


def merge_themes(session: Session, source: Theme, target: Theme) -> int:
    """Merge ``source`` into ``target``: its codes, seeds, examples and sub-themes move.

    Where an answer then holds two codes from the same coder, one is kept:
    accepted over rejected over suggested (what was said about the narrower
    theme holds for the merged one). Returns the number of codes moved.
    """
    if source.id == target.id:
        raise InvalidInput("Choose two different themes to merge.")
    if not source.active or not target.active:
        raise InvalidInput("Only current themes can be merged.")
    moved = list(
        session.scalars(select(CodeAssignment).where(CodeAssignment.theme_id == source.id))
    )
    kept = {
        (a.answer_id, a.coder, a.sample_id): a
        for a in session.scalars(select(CodeAssignment).where(CodeAssignment.theme_id == target.id))
    }
    for assignment in moved:
        key = (assignment.answer_id, assignment.coder, assignment.sample_id)
        other = kept.get(key)
        if other is None:
            assignment.theme_id = target.id
            kept[key] = assignment
            continue
        if _PRECEDENCE.get(assignment.status, 2) < _PRECEDENCE.get(other.status, 2):
            session.delete(other)
            assignment.theme_id = target.id
            kept[key] = assignment
        else:
            session.delete(assignment)
    for child in session.scalars(select(Theme).where(Theme.parent_id == source.id)):
        child.parent_id = None if child.id == target.id else target.id
    target.seeds = _union(target.seeds, source.seeds)
    target.examples = _union(target.examples, source.examples)
    target.version += 1
    source.active = False
    source.merged_into_id = target.id
    _bump(session)
    session.flush()
    return len(moved)


def _union(first: Sequence[str] | None, second: Sequence[str] | None) -> list[str]:
    seen: dict[str, None] = {}
    for item in [*(first or ()), *(second or ())]:
        seen.setdefault(item, None)
    return list(seen)


def import_codebook(session: Session, text: str) -> tuple[int, int]:
    """Add or update themes from a CSV; all or nothing. Returns (added, updated).

    Raises ``cb.CodebookError`` listing every problem (nothing is stored then).
    Themes missing from the file are left as they are.
    """
    themes = cb.codebook_from_csv(text)
    get_codebook(session)
    before = {t.key: t.version for t in session.scalars(select(Theme))}
    rows = _store_themes(session, themes)
    added = sum(1 for r in rows if r.key not in before)
    updated = sum(1 for r in rows if r.key in before and r.version != before[r.key])
    if added or updated:
        _bump(session)
    return added, updated


def export_csv(session: Session) -> str:
    return cb.codebook_to_csv(as_codebook(list_themes(session)))


def export_qdc(session: Session) -> bytes:
    book = get_codebook(session)
    return cb.codebook_to_qdc(as_codebook(list_themes(session)), name=book.name)


# ---------------------------------------------------------------- answers


def text_questions(survey: Survey) -> list[Question]:
    return [q for q in survey.questions if q.kind == Kind.TEXT.value]


def get_text_question(survey: Survey, raw: str | None) -> Question:
    """The text question chosen by id, or the first one."""
    questions = text_questions(survey)
    if not questions:
        raise NotFound("This survey has no free-text questions to code.")
    if raw and raw.isdigit():
        for question in questions:
            if question.id == int(raw):
                return question
        raise NotFound("There is no such free-text question in this survey.")
    return questions[0]


def answer_frame(session: Session, question: Question) -> pd.DataFrame:
    """One row per non-empty answer: ``answer_id``, ``response_id``, ``channel_id``, ``text``."""
    rows = session.execute(
        select(Answer.id, Answer.response_id, Response.channel_id, Answer.text_value)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id == question.id, Answer.text_value.is_not(None))
        .order_by(Answer.id)
    ).all()
    frame = pd.DataFrame(rows, columns=["answer_id", "response_id", "channel_id", "text"])
    return frame[frame["text"].str.strip().astype(bool)].reset_index(drop=True)


def get_answer(session: Session, survey: Survey, answer_id: str) -> Answer:
    try:
        key = uuid.UUID(answer_id)
    except ValueError as exc:
        raise NotFound("There is no such answer.") from exc
    answer = session.get(Answer, key)
    if answer is None or answer.text_value is None:
        raise NotFound("There is no such answer.")
    question = session.get(Question, answer.question_id)
    if question is None or question.survey_id != survey.id:
        raise NotFound("There is no such answer.")
    return answer


def assignments_for(session: Session, answer_ids: Sequence[uuid.UUID]) -> list[CodeAssignment]:
    """Every code on these answers except blind double coding."""
    result: list[CodeAssignment] = []
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        result += session.scalars(
            select(CodeAssignment)
            .where(
                CodeAssignment.answer_id.in_(ids[start : start + 500]),
                CodeAssignment.source != Source.BLIND.value,
            )
            .order_by(CodeAssignment.id)
        ).unique()
    return result


# ---------------------------------------------------------------- suggestions


_model_cache: dict[str, coding.ThemeModel] = {}


def current_model(session: Session) -> TrainedModel | None:
    return session.scalar(select(TrainedModel).order_by(TrainedModel.id.desc()).limit(1))


def load_model(trained: TrainedModel) -> coding.ThemeModel:
    model = _model_cache.get(trained.version)
    if model is None:
        model = coding.ThemeModel.from_bytes(trained.blob)
        _model_cache.clear()  # one model in memory per process is enough
        _model_cache[trained.version] = model
    return model


def refresh_suggestions(session: Session, question: Question, *, force: bool = False) -> int:
    """Bring suggestions up to date for a question's answers; returns how many were redone.

    Answers with no suggestions yet, or suggested by an older codebook or model,
    are redone (all of them with ``force``), at most ``REFRESH_BATCH`` at a time:
    the rest follow the next time the queue opens.
    People's decisions are never touched: a theme someone accepted or rejected
    is not suggested again.
    """
    book = get_codebook(session)
    trained = current_model(session)
    if force:  # everything becomes stale; this call redoes the first batch
        ids = list(answer_frame(session, question)["answer_id"])
        for start in range(0, len(ids), 500):
            session.execute(
                delete(SuggestionState).where(
                    SuggestionState.answer_id.in_(ids[start : start + 500])
                )
            )
    frame = _stale(session, question).head(REFRESH_BATCH)
    if frame.empty:
        return 0
    suggest_codes(session, frame, book=book, trained=trained)
    return len(frame)


def _stale(session: Session, question: Question) -> pd.DataFrame:
    """Answers whose suggestions are missing or came from an older codebook or model."""
    version = session.scalar(select(Codebook.version).order_by(Codebook.id).limit(1))
    seed = f"seed:{version}"
    trained = current_model(session)
    model_name = trained.coder if trained is not None else None
    frame = answer_frame(session, question)
    if frame.empty:
        return frame
    states = dict(
        session.execute(
            select(SuggestionState.answer_id, SuggestionState.seed_coder)
            .join(Answer, Answer.id == SuggestionState.answer_id)
            .where(
                Answer.question_id == question.id,
                SuggestionState.model_coder.is_(None)
                if model_name is None
                else SuggestionState.model_coder == model_name,
            )
        ).all()
    )
    return frame[frame["answer_id"].map(lambda a: states.get(a) != seed)]


def suggest_codes(
    session: Session,
    frame: pd.DataFrame,
    *,
    book: Codebook,
    trained: TrainedModel | None,
) -> None:
    """Replace the pending machine suggestions on ``frame``'s answers (answer_id, text)."""
    themes = list_themes(session)
    by_key = {t.key: t for t in themes}
    ids = list(frame["answer_id"])
    texts = [str(t) for t in frame["text"]]
    for start in range(0, len(ids), 500):
        session.execute(
            delete(CodeAssignment).where(
                CodeAssignment.answer_id.in_(ids[start : start + 500]),
                CodeAssignment.status == CodeStatus.SUGGESTED.value,
                CodeAssignment.source.in_([Source.SEED.value, Source.MODEL.value]),
            )
        )
        session.execute(
            delete(SuggestionState).where(SuggestionState.answer_id.in_(ids[start : start + 500]))
        )
    decided = {
        (a.answer_id, a.theme_id)
        for a in assignments_for(session, ids)
        if a.status != CodeStatus.SUGGESTED.value
    }
    seeds = coding.suggest_by_seeds(texts, as_codebook(themes))
    model = load_model(trained) if trained is not None else None
    covered: set[str] = set(model.themes) & set(by_key) if model is not None else set()
    model_suggestions: list[list[coding.Suggestion]] = [[] for _ in texts]
    uncertainty = [_seed_uncertainty(s) for s in seeds]
    if model is not None and covered:
        model_suggestions = model.suggest(texts)
        uncertainty = _model_uncertainty(model, texts, covered, seeds)
    now = datetime.now(UTC)
    seed_name = seed_coder(book)
    model_name = trained.coder if trained is not None else None
    rows: list[CodeAssignment] = []
    for answer_id, from_seeds, from_model, doubt in zip(
        ids, seeds, model_suggestions, uncertainty, strict=True
    ):
        picked = [(s, Source.MODEL, model_name) for s in from_model if s.theme in covered]
        picked += [(s, Source.SEED, seed_name) for s in from_seeds if s.theme not in covered]
        for suggestion, source, coder in picked:
            theme = by_key.get(suggestion.theme)
            if theme is None or (answer_id, theme.id) in decided or coder is None:
                continue
            rows.append(
                CodeAssignment(
                    answer_id=answer_id,
                    theme_id=theme.id,
                    coder=coder,
                    source=source.value,
                    confidence=_clip(suggestion.confidence),
                    status=CodeStatus.SUGGESTED.value,
                    reasons="; ".join(suggestion.reasons)[:MAX_REASONS],
                    at=now,
                )
            )
        session.add(
            SuggestionState(
                answer_id=answer_id,
                seed_coder=seed_name,
                model_coder=model_name,
                uncertainty=doubt,
                at=now,
            )
        )
    session.add_all(rows)
    session.flush()


def _clip(value: float) -> float:
    if not math.isfinite(value):
        return 0.0
    return round(min(1.0, max(0.0, float(value))), 4)


def _closeness(confidence: float, threshold: float) -> float:
    """1 on the threshold, falling to 0 at 0 or 1 (whichever side is further)."""
    span = max(threshold, 1 - threshold) or 1.0
    return max(0.0, 1 - abs(confidence - threshold) / span)


def _seed_uncertainty(suggestions: Sequence[coding.Suggestion]) -> float:
    return max((_closeness(s.confidence, SEED_THRESHOLD) for s in suggestions), default=0.0)


def _model_uncertainty(
    model: coding.ThemeModel,
    texts: Sequence[str],
    covered: set[str],
    seeds: Sequence[Sequence[coding.Suggestion]],
) -> list[float]:
    probabilities = model.predict_proba(texts)
    result = []
    for n, seed_list in enumerate(seeds):
        row = probabilities.iloc[n]
        doubts = [
            _closeness(float(row[theme]), float(model.thresholds.get(theme, 0.5)))
            for theme in covered
            if theme in row.index
        ]
        doubts += [
            _closeness(s.confidence, SEED_THRESHOLD) for s in seed_list if s.theme not in covered
        ]
        result.append(round(max(doubts, default=0.0), 4))
    return result


def uncertainty_by_answer(
    session: Session, answer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, float]:
    result: dict[uuid.UUID, float] = {}
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        result.update(
            session.execute(
                select(SuggestionState.answer_id, SuggestionState.uncertainty).where(
                    SuggestionState.answer_id.in_(ids[start : start + 500])
                )
            ).all()
        )
    return result


def codebook_exists(session: Session) -> bool:
    return session.scalar(select(Codebook.id).limit(1)) is not None


def needs_refresh(session: Session, question: Question) -> bool:
    """Whether any answer lacks up-to-date suggestions (a read, before taking the write lock)."""
    if not codebook_exists(session):
        return True
    return not _stale(session, question).empty


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


# ---------------------------------------------------------------- training


def reviews_since_training(session: Session) -> int:
    """People's decisions (accept, reject, add) since the newest model was trained."""
    trained = current_model(session)
    query = (
        select(func.count())
        .select_from(CodeAssignment)
        .where(
            CodeAssignment.reviewer_id.is_not(None),
            CodeAssignment.source != Source.BLIND.value,
            CodeAssignment.status != CodeStatus.SUGGESTED.value,
        )
    )
    if trained is not None:
        query = query.where(CodeAssignment.at > trained.created_at)
    return int(session.scalar(query) or 0)


def training_data(session: Session) -> tuple[list[str], pd.DataFrame]:
    """Texts and 0/1 labels from people's decisions, newest reviewed answers first.

    An answer someone has reviewed counts as fully coded: its accepted themes
    are 1, every other current theme 0 (a rejected suggestion is an explicit 0).
    """
    themes = list_themes(session)
    key_of = {t.id: t.key for t in themes}
    reviewed = (
        select(CodeAssignment.answer_id, func.max(CodeAssignment.at).label("last"))
        .where(
            CodeAssignment.reviewer_id.is_not(None),
            CodeAssignment.source != Source.BLIND.value,
            CodeAssignment.status != CodeStatus.SUGGESTED.value,
        )
        .group_by(CodeAssignment.answer_id)
        .order_by(func.max(CodeAssignment.at).desc())
        .limit(MAX_TRAINING_ANSWERS)
        .subquery()
    )
    texts = dict(
        session.execute(
            select(Answer.id, Answer.text_value)
            .join(reviewed, reviewed.c.answer_id == Answer.id)
            .where(Answer.text_value.is_not(None))
        ).all()
    )
    accepted = session.execute(
        select(CodeAssignment.answer_id, CodeAssignment.theme_id)
        .join(reviewed, reviewed.c.answer_id == CodeAssignment.answer_id)
        .where(
            CodeAssignment.status == CodeStatus.ACCEPTED.value,
            CodeAssignment.source != Source.BLIND.value,
        )
    ).all()
    order = sorted(texts, key=str)
    labels = pd.DataFrame(0, index=pd.Index(order), columns=[t.key for t in themes], dtype="int64")
    for answer_id, theme_id in accepted:
        if answer_id in texts and theme_id in key_of:
            labels.loc[answer_id, key_of[theme_id]] = 1
    return [str(texts[a]) for a in order], labels.reset_index(drop=True)


def positives(labels: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in labels.sum(axis=0).items()}


class NotEnoughCodes(Exception):
    """No theme has ``MIN_POSITIVES`` answers people coded with it; ``themes`` has the counts."""

    def __init__(self, themes: dict[str, int]) -> None:
        super().__init__(f"no theme has {MIN_POSITIVES} confirmed answers")
        self.themes = themes


def fit_model(texts: Sequence[str], labels: pd.DataFrame) -> coding.ThemeModel:
    """Fit a model (seconds, not milliseconds: callers hold no write lock while it runs)."""
    counts = positives(labels)
    if not texts or max(counts.values(), default=0) < MIN_POSITIVES:
        raise NotEnoughCodes(counts)
    try:
        return coding.train_model(texts, labels, min_positives=MIN_POSITIVES)
    except coding.NotEnoughExamples as exc:
        raise NotEnoughCodes(dict(exc.themes)) from exc


def store_model(
    session: Session, model: coding.ThemeModel, *, created_by_id: int | None
) -> TrainedModel:
    """Store a fitted model; it becomes the coder of new suggestions."""
    trained = TrainedModel(
        version=model.version[:100],
        trained_on=model.trained_on,
        themes=list(model.themes),
        metrics={
            "scores": _json_safe(model.scores.to_dict(orient="index")),
            "skipped": {str(k): int(v) for k, v in model.skipped.items()},
            "thresholds": _json_safe(dict(model.thresholds)),
        },
        blob=model.to_bytes(),
        created_by_id=created_by_id,
        created_at=datetime.now(UTC),
    )
    if session.scalar(select(TrainedModel.id).where(TrainedModel.version == trained.version)):
        trained.version = f"{trained.version[:90]}-{secrets.token_hex(3)}"
    session.add(trained)
    session.flush()
    _model_cache.clear()
    _model_cache[trained.version] = model
    log.info("trained theme model %s on %d answers", trained.version, model.trained_on)
    return trained


def train(session: Session, *, created_by_id: int | None) -> TrainedModel:
    """Read, fit and store in one go (the CLI); raises ``NotEnoughCodes``."""
    texts, labels = training_data(session)
    return store_model(session, fit_model(texts, labels), created_by_id=created_by_id)


def retrain_due(session: Session) -> bool:
    """Enough reviews since the last training to train again."""
    return reviews_since_training(session) >= RETRAIN_AFTER


def _json_safe(value: Any) -> Any:
    """NaN and infinities become None: PostgreSQL's json type refuses them."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return _json_safe(value.item())
    return value


# ---------------------------------------------------------------- blind double coding


def coders(session: Session) -> list[User]:
    """Accounts that may code answers (officers and analysts)."""
    return list(
        session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_([r.value for r in READERS]))
            .order_by(User.name)
        )
    )


def create_sample(
    session: Session,
    survey: Survey,
    question: Question,
    *,
    first_coder_id: str,
    second_coder_id: str,
    size: str,
    created_by_id: int,
    rng: random.Random | None = None,
) -> BlindSample:
    allowed = {u.id for u in coders(session)}
    problems = []
    ids = []
    for raw, which in ((first_coder_id, "first"), (second_coder_id, "second")):
        if not raw.isdigit() or int(raw) not in allowed:
            problems.append(f"Choose the {which} coder (an officer or analyst).")
        else:
            ids.append(int(raw))
    if len(ids) == 2 and ids[0] == ids[1]:
        problems.append("Choose two different coders.")
    if not size.strip().isdigit() or not 2 <= int(size) <= MAX_SAMPLE:
        problems.append(f"Enter the sample size as a whole number from 2 to {MAX_SAMPLE}.")
    if problems:
        raise ThemeProblems(problems)
    frame = answer_frame(session, question)
    if len(frame) < 2:
        raise InvalidInput("This question needs at least two answers to sample.")
    picker = rng or random.SystemRandom()
    chosen = picker.sample(list(frame["answer_id"]), min(int(size), len(frame)))
    sample = BlindSample(
        survey_id=survey.id,
        question_id=question.id,
        first_coder_id=ids[0],
        second_coder_id=ids[1],
        created_by_id=created_by_id,
    )
    sample.items = [BlindSampleItem(answer_id=a, position=n) for n, a in enumerate(chosen)]
    session.add(sample)
    session.flush()
    return sample


def list_samples(session: Session, survey: Survey) -> list[BlindSample]:
    return list(
        session.scalars(
            select(BlindSample)
            .where(BlindSample.survey_id == survey.id)
            .order_by(BlindSample.id.desc())
        )
    )


def get_sample(session: Session, survey: Survey, sample_id: int) -> BlindSample:
    sample = session.get(BlindSample, sample_id)
    if sample is None or sample.survey_id != survey.id:
        raise NotFound("There is no such double-coding sample.")
    return sample


def blind_codes(session: Session, sample: BlindSample) -> dict[int, dict[uuid.UUID, set[str]]]:
    """coder id -> answer -> theme keys, for one sample."""
    result: dict[int, dict[uuid.UUID, set[str]]] = {}
    for assignment in session.scalars(
        select(CodeAssignment).where(CodeAssignment.sample_id == sample.id)
    ).unique():
        if assignment.reviewer_id is None:
            continue
        result.setdefault(assignment.reviewer_id, {}).setdefault(assignment.answer_id, set()).add(
            assignment.theme.key
        )
    return result


def save_blind_codes(
    session: Session,
    sample: BlindSample,
    coder_id: int,
    answer_id: str,
    theme_ids: Sequence[str],
) -> None:
    """Replace one coder's codes for one answer of the sample. At least one theme."""
    items = {str(item.answer_id): item.answer_id for item in sample.items}
    if answer_id not in items:
        raise NotFound("That answer is not in this sample.")
    active = {t.id: t for t in list_themes(session)}
    chosen = {int(t) for t in theme_ids if t.isdigit() and int(t) in active}
    if not chosen:
        raise InvalidInput(
            'Choose at least one theme. Use "No codable content" or "Other" when none fits.'
        )
    session.execute(
        delete(CodeAssignment).where(
            CodeAssignment.sample_id == sample.id,
            CodeAssignment.reviewer_id == coder_id,
            CodeAssignment.answer_id == items[answer_id],
        )
    )
    now = datetime.now(UTC)
    for theme_id in sorted(chosen):
        session.add(
            CodeAssignment(
                answer_id=items[answer_id],
                theme_id=theme_id,
                coder=human_coder(coder_id),
                source=Source.BLIND.value,
                confidence=None,
                status=CodeStatus.ACCEPTED.value,
                reasons="",
                reviewer_id=coder_id,
                sample_id=sample.id,
                at=now,
            )
        )
    session.flush()


def sample_progress(session: Session, sample: BlindSample) -> dict[int, int]:
    """Coder id -> number of sample answers they have coded."""
    counts: Counter[int] = Counter()
    for coder_id, items in blind_codes(session, sample).items():
        counts[coder_id] = len(items)
    return dict(counts)


def samples_in_progress_for(session: Session, survey: Survey, user_id: int) -> set[uuid.UUID]:
    """Answers in unfinished samples this person is coding: hidden from their review queue
    so the suggestions and other people's codes there cannot steer their blind codes."""
    hidden: set[uuid.UUID] = set()
    for sample in list_samples(session, survey):
        if user_id not in (sample.first_coder_id, sample.second_coder_id):
            continue
        progress = sample_progress(session, sample)
        done = all(
            progress.get(c, 0) >= len(sample.items)
            for c in (sample.first_coder_id, sample.second_coder_id)
            if c is not None
        )
        if not done:
            hidden |= {item.answer_id for item in sample.items}
    return hidden


# ---------------------------------------------------------------- discovery


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
