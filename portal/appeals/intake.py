"""Automatic registration of e-mail appeals from the center's IMAP mailbox (Rules No. 83, cl. 8).

Exactly once, whatever happens: every message's Message-ID (or a digest of the raw
message) is inserted with a UNIQUE constraint in the same transaction as its appeal,
its acknowledgement (outbox key ``appeal-ack:<id>``) and its 2-working-day obligation.
The message is flagged in the mailbox only after that commit, so

* a crash before the commit leaves nothing behind and the next run registers it;
* a crash after the commit leaves the message unflagged, and the next run finds its
  key taken, flags it and moves on;
* two runs at once: the second insert waits on the first's key and then does nothing.

Configuration (environment or app config): IMAP_HOST, IMAP_PORT (993 with IMAP_SSL,
else 143), IMAP_USER, IMAP_PASSWORD, IMAP_SSL, IMAP_STARTTLS, IMAP_MAILBOX (INBOX).
"""

from __future__ import annotations

import contextlib
import hashlib
import imaplib
import os
import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from portal.appeals.mail import acknowledge
from portal.appeals.models import Appeal, AppealAttachment, Channel, Character, InboundEmail
from portal.appeals.services import EMAIL_RE, register_appeal
from portal.db import utcnow

#: Set on a message once it is registered (or recognised as already registered).
KEYWORD = "$PortalRegistered"
MAX_TEXT = 20000
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@dataclass(frozen=True)
class ImapSettings:
    """Where the center's mailbox is."""

    host: str
    port: int
    user: str
    password: str
    use_ssl: bool = False
    starttls: bool = False
    mailbox: str = "INBOX"


def _setting(config: Any, name: str, default: str = "") -> str:
    value = config.get(name) if config is not None else None
    return str(value if value not in (None, "") else os.environ.get(name, default))


def imap_settings(config: Any) -> ImapSettings | None:
    """The configured mailbox, or None when e-mail intake is not set up."""
    host = _setting(config, "IMAP_HOST")
    if not host:
        return None
    use_ssl = _setting(config, "IMAP_SSL").lower() in ("1", "true", "yes", "on")
    return ImapSettings(
        host=host, port=int(_setting(config, "IMAP_PORT", "993" if use_ssl else "143")),
        user=_setting(config, "IMAP_USER"), password=_setting(config, "IMAP_PASSWORD"),
        use_ssl=use_ssl,
        starttls=_setting(config, "IMAP_STARTTLS").lower() in ("1", "true", "yes", "on"),
        mailbox=_setting(config, "IMAP_MAILBOX", "INBOX"))


