"""Reactions to registry and onboarding events (lower floors announce, we subscribe)."""

from __future__ import annotations

from typing import Any

from portal import signals
from portal.knowledge import services
from portal.registry.models import ServiceStatus


def on_bylaw_amended(sender: Any, **kw: Any) -> None:
    """Rules No. 83, cl. 26: the service's articles must be checked against the new text."""
    services.mark_service_stale(kw["session"], kw.get("actor"), kw["service_id"],
                                kw["amended_on"])


def on_service_status_changed(sender: Any, **kw: Any) -> None:
    """Rules No. 83, cl. 23: consultations start; publish the articles approved for it."""
    if ServiceStatus(kw["new"]) is ServiceStatus.CONSULTING:
        services.publish_scheduled(kw["session"], kw.get("actor"), kw["service_id"])


signals.bylaw_amended.connect(on_bylaw_amended)
signals.service_status_changed.connect(on_service_status_changed)
