"""Who took part against the population, and who was missed, from counts alone.

The same maths as ``engage.reach.context.build_reach`` (which reads one row per
respondent): answers are counted per value in SQL, the values are mapped to
Census categories with ``population.mapping.to_census`` (on the distinct values
only) and compared with ``analysis.representativeness``. Every count leaves
here masked by ``suppress_counts``; a masked group gets no share or ratio,
since either would give its count away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

from engage.analysis._categories import NOT_ANSWERED
from engage.analysis.exceptions import AnalysisError
from engage.analysis.representativeness import (
    SUMMARY_COLUMNS,
    coefficient_of_variation,
    representation,
    who_we_are_missing,
)
from engage.analysis.suppression import suppress_counts
from engage.findings import queries
from engage.population import census
from engage.population.mapping import UnknownLabels, to_census
from engage.reach.context import LABELS, PREFER_NOT, UNDER_REACHED
from engage.surveys.models import Question, Survey

MISSING_ROWS = 12


@dataclass(frozen=True)
class GroupReach:
    category: str
    n: str  # "<10" when masked
    sample_pct: str  # "–" when masked or the base is under the threshold
    population_pct: str
    ratio: str
    under: bool
    masked: bool
    sample_share: float | None  # None whenever sample_pct is "–"
    population_share: float
    ratio_value: float | None


@dataclass(frozen=True)
class DimensionReach:
    name: str
    label: str
    source: str
    warning: str | None
    rows: list[GroupReach]
    refused: str
    not_answered: str
    unreliable: bool
    # The coefficient of variation of response propensities (0: like the population).
    # For staff pages; published documents leave it out.
    cv: float | None


@dataclass(frozen=True)
class MissingGroup:
    dimension: str
    category: str
    n: str
    ratio: str
    needed: str


@dataclass
class ReachFindings:
    responses: str
    dimensions: list[DimensionReach] = field(default_factory=list)
    missing: list[MissingGroup] = field(default_factory=list)
    planned_next: int = 0
    problems: list[str] = field(default_factory=list)
    attribution: str = census.ATTRIBUTION


def mask_one(n: int, threshold: int) -> str:
    """One count on its own, through the same suppression as every table."""
    return mask_each([n], threshold)[0]


def mask_each(counts: list[int], threshold: int) -> list[str]:
    """Counts that stand on their own (no totals published with them): one call to the
    suppression function, cell by cell the same as one call per count."""
    safe = suppress_counts(
        pd.Series(counts, name="n"), threshold=threshold, column_totals=False, percent_of=None
    )
    return [str(value) for value in safe.display_counts()["n"]]


def survey_baselines(survey: Survey) -> tuple[dict[str, census.Baseline], list[str]]:
    """The Census baselines of the dimensions the survey asks about (as the reach page)."""
    try:
        baselines = census.load_baselines(
            survey.area_codes, age_min=survey.age_min, age_max=survey.age_max
        )
    except census.UnknownAreas as exc:
        return {}, [f"No Census 2021 figures for area codes {', '.join(exc.codes)}."]
    asked = {q.demographic for q in survey.questions if q.demographic}
    chosen = {dim: b for dim, b in baselines.items() if dim in asked}
    if not chosen:
        return {}, ["This survey asks none of the standard questions about respondents."]
    return chosen, []


def reach_findings(
    session: Session,
    survey: Survey,
    *,
    threshold: int,
    planned_next: int | None = None,
) -> ReachFindings:
    total = queries.response_total(session, survey.id)
    baselines, problems = survey_baselines(survey)
    result = ReachFindings(responses=mask_one(total, threshold), problems=problems)
    if not baselines or total == 0:
        return result
    summary = _summary(session, survey, baselines, total, result.problems)
    if summary.empty:
        return result
    for dim, baseline in baselines.items():
        if (summary["dimension"] == dim).any():
            result.dimensions.append(_dimension(dim, baseline, summary, threshold))
    shown = {(d.name, r.category): (r.n, r.masked) for d in result.dimensions for r in d.rows}
    result.planned_next, result.missing = _missing(summary, threshold, planned_next, shown)
    return result


# ---------------------------------------------------------------- counting


def category_counts(
    session: Session,
    survey: Survey,
    dim: str,
    baseline: census.Baseline,
    counts: pd.DataFrame,
    total: int,
) -> pd.Series:
    """Respondents per Census category of one dimension, "Prefer not to say" and NA
    (not answered, not asked, or an age outside the survey's range) included."""
    frame = _value_frame(session, survey, dim, counts)
    mapped = to_census(
        frame.drop(columns="n"), {dim: baseline}, age_min=survey.age_min, age_max=survey.age_max
    )[dim]
    totals: dict[str | None, int] = {}
    for label, n in zip(mapped.tolist(), frame["n"].tolist(), strict=True):
        key = None if _blank(label) else str(label)
        totals[key] = totals.get(key, 0) + int(n)
    unanswered = total - int(frame["n"].sum())
    if unanswered:
        totals[None] = totals.get(None, 0) + unanswered
    return pd.Series(list(totals.values()), index=pd.Index(list(totals), dtype="object"))


def _value_frame(session: Session, survey: Survey, dim: str, counts: pd.DataFrame) -> pd.DataFrame:
    """Distinct answers of the columns ``to_census`` reads for ``dim``, with ``n``.

    Columns are named as in ``reach.services.respondent_frame`` (by demographic
    key); disability needs the condition and its impact together.
    """
    by_key: dict[str, Question] = {q.demographic: q for q in survey.questions if q.demographic}
    if dim == "disability" and "disability_impact" in by_key:
        pairs = queries.pair_counts(
            session, by_key["disability"].id, by_key["disability_impact"].id
        )
        return pd.DataFrame(
            {
                "disability": pairs["first"].astype("object"),
                "disability_impact": pairs["second"].astype("object"),
                "n": pairs["n"].astype("int64"),
            }
        )
    rows = counts[counts["question_id"] == by_key[dim].id]
    if dim == "age":
        values = [
            queries.age_value(number, code)
            for number, code in zip(rows["number_value"], rows["option_code"], strict=True)
        ]
    else:
        values = list(rows["option_code"])
    return pd.DataFrame(
        {dim: pd.Series(values, dtype="object"), "n": rows["n"].to_numpy(dtype="int64")}
    )


def _summary(
    session: Session,
    survey: Survey,
    baselines: dict[str, census.Baseline],
    total: int,
    problems: list[str],
) -> pd.DataFrame:
    """A ``representativeness.reach_summary`` table, built from counts per category."""
    questions = [q.id for q in survey.questions if q.demographic]
    counts = queries.answer_counts(session, questions)
    frames = []
    for dim, baseline in baselines.items():
        try:
            by_label = category_counts(session, survey, dim, baseline, counts, total)
            frames.append(summary_rows(dim, by_label, baseline.counts))
        except (AnalysisError, UnknownLabels) as exc:
            problems.append(f"{LABELS[dim]}: the answers could not be compared ({exc}).")
    if not frames:
        return pd.DataFrame({column: [] for column in SUMMARY_COLUMNS})
    return pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS]


