"""What people wrote about, counted in SQL: top themes overall and by group, masked.

Counting follows ``engage.themes.summary.coded_frame`` with
``confirmed_only=False`` ("current codes"): for each answer and theme the best
assignment (accepted, else rejected, else suggested) counts when it is
accepted or suggested. Shares are of the people who wrote an answer, with
Wilson intervals, and the masking is ``build_summary``'s: counts from 1 to
threshold - 1 withheld, secondary suppression across each group table (whose
row totals are published), no share beside a withheld count or on a base
under the threshold.

Scope: by default every free-text question of the survey together, per
person: someone "mentioned" a theme when any of their written answers has it,
and counts once however many answers do. Pass one question to count that
question alone, which gives exactly ``build_summary``'s figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

from engage.analysis.suppression import suppress_counts
from engage.analysis.targets import wilson_interval
from engage.findings import queries
from engage.findings.reach import mask_one, survey_baselines
from engage.population import census
from engage.population.categories import broad_ethnic_groups
from engage.population.mapping import UnknownLabels, to_census
from engage.surveys.models import PREFER_NOT_TO_SAY, Question, Survey

NOT_KNOWN = "Not known"
# The groupings a published document breaks themes down by (build_summary's, without
# the audience, which is one group, and the channel, which names places).
GROUPINGS: tuple[tuple[str, str], ...] = (
    ("age_band", "Age band"),
    ("sex", "Sex"),
    ("ethnic_group", "Ethnic group"),
    ("area", "Area"),
)
COMBINED = "combined"


@dataclass(frozen=True)
class ThemeFigure:
    key: str
    name: str
    count: str  # "<10" when withheld
    share: str  # "–" when withheld or the base is under the threshold
    interval: str  # "" when the share is not shown
    masked: bool
    share_value: float | None  # 0-1, None whenever share is "–"
    low: float | None = None  # the 95% interval, 0-1, when the share is shown
    high: float | None = None


@dataclass(frozen=True)
class Cell:
    count: str
    share: str
    interval: str


@dataclass(frozen=True)
class GroupRow:
    key: str
    name: str
    cells: list[Cell]
    everyone: str


@dataclass(frozen=True)
class GroupTable:
    name: str
    label: str
    groups: list[str]
    bases: list[str]
    rows: list[GroupRow]


@dataclass
class ThemeFindings:
    scope: str  # COMBINED, or the text of the one question counted
    questions: list[str]  # the free-text questions counted
    answered: str  # people who wrote at least one answer, masked
    overall: list[ThemeFigure] = field(default_factory=list)
    groupings: list[GroupTable] = field(default_factory=list)
    single_groups: list[tuple[str, str]] = field(default_factory=list)


def theme_findings(
    session: Session,
    survey: Survey,
    *,
    threshold: int,
    question: Question | None = None,
    by_group: bool = True,
    groupings: Sequence[tuple[str, str]] = GROUPINGS,
    parts: int = 1,
) -> ThemeFindings:
    """The consultation's themes, masked; ``parts`` > 1 counts that many slices of the
    respondents side by side (``queries.theme_group_counts``)."""
    texts = [question] if question is not None else [q for q in survey.questions if _is_text(q)]
    themes = queries.active_themes(session)
    demographic = {q.demographic: q for q in survey.questions if q.demographic}
    wanted = [name for name, _ in groupings] if by_group else []
    group_questions = {
        key: demographic[source].id
        for key, source in (("sex", "sex"), ("ethnic_group", "ethnic_group"), ("area", "area"))
        if key in wanted and source in demographic
    }
    age = demographic.get("age") if "age_band" in wanted else None
    raw = queries.theme_group_counts(
        session,
        [q.id for q in texts],
        [t.id for t in themes],
        group_questions,
        age.id if age else None,
        parts=parts,
    )
    people = raw[raw["theme_id"] == queries.NO_THEME]
    mentions = raw[raw["theme_id"] != queries.NO_THEME]
    base = int(people["n"].sum())
    result = ThemeFindings(
        scope=COMBINED if question is None else question.text,
        questions=[q.text for q in texts],
        answered=mask_one(base, threshold),
    )
    per_theme = mentions.groupby("theme_id")["n"].sum()
    used = [t for t in themes if int(per_theme.get(t.id, 0)) > 0]
    if not used or base == 0:
        return result
    names = {t.key: t.name for t in used}
    overall = pd.DataFrame(
        {"n_theme": [int(per_theme[t.id]) for t in used]}, index=pd.Index([t.key for t in used])
    )
    # build_summary's order (most mentioned first): the suppression below must see the
    # same table it does.
    order = list(overall.sort_values("n_theme", ascending=False).index)
    safe = suppress_counts(
        overall["n_theme"].rename("n"), threshold=threshold, column_totals=False, percent_of=None
    )
    shown = safe.display_counts()["n"]
    figures = {}
    for key in order:
        n = int(overall.loc[key, "n_theme"])
        visible = not bool(safe.withheld.loc[key, "n"]) and base >= threshold
        cell = _cell(n, base, str(shown[key]), visible)
        low, high = wilson_interval(n, base) if visible else (None, None)
        figures[key] = ThemeFigure(
            key=key,
            name=names[key],
            count=cell.count,
            share=cell.share,
            interval=cell.interval,
            masked=bool(safe.withheld.loc[key, "n"]),
            share_value=n / base if visible else None,
            low=low,
            high=high,
        )
    display = display_order(order, figures)
    result.overall = [figures[key] for key in display]
    if not by_group:
        return result
    by_dimension = _dimension_counts(raw, survey, [name for name, _ in groupings])
    key_of = {t.id: t.key for t in used}
    for name, label in groupings:
        counts = by_dimension[name]
        present = sorted(counts.loc[counts["theme_id"] == queries.NO_THEME, "group"])
        if len(present) < 2:  # one group: the table would repeat the overall figures
            result.single_groups.append((label, present[0] if present else NOT_KNOWN))
            continue
        result.groupings.append(
            _group_table(counts, name, label, order, display, names, key_of, threshold)
        )
    return result


def display_order(order: Sequence[str], figures: dict[str, ThemeFigure]) -> list[str]:
    """Shown counts first, most mentioned first; withheld ones after, by name, so their
    order does not rank counts the page hides."""
    shown = [key for key in order if not figures[key].masked]
    hidden = sorted((key for key in order if figures[key].masked), key=lambda k: figures[k].name)
    return shown + hidden


def _is_text(question: Question) -> bool:
    return question.kind == "text"


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _cell(n: int, base: int, count: str, visible: bool) -> Cell:
    if not visible:
        return Cell(count=count, share="–", interval="")
    low, high = wilson_interval(n, base)
    return Cell(
        count=count, share=_percent(n / base), interval=f"{low * 100:.0f}–{high * 100:.0f}%"
    )


def _group_table(
    counts: pd.DataFrame,
    name: str,
    label: str,
    order: list[str],
    display: list[str],
    names: dict[str, str],
    key_of: dict[int, str],
    threshold: int,
) -> GroupTable:
    """One grouping's table from its counts (``group``, ``theme_id``, ``n``)."""
    people = counts[counts["theme_id"] == queries.NO_THEME].set_index("group")["n"]
    groups = sorted(str(g) for g in people.index)
    bases = people.reindex(groups).astype("int64")
    mentions = counts[counts["theme_id"].isin(list(key_of))]
    table = (
        mentions.assign(theme=mentions["theme_id"].map(key_of))
        .pivot_table(index="theme", columns="group", values="n", aggfunc="sum")
        .reindex(index=order, columns=groups)
        .fillna(0)
        .astype("int64")
    )
    # Row totals are the everyone column: the groups cover everyone who wrote ("Not
    # known" included), so publishing totals beside the cells is what the equations assume.
    safe = suppress_counts(
        table, threshold=threshold, row_totals=True, column_totals=False, percent_of=None
    )
    shown = safe.display_counts()
    base_safe = suppress_counts(bases.rename("n"), threshold=threshold, percent_of=None)
    base_shown = base_safe.display_counts()["n"]
    # Cell by cell through plain arrays: .loc per cell costs more than the maths.
    raw_cells = table.to_numpy()
    hidden = safe.withheld.loc[order, groups].to_numpy()
    texts = shown.loc[order, groups].to_numpy()
    everyone = shown.loc[order, "Total"].to_numpy()
    base_values = bases.to_numpy()
    base_hidden = base_safe.withheld.loc[groups, "n"].to_numpy()
    row_of = {key: n for n, key in enumerate(order)}
    rows = []
    for key in display:
        r = row_of[key]
        cells = [
            _cell(
                int(raw_cells[r, c]),
                int(base_values[c]),
                str(texts[r, c]),
                not hidden[r, c] and not base_hidden[c] and base_values[c] >= threshold,
            )
            for c in range(len(groups))
        ]
        rows.append(GroupRow(key=key, name=names[key], cells=cells, everyone=str(everyone[r])))
    return GroupTable(
        name=name,
        label=label,
        groups=groups,
        bases=[str(base_shown[g]) for g in groups],
        rows=rows,
    )