class Mailbox:
    """One IMAP session on the appeals mailbox (UIDs only: stable across sessions)."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self.conn: imaplib.IMAP4 | None = None

    def __enter__(self) -> Mailbox:
        s = self.settings
        if s.use_ssl:
            self.conn = imaplib.IMAP4_SSL(s.host, s.port, ssl_context=ssl.create_default_context(),
                                          timeout=30)
        else:
            self.conn = imaplib.IMAP4(s.host, s.port, timeout=30)
            if s.starttls:
                self.conn.starttls(ssl.create_default_context())
        self.conn.login(s.user, s.password)
        typ, _data = self.conn.select(_quote(s.mailbox))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open mailbox {s.mailbox!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.conn is not None:
            # The server may already be gone; nothing is pending at this point.
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                self.conn.logout()
            self.conn = None

    def _c(self) -> imaplib.IMAP4:
        assert self.conn is not None, "use Mailbox as a context manager"
        return self.conn

    def pending_uids(self) -> list[int]:
        """UIDs of messages not yet flagged as registered, oldest first."""
        typ, data = self._c().uid("SEARCH", "UNKEYWORD", KEYWORD)
        if typ != "OK":
            raise imaplib.IMAP4.error(f"SEARCH failed: {data!r}")
        return sorted(int(x) for x in (data[0] or b"").split())

    def fetch(self, uid: int) -> tuple[bytes, datetime | None]:
        """(raw message, time the server received it) without setting \\Seen."""
        typ, data = self._c().uid("FETCH", str(uid), "(INTERNALDATE BODY.PEEK[])")
        if typ != "OK" or not data or not isinstance(data[0], tuple):
            raise imaplib.IMAP4.error(f"FETCH {uid} failed: {data!r}")
        meta, raw = data[0]
        stamp = imaplib.Internaldate2tuple(meta)
        received = datetime.fromtimestamp(time.mktime(stamp), UTC) if stamp else None
        return raw, received

    def mark_registered(self, uid: int) -> None:
        """Flag the message so the next run skips it."""
        typ, data = self._c().uid("STORE", str(uid), "+FLAGS", f"({KEYWORD} \\Seen)")
        if typ != "OK":
            raise imaplib.IMAP4.error(f"STORE {uid} failed: {data!r}")


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")


@dataclass
class ParsedEmail:
    """What the portal keeps of an incoming message."""

    key: str
    message_id: str
    references: str
    sender_name: str
    sender: str
    subject: str
    text: str
    sent_at: datetime | None
    automatic: bool
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)


def _body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        parser = _TextOfHtml()
        parser.feed(content)
        content = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", content.replace("\r\n", "\n")).strip()[:MAX_TEXT]


def parse_email(raw: bytes) -> ParsedEmail:
    """Sender, subject, text and attachments of a raw RFC 5322 message."""
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    message_id = (msg.get("Message-ID") or "").strip()
    key = message_id if message_id else "sha256:" + hashlib.sha256(raw).hexdigest()
    name, address = (getaddresses([str(msg.get("Reply-To") or msg.get("From") or "")])
                     or [("", "")])[0]
    auto = str(msg.get("Auto-Submitted") or "no").lower()
    automatic = (auto != "no" or bool(msg.get("X-Autoreply"))
                 or str(msg.get("Precedence") or "").lower() in ("bulk", "junk", "auto_reply")
                 or address.lower().startswith(("mailer-daemon@", "postmaster@")))
    attachments = []
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        if payload and len(payload) <= MAX_ATTACHMENT_BYTES:
            attachments.append((part.get_filename() or "attachment", part.get_content_type(),
                                payload))
    try:
        sent_at = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    return ParsedEmail(key=key[:998], message_id=message_id[:998],
                       references=str(msg.get("References") or "")[:4000],
                       sender_name=name.strip()[:100], sender=address.strip()[:254],
                       subject=str(msg.get("Subject") or "").strip()[:500],
                       text=_body_text(msg), sent_at=sent_at, automatic=automatic,
                       attachments=attachments)


def detect_locale(text: str) -> str:
    """Kazakh when the text has Kazakh-only letters, Russian for other Cyrillic, else Kazakh."""
    if any(ch in KAZAKH_LETTERS for ch in text):
        return "kk"
    if any("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in text):
        return "ru"
    return "kk"


def register_email(session: Session, parsed: ParsedEmail, *, mailbox: str, uid: int,
                   received_at: datetime | None) -> Appeal | None:
    """Register one message as an appeal (cl. 8); None when it was registered before.

    Automatic replies and bounces are recorded (so they are not read again) but are
    neither appeals nor acknowledged: that would start a mail loop.
    """
    inbound_id = session.execute(
        pg_insert(InboundEmail).values(
            message_key=parsed.key, mailbox=mailbox, uid=uid, sender=parsed.sender,
            subject=parsed.subject, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["message_key"]).returning(InboundEmail.id)
    ).scalar()
    if inbound_id is None or parsed.automatic or not EMAIL_RE.match(parsed.sender):
        # Already registered; or an automatic reply, a bounce, or a sender we could never
        # answer: kept in inbound_emails (so it is not read again), not an appeal.
        return None
    content = parsed.text or parsed.subject or "—"
    appeal = register_appeal(session, None, {
        "channel": Channel.EMAIL, "received_at": min(received_at or utcnow(), utcnow()),
        "applicant_name": parsed.sender_name, "email": parsed.sender,
        "subject": parsed.subject, "content": content, "character": Character.CONSULTATION,
        "email_message_id": parsed.message_id, "email_references": parsed.references,
        "locale": detect_locale(f"{parsed.subject} {content}")})
    for filename, mime, payload in parsed.attachments:
        session.add(AppealAttachment(appeal_id=appeal.id, filename=filename[:255],
                                     mime_type=mime[:120], size=len(payload), content=payload,
                                     created_at=utcnow()))
    inbound = session.get(InboundEmail, inbound_id)
    assert inbound is not None
    inbound.appeal_id = appeal.id
    session.flush()
    acknowledge(session, appeal)
    return appeal


@dataclass
class IntakeResult:
    """What one run did."""

    registered: list[int] = field(default_factory=list)
    skipped: int = 0


def run_intake(session: Session, settings: ImapSettings, *, commit: Callable[[], None],
               limit: int = 200) -> IntakeResult:
    """Read the mailbox and register every new message, committing each one separately."""
    result = IntakeResult()
    with Mailbox(settings) as box:
        for uid in box.pending_uids()[:limit]:
            raw, received = box.fetch(uid)
            appeal = register_email(session, parse_email(raw), mailbox=settings.mailbox,
                                    uid=uid, received_at=received)
            commit()
            box.mark_registered(uid)
            if appeal is None:
                result.skipped += 1
            else:
                result.registered.append(appeal.id)
    return result
