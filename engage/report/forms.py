"""The public page's settings form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import Length

from engage.report.services import SUMMARY_MAX

ACTIONS = ("save", "publish", "withdraw")


class PublicPageForm(FlaskForm):
    summary = TextAreaField(
        "What you heard and what happens next, in your own words",
        description=(
            "Shown at the top of the public page. Write for the young people who answered: "
            "short sentences, no jargon. Leave a blank line between paragraphs."
        ),
        validators=[Length(max=SUMMARY_MAX, message=f"Keep it to {SUMMARY_MAX:,} characters.")],
    )
    # Choices set by the view: this consultation's shared (already redacted) quotes.
    quotes = SelectMultipleField(
        "Quotes to show",
        coerce=int,
        choices=[],
        invalid_choice_message="Choose quotes from the list.",
        invalid_value_message="Choose quotes from the list.",
    )
