"""The machine coder: code suggestions from seed terms and the trained model, and
training that model on what people decided.

Suggestions are kept up to date per answer (``SuggestionState`` records which
codebook and model made them); people's decisions are never overwritten. The
fitting itself lives in ``engage.analysis.coding``; this module only feeds it rows.
"""

from __future__ import annotations

import logging
import math
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engage.analysis import coding
from engage.surveys.models import Answer, AnswerTranslation, Question
from engage.themes.answers import answer_frame, assignments_for
from engage.themes.codebook import (
    as_codebook,
    codebook_exists,
    get_codebook,
    list_themes,
    seed_coder,
)
from engage.themes.models import (
    CodeAssignment,
    Codebook,
    CodeStatus,
    Source,
    SuggestionState,
    TrainedModel,
)

log = logging.getLogger(__name__)

MIN_POSITIVES = 20  # a theme needs this many confirmed answers before the model predicts it
RETRAIN_AFTER = 50  # reviews since the last training that trigger a new one
# A training run happens inside a request: the newest 2,000 reviewed answers fit in
# about ten seconds with two dozen themes, well inside the 30-second worker timeout.
MAX_TRAINING_ANSWERS = 2000
REFRESH_BATCH = 1000  # answers whose suggestions are brought up to date per queue load
SEED_THRESHOLD = 0.5  # where a seed confidence is "uncertain" (for the review order)
MAX_REASONS = 500


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


def refresh_answer(session: Session, question: Question, answer_id: uuid.UUID) -> bool:
    """Redo one answer's machine suggestions now (its translation changed); people's
    decisions stay. False if the answer is not a non-empty written answer to ``question``."""
    frame = answer_frame(session, question)
    frame = frame[frame["answer_id"] == answer_id]
    if frame.empty:
        return False
    suggest_codes(session, frame, book=get_codebook(session), trained=current_model(session))
    return True


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


def needs_refresh(session: Session, question: Question) -> bool:
    """Whether any answer lacks up-to-date suggestions (a read, before taking the write lock)."""
    if not codebook_exists(session):
        return True
    return not _stale(session, question).empty


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
    # The translation where there is one: the model, like the seed terms, reads English.
    texts = dict(
        session.execute(
            select(Answer.id, func.coalesce(AnswerTranslation.text, Answer.text_value))
            .join(reviewed, reviewed.c.answer_id == Answer.id)
            .outerjoin(AnswerTranslation, AnswerTranslation.answer_id == Answer.id)
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
