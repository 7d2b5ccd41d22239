"""The audit log: one row per officer action, append-only in the database itself.

A row says who (account id and email), what (a fixed action) and to which
object (type and id), and when. There is deliberately no free-text column: no
message, no IP address, nothing a respondent wrote, so the log can be kept for
as long as the partnership needs without becoming personal data about respondents.
Migration 0004 adds triggers that refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.db import Base, utcnow


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    USER_CREATED = "user_created"
    ROLE_CHANGED = "role_changed"
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an action name, not a secret
    SURVEY_CREATED = "survey_created"
    SURVEY_PUBLISHED = "survey_published"
    SURVEY_CLOSED = "survey_closed"
    SURVEY_REOPENED = "survey_reopened"
    SURVEY_ARCHIVED = "survey_archived"
    SURVEY_COPIED = "survey_copied"
    EXPORT_RESPONSES = "export_responses"
    EXPORT_PLAN = "export_plan"
    QUESTION_DELETED = "question_deleted"
    SECTION_DELETED = "section_deleted"
    CHANNEL_CLOSED = "channel_closed"
    SAFEGUARDING_VIEWED = "safeguarding_viewed"
    SAFEGUARDING_UPDATED = "safeguarding_updated"
    QUOTE_SHARED = "quote_shared"
    RETENTION_PURGE = "retention_purge"
    AUDIT_EXPORTED = "audit_exported"
    CODEBOOK_EXPORTED = "codebook_exported"
    PRIORITIES_CHANGED = "priorities_changed"
    REVIEW_OPENED = "review_opened"
    REVIEW_CLOSED = "review_closed"
    STATEMENT_MODERATED = "statement_moderated"
    COMMENT_MODERATED = "comment_moderated"
    ASSEMBLY_PROFILE_CHANGED = "assembly_profile_changed"
    COMMITMENT_CREATED = "commitment_created"
    COMMITMENT_UPDATED = "commitment_updated"
    PUBLIC_PAGE_PUBLISHED = "public_page_published"
    PUBLIC_PAGE_WITHDRAWN = "public_page_withdrawn"
    REPORT_EXPORTED = "report_exported"
    ANSWER_TRANSLATED = "answer_translated"
    ANSWER_TRANSLATION_REMOVED = "answer_translation_removed"
    SURVEY_LANGUAGES_CHANGED = "survey_languages_changed"
    TRANSLATIONS_EDITED = "translations_edited"
    TRANSLATIONS_EXPORTED = "translations_exported"
    TRANSLATIONS_IMPORTED = "translations_imported"
    TRANSLATIONS_IMPORT_REFUSED = "translations_import_refused"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AuditEvent(Base):
    # No CHECK constraint on ``action``: new actions are added in code without a
    # migration (rebuilding this table on SQLite would mean dropping its triggers).
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept beside the id so the log still says who after an account is deleted. For a
    # failed login it is the account name that was tried; None for the system (CLI jobs).
    actor_email: Mapped[str | None] = mapped_column(String(254), index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
