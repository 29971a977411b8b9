"""JSONL import and export of articles (``portal kb import|export``).

One JSON object per line: ``external_id``, ``service_code`` (absent or unknown:
a general article), ``title_kk``, ``title_ru``, ``body_kk``, ``body_ru``,
``tags``. Every line is checked before anything is written: one invalid line
and nothing is imported (the caller rolls back on any error).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.knowledge import services
from portal.knowledge.models import Article, ArticleStatus
from portal.registry.models import Service

TEXT_FIELDS = ("title_kk", "title_ru", "body_kk", "body_ru")
FIELDS = ("external_id", "service_code", *TEXT_FIELDS, "tags")


@dataclass
class Record:
    """One valid input line."""

    line: int
    external_id: str
    service_code: str | None
    content: dict[str, Any]


@dataclass
class ImportReport:
    """What an import did (or why it did nothing)."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    published: int = 0
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No invalid line."""
        return not self.errors


def _check(obj: Any) -> str | None:
    if not isinstance(obj, dict):
        return "not a JSON object"
    ext = obj.get("external_id")
    if not isinstance(ext, str) or not ext.strip() or len(ext.strip()) > 120:
        return "external_id must be a non-empty string of at most 120 characters"
    code = obj.get("service_code")
    if code is not None and not isinstance(code, str):
        return "service_code must be a string"
    for name in TEXT_FIELDS:
        if not isinstance(obj.get(name, ""), str):
            return f"{name} must be a string"
    if not (obj.get("title_kk", "").strip() or obj.get("title_ru", "").strip()):
        return "title_kk or title_ru is required"
    tags = obj.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return "tags must be a list of strings"
    return None


def parse_lines(lines: Iterable[str], report: ImportReport) -> list[Record]:
    """Valid records; problems go to ``report.errors`` with their line numbers."""
    records: list[Record] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            report.errors.append((n, f"invalid JSON: {err.msg} (column {err.colno})"))
            continue
        problem = _check(obj)
        ext = obj.get("external_id", "").strip() if isinstance(obj, dict) else ""
        if problem is None and ext in seen:
            problem = f"external_id {ext!r} repeats line {seen[ext]}"
        if problem is None:
            try:
                content = services.clean_content({**obj, "service_id": None})
            except DomainError as err:
                problem = f"{err.field}: {err.message}"
        if problem:
            report.errors.append((n, problem))
            continue
        seen[ext] = n
        code = (obj.get("service_code") or "").strip() or None
        records.append(Record(n, ext, code, content))
    return records


def _upsert(session: Session, rec: Record, service_id: int | None,
            report: ImportReport) -> Article:
    content = {**rec.content, "service_id": service_id}
    article = session.scalar(select(Article).where(Article.external_id == rec.external_id))
    if article is None:
        report.created += 1
        return services.create_article(session, None, content, rec.external_id,
                                       note=f"import line {rec.line}")
    if services.save_article(session, None, article, content, note=f"import line {rec.line}"):
        report.updated += 1
    else:
        report.unchanged += 1
    return article


def _publish(session: Session, article: Article, rec: Record, report: ImportReport) -> None:
    if article.status is ArticleStatus.PUBLISHED and not article.has_pending_changes:
        return
    if article.status is ArticleStatus.ARCHIVED:
        services.unarchive(session, None, article)
    if article.status is ArticleStatus.DRAFT:
        services.submit_for_review(session, None, article)
    try:
        services.publish(session, None, article)
        report.published += 1
    except DomainError as err:
        report.warnings.append((rec.line, f"{rec.external_id} not published: {err.message}"))


def import_articles(session: Session, lines: Iterable[str], publish: bool = False
                    ) -> ImportReport:
    """Validate every line, then upsert by ``external_id`` (and publish when asked)."""
    report = ImportReport()
    records = parse_lines(lines, report)
    if not report.ok:
        return report
    codes = {r.service_code for r in records if r.service_code}
    service_ids: dict[str, int] = {
        code: sid for code, sid in session.execute(
            select(Service.code, Service.id).where(Service.code.in_(codes)))} if codes else {}
    for rec in records:
        service_id = service_ids.get(rec.service_code) if rec.service_code else None
        if rec.service_code and service_id is None:
            report.warnings.append((rec.line, f"unknown service_code {rec.service_code!r}: "
                                              "imported as a general article"))
        article = _upsert(session, rec, service_id, report)
        if publish:
            _publish(session, article, rec, report)
    return report


def export_rows(session: Session, include_archived: bool = False) -> Iterator[dict[str, Any]]:
    """Articles in the import format (published content for published articles)."""
    stmt = (select(Article, Service.code).outerjoin(Service, Service.id == Article.service_id)
            .order_by(Article.id).execution_options(yield_per=500))
    if not include_archived:
        stmt = stmt.where(Article.status != ArticleStatus.ARCHIVED)
    for article, code in session.execute(stmt):
        row: dict[str, Any] = {"external_id": article.external_id}
        if code:
            row["service_code"] = code
        row.update({f: getattr(article, f) for f in TEXT_FIELDS})
        row["tags"] = list(article.tags or [])
        yield row


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write rows one JSON object per line (UTF-8, not escaped); returns the count."""
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n
