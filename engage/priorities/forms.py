from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from engage.priorities.services import CODE_MAX, DESCRIPTION_MAX, TITLE_MAX


class PriorityForm(FlaskForm):
    code = StringField(
        "Code",
        description="A short reference, e.g. SV01 or WM3.",
        validators=[
            DataRequired(message="Give the priority a short code."),
            Length(max=CODE_MAX),
        ],
    )
    title = StringField(
        "Title",
        description="Use the wording of your published strategy.",
        validators=[DataRequired(message="Give the priority a title."), Length(max=TITLE_MAX)],
    )
    description = TextAreaField("Description", validators=[Length(max=DESCRIPTION_MAX)])
    active = BooleanField(
        "In use",
        default=True,
        description="Untick to retire a priority: it leaves reports and reviews but is kept.",
    )
    # Choices are the active codebook themes, set by the view.
    themes = SelectMultipleField(
        "Themes that bear on this priority",
        coerce=int,
        choices=[],
        invalid_choice_message="Choose themes from the list.",
        invalid_value_message="Choose themes from the list.",
    )
