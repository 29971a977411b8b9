"""Search analytics: no personal data, one row per typed search, click-through."""

from __future__ import annotations

from datetime import timedelta

from portal.db import utcnow
from portal.knowledge import analytics


def test_personal_data_is_scrubbed():
    assert analytics.scrub("ИИН 900101300123 справка") == "иин # справка"
    assert analytics.scrub("звонил +7 (701) 123-45-67 пенсия") == "звонил # пенсия"
    assert analytics.scrub("a.b@mail.kz  https://egov.kz/x  2024") == "@ url 2024"


def test_a_search_typed_on_updates_one_row_and_a_new_one_starts_a_row(session):
    first = analytics.log_search(session, "box", "пенс", 3, [1, 2, 3])
    same = analytics.log_search(session, "box", "пенсия", 2, [1, 2])
    other = analytics.log_search(session, "box", "справка", 0, [])
    assert first.id == same.id and same.query == "пенсия" and same.results == 2
    assert other.id != first.id


def test_top_zero_result_and_click_through(session, make_article):
    art = make_article()
    log = analytics.log_search(session, "b1", "справка", 1, [art.id])
    analytics.log_search(session, "b2", "справка", 1, [art.id])
    analytics.log_search(session, "b3", "несуществующее", 0, [])
    assert analytics.record_click(session, log.id, art.id, 1)
    assert not analytics.record_click(session, log.id, art.id, 1)  # counted once
    since = utcnow() - timedelta(days=1)
    top = analytics.top_queries(session, since)
    assert (top[0].query, top[0].searches, top[0].clicks) == ("справка", 2, 1)
    assert [z.query for z in analytics.top_queries(session, since, zero_only=True)] \
        == ["несуществующее"]
    stat = analytics.click_through(session, since)[0]
    assert (stat.article_id, stat.shown, stat.clicks, stat.ctr) == (art.id, 2, 1, 0.5)
    session.refresh(art)
    assert art.popularity == 1


def test_api_searches_are_logged_scrubbed_and_without_a_search_box(app, session):
    from sqlalchemy import select

    from portal.auth.tokens import create_token
    from portal.knowledge.models import SearchLog
    from portal.security import Role
    from tests.factories import make_user

    _token, clear = create_token(session, None, make_user(session, Role.UCC_OPERATOR), "t")
    session.commit()
    resp = app.test_client().get("/api/v1/kb/search?q=справка 87011234567",
                                 headers={"Authorization": f"Bearer {clear}"})
    assert resp.status_code == 200
    row = session.scalars(select(SearchLog).where(SearchLog.source == "api")).one()
    assert (row.query, row.results, row.shown_ids) == ("справка #", 0, [])
    assert len(row.sid) == 16  # a fresh id: API calls never merge into one row


def _tag() -> str:
    """A random marker of letters only (digit runs would be scrubbed as phone numbers)."""
    import uuid

    return "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])


def _logged(live_server, tag: str) -> list[str]:
    from sqlalchemy import select

    from portal.knowledge.models import SearchLog

    with live_server.session() as s:
        return sorted(s.scalars(select(SearchLog.query)
                                .where(SearchLog.query.like(f"%{tag}%"))).all())


def test_api_log_writes_at_once_when_quiet_and_in_batches_under_load(live_server):
    tag = _tag()
    row = {"sid": "s", "results": 0, "shown_ids": [], "source": "api"}
    log = analytics.ApiLog(analytics._writer(live_server.app), max_wait=600, max_rows=4)
    log.add({**row, "query": f"{tag} a", "at": utcnow()})  # quiet: written at once
    log.add({**row, "query": f"{tag} b", "at": utcnow()})
    log.add({**row, "query": f"{tag} c", "at": utcnow()})
    assert _logged(live_server, tag) == [f"{tag} a"] and log.pending() == 2
    log.add({**row, "query": f"{tag} d", "at": utcnow()})
    log.add({**row, "query": f"{tag} e", "at": utcnow()})  # 4 pending: a full batch
    assert _logged(live_server, tag) == [f"{tag} {c}" for c in "abcde"] and log.pending() == 0
    log.add({**row, "query": f"{tag} f", "at": utcnow()})
    log.flush()  # what a normal exit does (atexit)
    assert len(_logged(live_server, tag)) == 6 and log.pending() == 0


def test_api_log_timer_writes_what_waits(live_server):
    import time
    tag = _tag()
    row = {"sid": "s", "results": 0, "shown_ids": [], "source": "api"}
    log = analytics.ApiLog(analytics._writer(live_server.app), max_wait=2)
    log.add({**row, "query": f"{tag} a", "at": utcnow()})
    log.add({**row, "query": f"{tag} b", "at": utcnow()})
    assert _logged(live_server, tag) == [f"{tag} a"] and log.pending() == 1
    deadline = time.monotonic() + 10
    while len(_logged(live_server, tag)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _logged(live_server, tag) == [f"{tag} a", f"{tag} b"] and log.pending() == 0


def test_api_search_entries_reach_the_log_within_the_wait(live_server):
    import time
    import urllib.parse
    import urllib.request

    from portal.auth.tokens import create_token
    from portal.security import Role
    from tests.factories import make_user

    with live_server.session() as s:
        _token, clear = create_token(s, None, make_user(s, Role.UCC_OPERATOR), "t")
        s.commit()
    tag = _tag()
    for n in range(5):  # a burst: the first is written at once, the rest by the timer
        req = urllib.request.Request(
            f"{live_server.url}/api/v1/kb/search?q=" + urllib.parse.quote(f"{tag} {n}"),
            headers={"Authorization": f"Bearer {clear}"})
        assert urllib.request.urlopen(req).status == 200
    deadline = time.monotonic() + 10
    while len(_logged(live_server, tag)) < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _logged(live_server, tag) == [f"{tag} {n}" for n in range(5)]
    assert live_server.app.config["KB_API_LOG_WAIT"] == 1.0
