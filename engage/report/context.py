"""Context builders for the engagement report, the public page (and its settings) and the
partnership overview. Each returns what its template shows, ready to print.

Everything here leaves the officer role (the report goes to boards, the public
page to everyone), so figures about respondents come only from
``engage.findings`` (and, for language, ``engage.reach.language``), which have
masked every count already; a share or ratio is present only where its count is
shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from markupsafe import Markup
from sqlalchemy.orm import Session

from engage.analysis.suppression import WITHHELD, suppress_counts
from engage.assembly.services import assembly_priorities
from engage.feedback.models import Commitment, CommitmentStatus, FeedbackPage
from engage.feedback.services import list_commitments, waves
from engage.feedback.services import status_counts as commitment_status_counts
from engage.findings import queries
from engage.findings.reach import DimensionReach, ReachFindings, reach_findings
from engage.findings.services import Findings, build_findings, findings_started
from engage.findings.themes import GroupTable, ThemeFigure, ThemeFindings, theme_findings
from engage.population.areas import area_names
from engage.priorities.models import Priority
from engage.priorities.services import priorities_with_themes
from engage.quotes.models import Quote
from engage.reach.language import LanguageReach, build_language_reach
from engage.report import services, svg
from engage.surveys.models import Audience, Mode, Status, Survey

TOP_THEMES = 10  # themes in the report's overall table and chart
GROUP_THEMES = 8  # themes in each by-group table
PUBLIC_THEMES = 6  # themes on the public page
OVERVIEW_THEMES = 8  # themes followed across consultations
SCOPE_NOTE = (
    "Themes are counted per person across every written question: someone who mentioned "
    "a theme in any of their written answers counts once, however many answers mention it. "
    "Codes are the current ones: those accepted by a reviewer and suggestions not yet "
    "reviewed; suggestions a reviewer rejected do not count. Shares are of the people who "
    "wrote at least one answer; 95% confidence intervals are Wilson intervals."
)


def _date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def _masked_table(counts: dict[str, int], threshold: int) -> list[tuple[str, str]]:
    """(label, masked count) with a total, through the one suppression function."""
    if not counts:
        return []
    series = pd.Series(counts, name="n", dtype="int64")
    shown = suppress_counts(series, threshold=threshold, percent_of=None).display_counts()["n"]
    return [(str(label), str(shown[label])) for label in counts]


# ---------------------------------------------------------------- the engagement report


@dataclass(frozen=True)
class RatedRow:
    name: str
    mean: str
    raters: str


@dataclass(frozen=True)
class PriorityRow:
    code: str
    title: str
    mentioned: list[ThemeFigure]
    not_mentioned: list[str]


@dataclass(frozen=True)
class UpdateRow:
    on: str
    text: str
    status: str
    progress: int


@dataclass(frozen=True)
class CommitmentRow:
    id: int
    title: str
    detail: str
    partner: str
    status: str
    status_label: str
    progress: int
    starts: str
    due: str
    done: str
    reason: str
    themes: list[str]
    groups: list[str]
    updates: list[UpdateRow]


@dataclass
class Report:
    survey_id: int
    title: str
    audience: str
    areas: list[str]
    ages: str
    open_dates: str
    collected: str
    status: str
    generated: str
    threshold: int
    responses: str
    wrote: str
    channels: list[tuple[str, str]]
    modes: list[tuple[str, str]]
    reach: ReachFindings
    reach_charts: dict[str, Markup]
    themes: ThemeFindings
    top_themes: list[ThemeFigure]
    theme_chart: Markup
    group_tables: list[GroupTable]
    scope_note: str
    assembly: list[RatedRow]
    assembly_note: str
    consensus: list[tuple[str, str]]
    consensus_note: str
    priorities: list[PriorityRow]
    commitments: list[CommitmentRow]
    status_counts: list[tuple[str, int]]
    min_group: int
    # Responses by language and channel, masked in engage.reach.language.
    language: LanguageReach | None = None
    small_counts: str = ""
    method: str = ""
    attribution: str = ""


def build_report(
    session: Session,
    survey: Survey,
    *,
    threshold: int,
    min_group: int,
    now: datetime | None = None,
) -> Report:
    with findings_started(session, survey, threshold=threshold) as findings_ready:
        # Read everything else while the theme counts run on their own connection.
        first, last = queries.response_dates(session, survey.id)
        channels, modes = _method(session, survey.id, threshold)
        language = build_language_reach(session, survey, threshold=threshold)
        assembly, assembly_note = _assembly(session, survey.id, min_group)
        support = services.broadest_support(session, survey.id, min_group=min_group)
        commitments = [commitment_row(c) for c in list_commitments(session, survey.id)]
        strategic = priorities_with_themes(session)
        names = area_names()
        findings = findings_ready()
    top = findings.themes.overall[:TOP_THEMES]
    return Report(
        survey_id=survey.id,
        title=survey.title,
        audience=Audience(survey.audience).label,
        areas=[names.get(code, code) for code in survey.area_codes],
        ages=_ages(survey),
        open_dates=_span(survey.opens_on, survey.closes_on),
        collected=_span(first, last),
        status=Status(survey.status).value.capitalize(),
        generated=_date(now or datetime.now(UTC)),
        threshold=threshold,
        responses=findings.reach.responses,
        wrote=findings.themes.answered,
        channels=channels,
        modes=modes,
        reach=findings.reach,
        reach_charts={d.name: reach_chart(d) for d in findings.reach.dimensions},
        themes=findings.themes,
        top_themes=top,
        theme_chart=theme_chart(top),
        group_tables=[_top_rows(t, GROUP_THEMES) for t in findings.themes.groupings],
        scope_note=SCOPE_NOTE,
        assembly=assembly,
        assembly_note=assembly_note,
        consensus=[(text, f"{score:.2f}") for text, score, _ in support.statements],
        consensus_note=support.note,
        priorities=_priorities(strategic, findings),
        commitments=commitments,
        status_counts=status_counts(commitments),
        min_group=min_group,
        language=language,
        small_counts=small_counts_note(threshold),
        method=_method_note(survey, len(channels)),
        attribution=findings.reach.attribution,
    )


def small_counts_note(threshold: int) -> str:
    return (
        f'Counts from 1 to {threshold - 1} are shown as "<{threshold}", and "[c]" hides a count '
        "that could otherwise be worked out from the totals beside it, so that nobody can be "
        f"identified. No share is given for fewer than {threshold} people."
    )


def _method_note(survey: Survey, channels: int) -> str:
    audience = Audience(survey.audience).label.lower()
    ages = "" if survey.age_min is None and survey.age_max is None else f" aged {_ages(survey)}"
    through = f"{channels} channel" + ("" if channels == 1 else "s")
    return (
        f"An anonymous survey for {audience}{ages}, shared through "
        f"{through} (each with its own link and QR code). People answered online on a phone "
        "or computer, or on paper or face to face with the answers keyed in by an officer. "
        "No names, contact details, IP addresses or times of day were stored."
    )


def _ages(survey: Survey) -> str:
    if survey.age_min is None and survey.age_max is None:
        return "All ages"
    if survey.age_max is None:
        return f"{survey.age_min} and over"
    return f"{survey.age_min if survey.age_min is not None else 0} to {survey.age_max}"


def _span(first: date | None, last: date | None) -> str:
    if first is None and last is None:
        return "Not set"
    if first is None:
        return f"until {_date(last)}"
    if last is None:
        return f"from {_date(first)}"
    return _date(first) if first == last else f"{_date(first)} to {_date(last)}"


def _method(
    session: Session, survey_id: int, threshold: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    frame = queries.channel_mode_counts(session, survey_id)
    by_channel = {str(k): int(v) for k, v in frame.groupby("channel")["n"].sum().items()}
    by_mode = {Mode(str(k)).label: int(v) for k, v in frame.groupby("mode")["n"].sum().items()}
    return _masked_table(by_channel, threshold), _masked_table(by_mode, threshold)


def reach_chart(dimension: DimensionReach) -> Markup:
    rows = [
        svg.Comparison(
            label=row.category,
            sample=row.sample_share,
            population=row.population_share,
            note=f"{row.n}: no share shown" if row.masked else "too few answers for a share",
        )
        for row in dimension.rows
    ]
    return svg.comparison_chart(rows, title=f"{dimension.label}: respondents and population")


def theme_chart(themes: Sequence[ThemeFigure]) -> Markup:
    rows = [
        svg.Share(
            label=figure.name,
            share=figure.share_value,
            low=figure.low,
            high=figure.high,
            note=f"{figure.count}: no share shown"
            if figure.masked
            else "too few answers for a share",
        )
        for figure in themes
    ]
    return svg.share_chart(rows, title="Share of people who mentioned each theme")


def _top_rows(table: GroupTable, limit: int) -> GroupTable:
    return GroupTable(
        name=table.name,
        label=table.label,
        groups=table.groups,
        bases=table.bases,
        rows=table.rows[:limit],
    )


def _assembly(session: Session, survey_id: int, min_group: int) -> tuple[list[RatedRow], str]:
    """The Assembly's ratings of how much each theme matters; a theme rated by fewer
    than ``min_group`` members shows no mean, so nobody's rating can be picked out."""
    rows = []
    hidden = False
    for rated in assembly_priorities(session, survey_id):
        if rated.raters >= min_group:
            rows.append(RatedRow(rated.name, f"{rated.mean:.1f}", f"{rated.raters:,}"))
        else:
            hidden = True
            rows.append(RatedRow(rated.name, "–", f"fewer than {min_group}"))
    note = (
        f"A theme rated by fewer than {min_group} members shows no average, so that no "
        "member's rating can be picked out."
        if hidden
        else ""
    )
    return rows, note