# ---------------------------------------------------------------- group labels


def _dimension_counts(
    raw: pd.DataFrame, survey: Survey, wanted: list[str]
) -> dict[str, pd.DataFrame]:
    """Per grouping, the counts by its group label and theme (``group``, ``theme_id``, ``n``).

    Groups are named as ``themes.answers.respondent_group_frame`` names them:
    Census age bands, sexes and broad ethnic groups where the survey has a
    baseline, option labels otherwise, and "Not known" for no answer. Each
    grouping depends on one answer only, so its few distinct values are mapped
    once and the labels spread over the rows with a dictionary.
    """
    baselines, _ = survey_baselines(survey)
    result = {}
    for name in wanted:
        keys = _raw_keys(raw, name)
        if keys is None:
            labels = pd.Series(NOT_KNOWN, index=raw.index, dtype="object")
        else:
            distinct = list(pd.unique(keys))
            mapped = _labels(
                name, [None if v == _MISSING else v for v in distinct], survey, baselines
            )
            labels = keys.map(dict(zip(distinct, mapped, strict=True)))
        result[name] = (
            raw.assign(group=labels)
            .groupby(["group", "theme_id"], sort=False)["n"]
            .sum()
            .reset_index()
        )
    return result


_MISSING = "\0missing"  # stands for no answer in dictionary keys (None and NaN are awkward)


