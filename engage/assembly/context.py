"""Context builders for the Youth Assembly pages: each returns what its template shows.

Everything about respondents on the findings pack comes from the masked context
builders of the reach and themes pages (``build_reach``, ``build_summary``): counts
arrive here as display strings ("<10") and are never recomputed. Results of the
Assembly's own votes are shown only for groups of at least ``min_group`` members,
and never per member.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.analysis import consensus
from engage.analysis.suppression import suppress_counts
from engage.assembly import services
from engage.assembly.charts import theme_shares
from engage.assembly.models import (
    GroupBy,
    Moderation,
    Origin,
    Review,
    ReviewStatus,
    Statement,
    StatementKind,
)
from engage.errors import NotFound
from engage.quotes.services import list_quotes
from engage.reach.context import build_reach
from engage.surveys.models import Survey
from engage.themes.answers import text_questions
from engage.themes.codebook import list_themes, theme_options
from engage.themes.summary import Cell, Summary, build_summary

# Breakdowns shown to the Assembly: who people are, not which channel reached them.
PACK_DIMENSIONS = ("age_band", "sex", "ethnic_group", "area")
MAIN_GAPS = 5
OTHER = "Other groups"
NOT_GIVEN = "Not given"
NOT_PLACED = "Not placed"
EVERYONE = "Everyone"

VERDICTS = {
    consensus.AGREED_BY_EVERY_GROUP: ("Agreed by every group", "agreed", 0),
    consensus.DIVIDED: ("Divided", "divided", 1),
    consensus.MIXED: ("Mixed views", "mixed", 2),
    consensus.REJECTED_BY_EVERY_GROUP: ("Rejected by every group", "rejected", 3),
}
# With no breakdown there is one group: "every group" would overstate it.
VERDICTS_ONE_GROUP = {
    consensus.AGREED_BY_EVERY_GROUP: ("Most agree", "agreed", 0),
    consensus.DIVIDED: ("Divided", "divided", 1),
    consensus.MIXED: ("Mixed views", "mixed", 2),
    consensus.REJECTED_BY_EVERY_GROUP: ("Most disagree", "rejected", 3),
}


def mask_count(n: int, threshold: int) -> str:
    """One count on its own, through the one masking function."""
    safe = suppress_counts(
        pd.Series([n], name="n"), threshold=threshold, column_totals=False, percent_of=None
    )
    return str(safe.display_counts().iloc[0, 0])


def _percent(value: float) -> str:
    return "–" if math.isnan(value) else f"{value * 100:.0f}%"


def _width(value: float) -> str:
    return "0%" if math.isnan(value) else f"{value * 100:.1f}%"


# ---------------------------------------------------------------- the findings pack


@dataclass
class GroupFigures:
    label: str  # "Age band"
    rows: list[tuple[str, str, str]]  # group, people (masked), share


@dataclass
class ThemeFigures:
    question: str
    answered: str  # masked number of people who answered the question
    count: str  # masked number who mentioned the theme
    share: str
    interval: str
    groups: list[GroupFigures]


@dataclass
class PackQuote:
    text: str
    attribution: str
    theme: str


@dataclass
class PackTheme:
    theme_id: int
    name: str
    note: str
    figures: list[ThemeFigures]
    quotes: list[PackQuote]
    my_rating: int | None


@dataclass
class ReachDimension:
    id: str
    label: str
    rows: list[tuple[str, str, str, str]]  # group, people (masked), share of people, population
    chart: str


@dataclass
class ThemeChart:
    id: str
    question: str
    figure: str


@dataclass
class Gap:
    dimension: str  # "ethnic group"
    group: str
    people: str  # masked
    share: str  # "–" when masked or the base is too small
    population: str


@dataclass
class Pack:
    review: Review
    survey_title: str
    took_part: str
    gaps: list[Gap]
    reach: list[ReachDimension]
    reach_problems: list[str]
    themes: list[PackTheme]
    charts: list[ThemeChart]
    quotes: list[PackQuote]  # not tied to a theme
    comments: list[tuple[str, str]]  # comment, the statement it is on ("" for the review)
    threshold: int
    rating_labels: dict[int, str] = field(default_factory=lambda: dict(services.RATING_LABELS))


_SHARE = re.compile(r"^(\d+(?:\.\d+)?)%$")
_INTERVAL = re.compile(r"^(\d+)–(\d+)%$")


def _shown_share(cell: Cell) -> tuple[float | None, float | None, float | None]:
    """The share and interval a cell shows, as numbers; None where the cell shows none.

    Read back from the displayed text on purpose: the chart can then never show
    more than the masked table beside it.
    """
    share, interval = _SHARE.match(cell.share), _INTERVAL.match(cell.interval)
    if share is None or interval is None:
        return None, None, None
    return float(share.group(1)), float(interval.group(1)), float(interval.group(2))


def _theme_figures(summary: Summary, name: str) -> ThemeFigures | None:
    overall = dict(summary.overall)
    cell = overall.get(name)
    if cell is None:
        return None
    groups = []
    for table in summary.dimensions:
        if table.name not in PACK_DIMENSIONS:
            continue
        row = next((cells for theme, cells, _ in table.rows if theme == name), None)
        if row is None:
            continue
        groups.append(
            GroupFigures(
                label=table.label,
                rows=[(g, c.count, c.share) for g, c in zip(table.groups, row, strict=True)],
            )
        )
    return ThemeFigures(
        question=summary.question.text,
        answered=summary.answered,
        count=cell.count,
        share=cell.share,
        interval=cell.interval,
        groups=groups,
    )


def _gaps(reach_missing: Sequence[dict[str, object]], dims: Sequence[ReachDimension]) -> list[Gap]:
    """The main gaps, from the masked reach figures (already worst first)."""
    rows = {(d.label, r[0]): r for d in dims for r in d.rows}
    gaps = []
    for missing in reach_missing[:MAIN_GAPS]:
        label, category = str(missing["dimension"]), str(missing["category"])
        row = rows.get((label, category))
        if row is not None:
            _, people, share, population = row
            gaps.append(Gap(label.lower(), category, people, share, population))
    return gaps


def build_pack(
    session: Session, review: Review, survey: Survey, *, threshold: int, voter: str | None
) -> Pack:
    reach = build_reach(session, survey, threshold=threshold)
    dims = [
        ReachDimension(
            id=f"reach-{d.name}",
            label=d.label,
            rows=[(r.category, r.n, r.sample_pct, r.population_pct) for r in d.rows],
            chart=d.chart,
        )
        for d in reach.dimensions
    ]
    summaries = [
        build_summary(session, survey, q, threshold=threshold, confirmed_only=False)
        for q in text_questions(survey)
    ]
    participant = services.find_participant(session, review.id, voter) if voter else None
    mine = services.ratings_of(session, review, participant) if participant else {}
    quotes = services.pack_quotes(session, review)
    themes = []
    for chosen, theme in services.pack_themes(session, review):
        figures = [f for f in (_theme_figures(s, theme.name) for s in summaries) if f is not None]
        themes.append(
            PackTheme(
                theme_id=theme.id,
                name=theme.name,
                note=chosen.note,
                figures=figures,
                quotes=[
                    PackQuote(q.text, q.attribution, theme.name)
                    for q, t in quotes
                    if t is not None and t.id == theme.id
                ],
                my_rating=mine.get(theme.id),
            )
        )
    return Pack(
        review=review,
        survey_title=survey.title,
        took_part=mask_count(reach.total, threshold),
        gaps=_gaps(reach.missing, dims),
        reach=dims,
        reach_problems=list(reach.problems),
        themes=themes,
        charts=_theme_charts(summaries, [t.name for t in themes]),
        quotes=[PackQuote(q.text, q.attribution, "") for q, t in quotes if t is None],
        comments=_comments(session, review),
        threshold=threshold,
    )


def _theme_charts(summaries: Sequence[Summary], names: Sequence[str]) -> list[ThemeChart]:
    """A chart per question of the chosen themes' shares; none where every share is hidden."""
    charts = []
    for summary in summaries:
        overall = dict(summary.overall)
        present = [n for n in names if n in overall]
        shares = [_shown_share(overall[n]) for n in present]
        if not any(share is not None for share, _, _ in shares):
            continue
        charts.append(
            ThemeChart(
                id=f"pack-themes-{summary.question.id}",
                question=summary.question.text,
                figure=theme_shares(
                    present,
                    [s[0] for s in shares],
                    [s[1] for s in shares],
                    [s[2] for s in shares],
                    title="Share who mentioned each issue",
                ),
            )
        )
    return charts


