"""What the Assembly's members write, and who they are to the database.

Member text is redacted before it is stored (the original is never kept) and
waits for moderation. A member is known to a review only by a keyed hash of the
review and their account id, so no row links a vote to an account.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.analysis.redaction import redact
from engage.assembly.models import AssemblyProfile, Comment, Moderation, Participant
from engage.db import insert_or_skip
from engage.errors import InvalidInput

STATEMENT_MAX = 300
COMMENT_MAX = 1000


def voter_key(secret: str, review_id: int, user_id: int) -> str:
    """HMAC-SHA256 of review and account: stable per member and review, opaque without the key."""
    message = f"engage-assembly:{review_id}:{user_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def clean_member_text(text: str, *, limit: int, names: Iterable[str]) -> tuple[str, int]:
    """The redacted text and how many details were taken out; refuses empty or long text."""
    stripped = " ".join(text.split())
    if not stripped:
        raise InvalidInput("Write something first.")
    if len(stripped) > limit:
        raise InvalidInput(f"Keep it to {limit:,} characters (this is {len(stripped):,}).")
    redacted = redact(stripped, local_names=tuple(names))
    return redacted.text, len(redacted.spans)


def participant_for(session: Session, *, secret: str, review_id: int, user_id: int) -> Participant:
    """The member's participant row in a review, created on first use (race-safe)."""
    key = voter_key(secret, review_id, user_id)
    profile = session.get(AssemblyProfile, user_id)
    values = {
        "review_id": review_id,
        "voter": key,
        "age_band": profile.age_band if profile else "",
        "area": profile.area if profile else "",
    }
    session.execute(
        insert_or_skip(session, Participant)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["review_id", "voter"])
    )
    found = session.scalar(
        select(Participant).where(Participant.review_id == review_id, Participant.voter == key)
    )
    assert found is not None  # inserted just above, or already there
    return found


def submit_comment(
    session: Session,
    text: str,
    *,
    names: Iterable[str],
    today: date,
    review_id: int | None = None,
    statement_id: int | None = None,
    commitment_id: int | None = None,
) -> Comment:
    """Store a member's comment, redacted, pending moderation. Never commits."""
    if review_id is None and commitment_id is None:
        raise InvalidInput("A comment needs a review or a commitment.")
    cleaned, spans = clean_member_text(text, limit=COMMENT_MAX, names=names)
    comment = Comment(
        review_id=review_id,
        statement_id=statement_id,
        commitment_id=commitment_id,
        text=cleaned,
        redactions=spans,
        status=Moderation.PENDING.value,
        created_on=today,
    )
    session.add(comment)
    session.flush()
    return comment
