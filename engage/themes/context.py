"""Context builders for the themes pages: the review queue, summaries, reliability,
discovery and the codebook. Each returns what its template shows, ready to print.

Counts on the summaries page go through ``suppress_counts`` here, before anything
reaches a template; answer text leaves the officer role only redacted.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd
from nltk.stem.snowball import SnowballStemmer  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from engage.analysis import agreement, discovery, prevalence
from engage.analysis.codebook import SPECIAL_KEYS
from engage.analysis.redaction import redact_text
from engage.analysis.suppression import suppress_counts
from engage.charts import prevalence_chart
from engage.population.mapping import broad_ethnic_groups
from engage.reach.context import respondent_groups
from engage.surveys.models import Answer, Question, Survey
from engage.themes import services
from engage.themes.models import BlindSample, CodeAssignment, CodeStatus, Source, Theme

PAGE_SIZE = 20
# A pending suggestion at or above this counts as a theme for discovery: a phrase or
# two different seed words (0.8, 0.84), not one seed word on its own (0.6).
CONFIDENT = 0.7
NOT_KNOWN = "Not known"
PREFER_NOT = "Prefer not to say"
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("audience", "Audience"),
    ("age_band", "Age band"),
    ("sex", "Sex"),
    ("ethnic_group", "Ethnic group"),
    ("area", "Area"),
    ("channel", "Channel"),
)
SOURCE_LABELS = {
    Source.SEED.value: "seed terms",
    Source.MODEL.value: "model",
    Source.HUMAN.value: "added by a person",
    Source.BLIND.value: "blind coding",
}
CO_OCCURRENCE_THEMES = 10


# ---------------------------------------------------------------- shared helpers


def theme_options(themes: Sequence[Theme]) -> list[tuple[int, str]]:
    """(id, label) in codebook order, sub-themes indented under their parent."""
    children: dict[int | None, list[Theme]] = {}
    ids = {t.id for t in themes}
    for theme in themes:
        parent = theme.parent_id if theme.parent_id in ids else None
        children.setdefault(parent, []).append(theme)
    result: list[tuple[int, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for theme in children.get(parent, []):
            result.append((theme.id, "\u2003" * depth + theme.name))
            if depth < 10:
                walk(theme.id, depth + 1)

    walk(None, 0)
    return result


def quick_themes(themes: Sequence[Theme]) -> list[tuple[int, str, str]]:
    """(id, name, key) of the themes every answer can fall back on, for one-click buttons."""
    by_key = {t.key: t for t in themes}
    return [(by_key[k].id, by_key[k].name, k) for k in SPECIAL_KEYS if k in by_key]


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


def respondent_group_frame(
    session: Session, survey: Survey
) -> tuple[pd.DataFrame, pd.Series | None, str]:
    """Groups per response (index: response id; a column per dimension) and weights."""
    frame, mapped, weights, note = respondent_groups(session, survey)
    index = pd.Index(list(frame["response_id"]) if "response_id" in frame else [])
    groups = pd.DataFrame(index=index)
    groups["audience"] = survey.audience_enum.label
    broad = broad_ethnic_groups()
    for column, source in (("age_band", "age"), ("sex", "sex"), ("ethnic_group", "ethnic_group")):
        if source in mapped.columns and len(mapped) == len(frame):
            values = pd.Series(mapped[source].to_numpy(dtype="object"), index=index)
            if column == "ethnic_group":
                values = values.map(lambda v: broad.get(v, v) if isinstance(v, str) else v)
        elif source in frame.columns and source != "age":
            question = next((q for q in survey.questions if q.demographic == source), None)
            values = pd.Series(frame[source].to_numpy(dtype="object"), index=index)
            if question is not None:
                values = values.map(
                    lambda v, q=question: q.option_label(v) if isinstance(v, str) else v
                )
        else:
            values = pd.Series(pd.NA, index=index, dtype="object")
        groups[column] = values
    area_question = next((q for q in survey.questions if q.demographic == "area"), None)
    if "area" in frame.columns and area_question is not None:
        groups["area"] = [
            area_question.option_label(v) if isinstance(v, str) else pd.NA for v in frame["area"]
        ]
    else:
        groups["area"] = pd.NA
    groups["channel"] = list(frame["channel"]) if "channel" in frame else pd.NA
    groups = groups.astype("object").where(groups.notna(), NOT_KNOWN)
    if weights is not None and len(weights) == len(frame):
        weights = pd.Series(weights.to_numpy(dtype="float64"), index=index, name="weight")
    else:
        weights = None
    return groups, weights, note


def _percent(value: float | None, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{decimals}f}%"


# ---------------------------------------------------------------- review queue


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


@dataclass
class QueueFilters:
    theme: int | None = None
    group: str = ""  # "dimension:value"
    channel: int | None = None
    show: str = "all"  # all | todo | reviewed
    order: str = "useful"  # useful | random
    page: int = 1

    def query(self, **changes: Any) -> dict[str, Any]:
        values = {
            "theme": self.theme,
            "group": self.group,
            "channel": self.channel,
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
        show=show if show in ("all", "todo", "reviewed") else "all",
        order=order if order in ("useful", "random") else "useful",
        page=max(1, number("page") or 1),
    )


def _best(assignments: Sequence[CodeAssignment]) -> list[CodeAssignment]:
    """One code per theme: what people decided wins over a pending suggestion."""
    rank = {CodeStatus.ACCEPTED.value: 0, CodeStatus.REJECTED.value: 1}
    chosen: dict[int, CodeAssignment] = {}
    for assignment in assignments:
        current = chosen.get(assignment.theme_id)
        if current is None or (rank.get(assignment.status, 2), -assignment.id) < (
            rank.get(current.status, 2),
            -current.id,
        ):
            chosen[assignment.theme_id] = assignment
    return list(chosen.values())


def _code_views(assignments: Sequence[CodeAssignment], order: dict[int, int]) -> list[CodeView]:
    best = sorted(
        _best(assignments),
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
            confidence=_percent(a.confidence) if a.confidence is not None else "",
            reasons=[r for r in a.reasons.split("; ") if r] if a.reasons else [],
            number=n,
        )
        for n, a in enumerate(best, start=1)
    ]


def _card(
    answer_id: uuid.UUID,
    text: str,
    assignments: Sequence[CodeAssignment],
    order: dict[int, int],
    about: str,
) -> Card:
    codes = _code_views(assignments, order)
    triggers = [r for c in codes if c.status != CodeStatus.REJECTED.value for r in c.reasons]
    return Card(
        answer_id=str(answer_id),
        pieces=highlight(text, triggers),
        codes=codes,
        reviewed=any(a.reviewer_id is not None for a in assignments),
        pending=sum(1 for c in codes if c.status == CodeStatus.SUGGESTED.value),
        about=about,
    )


def _about(groups: pd.DataFrame, response_id: uuid.UUID) -> str:
    if response_id not in groups.index:
        return ""
    row = groups.loc[response_id]
    parts = [str(row[d]) for d in ("age_band", "sex", "ethnic_group", "channel")]
    return " · ".join(p for p in parts if p not in (NOT_KNOWN, PREFER_NOT))


def build_queue(
    session: Session, survey: Survey, question: Question, filters: QueueFilters, user_id: int
) -> Queue:
    themes = services.list_themes(session)
    order = {t.id: t.position for t in themes}
    frame = services.answer_frame(session, question)
    hidden = services.samples_in_progress_for(session, survey, user_id)
    hidden_count = int(frame["answer_id"].isin(hidden).sum()) if hidden else 0
    if hidden:
        frame = frame[~frame["answer_id"].isin(hidden)]
    assignments = services.assignments_for(session, list(frame["answer_id"]))
    by_answer: dict[uuid.UUID, list[CodeAssignment]] = {}
    for assignment in assignments:
        by_answer.setdefault(assignment.answer_id, []).append(assignment)
    groups, _, _ = respondent_group_frame(session, survey)
    states = services.uncertainty_by_answer(session, list(frame["answer_id"]))

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
            row.answer_id,
            row.text,
            by_answer.get(row.answer_id, []),
            order,
            _about(groups, row.response_id),
        )
        for row in page.itertuples(index=False)
    ]
    group_options = [
        (f"{d}:{v}", f"{label}: {v}")
        for d, label in DIMENSIONS
        if d != "audience" and d in groups.columns
        for v in sorted({str(x) for x in groups[d]})
    ]
    trained = services.current_model(session)
    return Queue(
        question=question,
        questions=services.text_questions(survey),
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
        model_version=trained.version if trained else None,
        reviews_since_training=services.reviews_since_training(session),
        retrain_after=services.RETRAIN_AFTER,
        hidden_for_blind=hidden_count,
    )


def build_card(session: Session, survey: Survey, answer_id: uuid.UUID) -> Card:
    answer = services.get_answer(session, survey, str(answer_id))
    themes = services.list_themes(session)
    groups, _, _ = respondent_group_frame(session, survey)
    return _card(
        answer.id,
        answer.text_value or "",
        services.assignments_for(session, [answer.id]),
        {t.id: t.position for t in themes},
        _about(groups, answer.response_id),
    )


# ---------------------------------------------------------------- coded answers


def coded_frame(
    session: Session, question: Question, *, confirmed_only: bool
) -> tuple[pd.DataFrame, pd.Series, list[Theme]]:
    """One row per answer (index: response id), one 0/1 column per theme key.

    Current codes: accepted, or suggested and not rejected. With ``confirmed_only``
    only what people accepted, and answers nobody has reviewed are left out
    (a missing row, so they are not counted as "did not mention").
    """
    themes = services.list_themes(session)
    by_id = {t.id: t for t in themes}
    frame = services.answer_frame(session, question)
    index = pd.Index(list(frame["response_id"]))
    coded = pd.DataFrame(0.0, index=index, columns=[t.key for t in themes])
    texts = pd.Series(list(frame["text"]), index=index, dtype="object")
    response_of = dict(zip(frame["answer_id"], frame["response_id"], strict=True))
    reviewed: set[uuid.UUID] = set()
    per_answer: dict[uuid.UUID, list[CodeAssignment]] = {}
    for assignment in services.assignments_for(session, list(frame["answer_id"])):
        per_answer.setdefault(assignment.answer_id, []).append(assignment)
        if assignment.reviewer_id is not None:
            reviewed.add(assignment.answer_id)
    for answer_id, items in per_answer.items():
        for assignment in _best(items):
            theme = by_id.get(assignment.theme_id)
            if theme is None:
                continue
            on = assignment.status == CodeStatus.ACCEPTED.value or (
                not confirmed_only and assignment.status == CodeStatus.SUGGESTED.value
            )
            if on:
                coded.loc[response_of[answer_id], theme.key] = 1.0
    if confirmed_only:
        unreviewed = [response_of[a] for a in frame["answer_id"] if a not in reviewed]
        coded.loc[unreviewed, :] = math.nan
    return coded, texts, themes


# ---------------------------------------------------------------- summaries


@dataclass
class Cell:
    count: str
    share: str
    interval: str
    weighted: str


@dataclass
class DimensionTable:
    name: str
    label: str
    groups: list[str]
    bases: list[str]
    rows: list[tuple[str, list[Cell], Cell]]  # theme name, cell per group, all


@dataclass
class Summary:
    question: Question
    questions: list[Question]
    basis: str
    answered: str
    reviewed: int
    total: int
    overall: list[tuple[str, Cell]]
    chart: str
    dimensions: list[DimensionTable]
    co_themes: list[str]
    co_rows: list[tuple[str, list[str]]]
    tone: list[dict[str, str]]
    weighting_note: str
    weighted: bool
    threshold: int
    single_groups: list[tuple[str, str]] = field(default_factory=list)


def _mask_one(n: int, threshold: int) -> str:
    safe = suppress_counts(
        pd.Series([n], name="n"), threshold=threshold, column_totals=False, percent_of=None
    )
    return str(safe.display_counts().iloc[0, 0])


def build_summary(
    session: Session,
    survey: Survey,
    question: Question,
    *,
    threshold: int,
    confirmed_only: bool,
) -> Summary:
    coded, texts, themes = coded_frame(session, question, confirmed_only=confirmed_only)
    names = {t.key: t.name for t in themes}
    groups, weights, note = respondent_group_frame(session, survey)
    answered_rows = coded.dropna(how="all")
    used = [k for k in coded.columns if answered_rows[k].sum() > 0]
    coded = coded[used]
    total = len(texts)
    reviewed = int(coded.notna().any(axis=1).sum()) if confirmed_only else total
    summary = Summary(
        question=question,
        questions=services.text_questions(survey),
        basis="confirmed" if confirmed_only else "current",
        answered=_mask_one(len(answered_rows), threshold),
        reviewed=reviewed,
        total=total,
        overall=[],
        chart="",
        dimensions=[],
        co_themes=[],
        co_rows=[],
        tone=[],
        weighting_note=note if weights is not None else "",
        weighted=weights is not None,
        threshold=threshold,
    )
    if not used or answered_rows.empty:
        return summary
    aligned_groups = groups.reindex(coded.index).fillna(NOT_KNOWN)
    aligned_weights = weights.reindex(coded.index).fillna(1.0) if weights is not None else None
    table = prevalence.theme_prevalence(coded, aligned_groups, weights=aligned_weights)
    overall = table[table["dimension"] == prevalence.ALL].set_index("theme")
    base = int(overall["n_answered"].iloc[0]) if len(overall) else 0
    overall_counts = suppress_counts(
        overall["n_theme"].rename("n"), threshold=threshold, column_totals=False, percent_of=None
    )
    shown_counts = overall_counts.display_counts()["n"]
    chart_rows: list[tuple[str, float | None, float | None, float | None]] = []
    order = overall.sort_values("n_theme", ascending=False).index
    for key in order:
        row = overall.loc[key]
        visible = not bool(overall_counts.withheld.loc[key, "n"]) and base >= threshold
        cell = _cell(row, str(shown_counts[key]), visible, aligned_weights is not None)
        summary.overall.append((names[key], cell))
        chart_rows.append(
            (
                names[key],
                float(row["share"]) * 100 if visible else None,
                float(row["ci_low"]) * 100 if visible else None,
                float(row["ci_high"]) * 100 if visible else None,
            )
        )
    summary.chart = prevalence_chart(
        [r[0] for r in chart_rows],
        [r[1] for r in chart_rows],
        [r[2] for r in chart_rows],
        [r[3] for r in chart_rows],
        title="Share of people who answered who mentioned each theme",
    )
    for dimension, label in DIMENSIONS:
        present = aligned_groups[dimension].unique()
        if len(present) < 2:  # one group: the table would repeat the overall figures
            summary.single_groups.append((label, str(present[0]) if len(present) else NOT_KNOWN))
            continue
        summary.dimensions.append(
            _dimension_table(
                table, dimension, label, list(order), names, threshold, aligned_weights is not None
            )
        )
    top = list(order[:CO_OCCURRENCE_THEMES])
    summary.co_themes = [names[k] for k in top]
    co = prevalence.co_occurrence(answered_rows[top].astype("int64"))
    co_safe = suppress_counts(
        co, threshold=threshold, row_totals=False, column_totals=False, percent_of=None
    )
    co_shown = co_safe.display_counts()
    summary.co_rows = [(names[k], [str(co_shown.loc[k, c]) for c in top]) for k in top]
    tone = prevalence.tone_by_theme(texts, answered_rows.astype("int64"))
    for record in tone.set_index("theme").loc[list(order)].itertuples():
        n = int(record.n)
        enough = n >= threshold
        summary.tone.append(
            {
                "theme": names[str(record.Index)],
                "n": _mask_one(n, threshold),
                "mean": f"{record.mean_compound:+.2f}" if enough else "–",
                "negative": _percent(record.share_negative) if enough else "–",
                "positive": _percent(record.share_positive) if enough else "–",
            }
        )
    return summary


def _cell(row: pd.Series, count: str, visible: bool, weighted: bool) -> Cell:
    if not visible:
        return Cell(count=count, share="–", interval="", weighted="–" if weighted else "")
    return Cell(
        count=count,
        share=_percent(float(row["share"])),
        interval=f"{row['ci_low'] * 100:.0f}–{row['ci_high'] * 100:.0f}%",
        weighted=_percent(float(row["weighted_share"])) if weighted else "",
    )


def _dimension_table(
    table: pd.DataFrame,
    dimension: str,
    label: str,
    order: list[str],
    names: dict[str, str],
    threshold: int,
    weighted: bool,
) -> DimensionTable:
    rows = table[table["dimension"] == dimension]
    groups = list(dict.fromkeys(rows["group"]))
    counts = (
        rows.pivot(index="theme", columns="group", values="n_theme")
        .reindex(index=order, columns=groups)
        .fillna(0)
    )
    # Row totals are the everyone column: the groups cover every answer ("Not known"
    # included), so publishing totals beside the cells is what the equations assume.
    safe = suppress_counts(
        counts, threshold=threshold, row_totals=True, column_totals=False, percent_of=None
    )
    shown = safe.display_counts()
    bases = rows.drop_duplicates("group").set_index("group")["n_answered"].reindex(groups)
    base_safe = suppress_counts(bases.rename("n"), threshold=threshold, percent_of=None)
    base_shown = base_safe.display_counts()["n"]
    indexed = rows.set_index(["theme", "group"])
    result_rows = []
    for key in order:
        cells = []
        for group in groups:
            visible = (
                not bool(safe.withheld.loc[key, group])
                and not bool(base_safe.withheld.loc[group, "n"])
                and int(bases[group]) >= threshold
            )
            cells.append(
                _cell(indexed.loc[(key, group)], str(shown.loc[key, group]), visible, weighted)
            )
        everyone = Cell(count=str(shown.loc[key, "Total"]), share="", interval="", weighted="")
        result_rows.append((names[key], cells, everyone))
    return DimensionTable(
        name=dimension,
        label=label,
        groups=[str(g) for g in groups],
        bases=[str(base_shown[g]) for g in groups],
        rows=result_rows,
    )


# ---------------------------------------------------------------- reliability


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
    themes = services.list_themes(session, active_only=False)
    names = {t.key: t.name for t in themes}
    name_by_id = {t.id: t.name for t in themes}
    trained = services.current_model(session)
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
    users = {u.id: u.name for u in services.coders(session)}
    samples = [
        _sample_view(session, sample, users, names, local_names)
        for sample in services.list_samples(session, survey)
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
        questions=services.text_questions(survey),
    )


def _in_use(session: Session, survey: Survey, names: dict[int, str]) -> list[dict[str, str]]:
    """Per theme and kind of suggestion: how many people accepted or rejected."""
    counts: dict[tuple[int, str], list[int]] = {}
    for question in services.text_questions(survey):
        frame = services.answer_frame(session, question)
        for a in services.assignments_for(session, list(frame["answer_id"])):
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
                "precision": _percent(accepted / (accepted + rejected)),
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
    codes = services.blind_codes(session, sample)
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
            "agreement": _percent(row.agreement),
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


# ---------------------------------------------------------------- blind coding page


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
    themes = services.list_themes(session)
    codes = services.blind_codes(session, sample).get(coder_id, {})
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
    users = {u.id: u.name for u in services.coders(session)}
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


# ---------------------------------------------------------------- discovery


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
    themes = {t.id: t for t in services.list_themes(session)}
    frame = services.answer_frame(session, question)
    per_answer: dict[uuid.UUID, list[CodeAssignment]] = {}
    for assignment in services.assignments_for(session, list(frame["answer_id"])):
        per_answer.setdefault(assignment.answer_id, []).append(assignment)
    chosen = []
    for row in frame.itertuples(index=False):
        keys = set()
        for a in _best(per_answer.get(row.answer_id, [])):
            confident = a.status == CodeStatus.ACCEPTED.value or (
                a.status == CodeStatus.SUGGESTED.value and (a.confidence or 0.0) >= CONFIDENT
            )
            if confident and a.theme_id in themes:
                keys.add(themes[a.theme_id].key)
        if "no_codable_content" in keys:
            continue
        if not keys - {"other"}:
            chosen.append(str(row.text))
    return chosen


def build_discovery(
    session: Session, survey: Survey, question: Question, *, local_names: Sequence[str]
) -> Discovery:
    texts = discovery_texts(session, question)
    topics = discovery.discover_topics(texts)
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
    phrases = [(phrase, f"{score:.1f}") for phrase, score in discovery.collocations(texts)]
    return Discovery(
        question=question,
        questions=services.text_questions(survey),
        considered=len(texts),
        topics=views,
        phrases=phrases,
        minimum=discovery.MIN_TEXTS,
    )


# ---------------------------------------------------------------- hub and codebook


@dataclass
class QuestionProgress:
    question: Question
    answers: int
    reviewed: int
    pending: int


def build_hub(session: Session, survey: Survey) -> list[QuestionProgress]:
    result = []
    for question in services.text_questions(survey):
        frame = services.answer_frame(session, question)
        assignments = services.assignments_for(session, list(frame["answer_id"]))
        result.append(
            QuestionProgress(
                question=question,
                answers=len(frame),
                reviewed=len({a.answer_id for a in assignments if a.reviewer_id is not None}),
                pending=sum(1 for a in assignments if a.status == CodeStatus.SUGGESTED.value),
            )
        )
    return result


@dataclass
class ThemeRow:
    theme: Theme
    depth: int
    parent_name: str


def codebook_rows(themes: Sequence[Theme]) -> list[ThemeRow]:
    by_id = {t.id: t for t in themes}
    depth_of: dict[int, int] = {}

    def depth(theme: Theme, seen: int = 0) -> int:
        if theme.id in depth_of:
            return depth_of[theme.id]
        parent = by_id.get(theme.parent_id) if theme.parent_id else None
        value = 0 if parent is None or seen > 10 else depth(parent, seen + 1) + 1
        depth_of[theme.id] = value
        return value

    ordered = {tid: n for n, (tid, _) in enumerate(theme_options(themes))}
    return [
        ThemeRow(
            theme=t,
            depth=depth(t),
            parent_name=by_id[t.parent_id].name if t.parent_id in by_id else "",
        )
        for t in sorted(themes, key=lambda t: ordered.get(t.id, 0))
    ]