def summary_rows(dim: str, by_label: pd.Series, population: pd.Series) -> pd.DataFrame:
    """The rows ``reach_summary`` gives one dimension, from respondents per label."""
    labels = list(by_label.index)
    refused = int(sum(n for label, n in by_label.items() if label == PREFER_NOT))
    blank = int(sum(n for label, n in by_label.items() if _blank(label)))
    in_base = pd.Series(
        [int(by_label[label]) for label in labels if not _blank(label) and label != PREFER_NOT],
        index=pd.Index(
            [label for label in labels if not _blank(label) and label != PREFER_NOT],
            dtype="object",
        ),
        dtype="int64",
    )
    in_base = in_base[in_base > 0]
    table = representation(in_base, population)
    missing = pd.DataFrame(
        {"n": [refused, blank]}, index=pd.Index([PREFER_NOT, NOT_ANSWERED], dtype="object")
    )
    table = pd.concat([table, missing])
    table["n"] = table["n"].astype("int64")
    table["cv"] = coefficient_of_variation(in_base, population)
    table.insert(0, "dimension", dim)
    table.insert(1, "category", table.index.to_numpy(dtype="object"))
    return table.reset_index(drop=True)


def _blank(label: object) -> bool:
    if label is None or label is pd.NA:
        return True
    if isinstance(label, float) and math.isnan(label):
        return True
    return isinstance(label, str) and not label.strip()


