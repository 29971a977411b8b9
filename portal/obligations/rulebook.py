"""The ``rules`` table: the rulebook data in the database, kept in step with ``rulebook_data``.

The migration seeds the table; ``portal rules sync`` (and the engine, when it meets a key
the table does not know yet) brings it in line with ``rulebook_data.RULES``. A version
row is identified by (key, effective_from); obligations reference the row they used.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.obligations.models import Rule
from portal.obligations.rulebook_data import RULES, RuleSpec

_CACHE_KEY = "portal.rules_by_key"
#: Columns copied from a RuleSpec to its row.
FIELDS = tuple(k for k in RuleSpec.__dataclass_fields__)


def spec_values(spec: RuleSpec) -> dict[str, Any]:
    """Column values of the row for ``spec``."""
    return asdict(spec)


def sync_rules(session: Session, specs: tuple[RuleSpec, ...] = RULES) -> dict[str, int]:
    """Insert missing versions and update changed ones; returns {"added": n, "updated": m}."""
    rows = {(r.key, r.effective_from): r for r in session.scalars(select(Rule))}
    added = updated = 0
    for spec in specs:
        values = spec_values(spec)
        row = rows.get((spec.key, spec.effective_from))
        if row is None:
            session.add(Rule(**values))
            added += 1
            continue
        changed = False
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        updated += changed
    session.flush()
    session.info.pop(_CACHE_KEY, None)
    return {"added": added, "updated": updated}


def rules_by_key(session: Session, key: str) -> list[Rule]:
    """All versions of rule ``key``, oldest first (cached per session); KeyError if unknown."""
    cache: dict[str, list[Rule]] | None = session.info.get(_CACHE_KEY)
    if cache is None or key not in cache:
        cache = {}
        for rule in session.scalars(select(Rule).order_by(Rule.key, Rule.effective_from)):
            cache.setdefault(rule.key, []).append(rule)
        if key not in cache and any(spec.key == key for spec in RULES):
            # A rule added to rulebook_data after the last sync: never fail the event.
            sync_rules(session)
            return rules_by_key(session, key)
        session.info[_CACHE_KEY] = cache
    if key not in cache:
        raise KeyError(f"unknown rule key {key!r}")
    return cache[key]