def _raw_keys(raw: pd.DataFrame, name: str) -> pd.Series | None:
    """The answer each row's grouping depends on, as ``respondent_frame`` holds it."""
    if name == "age_band":
        if "age_number" not in raw.columns:
            return None
        number = raw["age_number"].astype("object")
        keys = number.where(number.notna(), _MISSING)
        return keys.where(raw["age_code"].astype("object") != PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY)
    if name not in raw.columns:
        return None
    column = raw[name].astype("object")
    return column.where(column.notna(), _MISSING)


def _labels(
    name: str, values: list[object], survey: Survey, baselines: dict[str, census.Baseline]
) -> list[str]:
    dim = {"age_band": "age", "sex": "sex", "ethnic_group": "ethnic_group"}.get(name)
    if dim is None or dim not in baselines:
        return _option_labels(values, survey, "area" if name == "area" else name)
    respondents = pd.DataFrame({dim: pd.Series(values, dtype="object")})
    try:
        mapped = to_census(
            respondents, {dim: baselines[dim]}, age_min=survey.age_min, age_max=survey.age_max
        )[dim]
    except UnknownLabels:
        return _option_labels(values, survey, dim)
    broad = broad_ethnic_groups() if dim == "ethnic_group" else {}
    return [broad.get(v, v) if isinstance(v, str) else NOT_KNOWN for v in mapped.tolist()]


def _option_labels(values: list[object], survey: Survey, dim: str) -> list[str]:
    question = next((q for q in survey.questions if q.demographic == dim), None)
    if question is None or dim == "age":
        return [NOT_KNOWN] * len(values)
    return [question.option_label(v) if isinstance(v, str) else NOT_KNOWN for v in values]
