"""Context builders for the reach pages: representativeness, who we are missing,
reach by channel, weighted headline ratings and the outreach plan.

Counts under the threshold are masked here, before anything reaches a template.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy.orm import Session

from engage.analysis.exceptions import AnalysisError
from engage.analysis.representativeness import (
    chi_square_goodness_of_fit,
    reach_summary,
    who_we_are_missing,
)
from engage.analysis.suppression import suppress_counts
from engage.analysis.targets import minimum_targets, next_wave_targets
from engage.analysis.weighting import rake, rating_summary
from engage.charts import share_comparison
from engage.population import census
from engage.population.mapping import to_census
from engage.reach.services import respondent_frame
from engage.surveys.models import Kind, Survey

LABELS = {
    "age": "Age",
    "sex": "Sex",
    "ethnic_group": "Ethnic group",
    "religion": "Religion",
    "disability": "Disability",
    "main_language": "Main language",
}
PREFER_NOT = "Prefer not to say"
UNDER_REACHED = 0.8  # representation ratio below which a group is flagged
RAKING_DIMENSIONS = ("age", "sex", "ethnic_group", "religion")
TRIM = (0.25, 4.0)


@dataclass
class GroupRow:
    category: str
    n: str  # display: "<10" when masked
    sample_pct: str
    population_pct: str
    ratio: str
    partial_cv: float
    under: bool
    masked: bool


@dataclass
class DimensionView:
    name: str
    label: str
    source: str
    warning: str | None
    rows: list[GroupRow]
    refused: str
    not_answered: str
    base: int
    cv: float
    chi_square: str
    chart: str
    unreliable: bool = False


@dataclass
class Reach:
    """Everything the reach page shows, already masked."""

    total: int
    dimensions: list[DimensionView] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    weighting_note: str = ""
    problems: list[str] = field(default_factory=list)
    attribution: str = census.ATTRIBUTION


def _mask(n: int, threshold: int) -> str:
    """One count on its own, through the same suppression as every table."""
    single = pd.Series([n], name="n")
    safe = suppress_counts(single, threshold=threshold, column_totals=False, percent_of=None)
    return str(safe.display_counts().iloc[0, 0])


def _needed(needed: int, target_total: float, masked: bool, threshold: int) -> str:
    # For a masked group, "needed" would give the hidden count away (target - n):
    # show a lower bound that holds whatever the hidden count is.
    if masked:
        return f"at least {max(0, math.ceil(target_total) - (threshold - 1)):,}"
    return f"{needed:,}"


def _analyse(
    session: Session, survey: Survey
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, census.Baseline], list[str]]:
    frame = respondent_frame(session, survey)
    problems: list[str] = []
    try:
        baselines = census.load_baselines(
            survey.area_codes, age_min=survey.age_min, age_max=survey.age_max
        )
    except census.UnknownAreas as exc:
        return (
            frame,
            pd.DataFrame(index=frame.index),
            {},
            [f"No Census 2021 figures for area codes {', '.join(exc.codes)}."],
        )
    asked = {q.demographic for q in survey.questions if q.demographic}
    wanted = {
        "age": "age",
        "sex": "sex",
        "ethnic_group": "ethnic_group",
        "religion": "religion",
        "disability": "disability",
        "main_language": "main_language",
    }
    baselines = {dim: b for dim, b in baselines.items() if wanted[dim] in asked}
    if not baselines:
        problems.append("This survey asks none of the standard questions about respondents.")
        return frame, pd.DataFrame(index=frame.index), {}, problems
    mapped = to_census(frame, baselines, age_min=survey.age_min, age_max=survey.age_max)
    return frame, mapped, baselines, problems


def build_reach(
    session: Session, survey: Survey, *, threshold: int = 10, planned_next: int | None = None
) -> Reach:
    frame, mapped, baselines, problems = _analyse(session, survey)
    reach = Reach(total=len(frame), problems=problems)
    if not baselines or frame.empty:
        return reach
    populations = {dim: b.counts for dim, b in baselines.items()}
    summary = reach_summary(mapped, populations, prefer_not_to_say=PREFER_NOT)
    for dim, baseline in baselines.items():
        reach.dimensions.append(_dimension_view(dim, baseline, summary, mapped, threshold))
    shown = {(d.name, r.category): (r.n, r.masked) for d in reach.dimensions for r in d.rows}
    reach.missing = _missing(summary, threshold, planned_next, shown)
    reach.channels = _channel_reach(frame, mapped, baselines, threshold)
    weights, reach.weighting_note = _weights(mapped, baselines)
    reach.ratings = _ratings(survey, frame, weights)
    return reach


class SummaryRow(NamedTuple):
    """One row of ``reach_summary`` (or ``who_we_are_missing``) with its types pinned.

    pandas types every cell of ``itertuples`` as any scalar; converting once at the
    boundary keeps the arithmetic below checked.
    """

    dimension: str
    category: str
    n: int
    sample_share: float
    population_share: float
    ratio: float
    partial_cv: float
    needed: float


def summary_rows(frame: pd.DataFrame) -> list[SummaryRow]:
    needed = frame["needed"] if "needed" in frame.columns else pd.Series(math.nan, frame.index)
    return [
        SummaryRow(
            dimension=str(dimension),
            category=str(category),
            n=int(n),
            sample_share=float(sample_share),
            population_share=float(population_share),
            ratio=float(ratio),
            partial_cv=float(partial_cv),
            needed=float(need),
        )
        for dimension, category, n, sample_share, population_share, ratio, partial_cv, need in zip(
            frame["dimension"],
            frame["category"],
            frame["n"],
            frame["sample_share"],
            frame["population_share"],
            frame["ratio"],
            frame["partial_cv"],
            needed,
            strict=True,
        )
    ]


def _dimension_view(
    dim: str, baseline: census.Baseline, summary: pd.DataFrame, mapped: pd.DataFrame, threshold: int
) -> DimensionView:
    rows = summary[summary["dimension"] == dim]
    in_base = rows[rows["population_share"].notna()]
    base = int(in_base["n"].sum())
    view_rows: list[GroupRow] = []
    sample_pct: list[float | None] = []
    counts = pd.Series(in_base["n"].to_numpy(), index=in_base["category"].to_numpy(), name="n")
    safe = suppress_counts(counts, threshold=threshold)
    shown = safe.display_counts()["n"]
    for record in summary_rows(in_base):
        masked = bool(safe.withheld.loc[record.category, "n"])
        share_shown = base >= threshold and not masked
        view_rows.append(
            GroupRow(
                category=str(record.category),
                n=str(shown[record.category]),
                sample_pct=f"{record.sample_share * 100:.1f}%" if share_shown else "–",
                population_pct=f"{record.population_share * 100:.1f}%",
                ratio=f"{record.ratio:.2f}" if share_shown else "–",
                partial_cv=float(record.partial_cv),
                under=bool(share_shown and record.ratio < UNDER_REACHED),
                masked=masked,
            )
        )
        sample_pct.append(record.sample_share * 100 if share_shown else None)
    refused = int(rows.loc[rows["category"] == PREFER_NOT, "n"].sum())
    blank = int(
        rows.loc[
            ~rows["category"].isin(in_base["category"]) & (rows["category"] != PREFER_NOT), "n"
        ].sum()
    )
    try:
        chi = chi_square_goodness_of_fit(counts, baseline.counts)
        chi_text = (
            f"χ² = {chi.statistic:.1f} on {chi.dof} degrees of freedom, p = {chi.p_value:.3g}"
            + ("" if chi.expected_counts_adequate else " (some expected counts are under 5)")
        )
    except (AnalysisError, ValueError):
        chi_text = "Not enough answers for a test."
    cv = float(in_base["cv"].iloc[0]) if len(in_base) else math.nan
    chart = share_comparison(
        [r.category for r in view_rows],
        [p if p is not None else 0.0 for p in sample_pct],
        list(in_base["population_share"].to_numpy() * 100),
        title=f"{LABELS[dim]}: respondents against the population",
        masked=[p is None for p in sample_pct],
    )
    unreliable = bool(safe.unreliable is not None and safe.unreliable.any())
    return DimensionView(
        unreliable=unreliable,
        name=dim,
        label=LABELS[dim],
        source=baseline.source,
        warning=baseline.warning,
        rows=view_rows,
        refused=_mask(refused, threshold),
        not_answered=_mask(blank, threshold),
        base=base,
        cv=cv,
        chi_square=chi_text,
        chart=chart,
    )


def _missing(
    summary: pd.DataFrame,
    threshold: int,
    planned_next: int | None,
    shown: dict[tuple[str, str], tuple[str, bool]],
) -> list[dict[str, Any]]:
    # By default, plan a next wave the size of the first (at least 100), in round fifties.
    answered = int(summary.groupby("dimension")["n"].sum().max() or 0)
    planned = planned_next if planned_next is not None else max(100, -(-answered // 50) * 50)
    table = who_we_are_missing(summary, planned_next=planned)
    in_base = summary[summary["population_share"].notna()]
    totals = in_base.groupby("dimension")["n"].sum()
    result = []
    for record in summary_rows(table.head(12)):
        target_total = record.population_share * (int(totals[record.dimension]) + planned)
        display, masked = shown[(record.dimension, record.category)]
        result.append(
            {
                "dimension": LABELS.get(record.dimension, record.dimension),
                "category": record.category,
                "n": display,
                "ratio": "–" if masked else f"{record.ratio:.2f}",
                "partial_cv": f"{record.partial_cv:+.3f}",
                "needed": _needed(int(record.needed), target_total, masked, threshold),
                "planned": planned,
            }
        )
    return result


def _channel_reach(
    frame: pd.DataFrame, mapped: pd.DataFrame, baselines: dict[str, census.Baseline], threshold: int
) -> list[dict[str, Any]]:
    views = []
    for dim, baseline in baselines.items():
        known = mapped[dim].isin(baseline.counts.index)
        if not known.any():
            continue
        table = pd.crosstab(mapped.loc[known, dim], frame.loc[known, "channel"])
        table = table.reindex(baseline.counts.index, fill_value=0)
        safe = suppress_counts(table, threshold=threshold, percent_of="column")
        counts = safe.display_counts()
        percentages = safe.display_percentages(0)
        best = _best_channels(table, safe.withheld, threshold)
        views.append(
            {
                "label": LABELS[dim],
                "channels": [c for c in counts.columns if c != "Total"],
                "rows": [
                    (
                        category,
                        [
                            (
                                counts.loc[category, c],
                                percentages.loc[category, c] if percentages is not None else "",
                            )
                            for c in counts.columns
                            if c != "Total"
                        ],
                        counts.loc[category, "Total"],
                        best.get(category, []),
                    )
                    for category in baseline.counts.index
                ],
            }
        )
    return views


def _best_channels(
    table: pd.DataFrame, withheld: pd.DataFrame, threshold: int
) -> dict[str, list[str]]:
    """Per group, the channels whose respondents include it most, by share of the channel."""
    totals = table.sum(axis=0)
    best: dict[str, list[str]] = {}
    for category in table.index:
        shares = []
        for channel in table.columns:
            n = int(table.loc[category, channel])
            if (
                n >= threshold
                and totals[channel] >= threshold
                and not bool(withheld.loc[category, channel])
            ):
                shares.append((n / totals[channel], channel))
        best[category] = [channel for _, channel in sorted(shares, reverse=True)[:2]]
    return best


def _weights(
    mapped: pd.DataFrame, baselines: dict[str, census.Baseline]
) -> tuple[pd.Series | None, str]:
    margins: dict[str, pd.Series] = {}
    left_out: list[str] = []
    for dim in RAKING_DIMENSIONS:
        if dim not in baselines:
            continue
        counts = baselines[dim].counts
        present = set(mapped[dim].dropna())
        kept = counts[[c in present for c in counts.index]]
        left_out += [f"{c} ({LABELS[dim].lower()})" for c in counts.index if c not in present]
        if len(kept) >= 2:
            margins[dim] = kept
    if not margins:
        return None, "Not enough answers to weight the results."
    used = ", ".join(LABELS[d].lower() for d in margins)
    try:
        weights = rake(mapped[list(margins)], margins, trim=TRIM, max_iterations=200)
        trimmed = f" Weights are capped at {TRIM[0]}–{TRIM[1]} times the average."
    except AnalysisError:
        try:
            weights = rake(mapped[list(margins)], margins, max_iterations=500)
            trimmed = " The weights could not be capped and still match the population."
        except AnalysisError:
            return None, f"Raking over {used} did not converge, so results are shown unweighted."
    note = f"Weighted by raking to the population by {used}.{trimmed}"
    if left_out:
        note += (
            " Groups with no respondents cannot be weighted up: " + ", ".join(left_out[:8]) + "."
        )
    return weights, note


def _ratings(
    survey: Survey, frame: pd.DataFrame, weights: pd.Series | None
) -> list[dict[str, Any]]:
    result = []
    for question in survey.questions:
        if question.kind != Kind.RATING.value or f"rating:{question.key}" not in frame:
            continue
        values = frame[f"rating:{question.key}"]
        summary = rating_summary(
            values, weights.reindex(values.index) if weights is not None else None
        )
        if summary.n == 0:
            continue
        top = max((int(o.code) for o in question.options if o.code.isdigit()), default=5)
        result.append(
            {
                "question": question.text,
                "n": f"{summary.n:,}",
                "scale": f"1–{top}",
                "unweighted": f"{summary.unweighted_mean:.2f}",
                "weighted": f"{summary.weighted_mean:.2f}" if weights is not None else "–",
                "design_effect": f"{summary.design_effect:.2f}" if weights is not None else "–",
                "effective_n": f"{summary.effective_n:,.0f}" if weights is not None else "–",
            }
        )
    return result


def respondent_groups(
    session: Session, survey: Survey
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series | None, str]:
    """The respondent frame, its Census categories (same index) and raking weights.

    For pages that break other results down by group: the categories are the
    ones the reach page compares (age bands, broad or detailed ethnic groups);
    the weights are None when the results cannot be weighted, with the note why.
    """
    frame, mapped, baselines, _ = _analyse(session, survey)
    if not baselines or frame.empty:
        return frame, mapped, None, "Not enough answers to weight the results."
    weights, note = _weights(mapped, baselines)
    return frame, mapped, weights, note


def reach_alerts(session: Session, survey: Survey) -> list[str]:
    """Groups below 0.8 of their population share, for the survey overview."""
    frame, mapped, baselines, _ = _analyse(session, survey)
    if not baselines or frame.empty:
        return []
    summary = reach_summary(
        mapped, {d: b.counts for d, b in baselines.items()}, prefer_not_to_say=PREFER_NOT
    )
    in_base = summary[summary["population_share"].notna()]
    totals = in_base.groupby("dimension")["n"].transform("sum")
    low = in_base[(in_base["ratio"] < UNDER_REACHED) & (totals >= 10)]
    return [
        f"{LABELS.get(r.dimension, r.dimension)}: {r.category} "
        f"at {r.ratio:.2f} of their population share"
        for r in summary_rows(low.sort_values("partial_cv"))
    ]


def outreach_plan(
    session: Session,
    survey: Survey,
    *,
    planned_next: int | None,
    minimums: dict[tuple[str, str], int],
    threshold: int = 10,
) -> list[dict[str, Any]]:
    """Per group: responses so far (masked), the target, and the channels that reach it best."""
    frame, mapped, baselines, _ = _analyse(session, survey)
    rows: list[dict[str, Any]] = []
    for dim, baseline in baselines.items():
        counts = mapped[dim].value_counts()
        so_far = counts.reindex(baseline.counts.index, fill_value=0)
        safe = suppress_counts(so_far.rename("n"), threshold=threshold)
        shown = safe.display_counts()["n"]
        known = mapped[dim].isin(baseline.counts.index)
        table = pd.crosstab(mapped.loc[known, dim], frame.loc[known, "channel"]).reindex(
            baseline.counts.index, fill_value=0
        )
        withheld = suppress_counts(table, threshold=threshold).withheld if not table.empty else None
        best = _best_channels(table, withheld, threshold) if withheld is not None else {}
        wave = next_wave_targets(so_far, baseline.counts, planned_next) if planned_next else None
        wanted_minimums = {cat: m for (d, cat), m in minimums.items() if d == dim}
        floors = minimum_targets(so_far, wanted_minimums) if wanted_minimums else None
        for category in baseline.counts.index:
            masked = bool(safe.withheld.loc[category, "n"])
            row: dict[str, Any] = {
                "dimension": LABELS[dim],
                "dimension_key": dim,
                "category": category,
                "population_pct": f"{wave.table.loc[category, 'population_share'] * 100:.1f}%"
                if wave
                else f"{baseline.counts[category] / baseline.counts.sum() * 100:.1f}%",
                "so_far": str(shown[category]),
                "needed": "",
                "minimum": wanted_minimums.get(category, ""),
                "best_channels": "; ".join(best.get(category, [])) or "None yet",
            }
            needed = 0
            target_total = 0.0
            if wave is not None:
                needed = int(wave.table.loc[category, "needed"])
                target_total = float(wave.table.loc[category, "target_total"])
            if floors is not None and category in floors.index:
                floor_needed = int(floors.loc[category, "needed"])
                if floor_needed > needed:
                    needed, target_total = floor_needed, float(wanted_minimums[category])
            if wave is not None or category in wanted_minimums:
                row["needed"] = _needed(needed, target_total, masked, threshold)
            rows.append(row)
    return rows
