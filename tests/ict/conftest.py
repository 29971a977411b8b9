"""ICT test helpers: a real SMTP sink, a real SMS gateway, and outage data."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from portal.ict.models import OutageScope, WorksKind
from tests.smtp import SmtpSink, free_port


class _Gateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """An SMTP sink on a free port, NOT started: the test decides when it is up."""
    sink = SmtpSink(free_port())
    yield sink
    sink.stop()


@pytest.fixture
def sms_gateway() -> Iterator[list[dict[str, Any]]]:
    """A real HTTP SMS gateway on a free port; yields the list of received messages."""
    _Gateway.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.port = server.server_port  # type: ignore[attr-defined]
    yield _Gateway.received
    server.shutdown()
    thread.join(5)


@pytest.fixture
def transports(app, smtp: SmtpSink, sms_gateway, monkeypatch: pytest.MonkeyPatch):
    """The app configured to deliver e-mail to the sink and SMS to the gateway."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "1414 <noreply@1414.kz>")
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL",
                        f"http://127.0.0.1:{_Gateway.port}/send")  # type: ignore[attr-defined]
    return app.config


def outage_data(start: datetime, hours: float = 3, **kw: Any) -> dict[str, Any]:
    """Service data of a planned outage starting at ``start``."""
    data: dict[str, Any] = {
        "scope": OutageScope.PARTIAL, "works_kind": WorksKind.SOFTWARE,
        "systems": "Электрондық үкімет порталы (egov.kz)",
        "description_kk": "Бағдарламалық қамтылымды жаңарту жұмыстары.",
        "description_ru": "Работы по обновлению программного обеспечения.",
        "starts_at": start, "ends_at": start + timedelta(hours=hours)}
    data.update(kw)
    return data