def _priorities(priorities: Sequence[Priority], findings: Findings) -> list[PriorityRow]:
    figures = {f.key: f for f in findings.themes.overall}
    rows = []
    for priority in priorities:
        mentioned = [figures[t.key] for t in priority.themes if t.key in figures]
        rows.append(
            PriorityRow(
                code=priority.code,
                title=priority.title,
                mentioned=mentioned,
                not_mentioned=[t.name for t in priority.themes if t.key not in figures],
            )
        )
    return rows


def commitment_row(commitment: Commitment) -> CommitmentRow:
    status = CommitmentStatus(commitment.status)
    return CommitmentRow(
        id=commitment.id,
        title=commitment.title,
        detail=commitment.detail,
        partner=commitment.partner,
        status=status.value,
        status_label=status.label,
        progress=int(commitment.progress),
        starts=_date(commitment.starts_on),
        due=_date(commitment.due_on),
        done=_date(commitment.done_on),
        reason=commitment.reason if status is CommitmentStatus.NOT_TAKEN_FORWARD else "",
        themes=[t.name for t in commitment.themes],
        groups=list(commitment.groups or []),
        updates=[
            UpdateRow(
                on=_date(u.on),
                text=u.text,
                status=CommitmentStatus(u.status).label,
                progress=int(u.progress),
            )
            for u in commitment.updates
        ],
    )


