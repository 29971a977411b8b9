"""The outbox: exactly-once queueing, delivery over real SMTP, outages, retries, Redis down."""

from __future__ import annotations

from datetime import timedelta

from redis import Redis
from sqlalchemy import func, select

from jobs.outbox import deliver_pending
from portal.db import db, utcnow
from portal.notify import outbox as outbox_mod
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.notify.outbox import queue_message
from portal.queue import get_queue


def _queue(session, key: str = "test:1", to: str = "person@example.kz", **kw):
    defaults = dict(channel="email", subject="Мерзім туралы еске салу",
                    text="Құрметті әріптес, мерзім ертең аяқталады.",
                    html="<p>Құрметті әріптес, мерзім <b>ертең</b> аяқталады.</p>", locale="kk")
    defaults.update(kw)
    return queue_message(session, key=key, to=to, **defaults)


def test_same_key_is_queued_once(session):
    first = _queue(session)
    second = _queue(session, subject="another subject")
    assert first is not None and second is None
    count = session.scalar(select(func.count()).select_from(OutboxMessage)
                           .where(OutboxMessage.key == "test:1"))
    assert count == 1
    assert first.headers["Message-ID"].endswith("@1414.kz>")


def test_delivery_after_smtp_outage_sends_exactly_once(app, session, smtp, mail_config):
    msg = _queue(session, headers={"In-Reply-To": "<ask-1@1414.kz>"},
                 attachments=[("хаттама.pdf", "application/pdf", b"%PDF-1.7 test")])
    session.commit()

    assert deliver_pending() == 0  # SMTP server is down
    session.expire_all()
    held = session.get(OutboxMessage, msg.id)
    assert held.status is OutboxStatus.PENDING
    assert held.attempts == 1
    assert "SMTP unavailable" in held.last_error
    assert held.not_before > utcnow()

    smtp.start()
    assert deliver_pending() == 0  # still backing off: not retried before not_before
    assert smtp.received == []
    later = held.not_before + timedelta(seconds=1)
    assert deliver_pending(now=later) == 1
    assert deliver_pending(now=later) == 0  # a second run sends nothing again
    session.expire_all()
    sent = session.get(OutboxMessage, msg.id)
    assert sent.status is OutboxStatus.SENT and sent.attempts == 2 and sent.sent_at is not None

    assert len(smtp.received) == 1
    rcpts, email = smtp.received[0]
    assert rcpts == ["person@example.kz"]
    assert email["Subject"] == "Мерзім туралы еске салу"
    assert email["Content-Language"] == "kk"
    assert email["Message-ID"] == msg.headers["Message-ID"]
    assert email["In-Reply-To"] == "<ask-1@1414.kz>"
    assert "noreply@1414.kz" in email["From"]
    assert "мерзім ертең аяқталады" in email.get_body(("plain",)).get_content()
    assert "<b>ертең</b>" in email.get_body(("html",)).get_content()
    [att] = list(email.iter_attachments())
    assert att.get_filename() == "хаттама.pdf" and att.get_content() == b"%PDF-1.7 test"


def test_recipient_rejected_permanently_is_failed_not_retried(app, session, smtp, mail_config):
    smtp.reject.add("nobody@example.kz")
    smtp.start()
    bad = _queue(session, key="test:bad", to="nobody@example.kz")
    good = _queue(session, key="test:good", to="somebody@example.kz")
    session.commit()
    assert deliver_pending() == 1
    session.expire_all()
    assert session.get(OutboxMessage, bad.id).status is OutboxStatus.FAILED
    assert "550" in session.get(OutboxMessage, bad.id).last_error
    assert session.get(OutboxMessage, good.id).status is OutboxStatus.SENT
    assert [r for r, _ in smtp.received] == [["somebody@example.kz"]]


def test_gives_up_after_max_attempts(app, session, smtp, mail_config, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    msg = _queue(session)
    session.commit()
    deliver_pending()
    session.expire_all()
    deliver_pending(now=session.get(OutboxMessage, msg.id).not_before)
    session.expire_all()
    failed = session.get(OutboxMessage, msg.id)
    assert failed.status is OutboxStatus.FAILED and failed.attempts == 2


def test_development_mode_keeps_mail_in_the_outbox(app, session, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    msg = _queue(session)
    session.commit()
    assert deliver_pending() == 0
    session.expire_all()
    kept = session.get(OutboxMessage, msg.id)
    assert kept.status is OutboxStatus.PENDING and kept.attempts == 0


def test_commit_triggers_delivery_job(app, session):
    with app.app_context():
        _queue(db.session, key="test:kick")
        assert get_queue().count == 0  # nothing before the commit
        db.session.commit()
        jobs = get_queue().jobs
    assert [j.func_name for j in jobs] == ["jobs.outbox.deliver_pending"]


def test_rollback_triggers_nothing(app, session):
    with app.app_context():
        _queue(db.session, key="test:rolled-back")
        db.session.rollback()
        db.session.commit()
        assert get_queue().count == 0


def test_queueing_works_with_redis_unreachable(app, session, smtp, mail_config, monkeypatch):
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    monkeypatch.setitem(app.extensions, "portal_redis", dead)
    monkeypatch.setattr(outbox_mod, "_redis_down_until", 0.0)
    with app.app_context():
        msg = _queue(db.session, key="test:redis-down")
        db.session.commit()  # the business transaction commits; the trigger fails quietly
        assert outbox_mod._redis_down_until > 0  # later requests skip Redis for a while
    session.expire_all()
    assert session.get(OutboxMessage, msg.id).status is OutboxStatus.PENDING
    # Redis and SMTP back: the periodic sweeper delivers what the trigger could not.
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    smtp.start()
    assert deliver_pending() == 1
    assert smtp.received[0][1]["Subject"] == "Мерзім туралы еске салу"


def test_queue_many_is_exactly_once_per_key(app, session):
    batch = [{"key": f"bulk:{i}", "channel": "email", "to": f" p{i}@gov.kz ", "locale": "ru",
              "subject": "Плановый   перерыв", "text": "Текст"} for i in range(3)]
    batch.append({"key": "bulk:sms", "channel": "sms", "to": "+77010000000", "subject": "",
                  "text": "SMS", "locale": "kk"})
    with app.app_context():
        assert outbox_mod.queue_many(db.session, batch) == 4
        assert outbox_mod.queue_many(db.session, batch) == 0  # a retried job adds nothing
        db.session.commit()
    rows = {m.key: m for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.key.like("bulk:%")))}
    assert len(rows) == 4
    assert rows["bulk:0"].recipient == "p0@gov.kz" and rows["bulk:0"].subject == "Плановый перерыв"
    assert rows["bulk:0"].headers["Message-ID"].endswith(">")
    assert "Message-ID" not in rows["bulk:sms"].headers
    assert {m.status for m in rows.values()} == {OutboxStatus.PENDING}
