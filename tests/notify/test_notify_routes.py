"""The outbox viewer: list, open, HTML isolated by a sandbox policy, resend a failed message."""

from __future__ import annotations

from portal.notify.models import OutboxMessage, OutboxStatus
from portal.notify.outbox import queue_message
from portal.security import Role
from tests.factories import login, make_agency, make_user, post


def _message(session, **kw):
    msg = queue_message(session, key=kw.pop("key", "view:1"), channel="email",
                        to="reader@example.kz", subject="Хаттама дайын", text="Мәтін бар.",
                        html="<p onclick='x()'>HTML <script>alert(1)</script></p>",
                        attachments=[("хаттама.pdf", "application/pdf", b"%PDF-1.7")], **kw)
    session.commit()
    return msg


def test_manager_lists_and_opens_messages(client, session):
    msg = _message(session)
    login(client, make_user(session, Role.UCC_MANAGER))
    page = client.get("/admin/outbox?status=pending&q=reader").get_data(as_text=True)
    assert "Хаттама дайын" in page and "view:1" in page
    assert "Хаттама дайын" not in client.get("/admin/outbox?status=sent").get_data(as_text=True)
    assert "Мәтін бар." in client.get(f"/admin/outbox/{msg.id}").get_data(as_text=True)
    html = client.get(f"/admin/outbox/{msg.id}/html")
    assert html.headers["Content-Security-Policy"].startswith("sandbox")
    assert "<script>" in html.get_data(as_text=True)  # shown as sent, but never run
    att = client.get(f"/admin/outbox/{msg.id}/attachments/{msg.attachments[0].id}")
    assert att.data == b"%PDF-1.7" and "attachment" in att.headers["Content-Disposition"]
    htmx = client.get("/admin/outbox", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert htmx.lstrip().startswith('<div id="outbox-table">')


def test_failed_message_can_be_sent_again(client, session):
    msg = _message(session)
    msg.status, msg.attempts, msg.last_error = OutboxStatus.FAILED, 20, "SMTP 550"
    session.commit()
    login(client, make_user(session, Role.ADMIN))
    url = f"/admin/outbox/{msg.id}"
    assert post(client, f"{url}/resend", token_from=url).status_code == 303
    session.expire_all()
    again = session.get(OutboxMessage, msg.id)
    assert again.status is OutboxStatus.PENDING and again.attempts == 0
    resp = post(client, f"{url}/resend", token_from=url, follow_redirects=True)
    assert resp.status_code == 200  # already pending: refused with a message, nothing changes


def test_agencies_and_operators_cannot_read_the_outbox(client, session):
    msg = _message(session)
    for user in (make_user(session, Role.UCC_OPERATOR),
                 make_user(session, Role.AGENCY_RESPONSIBLE, make_agency(session))):
        c = client.application.test_client()
        login(c, user)
        assert c.get("/admin/outbox").status_code == 403
        assert c.get(f"/admin/outbox/{msg.id}").status_code == 403
