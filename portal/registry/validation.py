"""Checks shared by forms, services and the importer; messages in the user's language."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from portal.auth.forms import PHONE_RE
from portal.errors import DomainError

#: Registry code ``SSSUUNNN``: section (3 digits), subsection (2), number (3).
CODE_RE = re.compile(r"^(\d{3})(\d{2})(\d{3})$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_PHONE = re.compile(PHONE_RE)


def code_problem(code: str) -> str | None:
    """Why ``code`` is not a registry code, or None when it is one."""
    match = CODE_RE.match(code or "")
    if not match:
        return _("A registry code is exactly 8 digits: section (3), subsection (2), number (3).")
    if any(int(part) == 0 for part in match.groups()):
        return _("Section, subsection and number of a registry code cannot be zero.")
    return None


def check_code(code: str) -> str:
    """The code stripped, or DomainError on the ``code`` field."""
    code = (code or "").strip()
    if problem := code_problem(code):
        raise DomainError(problem, "code")
    return code


def check_email(value: str, field: str = "email", required: bool = False) -> str:
    """A normalised e-mail address (or '' when optional and empty)."""
    value = (value or "").strip()
    if not value:
        if required:
            raise DomainError(_("Enter an e-mail address."), field)
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as err:
        raise DomainError(_("This is not a valid e-mail address."), field) from err


def check_phone(value: str, field: str = "phone", required: bool = False) -> str:
    """A phone number as typed, if it looks like one."""
    value = (value or "").strip()
    if not value:
        if required:
            raise DomainError(_("Enter a phone number."), field)
        return ""
    if not _PHONE.match(value):
        raise DomainError(_("Enter a phone number like +7 7172 74 00 00."), field)
    return value


def check_url(value: str, field: str) -> str:
    """An http(s) URL or ''."""
    value = (value or "").strip()
    if value and not URL_RE.match(value):
        raise DomainError(_("Enter a full web address starting with https://"), field)
    return value


def check_bilingual(data: dict[str, Any], field: str) -> None:
    """Both the Kazakh and the Russian text of ``field`` must be present."""
    for locale in ("kk", "ru"):
        if not str(data.get(f"{field}_{locale}") or "").strip():
            raise DomainError(
                _("Fill in the Kazakh text.") if locale == "kk" else _("Fill in the Russian text."),
                f"{field}_{locale}")


def check_date_order(first: date | None, then: date | None, field: str) -> None:
    """``then`` may not precede ``first``."""
    if first and then and then < first:
        raise DomainError(_("This date cannot be earlier than the start date."), field)
