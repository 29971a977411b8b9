"""Samples for the outbox viewer (admins and contact-center managers only)."""

from __future__ import annotations

from typing import Any

from portal.notify.outbox import queue_message

#: No agency-bound role may open the outbox.
FOREIGN: dict[str, int] = {}


def samples(session: Any, world: Any) -> dict[str, Any]:
    """One queued message with an HTML part and an attachment."""
    msg = queue_message(session, key=f"access:{world.agency.id}", channel="email",
                        to="someone@example.kz", subject="Тексеру", text="Мәтін",
                        html="<p>Мәтін</p>", attachments=[("a.txt", "text/plain", b"a")])
    assert msg is not None
    return {"message_id": msg.id, "attachment_id": msg.attachments[0].id}