def status_counts(commitments: Sequence[CommitmentRow]) -> list[tuple[str, int]]:
    return [
        (status.label, sum(1 for c in commitments if c.status == status.value))
        for status in CommitmentStatus
    ]


# ---------------------------------------------------------------- the public page


def public_figures(findings: Findings, assembly: Sequence[RatedRow]) -> dict[str, Any]:
    """The figures the public page shows, as display strings only.

    This is the snapshot stored on publishing: counts are the masked display
    values ("<10", "1,234"), shares are given only beside a shown count, and no
    raw number about respondents is kept.
    """
    reach = findings.reach
    return {
        "responses": reach.responses,
        "wrote": findings.themes.answered,
        "threshold": findings.threshold,
        "themes": [
            {
                "name": t.name,
                "count": t.count,
                "share": t.share,
                "percent": f"{t.share_value * 100:.0f}" if t.share_value is not None else None,
            }
            for t in findings.themes.overall[:PUBLIC_THEMES]
        ],
        "reach": [
            {
                "label": d.label,
                "source": d.source,
                "rows": [
                    {
                        "category": r.category,
                        "count": r.n,
                        # "[c]" means nothing to a young person: it is withheld to
                        # protect a smaller group, so it is simply not shown.
                        "people": "not shown" if r.n == WITHHELD else f"{r.n} people",
                        "share": r.sample_pct,
                        "population": r.population_pct,
                        "percent": f"{r.sample_share * 100:.0f}"
                        if r.sample_share is not None
                        else None,
                        "population_percent": f"{r.population_share * 100:.0f}",
                        "under": r.under,
                    }
                    for r in d.rows
                ],
            }
            for d in reach.dimensions
            if d.name in ("age", "sex", "ethnic_group")
        ],
        "missing": [{"dimension": m.dimension, "category": m.category} for m in reach.missing[:6]],
        "assembly": [
            {"name": r.name, "mean": r.mean, "raters": r.raters} for r in assembly if r.mean != "–"
        ][:5],
        "attribution": reach.attribution,
    }


