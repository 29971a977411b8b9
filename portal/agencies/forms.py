"""Agency form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from portal.agencies.models import AgencyKind
from portal.auth.forms import PHONE_RE


def _int_or_none(value: str | int | None) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class AgencyForm(FlaskForm):
    """Create or edit an agency."""

    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[a-z0-9_-]+$", message=_l("Lowercase Latin letters, digits, - and _ only."))])
    kind = SelectField(_l("Kind"), choices=[])
    name_kk = StringField(_l("Name in Kazakh"), validators=[DataRequired(), Length(max=400)])
    name_ru = StringField(_l("Name in Russian"), validators=[DataRequired(), Length(max=400)])
    short_kk = StringField(_l("Short name in Kazakh"), validators=[Optional(), Length(max=120)])
    short_ru = StringField(_l("Short name in Russian"), validators=[Optional(), Length(max=120)])
    region_code = SelectField(_l("Region"), choices=[], validate_choice=False,
                              coerce=lambda v: v or None)
    parent_id = SelectField(_l("Parent body"), choices=[], validate_choice=False,
                            coerce=_int_or_none)
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[
        Optional(), Regexp(PHONE_RE, message=_l("Enter a phone number like +7 7172 74 00 00."))])

    def set_choices(self, regions: list[tuple[str, str]], parents: list[tuple[int, str]]) -> None:
        """Fill the drop-downs."""
        self.kind.choices = [(k.value, k.label) for k in AgencyKind]
        self.region_code.choices = [("", "—")] + regions
        self.parent_id.choices = [("", "—")] + [(str(i), n) for i, n in parents]
