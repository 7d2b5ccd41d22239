"""Summaries: how many people mentioned each theme, overall and by group, with
confidence intervals, co-occurrence and tone.

Counts go through ``suppress_counts`` here, before anything reaches a template;
a share is never printed beside a masked count.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

from engage.analysis import prevalence
from engage.analysis.suppression import suppress_counts
from engage.charts import prevalence_chart
from engage.surveys.models import Question, Survey
from engage.themes.answers import (
    DIMENSIONS,
    NOT_KNOWN,
    answer_frame,
    assignments_for,
    best_codes,
    percent,
    respondent_group_frame,
    text_questions,
)
from engage.themes.codebook import list_themes
from engage.themes.models import CodeAssignment, CodeStatus, Theme

CO_OCCURRENCE_THEMES = 10


# ---------------------------------------------------------------- coded answers


def coded_frame(
    session: Session, question: Question, *, confirmed_only: bool
) -> tuple[pd.DataFrame, pd.Series, list[Theme]]:
    """One row per answer (index: response id), one 0/1 column per theme key.

    Current codes: accepted, or suggested and not rejected. With ``confirmed_only``
    only what people accepted, and answers nobody has reviewed are left out
    (a missing row, so they are not counted as "did not mention").
    """
    themes = list_themes(session)
    by_id = {t.id: t for t in themes}
    frame = answer_frame(session, question)
    index = pd.Index(list(frame["response_id"]))
    coded = pd.DataFrame(0.0, index=index, columns=[t.key for t in themes])
    texts = pd.Series(list(frame["text"]), index=index, dtype="object")
    response_of = dict(zip(frame["answer_id"], frame["response_id"], strict=True))
    reviewed: set[uuid.UUID] = set()
    per_answer: dict[uuid.UUID, list[CodeAssignment]] = {}
    for assignment in assignments_for(session, list(frame["answer_id"])):
        per_answer.setdefault(assignment.answer_id, []).append(assignment)
        if assignment.reviewer_id is not None:
            reviewed.add(assignment.answer_id)
    for answer_id, items in per_answer.items():
        for assignment in best_codes(items):
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
        questions=text_questions(survey),
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
    for key, record in tone.set_index("theme").loc[list(order)].iterrows():
        n = int(record["n"])
        enough = n >= threshold
        summary.tone.append(
            {
                "theme": names[str(key)],
                "n": _mask_one(n, threshold),
                "mean": f"{record['mean_compound']:+.2f}" if enough else "–",
                "negative": percent(record["share_negative"]) if enough else "–",
                "positive": percent(record["share_positive"]) if enough else "–",
            }
        )
    return summary


def _cell(row: pd.Series, count: str, visible: bool, weighted: bool) -> Cell:
    if not visible:
        return Cell(count=count, share="–", interval="", weighted="–" if weighted else "")
    return Cell(
        count=count,
        share=percent(float(row["share"])),
        interval=f"{row['ci_low'] * 100:.0f}–{row['ci_high'] * 100:.0f}%",
        weighted=percent(float(row["weighted_share"])) if weighted else "",
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
