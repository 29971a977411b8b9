"""E-mail: building MIME messages from outbox rows and talking SMTP (config ``MAIL_*``)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context

from portal.notify.models import OutboxMessage

#: Headers a queued message may set itself (threading, automatic-reply hints).
ALLOWED_HEADERS = ("Message-ID", "In-Reply-To", "References", "Reply-To", "Auto-Submitted",
                   "X-Portal-Key")
SMTP_TIMEOUT = 20


class DeliveryError(Exception):
    """A message could not be handed over; ``permanent`` ones are not retried.

    ``unavailable`` means the server itself could not be reached: the rest of a
    delivery run skips that channel instead of trying every message in turn.
    """

    def __init__(self, message: str, permanent: bool = False, unavailable: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.unavailable = unavailable


def external_url(endpoint: str, **values: Any) -> str:
    """Absolute URL of a portal page for messages (works outside requests, in jobs)."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


@contextmanager
def mail_request_context() -> Iterator[None]:
    """Jobs render mail outside any request: give templates one bound to PORTAL_BASE_URL,
    so ``url_for(..., _external=True)`` and request-aware context processors work."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["PORTAL_BASE_URL"]):
        yield


def build_email(msg: OutboxMessage, sender: str) -> EmailMessage:
    """The MIME message for an outbox row: text, optional HTML alternative, attachments."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = msg.recipient
    email["Subject"] = msg.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    for name in ALLOWED_HEADERS:
        value = (msg.headers or {}).get(name)
        if value:
            email[name] = value
    email.set_content(msg.body_text)
    if msg.body_html:
        email.add_alternative(msg.body_html, subtype="html")
    for att in msg.attachments:
        maintype, _, subtype = att.mime_type.partition("/")
        email.add_attachment(att.content, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=att.filename)
    # Set last: set_content() drops Content-* headers of the part it rewrites.
    email["Content-Language"] = msg.locale
    return email


class SmtpSender:
    """One SMTP session reused for a delivery run; connects on first use."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        host, port = cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"])
        if cfg.get("MAIL_USE_SSL"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        return smtp

    def send(self, msg: OutboxMessage) -> None:
        """Hand ``msg`` to the SMTP server; raise DeliveryError on failure."""
        email = build_email(msg, self.config["MAIL_FROM"])
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            refused = self._smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(f"recipient refused: {exc.recipients}",
                                permanent=all(c >= 500 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                permanent=exc.smtp_code >= 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # connection refused/lost: retried later
            raise DeliveryError(f"SMTP unavailable: {exc!r}", unavailable=True) from exc
        if refused:
            raise DeliveryError(f"recipient refused: {refused}", permanent=True)

    def close(self) -> None:
        """End the SMTP session (quietly: the server may already be gone)."""
        if self._smtp is not None:
            # Closing a dead connection fails harmlessly: nothing is left to do then.
            with suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None
