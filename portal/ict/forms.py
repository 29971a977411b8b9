"""Forms of the ICT screens (field checks here, rules in the services)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from portal.auth.forms import PHONE_RE
from portal.ict.models import OutageScope, RequestChannel, TimeBasis, WorksKind
from portal.timeutil import local_tz


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


def enum_choices(enum_cls: Any) -> list[tuple[str, str]]:
    """(value, translated label) pairs of an enum for a drop-down."""
    return [(m.value, m.label) for m in enum_cls]


class RequestForm(FlaskForm):
    """A body's ICT request (cl. 35): who asks, from which body, about what."""

    agency_id = SelectField(_l("Body"), coerce=_int_or_none, choices=[], validate_choice=False)
    requester_name = StringField(_l("Who asks (full name)"),
                                 validators=[DataRequired(), Length(max=200)])
    requester_position = StringField(_l("Position"), validators=[Optional(), Length(max=300)])
    requester_phone = StringField(_l("Phone"), validators=[
        Optional(), Regexp(PHONE_RE, message=_l("Enter a phone number like +7 7172 74 00 00."))])
    requester_email = EmailField(_l("E-mail for the answer"),
                                 validators=[Optional(), Email(), Length(max=200)])
    category_id = SelectField(_l("Category of the regulation"), coerce=_int_or_none, choices=[],
                              validate_choice=False)
    system = StringField(_l("ICT service or information system"),
                         validators=[DataRequired(), Length(max=300)])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)])
    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=20000)])
    channel = SelectField(_l("Channel"), choices=[])
    files = MultipleFileField(_l("Files (up to 5, 10 MB each)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel.choices = enum_choices(RequestChannel)


class EscalateForm(FlaskForm):
    """Escalation to the ICI operator (cl. 36)."""

    note = TextAreaField(_l("What the ICI operator must answer"),
                         validators=[DataRequired(), Length(max=5000)])
    kb_checked = BooleanField(_l("The Knowledge Base has no answer to this question"),
                              validators=[DataRequired()])


class AnswerForm(FlaskForm):
    """The answer to the body."""

    text = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=20000)])
    files = MultipleFileField(_l("Files (up to 5, 10 MB each)"))


class CommentForm(FlaskForm):
    """A clarification or a file added to a request."""

    text = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
    files = MultipleFileField(_l("Files (up to 5, 10 MB each)"))


class CloseForm(FlaskForm):
    """Closing an answered request."""

    text = TextAreaField(_l("Closing note"), validators=[Optional(), Length(max=2000)])


class EmptyForm(FlaskForm):
    """A button that only needs the CSRF token."""


class CategoryForm(FlaskForm):
    """One category of the processing regulation (cl. 37)."""

    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[a-z0-9_-]+$", message=_l("Use lowercase Latin letters, digits, - and _."))])
    name_kk = StringField(_l("Name in Kazakh"), validators=[DataRequired(), Length(max=200)])
    name_ru = StringField(_l("Name in Russian"), validators=[DataRequired(), Length(max=200)])
    time_basis = SelectField(_l("Times are counted in"), choices=[])
    reaction_hours = DecimalField(_l("Reaction time, hours"), places=2, validators=[
        DataRequired(), NumberRange(min=Decimal("0.25"), max=744)])
    resolution_hours = DecimalField(_l("Resolution time, hours"), places=2, validators=[
        DataRequired(), NumberRange(min=Decimal("0.25"), max=744)])
    position = IntegerField(_l("Order in lists"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=999)])
    active = BooleanField(_l("In use for new requests"), default=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_basis.choices = enum_choices(TimeBasis)

    def data_for_service(self) -> dict[str, Any]:
        """Values for ``regulation.save_category`` (hours become minutes)."""
        return {"code": self.code.data, "name_kk": self.name_kk.data.strip(),
                "name_ru": self.name_ru.data.strip(),
                "time_basis": TimeBasis(self.time_basis.data),
                "reaction_minutes": int(round(self.reaction_hours.data * 60)),
                "resolution_minutes": int(round(self.resolution_hours.data * 60)),
                "active": bool(self.active.data), "position": self.position.data or 0}


class OutageForm(FlaskForm):
    """A planned full or partial interruption of ICT services (cl. 38), in Astana time."""

    scope = SelectField(_l("Interruption"), choices=[])
    works_kind = SelectField(_l("Kind of works"), choices=[])
    systems = TextAreaField(_l("Affected systems and services"),
                            validators=[DataRequired(), Length(max=2000)])
    starts_at = DateTimeLocalField(_l("Starts (Astana time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (Astana time)"), format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired()])
    description_kk = TextAreaField(_l("Description in Kazakh"),
                                   validators=[DataRequired(), Length(max=5000)])
    description_ru = TextAreaField(_l("Description in Russian"),
                                   validators=[DataRequired(), Length(max=5000)])
    version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope.choices = enum_choices(OutageScope)
        self.works_kind.choices = enum_choices(WorksKind)

    def data_for_service(self) -> dict[str, Any]:
        """Values for the outage services, with aware Astana times."""
        tz = local_tz()

        def aware(value: datetime) -> datetime:
            return value.replace(tzinfo=tz)

        return {"scope": OutageScope(self.scope.data), "works_kind": WorksKind(self.works_kind.data),
                "systems": self.systems.data.strip(),
                "description_kk": self.description_kk.data.strip(),
                "description_ru": self.description_ru.data.strip(),
                "starts_at": aware(self.starts_at.data), "ends_at": aware(self.ends_at.data)}


class CancelOutageForm(FlaskForm):
    """Cancelling a planned outage."""

    reason = TextAreaField(_l("Why the outage is cancelled"),
                           validators=[DataRequired(), Length(max=2000)])
    version = HiddenField()