def _comments(session: Session, review: Review) -> list[tuple[str, str]]:
    statements = {s.id: s.text for s in services.approved_statements(session, review.id)}
    return [
        (c.text, statements.get(c.statement_id, "") if c.statement_id else "")
        for c in services.approved_comments(session, review.id)
    ]


# ---------------------------------------------------------------- members' home


@dataclass
class HomeReview:
    review: Review
    survey_title: str
    progress: services.Progress | None  # None for a closed review


def build_home(session: Session, voters: dict[int, str] | None = None) -> list[HomeReview]:
    """Reviews members can see; ``voters`` maps review id to this member's voter key."""
    result = []
    for review, survey in services.visible_reviews(session):
        progress = None
        if review.status == ReviewStatus.OPEN.value and voters is not None:
            progress = services.progress_of(session, review, voters[review.id])
        result.append(HomeReview(review, survey.title, progress))
    return result


# ---------------------------------------------------------------- results


@dataclass
class Support:
    group: str
    seen: str
    agree: str
    disagree: str
    passed: str
    agree_width: str
    disagree_width: str
    pass_width: str


@dataclass
class StatementResult:
    id: int
    text: str
    kind: str
    by_member: bool
    overall: Support | None
    groups: list[Support]
    consensus: str
    verdict: str
    verdict_key: str
    comments: list[str]


