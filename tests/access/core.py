"""Samples for the core routes (users, agencies)."""

from __future__ import annotations

from typing import Any

FOREIGN: dict[str, int] = {}


def samples(session: Any, world: Any) -> dict[str, Any]:
    """URL arguments for core routes."""
    return {"user_id": world.users["ucc_operator"].id, "agency_id": world.agency.id}
