"""Reliability: how far the codes can be trusted.

Two people code the same random sample blind (neither sees suggestions or the
other's codes); their agreement is reported per theme (Cohen's kappa) and overall
(Krippendorff's alpha), beside the trained model's scores and how often people
accepted each kind of suggestion. Answer text shown here is redacted.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engage.analysis import agreement
from engage.analysis.redaction import redact_text
from engage.auth.models import User
from engage.auth.roles import READERS
from engage.errors import InvalidInput, NotFound
from engage.surveys.models import Answer, Question, Survey
from engage.themes.answers import (
    SOURCE_LABELS,
    answer_frame,
    assignments_for,
    human_coder,
    percent,
    text_questions,
)
from engage.themes.codebook import ThemeProblems, list_themes, theme_options
from engage.themes.model import current_model
from engage.themes.models import (
    BlindSample,
    BlindSampleItem,
    CodeAssignment,
    CodeStatus,
    Source,
)

MAX_SAMPLE = 200


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


# ---------------------------------------------------------------- the reliability page


@dataclass
class SampleView:
    id: int
    question: str
    first: str
    second: str
    first_id: int | None
    second_id: int | None
    size: int
    progress: list[tuple[str, int]]
    complete: bool
    alpha: str = ""
    kappas: list[dict[str, str]] = field(default_factory=list)
    disagreements: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Reliability:
    model_version: str | None
    model_trained_on: int
    model_created: str
    model_rows: list[dict[str, str]]
    skipped: list[tuple[str, int]]
    in_use: list[dict[str, str]]
    samples: list[SampleView]
    coders: list[tuple[int, str]]
    questions: list[Question]


def _number(value: object, pattern: str = "{:.2f}") -> str:
    if value is None:
        return "–"
    number = float(value)  # type: ignore[arg-type]
    return "–" if math.isnan(number) else pattern.format(number)


def build_reliability(
    session: Session, survey: Survey, *, local_names: Sequence[str]
) -> Reliability:
    themes = list_themes(session, active_only=False)
    names = {t.key: t.name for t in themes}
    name_by_id = {t.id: t.name for t in themes}
    trained = current_model(session)
    rows: list[dict[str, str]] = []
    skipped: list[tuple[str, int]] = []
    if trained is not None:
        scores = trained.metrics.get("scores", {})
        for key, score in scores.items():
            rows.append(
                {
                    "theme": names.get(key, key),
                    "precision": _number(score.get("precision")),
                    "recall": _number(score.get("recall")),
                    "f1": _number(score.get("f1")),
                    "support": _number(score.get("support"), "{:,.0f}"),
                }
            )
        skipped = [(names.get(k, k), int(v)) for k, v in trained.metrics.get("skipped", {}).items()]
    in_use = _in_use(session, survey, name_by_id)
    users = {u.id: u.name for u in coders(session)}
    samples = [
        _sample_view(session, sample, users, names, local_names)
        for sample in list_samples(session, survey)
    ]
    return Reliability(
        model_version=trained.version if trained else None,
        model_trained_on=trained.trained_on if trained else 0,
        model_created=trained.created_at.strftime("%-d %B %Y %H:%M") if trained else "",
        model_rows=rows,
        skipped=skipped,
        in_use=in_use,
        samples=samples,
        coders=sorted(users.items(), key=lambda item: item[1]),
        questions=text_questions(survey),
    )


def _in_use(session: Session, survey: Survey, names: dict[int, str]) -> list[dict[str, str]]:
    """Per theme and kind of suggestion: how many people accepted or rejected."""
    counts: dict[tuple[int, str], list[int]] = {}
    for question in text_questions(survey):
        frame = answer_frame(session, question)
        for a in assignments_for(session, list(frame["answer_id"])):
            if a.source not in (Source.SEED.value, Source.MODEL.value) or a.reviewer_id is None:
                continue
            pair = counts.setdefault((a.theme_id, a.source), [0, 0])
            pair[0 if a.status == CodeStatus.ACCEPTED.value else 1] += 1
    result = []
    for (theme_id, source), (accepted, rejected) in sorted(
        counts.items(), key=lambda item: (names.get(item[0][0], ""), item[0][1])
    ):
        result.append(
            {
                "theme": names.get(theme_id, "?"),
                "source": SOURCE_LABELS[source],
                "accepted": f"{accepted:,}",
                "rejected": f"{rejected:,}",
                "precision": percent(accepted / (accepted + rejected)),
            }
        )
    return result


def _sample_view(
    session: Session,
    sample: BlindSample,
    users: dict[int, str],
    names: dict[str, str],
    local_names: Sequence[str],
) -> SampleView:
    question = session.get(Question, sample.question_id)
    codes = blind_codes(session, sample)
    coder_ids = [c for c in (sample.first_coder_id, sample.second_coder_id) if c is not None]
    items = [item.answer_id for item in sample.items]
    progress = [(users.get(c, "a former account"), len(codes.get(c, {}))) for c in coder_ids]
    complete = len(coder_ids) == 2 and all(len(codes.get(c, {})) >= len(items) for c in coder_ids)
    view = SampleView(
        id=sample.id,
        question=question.text if question else "",
        first=users.get(sample.first_coder_id or 0, "a former account"),
        second=users.get(sample.second_coder_id or 0, "a former account"),
        first_id=sample.first_coder_id,
        second_id=sample.second_coder_id,
        size=len(items),
        progress=progress,
        complete=complete,
    )
    if not complete:
        return view
    first_codes, second_codes = codes[coder_ids[0]], codes[coder_ids[1]]
    used = sorted({k for c in (first_codes, second_codes) for s in c.values() for k in s})
    index = [str(a) for a in items]

    def matrix(chosen: dict[uuid.UUID, set[str]]) -> pd.DataFrame:
        return pd.DataFrame(
            [[int(k in chosen.get(a, set())) for k in used] for a in items],
            index=index,
            columns=used,
        )

    first, second = matrix(first_codes), matrix(second_codes)
    kappas = agreement.kappa_per_theme(first, second)
    view.kappas = [
        {
            "theme": names.get(str(key), str(key)),
            "kappa": _number(row.kappa) if not math.isnan(row.kappa) else "not enough use to judge",
            "agreement": percent(row.agreement),
            "first": f"{int(row.n_first)}",
            "second": f"{int(row.n_second)}",
        }
        for key, row in kappas.iterrows()
    ]
    view.alpha = _number(
        agreement.krippendorff_alpha(
            {
                "first": {str(a): frozenset(first_codes.get(a, set())) for a in items},
                "second": {str(a): frozenset(second_codes.get(a, set())) for a in items},
            }
        )
    )
    texts = {str(item.answer_id): item_text(session, item.answer_id) for item in sample.items}
    for record in agreement.disagreements(first, second).itertuples(index=False):
        view.disagreements.append(
            {
                "answer": redact_text(texts.get(str(record.item), ""), local_names=local_names),
                "theme": names.get(str(record.theme), str(record.theme)),
                "first": "yes" if record.first else "no",
                "second": "yes" if record.second else "no",
            }
        )
    return view


def item_text(session: Session, answer_id: uuid.UUID) -> str:
    answer = session.get(Answer, answer_id)
    return (answer.text_value or "") if answer else ""


# ---------------------------------------------------------------- the blind coding page


@dataclass
class BlindItem:
    sample: SampleView
    answer_id: str
    text: str
    position: int
    size: int
    chosen: set[int]
    theme_options: list[tuple[int, str]]
    definitions: dict[int, str]
    done: int
    next_position: int | None


def build_blind_item(
    session: Session, survey: Survey, sample: BlindSample, coder_id: int, position: int | None
) -> BlindItem:
    """One answer of the sample with only this coder's own codes: nobody else's, no
    suggestions, so the two codings stay independent."""
    themes = list_themes(session)
    codes = blind_codes(session, sample).get(coder_id, {})
    items = list(sample.items)
    if position is None or not 0 <= position < len(items):
        position = next((n for n, item in enumerate(items) if item.answer_id not in codes), 0)
    item = items[position]
    key_to_id = {t.key: t.id for t in themes}
    following = [
        n
        for n in list(range(position + 1, len(items))) + list(range(position))
        if items[n].answer_id not in codes
    ]
    users = {u.id: u.name for u in coders(session)}
    return BlindItem(
        sample=SampleView(
            id=sample.id,
            question="",
            first=users.get(sample.first_coder_id or 0, ""),
            second=users.get(sample.second_coder_id or 0, ""),
            first_id=sample.first_coder_id,
            second_id=sample.second_coder_id,
            size=len(items),
            progress=[],
            complete=False,
        ),
        answer_id=str(item.answer_id),
        text=item_text(session, item.answer_id),
        position=position,
        size=len(items),
        chosen={key_to_id[k] for k in codes.get(item.answer_id, set()) if k in key_to_id},
        theme_options=theme_options(themes),
        definitions={t.id: t.definition for t in themes},
        done=len(codes),
        next_position=following[0] if following else None,
    )
