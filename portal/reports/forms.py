"""Forms of the report screens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class DiscrepancyForm(FlaskForm):
    """The QC authority's request for an explanation (Rules No. 83, cl. 32)."""

    rows = StringField(_l("Rows of the report (e.g. 3, 5-7)"),
                       validators=[Optional(), Length(max=500)])
    description = TextAreaField(_l("What differs from the provider's internal-control report"),
                                validators=[DataRequired(), Length(max=5000)])


class ExplanationForm(FlaskForm):
    """The contact center's explanation."""

    explanation = TextAreaField(_l("Explanation"), validators=[DataRequired(),
                                                               Length(max=10000)])