def build_public_figures(
    session: Session, survey: Survey, *, threshold: int, min_group: int
) -> dict[str, Any]:
    findings = build_findings(session, survey, threshold=threshold, by_group=False)
    assembly, _ = _assembly(session, survey.id, min_group)
    return public_figures(findings, assembly)


@dataclass
class PublicPage:
    title: str
    summary: list[str]
    figures: dict[str, Any]
    published: str
    quotes: list[Quote]
    commitments: list[CommitmentRow]
    status_counts: list[tuple[str, int]]


def build_public_page(session: Session, page: FeedbackPage, survey: Survey) -> PublicPage:
    """The published page: figures from the snapshot, the partnership's words live."""
    snapshot = page.snapshot or {}
    commitments = [commitment_row(c) for c in list_commitments(session, survey.id)]
    return PublicPage(
        title=survey.title,
        summary=[p.strip() for p in page.summary.split("\n\n") if p.strip()],
        figures=dict(snapshot.get("figures") or {}),
        published=_date(page.published_at),
        quotes=services.shown_quotes(session, survey.id, services.chosen_quote_ids(page)),
        commitments=commitments,
        status_counts=[(label, n) for label, n in status_counts(commitments) if n],
    )


@dataclass
class PublicSettings:
    page: FeedbackPage | None
    url: str
    published: str
    state: str  # "not published", "published", "withdrawn"
    quotes: list[tuple[Quote, bool]]
    missing_quotes: int
    figures: dict[str, Any] = field(default_factory=dict)


def build_public_settings(
    session: Session, survey: Survey, *, base_url: str, chosen: Sequence[int] | None = None
) -> PublicSettings:
    page = services.get_page(session, survey.id)
    ids = services.chosen_quote_ids(page) if chosen is None else list(chosen)
    quotes = services.quotes_of(session, survey.id)
    snapshot = (page.snapshot or {}) if page is not None else {}
    return PublicSettings(
        page=page,
        url=f"{base_url.rstrip('/')}/r/{page.code}" if page is not None else "",
        published=_date(page.published_at) if page is not None else "",
        state=services.page_state(page),
        quotes=[(q, q.id in ids) for q in quotes],
        missing_quotes=len(set(ids) - {q.id for q in quotes}),
        figures=dict(snapshot.get("figures") or {}),
    )


# ---------------------------------------------------------------- across consultations


@dataclass(frozen=True)
class Wave:
    survey_id: int
    title: str
    when: str
    label: str  # short, for chart axes


@dataclass(frozen=True)
class TrendRow:
    category: str
    ratios: list[str]  # per wave; "–" when masked or too few answers
    under: list[bool]


@dataclass(frozen=True)
class ChainTrend:
    name: str
    waves: list[Wave]
    rows: list[TrendRow]
    cv: list[str]


@dataclass(frozen=True)
class DimensionTrend:
    name: str
    label: str
    chart: Markup
    chains: list[ChainTrend]


@dataclass
class Overview:
    chains: list[list[Wave]]
    dimensions: list[DimensionTrend]
    theme_waves: list[Wave]
    theme_rows: list[tuple[str, list[str]]]
    commitment_rows: list[tuple[Wave, list[int], int]]
    commitment_totals: list[int]
    commitment_total: int
    statuses: list[str]
    threshold: int


def build_overview(session: Session, *, threshold: int) -> Overview:
    surveys = services.reported_surveys(session)
    chains = _chains(session, surveys)
    reach: dict[int, ReachFindings] = {}
    themes: dict[int, ThemeFindings] = {}
    for survey in surveys:
        reach[survey.id] = reach_findings(session, survey, threshold=threshold)
        themes[survey.id] = theme_findings(session, survey, threshold=threshold, by_group=False)
    waves_of = {s.id: _wave(s) for s in surveys}
    chain_waves = [[waves_of[s.id] for s in chain] for chain in chains]
    dimensions = _dimension_trends(chains, chain_waves, reach)
    ordered = [w for chain in chain_waves for w in chain]
    rows, totals = _commitments_by_status(session, ordered)
    return Overview(
        chains=chain_waves,
        dimensions=dimensions,
        theme_waves=ordered,
        theme_rows=_theme_trends(ordered, themes),
        commitment_rows=rows,
        commitment_totals=totals,
        commitment_total=sum(totals),
        statuses=[s.label for s in CommitmentStatus],
        threshold=threshold,
    )


