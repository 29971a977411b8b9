"""The admin form for a decree override."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length


class OverrideForm(FlaskForm):
    """Make a day a working day or a day off by Government decree."""

    day = DateField(_l("Day"), validators=[InputRequired()])
    working = SelectField(_l("The day becomes"), choices=[
        ("0", _l("a day off")), ("1", _l("a working day"))], validators=[DataRequired()])
    reason = StringField(_l("Decree reference"), validators=[DataRequired(), Length(max=500)])
