"""Forms of the appeals screens (field checks here, rules in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.appeals.models import AppealStatus, Channel, Character
from portal.appeals.services import MANUAL_STATUSES
from portal.auth.forms import PHONE_RE

PHONE_MESSAGE = _l("Enter a phone number like +7 7172 74 00 00.")


def _int_or_none(value: str | int | None) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AppealForm(FlaskForm):
    """The operator's after-call form, in the order an operator fills it."""

    channel = RadioField(_l("Channel"), choices=[], default=Channel.LINE_1414.value)
    received_at = DateTimeLocalField(_l("Received"), format="%Y-%m-%dT%H:%M",
                                     validators=[DataRequired()])
    region_code = SelectField(_l("Region"), choices=[], validate_choice=False)
    applicant_surname = StringField(_l("Surname"), validators=[Optional(), Length(max=100)])
    applicant_name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[
        Optional(), Regexp(PHONE_RE, message=PHONE_MESSAGE)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    iin = StringField(_l("IIN"), validators=[Optional(), Length(max=20)])
    service = StringField(_l("Service (registry code or name)"),
                          validators=[Optional(), Length(max=600)])
    agency_id = SelectField(_l("Agency concerned"), coerce=_int_or_none, choices=[],
                            validate_choice=False)
    character = RadioField(_l("Character of the appeal"), choices=[],
                           default=Character.CONSULTATION.value)
    content = TextAreaField(_l("Content"), validators=[DataRequired(), Length(max=20000)])
    measures = TextAreaField(_l("Measures taken"), validators=[Optional(), Length(max=20000)])
    request_number = StringField(_l("Request number sent to the agency"),
                                 validators=[Optional(), Length(max=60)])
    status = SelectField(_l("Status"), choices=[], default=AppealStatus.CLOSED.value)
    call_id = StringField(_l("Call id (telephony)"), validators=[Optional(), Length(max=64)])
    article_id = HiddenField()

    def set_choices(self, regions: list[tuple[str, str]], agencies: list[tuple[int, str]]
                    ) -> None:
        """Fill the choices in the user's language."""
        self.channel.choices = [(c.value, c.label) for c in Channel]
        self.character.choices = [(c.value, c.label) for c in Character]
        self.status.choices = [(s.value, s.label) for s in MANUAL_STATUSES]
        self.region_code.choices = [("", "—")] + regions
        self.agency_id.choices = [("", "—")] + [(str(i), n) for i, n in agencies]


class UpdateForm(FlaskForm):
    """What changes while the appeal is handled."""

    character = SelectField(_l("Character of the appeal"), choices=[])
    measures = TextAreaField(_l("Measures taken"), validators=[Optional(), Length(max=20000)])
    request_number = StringField(_l("Request number sent to the agency"),
                                 validators=[Optional(), Length(max=60)])
    status = SelectField(_l("Status"), choices=[])

    def set_choices(self, current: AppealStatus) -> None:
        """Manual statuses, plus the current one when an action set it."""
        statuses = list(MANUAL_STATUSES)
        if current not in statuses:
            statuses.insert(0, current)
        self.status.choices = [(s.value, s.label) for s in statuses]
        self.character.choices = [(c.value, c.label) for c in Character]


class TransferForm(FlaskForm):
    """Transfer to another operator or group (Rules No. 83, cl. 11)."""

    to_user_id = SelectField(_l("Operator"), coerce=_int_or_none, choices=[],
                             validate_choice=False)
    to_group = StringField(_l("Group"), validators=[Optional(), Length(max=100)])
    note = TextAreaField(_l("Note for the colleague"), validators=[DataRequired(),
                                                                   Length(max=2000)])


class ReferralForm(FlaskForm):
    """Out-of-scope question: the competent body the caller was told about (cl. 10)."""

    body = StringField(_l("Competent body and its contacts"), validators=[Optional(),
                                                                          Length(max=500)])
    agency_id = SelectField(_l("Agency"), coerce=_int_or_none, choices=[],
                            validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class RatingForm(FlaskForm):
    """A rating the caller gave, recorded by staff (cl. 13)."""

    score = RadioField(_l("Rating"), choices=[(str(i), str(i)) for i in range(1, 6)],
                       validators=[DataRequired()])


class ReplyForm(FlaskForm):
    """The answer to an e-mail appeal (cl. 8)."""

    body = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=20000)])


class DemandForm(FlaskForm):
    """A written demand for call recordings (Rules No. 83, cl. 14)."""

    call_date = DateField(_l("Date of the call"), validators=[DataRequired()])
    caller_phone = StringField(_l("Caller's phone number"), validators=[
        DataRequired(), Regexp(PHONE_RE, message=PHONE_MESSAGE)])
    reference = StringField(_l("Outgoing number of the demand letter"),
                            validators=[Optional(), Length(max=120)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class RecordingUploadForm(FlaskForm):
    """Recording files for a demand."""

    files = MultipleFileField(_l("Recording files"), validators=[FileRequired()])
