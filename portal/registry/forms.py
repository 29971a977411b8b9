"""Forms of the registry screens (field checks here, rules in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.forms import PHONE_RE
from portal.registry.models import TermKind

PHONE_MESSAGE = _l("Enter a phone number like +7 7172 74 00 00.")
CODE_MESSAGE = _l("A registry code is exactly 8 digits: section (3), subsection (2), "
                  "number (3).")


def _int_or_none(value: str | int | None) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for choosing several items (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ServiceForm(FlaskForm):
    """Service information (Annex 1 columns 2, 3, 5, 6 and the term)."""

    agency_id = SelectField(_l("Providing agency"), coerce=_int_or_none, choices=[],
                            validate_choice=False)
    code = StringField(_l("Registry code"), validators=[
        DataRequired(), Regexp(r"^\d{8}$", message=CODE_MESSAGE)])
    name_kk = TextAreaField(_l("Name in Kazakh"), validators=[DataRequired(), Length(max=2000)])
    name_ru = TextAreaField(_l("Name in Russian"), validators=[DataRequired(), Length(max=2000)])
    term_days = IntegerField(_l("Service term, days"), validators=[
        Optional(), NumberRange(min=1, max=365)])
    term_kind = SelectField(_l("Days are counted as"), choices=[])
    internet_resource = URLField(_l("Internet resource with the description"), validators=[
        Optional(), Length(max=500)])
    internet_resource_note = TextAreaField(_l("Note on the internet resource"),
                                           validators=[Optional(), Length(max=2000)])
    change_notes = TextAreaField(_l("Notes on changes to the acts"),
                                 validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def set_choices(self, agencies: list[tuple[int, str]]) -> None:
        """Fill the drop-downs."""
        from portal.registry.models import TERM_KIND_LABELS

        self.agency_id.choices = [("", "—")] + [(str(i), n) for i, n in agencies]
        self.term_kind.choices = [(k.value, str(TERM_KIND_LABELS[k])) for k in TermKind]


class BylawForm(FlaskForm):
    """A bylaw defining the order of a service."""

    title_kk = TextAreaField(_l("Title in Kazakh"), validators=[DataRequired(),
                                                               Length(max=2000)])
    title_ru = TextAreaField(_l("Title in Russian"), validators=[DataRequired(),
                                                                Length(max=2000)])
    number = StringField(_l("Number"), validators=[DataRequired(), Length(max=60)])
    approved_on = DateField(_l("Date of approval"), validators=[DataRequired()])
    registration_number = StringField(_l("State registration number"),
                                      validators=[Optional(), Length(max=60)])
    url = URLField(_l("Link to the text"), validators=[Optional(), Length(max=500)])


class AmendmentForm(FlaskForm):
    """An act amending a bylaw (cl. 26)."""

    amended_on = DateField(_l("Date of the amendment"), validators=[DataRequired()])
    act_title = TextAreaField(_l("Amending act"), validators=[Optional(), Length(max=2000)])
    act_number = StringField(_l("Number of the amending act"),
                             validators=[Optional(), Length(max=60)])
    registration_number = StringField(_l("State registration number"),
                                      validators=[Optional(), Length(max=60)])
    note = TextAreaField(_l("What changed"), validators=[Optional(), Length(max=5000)])


class StatusForm(FlaskForm):
    """Suspend, withdraw or resume a service, with the reason."""

    action = SelectField(_l("Action"), choices=[])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class PersonForm(FlaskForm):
    """A responsible person (cl. 20)."""

    agency_id = SelectField(_l("Agency"), coerce=_int_or_none, choices=[],
                            validate_choice=False)
    full_name = StringField(_l("Surname, name, patronymic"), validators=[
        DataRequired(), Length(max=200)])
    position_kk = StringField(_l("Position in Kazakh"), validators=[DataRequired(),
                                                                   Length(max=300)])
    position_ru = StringField(_l("Position in Russian"), validators=[DataRequired(),
                                                                    Length(max=300)])
    phone = StringField(_l("Phone"), validators=[DataRequired(),
                                                 Regexp(PHONE_RE, message=PHONE_MESSAGE)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=200)])
    appointed_on = DateField(_l("Appointed on"), validators=[DataRequired()])
    valid_until = DateField(_l("Responsible until"), validators=[Optional()])
    service_ids = MultiCheckboxField(_l("Services the person is responsible for"), coerce=int,
                                     choices=[], validate_choice=False)


class ReplaceForm(FlaskForm):
    """A replacement notice with the new person's details (cl. 27)."""

    replaced_on = DateField(_l("Replaced on"), validators=[DataRequired()])
    notified_on = DateField(_l("Date of the agency's notice"), validators=[DataRequired()])
    notice = TextAreaField(_l("Text of the notice"), validators=[DataRequired(),
                                                               Length(max=5000)])
    full_name = StringField(_l("Surname, name, patronymic"), validators=[
        DataRequired(), Length(max=200)])
    position_kk = StringField(_l("Position in Kazakh"), validators=[DataRequired(),
                                                                   Length(max=300)])
    position_ru = StringField(_l("Position in Russian"), validators=[DataRequired(),
                                                                    Length(max=300)])
    phone = StringField(_l("Phone"), validators=[DataRequired(),
                                                 Regexp(PHONE_RE, message=PHONE_MESSAGE)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=200)])


class Annex1NewForm(FlaskForm):
    """Start an Annex 1 form: which services, who fills it."""

    service_ids = MultiCheckboxField(_l("Services"), coerce=int, choices=[],
                                     validate_choice=False)
    executor_name = StringField(_l("Responsible executor (full name)"),
                                validators=[Optional(), Length(max=200)])


class VersionForm(FlaskForm):
    """A state-changing button on a versioned object (CSRF token and version)."""

    version = HiddenField()


class ReviewForm(FlaskForm):
    """The UCC's decision on a submitted Annex 1."""

    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])


class InfoRequestForm(FlaskForm):
    """A UCC request for information (cl. 24)."""

    agency_id = SelectField(_l("Agency"), coerce=_int_or_none, choices=[],
                            validate_choice=False, validators=[DataRequired()])
    service_id = SelectField(_l("Service (optional)"), coerce=_int_or_none, choices=[],
                             validate_choice=False)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("What information or clarification is needed"),
                         validators=[DataRequired(), Length(max=10000)])
    due_on = DateField(_l("Answer due by"), validators=[DataRequired()])


class AnswerForm(FlaskForm):
    """The agency's answer, with documents."""

    answer = TextAreaField(_l("Answer"), validators=[Optional(), Length(max=20000)])
    files = MultipleFileField(_l("Documents (PDF, office files, images; up to 10 MB each)"))


class RefuseForm(FlaskForm):
    """The agency's refusal and its reason (cl. 25)."""

    reason = TextAreaField(_l("Reason for the refusal"), validators=[DataRequired(),
                                                                    Length(max=5000)])


class ImportForm(FlaskForm):
    """Upload of a registry file."""

    file = FileField(_l("Registry file (CSV or XLSX)"), validators=[FileRequired()])
