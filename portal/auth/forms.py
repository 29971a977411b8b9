"""Forms for logging in, passwords and user administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from portal.i18n import LOCALE_NAMES
from portal.security import Role

PHONE_RE = r"^\+?[0-9 ()-]{7,20}$"


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords do not match."))],
    )


class UserForm(FlaskForm):
    """Create or edit a user (admin)."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=80)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[
        Optional(), Regexp(PHONE_RE, message=_l("Enter a phone number like +7 7172 74 00 00."))])
    role = SelectField(_l("Role"), choices=[])
    agency_id = SelectField(_l("Agency"), coerce=lambda v: int(v) if v else None, choices=[],
                            validate_choice=False)
    locale = SelectField(_l("Language"), choices=list(LOCALE_NAMES.items()))
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Active"), default=True)

    def set_choices(self, agencies: list[tuple[int, str]]) -> None:
        """Fill the role and agency drop-downs."""
        self.role.choices = [(r.value, r.label) for r in Role]
        self.agency_id.choices = [("", "—")] + [(str(i), n) for i, n in agencies]
