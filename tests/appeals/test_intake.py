"""E-mail appeals (Rules No. 83, cl. 8) against a real IMAP server (Dovecot) and SMTP (aiosmtpd):
registered automatically and exactly once, acknowledged with their number, answered in thread."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from jobs.appeals import read_appeals_mailbox
from jobs.outbox import deliver_pending
from portal.appeals import intake
from portal.appeals.models import Appeal, AppealStatus, Channel, InboundEmail
from portal.notify.models import OutboxMessage
from portal.obligations.models import Obligation, ObligationStatus
from portal.security import Role
from tests.factories import login, make_user, post


def _message(sender: str, subject: str, text: str, message_id: str | None = None,
             attachment: tuple[str, bytes] | None = None, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@goscorp.kz"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 02 Mar 2026 09:15:00 +0500"
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    if attachment:
        msg.add_attachment(attachment[1], maintype="application", subtype="pdf",
                           filename=attachment[0])
    return bytes(msg)


KAZAKH = _message("Әсел Нұрланқызы <asel@example.kz>", "Жәрдемақы туралы",
                  "Сәлеметсіз бе! Бала күтімі бойынша жәрдемақы қашан түседі?",
                  "<kz-1@example.kz>", ("өтініш.pdf", b"%PDF-1.4 scan"))
RUSSIAN = _message("ivanov@example.kz", "Справка о несудимости",
                   "Здравствуйте, как получить справку?")
AUTO = _message("robot@example.kz", "Автоответ: нет на месте", "I am away.", "<auto-1@x.kz>",
                Auto_Submitted="auto-replied")


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_each_message_becomes_one_acknowledged_appeal(app, session, imap_server, mail) -> None:
    imap_server.deliver(KAZAKH, datetime(2026, 3, 2, 4, 20, tzinfo=UTC))
    imap_server.deliver(RUSSIAN)
    imap_server.deliver(AUTO)
    first = read_appeals_mailbox()
    assert len(first) == 2
    assert read_appeals_mailbox() == []  # the second run finds nothing new
    session.expire_all()
    assert _count(session, Appeal) == 2 and _count(session, InboundEmail) == 3
    assert all("$PortalRegistered" in f for f in imap_server.flags().values())

    kz = session.scalar(select(Appeal).where(Appeal.email == "asel@example.kz"))
    assert kz.channel is Channel.EMAIL and kz.operator_id is None
    assert kz.subject == "Жәрдемақы туралы" and "жәрдемақы қашан" in kz.content
    assert kz.applicant_name == "Әсел Нұрланқызы" and kz.locale == "kk"
    assert kz.received_at == datetime(2026, 3, 2, 4, 20, tzinfo=UTC)  # when the server got it
    [att] = kz.attachments
    assert att.filename == "өтініш.pdf" and att.content == b"%PDF-1.4 scan"
    ru = session.scalar(select(Appeal).where(Appeal.email == "ivanov@example.kz"))
    assert ru.locale == "ru"
    ob = session.scalar(select(Obligation).where(Obligation.subject_type == "appeal",
                                                 Obligation.subject_id == ru.id))
    assert ob.rule_key == "email_appeal_answer" and ob.status is ObligationStatus.OPEN

    assert deliver_pending() == 2
    acks = {rcpt[0]: msg for rcpt, msg in mail.received}
    assert set(acks) == {"asel@example.kz", "ivanov@example.kz"}
    ack = acks["asel@example.kz"]
    assert kz.number in ack["Subject"] and kz.number in ack.get_content()
    assert ack["In-Reply-To"] == "<kz-1@example.kz>" and ack["Auto-Submitted"] == "auto-replied"
    body = ack.get_content()  # in both state languages: the sender's language is a guess
    assert "Екі жұмыс күні ішінде" in body and "в течение двух рабочих дней" in body

    # The same message again (another copy in the mailbox): recognised by its Message-ID.
    imap_server.deliver(KAZAKH)
    assert read_appeals_mailbox() == []
    session.expire_all()
    assert _count(session, Appeal) == 2


def test_crash_after_registering_before_commit_leaves_nothing(app, session, imap_server, mail,
                                                              monkeypatch) -> None:
    imap_server.deliver(KAZAKH)
    real = intake.register_email

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(intake, "register_email", crash)
    with pytest.raises(RuntimeError, match="worker killed"):
        read_appeals_mailbox()
    session.expire_all()
    assert _count(session, Appeal) == 0 and _count(session, OutboxMessage) == 0
    monkeypatch.setattr(intake, "register_email", real)
    assert len(read_appeals_mailbox()) == 1
    session.expire_all()
    assert _count(session, Appeal) == 1
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.key.like("appeal-ack:%"))) == 1


def test_crash_after_commit_before_flagging_never_duplicates(app, session, imap_server, mail,
                                                             monkeypatch) -> None:
    imap_server.deliver(KAZAKH)
    imap_server.deliver(RUSSIAN)
    real = intake.Mailbox.mark_registered
    calls = {"n": 0}

    def flaky(self, uid):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("connection reset")  # the appeal is committed, the flag is not
        return real(self, uid)

    monkeypatch.setattr(intake.Mailbox, "mark_registered", flaky)
    with pytest.raises(OSError):
        read_appeals_mailbox()
    session.expire_all()
    assert _count(session, Appeal) == 1
    second = read_appeals_mailbox()
    assert len(second) == 1  # the Russian one; the Kazakh one is skipped by its key
    session.expire_all()
    assert _count(session, Appeal) == 2
    assert deliver_pending() == 2
    assert sorted(r[0][0] for r in mail.received) == ["asel@example.kz", "ivanov@example.kz"]


def test_the_operator_answers_in_the_same_thread(app, client, session, imap_server,
                                                 mail) -> None:
    imap_server.deliver(KAZAKH)
    [appeal_id] = read_appeals_mailbox()
    operator = make_user(session, Role.UCC_OPERATOR, full_name="Дана Әлімова")
    login(client, operator)
    path = f"/appeals/{appeal_id}"
    resp = post(client, f"{path}/reply", {"body": "Жәрдемақы айдың 20-сына дейін түседі."},
                token_from=path)
    assert resp.status_code == 303
    deliver_pending()
    answer = next(m for rcpt, m in mail.received if "Re:" in m["Subject"])
    assert answer["In-Reply-To"] == "<kz-1@example.kz>"
    assert "<kz-1@example.kz>" in answer["References"]
    assert "20-сына дейін" in answer.get_content() and "Дана Әлімова" in answer.get_content()
    session.expire_all()
    appeal = session.get(Appeal, appeal_id)
    assert appeal.status is AppealStatus.ANSWERED
    ob = session.scalar(select(Obligation).where(Obligation.subject_type == "appeal",
                                                 Obligation.subject_id == appeal_id))
    assert ob.status is ObligationStatus.FULFILLED_ON_TIME


def test_parsing_keys_loops_and_language() -> None:
    parsed = intake.parse_email(RUSSIAN)
    assert parsed.key.startswith("sha256:") and parsed.key == intake.parse_email(RUSSIAN).key
    assert not parsed.automatic and parsed.sender == "ivanov@example.kz"
    assert intake.parse_email(AUTO).automatic  # never acknowledged: no mail loops
    assert intake.parse_email(KAZAKH).key == "<kz-1@example.kz>"
    assert intake.detect_locale("Сәлем") == "kk" and intake.detect_locale("Привет") == "ru"
    assert intake.detect_locale("Hello") == "kk"
    assert intake.imap_settings({"IMAP_HOST": "imap.example.kz", "IMAP_SSL": "1"}).port == 993
