"""Blocks that capabilities add to surveys pages: the thank-you page and the survey overview.

Surveys knows neither who adds a panel nor what it says: it asks each registered
provider in turn and includes the template each one names, in order. The
providers are listed once, in ``engage/hooks.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from engage.surveys.models import Survey

SURVEY_PANELS = "engage.survey_panels"


@dataclass(frozen=True)
class Panel:
    """A template (owned by the capability that made the panel) and the values it reads."""

    template: str
    data: Mapping[str, object] = field(default_factory=dict)


# The thank-you page, given the survey's id. Runs before the response is stored, in
# the request's read transaction: keep it to one indexed query at most.
ThanksPanel = Callable[[Session, int], Panel | None]
# The survey overview, given the survey and how many responses it has.
OverviewPanel = Callable[[Session, Survey, int], Panel | None]


@dataclass(frozen=True)
class SurveyPanels:
    thanks: tuple[tuple[str, ThanksPanel], ...] = ()
    overview: tuple[tuple[str, OverviewPanel], ...] = ()

    def thanks_panels(self, session: Session, survey_id: int) -> list[Panel]:
        found = (provide(session, survey_id) for _, provide in self.thanks)
        return [panel for panel in found if panel is not None]

    def overview_panels(self, session: Session, survey: Survey, responses: int) -> list[Panel]:
        found = (provide(session, survey, responses) for _, provide in self.overview)
        return [panel for panel in found if panel is not None]
