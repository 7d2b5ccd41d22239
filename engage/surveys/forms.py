from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from engage.choices import choices
from engage.surveys.models import Audience, Kind, Mode, Operator
from engage.surveys.retention import retention_hint
from engage.surveys.services import STARTERS

AUDIENCE_CHOICES = [(a.value, a.label) for a in Audience]


class SurveySettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    introduction = TextAreaField(
        "Introduction",
        description="Plain words: who is asking, why, and what will happen with the answers.",
        validators=[Length(max=3000)],
    )
    thank_you = TextAreaField(
        "Message on the thank-you page (optional)",
        description="Shown after someone finishes, above Engage's own words: for example "
        "when and where you will share what you heard.",
        validators=[Length(max=3000)],
    )
    audience = SelectField("Who is it for?", choices=choices(AUDIENCE_CHOICES))
    areas = StringField(
        "Areas",
        description="Local authority codes, separated by commas, e.g. E08000027 for Dudley. "
        "The seven West Midlands authorities are E08000025 to E08000031.",
        validators=[DataRequired(message="Add at least one area."), Length(max=2000)],
    )
    age_min = IntegerField("Youngest age", validators=[Optional(), NumberRange(min=0, max=120)])
    age_max = IntegerField("Oldest age", validators=[Optional(), NumberRange(min=0, max=120)])
    opens_on = DateField("Opens on", validators=[Optional()])
    closes_on = DateField("Closes on", validators=[Optional()])
    retention_days = IntegerField(
        "Remove free text after (days)",
        description=retention_hint(None, purge_responses=False),
        validators=[Optional(), NumberRange(min=1, max=3650)],
    )
    purge_responses = BooleanField(
        "Delete whole responses at that point, not only their free text",
        description="Counts and charts will then no longer include them.",
    )


class NewSurveyForm(SurveySettingsForm):
    starter = SelectField(
        "Start from",
        choices=choices([("", "A blank survey"), *STARTERS.items()]),
        description="Starter templates are modelled on what violence-reduction partnerships ask. "
        "You can change every question before you open the survey.",
    )


class SectionForm(FlaskForm):
    title = StringField("Page title", validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField("Text at the top of the page", validators=[Length(max=2000)])
    condition_question = SelectField("Show this page only when", choices=[], validate_choice=False)
    condition_operator = SelectField(
        "Comparison",
        default=Operator.EQUALS.value,
        choices=choices(
            [(Operator.EQUALS.value, "is (or includes)"), (Operator.AT_LEAST.value, "is at least")]
        ),
    )
    condition_value = StringField("Value", validators=[Length(max=60)])


class QuestionForm(FlaskForm):
    text = TextAreaField("Question", validators=[DataRequired(), Length(max=1000)])
    key = StringField(
        "Short name",
        description="Used in exports: lower-case letters, digits and underscores, e.g. feel_safe.",
        validators=[DataRequired(), Length(max=60)],
    )
    kind = SelectField("Type", choices=choices((k.value, k.label) for k in Kind))
    hint = TextAreaField("Hint", validators=[Length(max=1000)])
    required = BooleanField("An answer is required")
    options = TextAreaField(
        "Options",
        description="One per line. For a rating scale, give each point a number and a label: "
        "'1 | Very unsafe'. You may also set a code for other options: 'no_one | No one'.",
        validators=[Length(max=10_000)],
    )
    max_length = IntegerField(
        "Longest answer (characters)", validators=[Optional(), NumberRange(min=1, max=10_000)]
    )
    min_value = IntegerField("Smallest number", validators=[Optional()])
    max_value = IntegerField("Largest number", validators=[Optional()])
    prefer_not_option = BooleanField("Offer 'Prefer not to say' (numbers)")
    condition_question = SelectField("Show only when", choices=[], validate_choice=False)
    condition_operator = SelectField(
        "Comparison",
        default=Operator.EQUALS.value,
        choices=choices(
            [(Operator.EQUALS.value, "is (or includes)"), (Operator.AT_LEAST.value, "is at least")]
        ),
    )
    condition_value = StringField("Value", validators=[Length(max=60)])


class ChannelForm(FlaskForm):
    name = StringField(
        "Channel name",
        description="Where this link will be shared, e.g. 'Oak Park School' or 'Instagram'.",
        validators=[DataRequired(), Length(max=120)],
    )
    cap = IntegerField(
        "Most responses to accept (optional)", validators=[Optional(), NumberRange(min=1)]
    )


class ChannelUpdateForm(FlaskForm):
    cap = IntegerField("Cap", validators=[Optional(), NumberRange(min=1)])
    closed = BooleanField("Closed")
    welcome = TextAreaField("Welcome", validators=[Length(max=2000)])
    # Checked against the survey's languages by the service.
    language = StringField("Opens in", validators=[Length(max=16)])


class PaperResponseForm(FlaskForm):
    channel = SelectField("Channel", coerce=int, choices=[])
    mode = SelectField(
        "How it was collected",
        choices=choices(
            [
                (Mode.PAPER.value, Mode.PAPER.label),
                (Mode.FACE_TO_FACE.value, Mode.FACE_TO_FACE.label),
            ]
        ),
    )
