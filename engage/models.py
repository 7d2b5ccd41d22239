"""Imports every model module so ``Base.metadata`` is complete (Alembic, tests)."""

from engage.audit.models import AuditEvent
from engage.auth.models import LoginFailure, User
from engage.db import Base
from engage.population.models import PopulationBaseline, PopulationCount
from engage.quotes.models import Quote
from engage.safeguarding.models import SafeguardingFlag, SafeguardingNote
from engage.surveys.models import (
    Answer,
    Channel,
    Option,
    Question,
    Response,
    Section,
    SubmissionReceipt,
    Survey,
    SurveyArea,
)
from engage.themes.models import (
    BlindSample,
    BlindSampleItem,
    CodeAssignment,
    Codebook,
    SuggestionState,
    Theme,
    TrainedModel,
)

__all__ = [
    "Answer",
    "AuditEvent",
    "Base",
    "BlindSample",
    "BlindSampleItem",
    "Channel",
    "CodeAssignment",
    "Codebook",
    "LoginFailure",
    "Option",
    "PopulationBaseline",
    "PopulationCount",
    "Question",
    "Quote",
    "Response",
    "SafeguardingFlag",
    "SafeguardingNote",
    "Section",
    "SubmissionReceipt",
    "SuggestionState",
    "Survey",
    "SurveyArea",
    "Theme",
    "TrainedModel",
    "User",
]
