"""Imports every model module so ``Base.metadata`` is complete (Alembic, tests)."""

from engage.assembly.models import (
    AssemblyProfile,
    Comment,
    Participant,
    Review,
    ReviewQuote,
    ReviewTheme,
    Statement,
    ThemeRating,
    Vote,
)
from engage.audit.models import AuditEvent
from engage.auth.models import LoginFailure, User
from engage.db import Base
from engage.feedback.models import Commitment, CommitmentUpdate, FeedbackPage, SurveyWave
from engage.population.models import PopulationBaseline, PopulationCount
from engage.priorities.models import Priority
from engage.quotes.models import Quote
from engage.safeguarding.models import SafeguardingFlag, SafeguardingNote
from engage.surveys.models import (
    Answer,
    AnswerTranslation,
    Channel,
    ContentTranslation,
    Option,
    Question,
    Response,
    Section,
    SubmissionReceipt,
    Survey,
    SurveyArea,
    SurveyLanguage,
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
    "AnswerTranslation",
    "AssemblyProfile",
    "AuditEvent",
    "Base",
    "BlindSample",
    "BlindSampleItem",
    "Channel",
    "CodeAssignment",
    "Codebook",
    "Comment",
    "Commitment",
    "CommitmentUpdate",
    "ContentTranslation",
    "FeedbackPage",
    "LoginFailure",
    "Option",
    "Participant",
    "PopulationBaseline",
    "PopulationCount",
    "Priority",
    "Question",
    "Quote",
    "Response",
    "Review",
    "ReviewQuote",
    "ReviewTheme",
    "SafeguardingFlag",
    "SafeguardingNote",
    "Section",
    "Statement",
    "SubmissionReceipt",
    "SuggestionState",
    "Survey",
    "SurveyArea",
    "SurveyLanguage",
    "SurveyWave",
    "Theme",
    "ThemeRating",
    "TrainedModel",
    "User",
    "Vote",
]