@dataclass
class PriorityRow:
    name: str
    rated: bool
    mean: str
    raters: str
    distribution: list[tuple[int, str, int, str]]  # score, label, ratings, bar width


@dataclass
class Representative:
    group: str
    statements: list[tuple[str, str]]  # text, "80% of the group agree"


@dataclass
class Results:
    review: Review
    voters: int
    raters: int
    min_group: int
    group_by: str
    breakdown: bool
    groups: list[tuple[str, int]]
    group_note: str
    priorities: list[PriorityRow]
    statements: list[StatementResult]
    representative: list[Representative]


@dataclass(frozen=True)
class GroupPlan:
    """Each voter's group as shown (None when no breakdown is shown) and why."""

    labels: pd.Series | None
    groups: list[tuple[str, int]]
    note: str


def plan_groups(
    votes: pd.DataFrame, members: pd.DataFrame, group_by: str, min_group: int
) -> GroupPlan:
    """Groups of at least ``min_group`` voters that together hold every voter.

    Smaller groups (and, for opinion groups, voters too new to place) are counted
    together as "Other groups". When that remainder is itself smaller than
    ``min_group`` it joins the smallest group, because leaving it out would let
    anyone subtract the groups from the overall figures and read a few people's
    votes. With fewer than two groups left there is no breakdown at all.
    """
    voters = list(members.index)
    small = (
        f"Groups with fewer than {min_group} members who voted are not shown on their own, "
        "so nobody's votes can be picked out."
    )
    if len(voters) < min_group:
        return GroupPlan(
            None,
            [],
            f"Results by group appear once at least {min_group} members have voted.",
        )
    if group_by == GroupBy.OPINION.value:
        found = consensus.opinion_groups(votes, min_group_size=min_group)
        raw = found.labels.reindex(voters).astype("object").fillna(NOT_PLACED)
        order = sorted(set(found.labels))
    else:
        column = "age_band" if group_by == GroupBy.AGE_BAND.value else "area"
        raw = members[column].astype("object").replace("", NOT_GIVEN)
        raw = raw.replace(consensus.ALL, f"{consensus.ALL} ({column.replace('_', ' ')})")
        known = list(services.AGE_BANDS) if column == "age_band" else []
        order = [b for b in known if b in set(raw)] + sorted(set(raw) - set(known))
    sizes = raw.value_counts()
    named = [g for g in order if g != NOT_PLACED and sizes.get(g, 0) >= min_group]
    labels = raw.where(raw.isin(named), OTHER)
    leftover = int((labels == OTHER).sum())
    note = small if leftover else ""
    if 0 < leftover < min_group and named:
        smallest = min(named, key=lambda g: (sizes[g], named.index(g)))
        merged = f"{smallest} and others"
        labels = labels.replace({OTHER: merged, smallest: merged})
        named = [merged if g == smallest else g for g in named]
    elif leftover:
        named.append(OTHER)
    if len(named) < 2:
        return GroupPlan(
            None,
            [],
            "The groups are too small to show separately without giving away how someone voted.",
        )
    counts = labels.value_counts()
    return GroupPlan(
        pd.Series(pd.Categorical(labels, categories=named), index=labels.index),
        [(g, int(counts[g])) for g in named],
        note,
    )


