"""Forms for the Youth Assembly pages, and parsers for the forms with a row per item."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from engage.assembly.members import COMMENT_MAX, STATEMENT_MAX
from engage.assembly.models import GroupBy, StatementKind
from engage.assembly.services import INTRODUCTION_MAX, NOTE_MAX, QuoteChoice, ThemeChoice
from engage.choices import choices
from engage.errors import InvalidInput


class ReviewForm(FlaskForm):
    title = StringField(
        "Title",
        description="What the Assembly will see, e.g. "
        "\u201cFeeling safe in Dudley: what you told us\u201d.",
        validators=[DataRequired(message="Give the review a title."), Length(max=200)],
    )
    introduction = TextAreaField(
        "Introduction",
        description="Plain words for young people: what this is and what will happen next.",
        validators=[Length(max=INTRODUCTION_MAX)],
    )
    group_by = RadioField(
        "Show results by",
        choices=choices([(g.value, g.label) for g in GroupBy]),
        default=GroupBy.AGE_BAND.value,
        validators=[DataRequired(message="Choose how results are grouped.")],
    )


class OfficerStatementForm(FlaskForm):
    text = TextAreaField(
        "Statement",
        description=f"One short sentence members can agree or disagree with (up to {STATEMENT_MAX} "
        "characters).",
        validators=[DataRequired(message="Write the statement."), Length(max=STATEMENT_MAX)],
    )
    kind = RadioField(
        "Kind",
        choices=choices(
            [(k.value, k.label) for k in (StatementKind.FINDING, StatementKind.ACTION)]
        ),
        default=StatementKind.FINDING.value,
        validators=[DataRequired(message="Choose a finding or a proposed action.")],
    )


class ProposeForm(FlaskForm):
    text = TextAreaField(
        "Your statement",
        description=f"One sentence others can agree or disagree with. Up to {STATEMENT_MAX} "
        "characters. Do not use anyone's name: names and contact details are taken out.",
        validators=[DataRequired(message="Write your statement first."), Length(max=STATEMENT_MAX)],
    )
    kind = RadioField(
        "What is it?",
        choices=choices(
            [
                (StatementKind.RECOMMENDATION.value, "Something we should do (a recommendation)"),
                (StatementKind.FINDING.value, "Something we found out (a finding)"),
                (StatementKind.ACTION.value, "A specific action for a partner to take"),
            ]
        ),
        default=StatementKind.RECOMMENDATION.value,
        validators=[DataRequired(message="Choose what kind of statement it is.")],
    )


class CommentForm(FlaskForm):
    text = TextAreaField(
        "Your comment",
        description=f"Up to {COMMENT_MAX:,} characters. Do not use anyone's name: names and "
        "contact details are taken out.",
        validators=[DataRequired(message="Write your comment first."), Length(max=COMMENT_MAX)],
    )


def _number(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def parse_theme_choices(form: MultiDict[str, str]) -> list[ThemeChoice]:
    """Ticked ``theme`` ids, each with ``position-<id>`` (blank: after the numbered ones)
    and ``note-<id>``."""
    chosen = []
    for raw in form.getlist("theme"):
        theme_id = _number(raw)
        if theme_id is None:
            raise InvalidInput("Choose themes from the list.")
        position_raw = form.get(f"position-{theme_id}", "").strip()
        position = _number(position_raw)
        if position_raw and position is None:
            raise InvalidInput("Give each theme's place in the order as a whole number.")
        note = form.get(f"note-{theme_id}", "")
        if len(note) > NOTE_MAX:
            raise InvalidInput(f"Keep each note to {NOTE_MAX:,} characters.")
        chosen.append(ThemeChoice(theme_id, position if position is not None else 10**6, note))
    return chosen


def parse_quote_choices(form: MultiDict[str, str]) -> list[QuoteChoice]:
    """Ticked ``quote`` ids, each optionally tied to the theme in ``quote-theme-<id>``."""
    chosen = []
    for raw in form.getlist("quote"):
        quote_id = _number(raw)
        if quote_id is None:
            raise InvalidInput("Choose quotes from the list.")
        theme_raw = form.get(f"quote-theme-{quote_id}", "").strip()
        theme_id = _number(theme_raw)
        if theme_raw and theme_id is None:
            raise InvalidInput("Choose a theme from the list for each quote.")
        chosen.append(QuoteChoice(quote_id, theme_id))
    return chosen


def parse_ratings(form: MultiDict[str, str]) -> dict[int, int]:
    """``score-<theme id>`` = 1..5, for each theme rated in this form."""
    ratings = {}
    for name, value in form.items():
        if not name.startswith("score-"):
            continue
        theme_id, score = _number(name.removeprefix("score-")), _number(value)
        if theme_id is None or score is None or not 1 <= score <= 5:
            raise InvalidInput("Choose a rating from 1 to 5.")
        ratings[theme_id] = score
    if not ratings:
        raise InvalidInput("Choose how much it matters, from 1 to 5, then save.")
    return ratings


def parse_id(raw: str | None, *, message: str) -> int | None:
    """An optional id from a form or query: None when blank, refused when not a number."""
    if not raw or not raw.strip():
        return None
    value = _number(raw)
    if value is None:
        raise InvalidInput(message)
    return value


def parse_decision(form: MultiDict[str, str]) -> bool:
    decision = form.get("decision", "")
    if decision not in ("approve", "reject"):
        raise InvalidInput("Choose approve or reject.")
    return decision == "approve"
