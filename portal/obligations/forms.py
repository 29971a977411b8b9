"""Forms: cancelling an obligation, recording that a cl. 28 notice was sent."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length


class CancelForm(FlaskForm):
    """A manager cancels an obligation that no longer applies."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class NoticeSentForm(FlaskForm):
    """The manager sent the notice to the QC authority (Rules No. 83, cl. 28)."""

    sent_on = DateField(_l("Sent on"), validators=[InputRequired()])
    reference = StringField(_l("Outgoing letter number"),
                            validators=[DataRequired(), Length(max=120)])