def _support(row: pd.Series, label: str) -> Support:
    seen = int(row["seen"])
    passed = (row["pass_"] / seen) if seen else math.nan
    return Support(
        group=label,
        seen=f"{seen:,}",
        agree=_percent(float(row["agree_share"])),
        disagree=_percent(float(row["disagree_share"])),
        passed=_percent(float(passed)),
        agree_width=_width(float(row["agree_share"])),
        disagree_width=_width(float(row["disagree_share"])),
        pass_width=_width(float(passed)),
    )


def _priorities(session: Session, review: Review) -> tuple[list[PriorityRow], int]:
    rated = services.rated_themes(session, [review.id])
    rows = []
    for theme in rated:
        widest = max(theme.distribution.values()) or 1
        rows.append(
            PriorityRow(
                name=theme.name,
                rated=theme.raters > 0,
                mean=f"{theme.mean:.1f}" if theme.raters else "–",
                raters=f"{theme.raters:,}",
                distribution=[
                    (score, services.RATING_LABELS[score], n, f"{n / widest * 100:.0f}%")
                    for score, n in sorted(theme.distribution.items())
                ],
            )
        )
    raters = max((t.raters for t in rated), default=0)
    return rows, raters


def build_results(session: Session, review: Review, *, min_group: int) -> Results:
    votes, members = services.results_frame(session, review)
    plan = plan_groups(votes, members, review.group_by, min_group)
    priorities, raters = _priorities(session, review)
    statements = services.approved_statements(session, review.id)
    comments: dict[int, list[str]] = {}
    for comment in services.approved_comments(session, review.id):
        if comment.statement_id is not None:
            comments.setdefault(comment.statement_id, []).append(comment.text)
    results = Results(
        review=review,
        voters=len(members),
        raters=raters,
        min_group=min_group,
        group_by=GroupBy(review.group_by).label,
        breakdown=plan.labels is not None,
        groups=plan.groups,
        group_note=plan.note,
        priorities=priorities,
        statements=[],
        representative=[],
    )
    if votes.empty:
        results.statements = [_unvoted(s, comments) for s in statements]
        return results
    groups = (
        plan.labels
        if plan.labels is not None
        else pd.Series(EVERYONE, index=members.index, dtype="object")
    )
    support = consensus.statement_support(votes, plan.labels)
    scores: dict[int, dict[Hashable, Any]] = {
        int(row["statement"]): row
        for row in consensus.group_consensus(votes, groups).to_dict("records")
    }
    verdicts = VERDICTS if plan.labels is not None else VERDICTS_ONE_GROUP
    ranked: list[tuple[tuple[int, float, int], StatementResult]] = []
    for statement in statements:
        score = scores.get(statement.id)
        if score is None:
            ranked.append(((len(VERDICTS), 0.0, statement.id), _unvoted(statement, comments)))
            continue
        verdict, key, rank = verdicts[str(score["kind"])]
        # Agreed and mixed: most agreed first; divided: most divided first.
        order = {
            "divided": -float(score["divisiveness"]),
            "rejected": -float(score["consensus_disagree"]),
        }.get(key, -float(score["consensus_agree"]))
        rows = support[support["statement"] == statement.id]
        ranked.append(
            (
                (rank, order, statement.id),
                StatementResult(
                    id=statement.id,
                    text=statement.text,
                    kind=StatementKind(statement.kind).label,
                    by_member=statement.origin == Origin.MEMBER.value,
                    overall=_support(rows.iloc[0], EVERYONE),
                    groups=[_support(r, str(r["group"])) for _, r in rows.iloc[1:].iterrows()],
                    consensus=f"{float(score['consensus_agree']):.2f}",
                    verdict=verdict,
                    verdict_key=key,
                    comments=comments.get(statement.id, []),
                ),
            )
        )
    results.statements = [r for _, r in sorted(ranked, key=lambda pair: pair[0])]
    if plan.labels is not None:
        results.representative = _representative(votes, plan.labels, statements)
    return results


