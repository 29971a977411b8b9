"""Two transactions open the same obligation at once: one row, both get it."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from portal import migrate
from portal.calendar.workdays import ASTANA_TZ
from portal.obligations.engine import open_obligation
from portal.obligations.models import Obligation


def test_concurrent_open_makes_one_row(make_database) -> None:
    url = make_database("portal_obl_conc")
    migrate.upgrade(url)
    engine = create_engine(url)
    trigger = datetime(2026, 3, 20, 10, tzinfo=ASTANA_TZ)
    kwargs = dict(rule_key="annex1_after_bylaw", trigger_at=trigger, subject_type="service",
                  subject_id=1, agency_id=None)
    results: dict[str, int] = {}
    try:
        with Session(engine) as first:
            results["first"] = open_obligation(first, **kwargs).id

            def second_tx() -> None:
                # Blocks on the partial unique index until the first transaction commits,
                # then ON CONFLICT DO NOTHING returns nothing and the engine re-reads.
                with Session(engine) as second:
                    results["second"] = open_obligation(
                        second, **{**kwargs, "trigger_at": trigger.replace(hour=11)}).id
                    second.commit()

            worker = threading.Thread(target=second_tx)
            worker.start()
            worker.join(timeout=0.5)
            assert worker.is_alive(), "the second insert should wait for the first commit"
            first.commit()
            worker.join(timeout=10)
        assert results["first"] == results["second"]
        with Session(engine) as check:
            assert check.scalar(select(func.count()).select_from(Obligation)) == 1
    finally:
        engine.dispose()
