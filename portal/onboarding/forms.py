"""Forms of the onboarding pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.i18n import LOCALE_NAMES


class TrainingForm(FlaskForm):
    """Plan or edit a training (Rules No. 83, cl. 21)."""

    scheduled_on = DateField(_l("Date of the training"), validators=[DataRequired()])
    place = StringField(_l("Place or link"), validators=[Optional(), Length(max=300)])
    participants = TextAreaField(_l("Contact center participants (one per line)"),
                                 validators=[Optional(), Length(max=5000)])
    questions = TextAreaField(_l("Questions for the responsible person"),
                              validators=[Optional(), Length(max=20000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class HeldForm(FlaskForm):
    """The day a training took place."""

    held_on = DateField(_l("Held on"), validators=[DataRequired()])


class ProtocolForm(FlaskForm):
    """Terms of an acceptance protocol that is not yet signed."""

    drawn_up_on = DateField(_l("Date of the protocol"), validators=[DataRequired()])
    locale = SelectField(_l("Language of the document"),
                         choices=list(LOCALE_NAMES.items()), default="kk")
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class SignForm(FlaskForm):
    """Sign the document whose SHA-256 the signer was shown."""

    pdf_sha256 = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{64}$")])