def _unvoted(statement: Statement, comments: dict[int, list[str]]) -> StatementResult:
    return StatementResult(
        id=statement.id,
        text=statement.text,
        kind=StatementKind(statement.kind).label,
        by_member=statement.origin == Origin.MEMBER.value,
        overall=None,
        groups=[],
        consensus="–",
        verdict="No votes yet",
        verdict_key="none",
        comments=comments.get(statement.id, []),
    )


def _representative(
    votes: pd.DataFrame, labels: pd.Series, statements: Sequence[Statement]
) -> list[Representative]:
    texts = {s.id: s.text for s in statements}
    table = consensus.representative_statements(votes, labels)
    result = []
    for group in labels.cat.categories:
        rows = table[table["group"] == group]
        if rows.empty:
            continue
        result.append(
            Representative(
                group=str(group),
                statements=[
                    (
                        texts.get(int(r.statement), ""),
                        f"{r.group_share * 100:.0f}% of the group "
                        + ("agree" if r.direction == "agree" else "disagree"),
                    )
                    for r in rows.itertuples(index=False)
                ],
            )
        )
    return result


# ---------------------------------------------------------------- officers: preparing a pack


@dataclass
class ThemeOption:
    id: int
    label: str
    chosen: bool
    position: int | str
    note: str


@dataclass
class QuoteOption:
    id: int
    text: str
    attribution: str
    chosen: bool
    theme_id: int | None


@dataclass
class StatementRow:
    id: int
    text: str
    kind: str
    origin: str
    status: str
    reason: str
    redactions: int


@dataclass
class Prepare:
    review: Review
    status_label: str
    editable: bool
    themes: list[ThemeOption]
    chosen_themes: list[tuple[int, str]]
    quotes: list[QuoteOption]
    statements: list[StatementRow]
    pending: int
    officer_kinds: list[tuple[str, str]]


def build_prepare(session: Session, review: Review) -> Prepare:
    chosen = {rt.theme_id: rt for rt in review.themes}
    codebook = list_themes(session)
    names = {t.id: t.name for t in codebook}
    options = [
        ThemeOption(
            id=theme_id,
            label=label,
            chosen=theme_id in chosen,
            position=chosen[theme_id].position if theme_id in chosen else "",
            note=chosen[theme_id].note if theme_id in chosen else "",
        )
        for theme_id, label in theme_options(codebook)
    ]
    # The pack's themes first, in their order, then the rest of the codebook.
    options.sort(key=lambda o: (not o.chosen, o.position if o.chosen else 0))
    in_pack = {rq.quote_id: rq.theme_id for rq in review.quotes}
    quotes = [
        QuoteOption(q.id, q.text, q.attribution, q.id in in_pack, in_pack.get(q.id))
        for q in list_quotes(session, review.survey_id)
    ]
    statements = list(
        session.scalars(
            select(Statement).where(Statement.review_id == review.id).order_by(Statement.id)
        )
    )
    return Prepare(
        review=review,
        status_label=ReviewStatus(review.status).label,
        editable=review.status != ReviewStatus.CLOSED.value,
        themes=options,
        chosen_themes=[(rt.theme_id, names.get(rt.theme_id, "")) for rt in review.themes],
        quotes=quotes,
        statements=[
            StatementRow(
                id=s.id,
                text=s.text,
                kind=StatementKind(s.kind).label,
                origin="Member" if s.origin == Origin.MEMBER.value else "Officer",
                status=s.status,
                reason=s.reason,
                redactions=s.redactions,
            )
            for s in statements
        ],
        pending=sum(1 for s in statements if s.status == Moderation.PENDING.value),
        officer_kinds=[(k, StatementKind(k).label) for k in services.OFFICER_KINDS],
    )


# ---------------------------------------------------------------- members: comments


@dataclass
class CommentsPage:
    statement: Statement | None  # the statement being commented on, if any
    comments: list[tuple[str, str]]  # approved comments and the statement each is on
    open: bool


def comments_page(session: Session, review: Review, statement_id: int | None) -> CommentsPage:
    statement = None
    if statement_id is not None:
        statement = session.get(Statement, statement_id)
        if (
            statement is None
            or statement.review_id != review.id
            or statement.status != Moderation.APPROVED.value
        ):
            raise NotFound("There is no such statement in this review.")
    return CommentsPage(
        statement=statement,
        comments=_comments(session, review),
        open=review.status == ReviewStatus.OPEN.value,
    )
