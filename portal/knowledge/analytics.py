"""Search analytics without personal data: top queries, zero-result queries, click-through.

No user id is stored. Numbers of 5+ digits (IIN/BIN, phone numbers), e-mail
addresses and URLs are scrubbed from the query text before it is written; a
caller's name typed into the box cannot be told from a word, which is why the
log keeps no link to the operator or the call.

Live search asks the server at each pause in typing. Requests from one search
box (``sid``, a random id kept by the page) whose query extends or shortens the
previous one update the same row, so the log holds what was finally searched.
Writing on GET here is telemetry, like an access log: it changes no article.

``/api/v1/kb/search`` has no search box and no click-through, and integrations may call
it hundreds of times a second: its entries are written in batches (``ApiLog``) instead
of one INSERT and COMMIT per call.
"""

from __future__ import annotations

import atexit
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal.db import db, utcnow
from portal.knowledge.models import Article, SearchClick, SearchEntry, SearchLog

_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_NUMBER = re.compile(r"\+?\d[\d\s()\-]{3,}\d")
#: A new keystroke within this time continues the same search.
SAME_SEARCH = timedelta(minutes=10)


def scrub(query: str) -> str:
    """The query without digits runs, e-mails and URLs, whitespace collapsed, lower case."""
    query = _URL.sub("url", _EMAIL.sub("@", query))
    # IIN/BIN have 12 digits, phone numbers 10-11: any run of 5+ digits goes.
    query = _NUMBER.sub(lambda m: "#" if sum(c.isdigit() for c in m.group()) >= 5
                        else m.group(), query)
    return " ".join(query.lower().split())[:200]


def new_sid() -> str:
    """A random search-box id."""
    return secrets.token_hex(8)


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def log_search(session: Session, sid: str | None, query: str, results: int,
               shown_ids: list[int], source: str = "web") -> SearchLog | None:
    """Record (or update, while the same query is being typed) one search."""
    clean = scrub(query)
    if not clean:
        return None
    now = utcnow()
    row = session.scalar(select(SearchLog).where(SearchLog.sid == sid[:32])
                         .order_by(SearchLog.id.desc()).limit(1)) if sid else None
    sid = (sid or "")[:32] or new_sid()
    if row is None or not _related(row.query, clean) or now - row.at > SAME_SEARCH:
        # A new search: one plain Core INSERT (the API logs every call: neither the unit
        # of work nor the ORM's bulk-insert machinery, a third of the API's own CPU time).
        table = SearchLog.__table__
        new_id = session.execute(insert(table).values(
            sid=sid, query=clean, results=results, shown_ids=shown_ids, at=now, source=source,
        ).returning(table.c.id)).scalar_one()
        return SearchLog(id=new_id, sid=sid, query=clean, results=results,
                         shown_ids=shown_ids, at=now, source=source)
    row.query, row.results, row.shown_ids, row.at = clean, results, shown_ids, now
    session.flush()
    return row


class ApiLog:
    """API search entries, written a batch at a time.

    One INSERT and COMMIT per API call was a fifth of the CPU the call cost (1.4 ms of
    the app's and 0.5 ms of PostgreSQL's 9.5 ms, measured). An entry waits here until
    ``max_rows`` are pending or ``max_wait`` seconds have passed (a timer thread then
    writes it); when the last write is older than ``max_wait``, as on a quiet API, it is
    written at once, so batching only happens under load. A normal process exit writes
    what is pending; a process killed outright loses at most ``max_wait`` seconds.
    """

    def __init__(self, write: Callable[[list[dict[str, Any]], Session | None], None],
                 max_wait: float, max_rows: int = 200) -> None:
        self._write = write
        self.max_wait = max_wait
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._rows: list[dict[str, Any]] = []
        self._timer: threading.Timer | None = None
        self._last_write = float("-inf")
        atexit.register(self.flush)

    def add(self, row: dict[str, Any], session: Session | None = None) -> None:
        """Queue one entry; write the batch when it is full or due (in ``session``, which
        is then committed, when given)."""
        with self._lock:
            self._rows.append(row)
            due = len(self._rows) >= self.max_rows \
                or time.monotonic() - self._last_write >= self.max_wait
            if not due and self._timer is None:
                self._timer = threading.Timer(self.max_wait, self.flush)
                self._timer.daemon = True
                self._timer.start()
        if due:
            self.flush(session)

    def pending(self) -> int:
        """Entries not written yet."""
        return len(self._rows)

    def flush(self, session: Session | None = None) -> None:
        """Write every pending entry now (in ``session`` and commit it, or in a new one)."""
        with self._lock:
            rows, self._rows = self._rows, []
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._last_write = time.monotonic()
        if rows:
            try:
                self._write(rows, session)
            except SQLAlchemyError:  # telemetry: a failed write must not fail searches
                logging.getLogger(__name__).exception("%d API search entries lost", len(rows))
                if session is not None:
                    session.rollback()


