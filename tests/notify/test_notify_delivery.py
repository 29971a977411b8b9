"""Delivery runs in parallel never send a row twice; SMS through a real HTTP gateway."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from jobs.outbox import deliver_pending
from portal import migrate
from portal.notify.delivery import deliver
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.notify.outbox import queue_message


def test_concurrent_runs_send_each_message_once(app, make_database, smtp):
    url = make_database("portal_outbox")
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as s:
        for n in range(40):
            queue_message(s, key=f"par:{n}", channel="email", to=f"p{n}@example.kz",
                          subject=f"№ {n}", text="мәтін")
        s.commit()
    smtp.start()
    config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}
    counts: list[int] = []

    def run() -> None:
        with Session(engine) as s:
            counts.append(deliver(s, config))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(counts) == 40
    subjects = sorted(email["Subject"] for _, email in smtp.received)
    assert subjects == sorted(f"№ {n}" for n in range(40))
    with Session(engine) as s:
        statuses = set(s.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}
    engine.dispose()


class _Gateway(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, Any], str]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((body, self.headers["Authorization"]))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


def test_sms_goes_through_the_gateway(app, session, monkeypatch):
    _Gateway.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setitem(app.config, "SMS_GATEWAY_URL",
                            f"http://127.0.0.1:{server.server_port}/send")
        monkeypatch.setitem(app.config, "SMS_GATEWAY_TOKEN", "t0ken")
        ok = queue_message(session, key="sms:1", channel="sms", to="+77010000000",
                           subject="", text="Сұрау салу жойылды.")
        session.commit()
        assert deliver_pending() == 1
        _Gateway.status = 400
        bad = queue_message(session, key="sms:2", channel="sms", to="12", subject="", text="x")
        session.commit()
        assert deliver_pending() == 0
    finally:
        server.shutdown()
        server.server_close()
    session.expire_all()
    assert session.get(OutboxMessage, ok.id).status is OutboxStatus.SENT
    assert session.get(OutboxMessage, bad.id).status is OutboxStatus.FAILED
    first, auth = _Gateway.received[0]
    assert first == {"to": "+77010000000", "text": "Сұрау салу жойылды.", "id": "sms:1"}
    assert auth == "Bearer t0ken"
