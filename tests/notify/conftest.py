"""A real SMTP server (aiosmtpd) on a free local port, started and stopped by the test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.smtp import SmtpSink, free_port


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """An SMTP sink on a free port, NOT started: the test decides when it is up."""
    sink = SmtpSink(free_port())
    yield sink
    sink.stop()


@pytest.fixture
def mail_config(app, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The app configured to deliver to the sink (restored after the test)."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "1414 <noreply@1414.kz>")
    return app.config
