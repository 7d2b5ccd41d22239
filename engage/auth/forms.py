from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from engage.auth.roles import ROLE_LABELS
from engage.choices import choices


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]


class NewUserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=choices(ROLE_CHOICES))
    password = PasswordField(
        "Starting password",
        description="At least 12 characters and hard to guess. Share it with them safely.",
        validators=[DataRequired(), Length(max=200)],
    )


class EditUserForm(FlaskForm):
    role = SelectField("Role", choices=choices(ROLE_CHOICES))
    active = BooleanField("Account can sign in")
    password = PasswordField(
        "New password",
        description="Leave blank to keep the current password.",
        validators=[Length(max=200)],
    )
