"""SMS through an HTTP gateway (config ``SMS_GATEWAY_URL``, ``SMS_GATEWAY_TOKEN``).

The gateway receives ``POST {"to": ..., "text": ..., "id": <outbox key>}`` with a
bearer token; the outbox key lets a gateway that deduplicates ignore a resend.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from portal.notify.mail import DeliveryError
from portal.notify.models import OutboxMessage

SMS_TIMEOUT = 15


def send_sms(msg: OutboxMessage, config: dict[str, Any]) -> None:
    """Hand ``msg`` to the SMS gateway; raise DeliveryError on failure."""
    body = json.dumps({"to": msg.recipient, "text": msg.body_text.strip(), "id": msg.key},
                      ensure_ascii=False).encode()
    request = urllib.request.Request(
        config["SMS_GATEWAY_URL"], data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "Authorization": f"Bearer {config.get('SMS_GATEWAY_TOKEN', '')}"})
    try:
        with urllib.request.urlopen(request, timeout=SMS_TIMEOUT) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as exc:
        # 4xx means this message will never pass (bad number, bad token) except 408/429.
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise DeliveryError(f"SMS gateway HTTP {exc.code}", permanent=permanent) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"SMS gateway unavailable: {exc!r}", unavailable=True) from exc