# ---------------------------------------------------------------- masking


def _dimension(
    dim: str, baseline: census.Baseline, summary: pd.DataFrame, threshold: int
) -> DimensionReach:
    rows = summary[summary["dimension"] == dim]
    in_base = rows[rows["population_share"].notna()]
    base = int(in_base["n"].sum())
    counts = pd.Series(in_base["n"].to_numpy(), index=in_base["category"].to_numpy(), name="n")
    safe = suppress_counts(counts, threshold=threshold)
    shown = safe.display_counts()["n"]
    groups = []
    for record in in_base.to_dict("records"):
        category = record["category"]
        sample, population = float(record["sample_share"]), float(record["population_share"])
        ratio = float(record["ratio"])
        masked = bool(safe.withheld.loc[category, "n"])
        share_shown = base >= threshold and not masked
        groups.append(
            GroupReach(
                category=str(category),
                n=str(shown[category]),
                sample_pct=f"{sample * 100:.1f}%" if share_shown else "–",
                population_pct=f"{population * 100:.1f}%",
                ratio=f"{ratio:.2f}" if share_shown else "–",
                under=bool(share_shown and ratio < UNDER_REACHED),
                masked=masked,
                sample_share=sample if share_shown else None,
                population_share=population,
                ratio_value=ratio if share_shown else None,
            )
        )
    refused = int(rows.loc[rows["category"] == PREFER_NOT, "n"].sum())
    blank = int(
        rows.loc[
            ~rows["category"].isin(in_base["category"]) & (rows["category"] != PREFER_NOT), "n"
        ].sum()
    )
    cv = float(in_base["cv"].iloc[0]) if len(in_base) else math.nan
    outside = mask_each([refused, blank], threshold)
    return DimensionReach(
        name=dim,
        label=LABELS[dim],
        source=baseline.source,
        warning=baseline.warning,
        rows=groups,
        refused=outside[0],
        not_answered=outside[1],
        unreliable=bool(safe.unreliable is not None and safe.unreliable.any()),
        cv=None if math.isnan(cv) else cv,
    )


def _missing(
    summary: pd.DataFrame,
    threshold: int,
    planned_next: int | None,
    shown: dict[tuple[str, str], tuple[str, bool]],
) -> tuple[int, list[MissingGroup]]:
    # As the reach page: plan a next wave the size of this one (at least 100), in fifties.
    answered = int(summary.groupby("dimension")["n"].sum().max() or 0)
    planned = planned_next if planned_next is not None else max(100, -(-answered // 50) * 50)
    table = who_we_are_missing(summary, planned_next=planned)
    in_base = summary[summary["population_share"].notna()]
    totals = in_base.groupby("dimension")["n"].sum()
    result = []
    for record in table.head(MISSING_ROWS).to_dict("records"):
        dimension, category = str(record["dimension"]), str(record["category"])
        target_total = float(record["population_share"]) * (int(totals[dimension]) + planned)
        display, masked = shown[(dimension, category)]
        result.append(
            MissingGroup(
                dimension=LABELS.get(dimension, dimension),
                category=category,
                n=display,
                ratio="–" if masked else f"{float(record['ratio']):.2f}",
                needed=_needed(int(record["needed"]), target_total, masked, threshold),
            )
        )
    return planned, result


def _needed(needed: int, target_total: float, masked: bool, threshold: int) -> str:
    # For a masked group, "needed" would give the hidden count away (target - n):
    # show a lower bound that holds whatever the hidden count is.
    if masked:
        return f"at least {max(0, math.ceil(target_total) - (threshold - 1)):,}"
    return f"{needed:,}"
