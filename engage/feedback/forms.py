from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from engage.choices import choices
from engage.feedback.models import CommitmentStatus
from engage.feedback.services import (
    DETAIL_MAX,
    GROUP_MAX,
    MAX_GROUPS,
    PARTNER_MAX,
    REASON_MAX,
    TITLE_MAX,
    UPDATE_MAX,
)

STATUS_CHOICES = choices((s.value, s.label) for s in CommitmentStatus)
# Required-ness and the rules between fields are checked by the service, which reports
# each problem against its field; the form only parses what was typed.
WHOLE_NUMBER = "Progress is a whole number from 0 to 100."
DATE_FORMAT = "Enter a real date."


class CommitmentForm(FlaskForm):
    title = StringField(
        "What will be done",
        description="In plain words, as the people who raised it would say it.",
        validators=[Length(max=TITLE_MAX)],
    )
    detail = TextAreaField("Detail", validators=[Length(max=DETAIL_MAX)])
    partner = StringField(
        "Which partner will do it",
        description="For example West Midlands Police, or the council's youth service.",
        validators=[Length(max=PARTNER_MAX)],
    )
    # Choices set by the view: active codebook themes; groups the respondents fall into.
    themes = SelectMultipleField(
        "Themes it answers",
        coerce=int,
        choices=[],
        invalid_choice_message="Choose themes from the list.",
        invalid_value_message="Choose themes from the list.",
    )
    groups = SelectMultipleField(
        "Groups who raised it",
        choices=[],
        invalid_choice_message="Choose groups from the list, or type others under Other groups.",
    )
    other_groups = TextAreaField(
        "Other groups",
        description=f"One per line, each up to {GROUP_MAX} characters; "
        f"at most {MAX_GROUPS} groups in all.",
        validators=[Length(max=MAX_GROUPS * (GROUP_MAX + 2))],
    )
    status = RadioField(
        "Status",
        choices=STATUS_CHOICES,
        default=CommitmentStatus.PLANNED.value,
        invalid_choice_message="Choose one of the statuses.",
    )
    reason = TextAreaField(
        "Reason it is not being taken forward",
        description="Needed when the status is Not taken forward: people who raised it "
        "should see why.",
        validators=[Length(max=REASON_MAX)],
    )
    progress = IntegerField(
        "Progress (%)",
        description="0 to 100. Done sets 100.",
        default=0,
        validators=[Optional()],
    )
    starts_on = DateField("Start date", validators=[Optional()], format="%Y-%m-%d")
    due_on = DateField("Due date", validators=[Optional()], format="%Y-%m-%d")
    done_on = DateField(
        "Done date",
        description="When the status is Done. Left empty, today.",
        validators=[Optional()],
        format="%Y-%m-%d",
    )


class UpdateForm(FlaskForm):
    on = DateField("Date", validators=[Optional()], format="%Y-%m-%d")
    text = TextAreaField(
        "What happened",
        description="If it is not being taken forward, say why here.",
        validators=[Length(max=UPDATE_MAX)],
    )
    status = RadioField(
        "Status after this update",
        choices=STATUS_CHOICES,
        invalid_choice_message="Choose the status after this update.",
    )
    progress = IntegerField("Progress after this update (%)", validators=[Optional()])


class WaveForm(FlaskForm):
    follows = SelectField("This consultation follows on from", choices=[], validate_choice=False)


class CommentForm(FlaskForm):
    text = TextAreaField("Your comment")
