"""Fast, masked findings of one consultation: who took part, who was missed, what they said.

For pages and documents that leave the officer role (the engagement report, the
public page, the partnership overview): every count here has been through
``engage.analysis.suppression.suppress_counts`` at the threshold passed in, and
nothing raw is kept on the result. Aggregation happens in SQL (see
``engage.findings.queries``), so a consultation of 100,000 responses costs a
handful of GROUP BY queries, not a row per answer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engage.findings import queries
from engage.findings.reach import ReachFindings, reach_findings
from engage.findings.themes import ThemeFindings, theme_findings
from engage.surveys.models import Survey
from engage.surveys.services import get_survey

__all__ = [
    "Findings",
    "build_findings",
    "findings_started",
    "reach_findings",
    "theme_findings",
]


PARALLEL_FROM = 20_000  # responses
MAX_PARTS = 4


@dataclass
class Findings:
    reach: ReachFindings
    themes: ThemeFindings
    threshold: int


@contextmanager
def findings_started(
    session: Session,
    survey: Survey,
    *,
    threshold: int,
    planned_next: int | None = None,
    by_group: bool = True,
) -> Iterator[Callable[[], Findings]]:
    """Start counting themes on a second connection; yield a function that returns the
    findings once the reach (counted on ``session``, in the calling thread) and the
    themes are both done.

    The theme counts are the one heavy query of a report (a few hundred thousand
    coded answers at 100,000 responses). Running it beside everything else the
    caller reads, on a connection of its own (a reader: SQLite's WAL and
    PostgreSQL both let it run alongside), takes it off the critical path; the
    database drivers release the GIL while a query runs. The second
    connection may see a response that arrived a moment later than the first
    saw: each section is consistent and masked on its own.
    """
    bind = session.get_bind()

    def reach() -> ReachFindings:
        return reach_findings(session, survey, threshold=threshold, planned_next=planned_next)

    if not isinstance(bind, Engine):  # a session on one connection: nothing to share
        yield lambda: Findings(
            reach=reach(),
            themes=theme_findings(session, survey, threshold=threshold, by_group=by_group),
            threshold=threshold,
        )
        return
    parts = count_parts(queries.response_total(session, survey.id))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="findings") as pool:
        themes = pool.submit(
            _themes_apart, bind, survey.id, threshold=threshold, by_group=by_group, parts=parts
        )
        yield lambda: Findings(reach=reach(), themes=themes.result(), threshold=threshold)


def count_parts(responses: int) -> int:
    """How many slices to count themes in at once: one per core (at most four), and
    one for small consultations, where a thread costs more than it saves."""
    if responses < PARALLEL_FROM:
        return 1
    return max(1, min(MAX_PARTS, os.cpu_count() or 1))


def _themes_apart(
    bind: Engine, survey_id: int, *, threshold: int, by_group: bool, parts: int
) -> ThemeFindings:
    with Session(bind=bind) as own:
        survey = get_survey(own, survey_id)
        result = theme_findings(own, survey, threshold=threshold, by_group=by_group, parts=parts)
        own.rollback()  # read only: nothing to keep
        return result


def build_findings(
    session: Session,
    survey: Survey,
    *,
    threshold: int,
    planned_next: int | None = None,
    by_group: bool = True,
) -> Findings:
    """Reach against the Census and themes (all free-text questions together, per
    person), masked at ``threshold``."""
    with findings_started(
        session, survey, threshold=threshold, planned_next=planned_next, by_group=by_group
    ) as ready:
        return ready()
