"""Forms of the article editor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal.knowledge.services import MAX_BODY, MAX_TITLE


class ArticleForm(FlaskForm):
    """Both languages side by side; each save becomes a version."""

    service_id = SelectField(_l("Public service"), coerce=lambda v: int(v) if v else None,
                             validators=[Optional()])
    title_kk = StringField(_l("Title in Kazakh"), validators=[Length(max=MAX_TITLE)])
    title_ru = StringField(_l("Title in Russian"), validators=[Length(max=MAX_TITLE)])
    body_kk = TextAreaField(_l("Text in Kazakh (Markdown)"), validators=[Length(max=MAX_BODY)])
    body_ru = TextAreaField(_l("Text in Russian (Markdown)"), validators=[Length(max=MAX_BODY)])
    tags = StringField(_l("Tags, comma-separated"), validators=[Length(max=1000)])
    note = StringField(_l("What changed (for the history)"), validators=[Length(max=300)])
    lock_version = HiddenField()

    def set_services(self, choices: list[tuple[int | str, str]]) -> None:
        """Service choices, with "general article" first."""
        self.service_id.choices = [("", str(_l("General article (no service)"))), *choices]

    def content(self) -> dict[str, object]:
        """The article content entered."""
        return {"service_id": self.service_id.data, "title_kk": self.title_kk.data or "",
                "title_ru": self.title_ru.data or "", "body_kk": self.body_kk.data or "",
                "body_ru": self.body_ru.data or "", "tags": self.tags.data or ""}


class ActionForm(FlaskForm):
    """CSRF-protected button for a workflow action."""