def _wave(survey: Survey) -> Wave:
    when = survey.opens_on or survey.created_at.date()
    return Wave(
        survey_id=survey.id,
        title=survey.title,
        when=f"{when:%B %Y}",
        label=f"{survey.title[:18]} ({when:%b %Y})",
    )


def _chains(session: Session, surveys: Sequence[Survey]) -> list[list[Survey]]:
    """Each run of waves (``SurveyWave`` links), oldest first; a survey with no links
    is a chain of one. Drafts are left out of every chain."""
    included = {s.id: s for s in surveys}
    seen: set[int] = set()
    chains = []
    for survey in surveys:
        if survey.id in seen:
            continue
        chain = [included[s.id] for s in waves(session, survey.id) if s.id in included]
        seen.update(s.id for s in chain)
        chains.append(chain or [survey])
    return chains


def _dimension_trends(
    chains: list[list[Survey]],
    chain_waves: list[list[Wave]],
    reach: dict[int, ReachFindings],
) -> list[DimensionTrend]:
    names: dict[str, str] = {}
    for findings in reach.values():
        for d in findings.dimensions:
            names.setdefault(d.name, d.label)
    result = []
    for name, label in names.items():
        trends = []
        lines = []
        longest = max((len(c) for c in chain_waves), default=0)
        for chain, wave_list in zip(chains, chain_waves, strict=True):
            dims = [
                next((d for d in reach[s.id].dimensions if d.name == name), None) for s in chain
            ]
            categories = list(
                dict.fromkeys(r.category for d in dims if d is not None for r in d.rows)
            )
            rows = []
            for category in categories:
                ratios, under = [], []
                for dim in dims:
                    row = (
                        next((r for r in dim.rows if r.category == category), None)
                        if dim is not None
                        else None
                    )
                    ratios.append(row.ratio if row is not None else "–")
                    under.append(bool(row.under) if row is not None else False)
                rows.append(TrendRow(category, ratios, under))
            cvs = [d.cv if d is not None else None for d in dims]
            trends.append(
                ChainTrend(
                    name=wave_list[0].title,
                    waves=wave_list,
                    rows=rows,
                    cv=[f"{v:.2f}" if v is not None else "–" for v in cvs],
                )
            )
            values: list[float | None] = [*cvs, *([None] * (longest - len(cvs)))]
            lines.append(svg.Line(name=wave_list[0].title, values=values))
        chart = svg.line_chart(
            [f"Wave {n + 1}" for n in range(longest)],
            lines,
            title=f"{label}: coefficient of variation per wave (lower is more representative)",
            y_label="Coefficient of variation",
        )
        result.append(DimensionTrend(name=name, label=label, chart=chart, chains=trends))
    return result


def _theme_trends(
    ordered: Sequence[Wave], themes: dict[int, ThemeFindings]
) -> list[tuple[str, list[str]]]:
    """Share of people mentioning each of the most mentioned themes, per consultation.

    Themes are picked by how often they are among a consultation's shown top five;
    a withheld count shows as "<10", a share only beside a shown count.
    """
    score: dict[str, int] = {}
    names: dict[str, str] = {}
    for findings in themes.values():
        shown = [t for t in findings.overall if not t.masked][:5]
        for rank, figure in enumerate(shown):
            score[figure.key] = score.get(figure.key, 0) + (5 - rank)
            names[figure.key] = figure.name
    chosen = sorted(score, key=lambda k: (-score[k], names[k]))[:OVERVIEW_THEMES]
    rows = []
    for key in chosen:
        cells = []
        for wave in ordered:
            found = next((t for t in themes[wave.survey_id].overall if t.key == key), None)
            if found is None:
                cells.append("0")
            elif found.share_value is None:
                cells.append(found.count if found.masked else "–")
            else:
                cells.append(found.share)
        rows.append((names[key], cells))
    return rows


def _commitments_by_status(
    session: Session, ordered: Sequence[Wave]
) -> tuple[list[tuple[Wave, list[int], int]], list[int]]:
    rows = []
    for wave in ordered:
        counts = list(commitment_status_counts(session, [wave.survey_id]).values())
        rows.append((wave, counts, sum(counts)))
    totals = list(commitment_status_counts(session, [w.survey_id for w in ordered]).values())
    return rows, totals
