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
