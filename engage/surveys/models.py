"""Consultations, their questions and channels, and the anonymous responses.

Anonymity is a schema rule here: ``Response`` and ``Answer`` hold no user id,
IP address, user agent, referrer, session id or time of day. A response has a
random id, the channel it came through, how it was collected and the date only.
The per-form nonce that makes retries idempotent is kept in a separate table
with no link to the response, so the nonce seen by the respondent's browser
cannot be used to find their answers.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, new_uuid, utcnow


class Audience(StrEnum):
    YOUNG_PEOPLE = "young_people"
    PARENTS = "parents"
    COMMUNITY = "community"
    PROFESSIONALS = "professionals"
    MIXED = "mixed"

    @property
    def label(self) -> str:
        return {
            "young_people": "Young people",
            "parents": "Parents and carers",
            "community": "Community",
            "professionals": "Professionals",
            "mixed": "Mixed",
        }[self.value]


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Kind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    RATING = "rating"
    TEXT = "text"
    NUMBER = "number"

    @property
    def label(self) -> str:
        return {
            "single": "Single choice",
            "multi": "Multiple choice",
            "rating": "Rating scale",
            "text": "Free text",
            "number": "Number",
        }[self.value]

    @property
    def has_options(self) -> bool:
        return self in {Kind.SINGLE, Kind.MULTI, Kind.RATING}


class Operator(StrEnum):
    EQUALS = "equals"  # for multiple choice: "includes"
    AT_LEAST = "at_least"  # numbers, e.g. age 16 or over


class Mode(StrEnum):
    ONLINE = "online"
    PAPER = "paper"
    FACE_TO_FACE = "face_to_face"

    @property
    def label(self) -> str:
        return {"online": "Online", "paper": "Paper", "face_to_face": "Face to face"}[self.value]


PREFER_NOT_TO_SAY = "prefer_not_to_say"
# The language officers write a survey in unless they choose another (engage.i18n codes).
SOURCE_LANGUAGE = "en"


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(str(e.value)) for e in enum)})"


class Survey(Base):
    __tablename__ = "survey"
    __table_args__ = (
        CheckConstraint(_in("audience", Audience), name="audience"),
        CheckConstraint(_in("status", Status), name="status"),
        CheckConstraint("age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="ages"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    # Shown on the thank-you page above Engage's own words; may be empty.
    thank_you: Mapped[str] = mapped_column(Text, default="", server_default="")
    audience: Mapped[str] = mapped_column(String(20), default=Audience.YOUNG_PEOPLE.value)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=Status.DRAFT.value)
    # Bumped by every change to the pages, questions or settings (see the respondent cache).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    # Retention (see engage.surveys.retention): None keeps answers. Otherwise, once a
    # response is this many days old its free text is removed, or with purge_responses
    # the whole response is deleted.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    purge_responses: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    areas: Mapped[list[SurveyArea]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyArea.area_code"
    )
    sections: Mapped[list[Section]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="Section.position"
    )
    channels: Mapped[list[Channel]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="Channel.id"
    )
    # The languages the survey is offered in, the first being its source language
    # (the one officers write in, and the fallback for an unknown or missing choice).
    languages: Mapped[list[SurveyLanguage]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyLanguage.position"
    )
    translations: Mapped[list[ContentTranslation]] = relationship(
        back_populates="survey", cascade="all, delete-orphan"
    )

    @property
    def area_codes(self) -> list[str]:
        return [a.area_code for a in self.areas]

    @property
    def audience_enum(self) -> Audience:
        return Audience(self.audience)

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]


class SurveyLanguage(Base):
    """A language a survey is offered in (a code from ``engage.i18n``), in display order."""

    __tablename__ = "survey_language"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    survey: Mapped[Survey] = relationship(back_populates="languages")


class ContentTranslation(Base):
    """One of a survey's own strings (title, question text, option label...) in one language.

    ``key`` is the string's stable id within the survey (see ``engage.surveys.content``).
    ``source_hash`` is a hash of the source-language text it was translated from, so a
    translation whose source has since changed shows as out of date.
    """

    __tablename__ = "content_translation"
    __table_args__ = (
        UniqueConstraint("survey_id", "key", "language", name="uq_content_translation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    survey: Mapped[Survey] = relationship(back_populates="translations")


class SurveyArea(Base):
    __tablename__ = "survey_area"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    area_code: Mapped[str] = mapped_column(String(9), primary_key=True)

    survey: Mapped[Survey] = relationship(back_populates="areas")


class Section(Base):
    __tablename__ = "section"
    __table_args__ = (
        CheckConstraint(
            "condition_operator IS NULL OR " + _in("condition_operator", Operator),
            name="operator",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    condition_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="SET NULL", use_alter=True)
    )
    condition_operator: Mapped[str | None] = mapped_column(String(10))
    condition_value: Mapped[str | None] = mapped_column(String(60))

    survey: Mapped[Survey] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section",
        cascade="all, delete-orphan",
        order_by="Question.position",
        foreign_keys="Question.section_id",
    )
    condition_question: Mapped[Question | None] = relationship(
        foreign_keys=[condition_question_id], post_update=True
    )


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("survey_id", "key", name="uq_question_survey_key"),
        CheckConstraint(_in("kind", Kind), name="kind"),
        CheckConstraint(
            "condition_operator IS NULL OR " + _in("condition_operator", Operator),
            name="operator",
        ),
        CheckConstraint("max_length IS NULL OR max_length > 0", name="max_length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    max_length: Mapped[int | None] = mapped_column(Integer)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    # Which standard demographic question this is (age, sex, ethnic_group, ...), if any.
    demographic: Mapped[str | None] = mapped_column(String(30))
    # Number questions may offer "Prefer not to say" beside the box.
    prefer_not_option: Mapped[bool] = mapped_column(Boolean, default=False)
    condition_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="SET NULL")
    )
    condition_operator: Mapped[str | None] = mapped_column(String(10))
    condition_value: Mapped[str | None] = mapped_column(String(60))

    section: Mapped[Section] = relationship(back_populates="questions", foreign_keys=[section_id])
    options: Mapped[list[Option]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Option.position"
    )
    condition_question: Mapped[Question | None] = relationship(
        remote_side=[id], foreign_keys=[condition_question_id]
    )

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def field_name(self) -> str:
        return f"q{self.id}"

    def option_label(self, code: str) -> str:
        for option in self.options:
            if option.code == code:
                return option.label
        if code == PREFER_NOT_TO_SAY:
            return "Prefer not to say"
        return code


class Option(Base):
    __tablename__ = "option"
    __table_args__ = (UniqueConstraint("question_id", "code", name="uq_option_question_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))

    question: Mapped[Question] = relationship(back_populates="options")


class Channel(Base):
    """A route by which people reach a survey: a school, a youth club, a social post."""

    __tablename__ = "channel"
    __table_args__ = (CheckConstraint("cap IS NULL OR cap > 0", name="cap"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    cap: Mapped[int | None] = mapped_column(Integer)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown on the start page for people arriving through this link; may be empty.
    welcome: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The language this link opens in (a Polish community group's link opens in Polish);
    # None: the browser's preference among the survey's languages.
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="channels")


class Response(Base):
    """One anonymous response. No time of day, no client details, a random id."""

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint(_in("mode", Mode), name="mode"),
        Index("ix_response_survey_submitted", "survey_id", "submitted_on"),
        # Counts by channel and mode for the report, read from the index alone.
        Index("ix_response_survey_channel_mode", "survey_id", "channel_id", "mode"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel.id", ondelete="SET NULL"), index=True
    )
    mode: Mapped[str] = mapped_column(String(12), default=Mode.ONLINE.value)
    submitted_on: Mapped[date] = mapped_column(Date)
    # The language the survey was answered in: coarse, and like every other count shown
    # only through small-number suppression.
    language: Mapped[str] = mapped_column(
        String(16), default=SOURCE_LANGUAGE, server_default=SOURCE_LANGUAGE
    )

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    channel: Mapped[Channel | None] = relationship()


class Answer(Base):
    """One value given to one question. Multiple choice stores one row per option."""

    __tablename__ = "answer"
    # Covering indexes for the report's aggregates at 100,000 responses (bench/report.py):
    # answers by question and value, a person's answer to a question, and written answers.
    __table_args__ = (
        Index(
            "ix_answer_question_value", "question_id", "option_code", "number_value", "response_id"
        ),
        Index(
            "ix_answer_question_response",
            "question_id",
            "response_id",
            "option_code",
            "number_value",
        ),
        Index(
            "ix_answer_text",
            "question_id",
            "response_id",
            "id",
            postgresql_where=text("text_value IS NOT NULL"),
            sqlite_where=text("text_value IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    response_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"))
    option_code: Mapped[str | None] = mapped_column(String(60))
    text_value: Mapped[str | None] = mapped_column(Text)
    number_value: Mapped[float | None] = mapped_column(Float)

    response: Mapped[Response] = relationship(back_populates="answers")


class AnswerTranslation(Base):
    """An officer's or analyst's translation of a written answer, kept beside the original.

    The original answer is never replaced; coding, discovery and triage read this text
    where it exists. ``language`` is the language the answer was written in.
    """

    __tablename__ = "answer_translation"

    answer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    translated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SubmissionReceipt(Base):
    """Proof that a form was already submitted, deliberately not linked to the response."""

    __tablename__ = "submission_receipt"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