def _writer(app: Flask) -> Callable[[list[dict[str, Any]], Session | None], None]:
    def write(rows: list[dict[str, Any]], session: Session | None) -> None:
        if session is None:  # the timer's thread, or exit: a session of its own
            with db.new_session(app) as own:
                write(rows, own)
            return
        session.execute(insert(SearchLog.__table__), rows)
        session.commit()
    return write


_API_LOG_LOCK = threading.Lock()


def api_log(app: Flask) -> ApiLog:
    """The app's API search log (made in the serving process, at its first API search)."""
    log = app.extensions.get("kb_api_log")
    if log is None:
        with _API_LOG_LOCK:
            log = app.extensions.get("kb_api_log")
            if log is None:
                log = app.extensions["kb_api_log"] = ApiLog(
                    _writer(app), float(app.config.get("KB_API_LOG_WAIT", 1.0)))
    return log


def log_api_search(app: Flask, session: Session, query: str, results: int,
                   shown_ids: list[int]) -> None:
    """Record one API search, scrubbed like every other. ``ApiLog`` decides when: a batch
    due now is written in the request's ``session``, which is committed."""
    clean = scrub(query)
    if clean:
        api_log(app).add({"sid": new_sid(), "query": clean, "results": results,
                          "shown_ids": shown_ids, "at": utcnow(), "source": "api"}, session)


def record_click(session: Session, log_id: int, article_id: int, rank: int) -> bool:
    """Count one opening of a result (once per search and article)."""
    if session.get(SearchLog, log_id) is None or rank < 1:
        return False
    done = session.execute(text(
        "INSERT INTO kb_search_clicks (log_id, article_id, rank, at) "
        "VALUES (:log, :article, :rank, now()) ON CONFLICT DO NOTHING RETURNING id"),
        {"log": log_id, "article": article_id, "rank": min(rank, 1000)}).first()
    if done:
        session.execute(update(Article).where(Article.id == article_id)
                        .values(popularity=Article.popularity + 1)
                        .execution_options(synchronize_session=False))
        session.execute(update(SearchEntry).where(SearchEntry.article_id == article_id)
                        .values(popularity=SearchEntry.popularity + 1)
                        .execution_options(synchronize_session=False))
    return done is not None


@dataclass(frozen=True)
class QueryStat:
    """How often a query was searched and how many results it last had."""

    query: str
    searches: int
    results: int
    clicks: int


def top_queries(session: Session, since: datetime, limit: int = 50,
                zero_only: bool = False) -> list[QueryStat]:
    """The most searched queries since ``since`` (only zero-result ones when asked)."""
    clicks = select(func.count(SearchClick.id)).where(SearchClick.log_id == SearchLog.id) \
        .correlate(SearchLog).scalar_subquery()
    stmt = (select(SearchLog.query, func.count().label("n"),
                   func.min(SearchLog.results).label("results"),
                   func.coalesce(func.sum(clicks), 0).label("clicks"))
            .where(SearchLog.at >= since).group_by(SearchLog.query)
            .order_by(func.count().desc(), SearchLog.query).limit(limit))
    if zero_only:
        stmt = stmt.having(func.max(SearchLog.results) == 0)
    return [QueryStat(q, int(n), int(r), int(c)) for q, n, r, c in session.execute(stmt)]


@dataclass(frozen=True)
class ArticleStat:
    """Impressions (shown in results), clicks and their ratio for one article."""

    article_id: int
    external_id: str
    title_kk: str
    title_ru: str
    shown: int
    clicks: int

    @property
    def ctr(self) -> float:
        """Click-through rate."""
        return self.clicks / self.shown if self.shown else 0.0


def click_through(session: Session, since: datetime, limit: int = 50) -> list[ArticleStat]:
    """Articles by clicks since ``since``, with how often they were shown."""
    rows = session.execute(text("""
        WITH shown AS (
            SELECT u.article_id, count(*) AS n
            FROM kb_search_log l, unnest(l.shown_ids) AS u(article_id)
            WHERE l.at >= :since GROUP BY u.article_id),
        clicked AS (
            SELECT article_id, count(*) AS n FROM kb_search_clicks
            WHERE at >= :since GROUP BY 1)
        SELECT a.id, a.external_id, a.title_kk, a.title_ru,
               coalesce(s.n, 0) AS shown, coalesce(c.n, 0) AS clicks
        FROM kb_articles a
        LEFT JOIN shown s ON s.article_id = a.id
        LEFT JOIN clicked c ON c.article_id = a.id
        WHERE s.n IS NOT NULL OR c.n IS NOT NULL
        ORDER BY clicks DESC, shown DESC, a.id LIMIT :limit
    """), {"since": since, "limit": limit})
    return [ArticleStat(*row) for row in rows]
