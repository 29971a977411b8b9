"""Article operations: versions, the editorial workflow, staleness, index upkeep.

Every function flushes and writes one audit entry per change; routes and the
CLI commit. Vocabulary document frequencies follow what operators can find, so
every change of published content goes through :func:`_published_change`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.db import utcnow
from portal.errors import ConflictError, DomainError
from portal.knowledge import indexing
from portal.knowledge.models import Article, ArticleStatus, ArticleVersion
from portal.registry.models import Service, ServiceStatus

CONTENT_FIELDS = ("service_id", "title_kk", "title_ru", "body_kk", "body_ru", "tags")
MAX_TITLE, MAX_BODY, MAX_TAGS, MAX_TAG = 300, 100_000, 20, 80


def clean_content(data: dict[str, Any]) -> dict[str, Any]:
    """Trim and check article content; raises DomainError naming the field."""
    out = {f: (data.get(f) or "").strip() for f in ("title_kk", "title_ru", "body_kk", "body_ru")}
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    out["tags"] = list(dict.fromkeys(t.strip() for t in tags if t and t.strip()))
    out["service_id"] = data.get("service_id") or None
    if not (out["title_kk"] or out["title_ru"]):
        raise DomainError(_("Give the article a title in at least one language."), "title_kk")
    for name in ("title_kk", "title_ru"):
        if len(out[name]) > MAX_TITLE:
            raise DomainError(_("A title is at most %(n)d characters.", n=MAX_TITLE), name)
    for name in ("body_kk", "body_ru"):
        if len(out[name]) > MAX_BODY:
            raise DomainError(_("A text is at most %(n)d characters.", n=MAX_BODY), name)
    if len(out["tags"]) > MAX_TAGS or any(len(t) > MAX_TAG for t in out["tags"]):
        raise DomainError(_("At most %(n)d tags of up to %(m)d characters each.",
                            n=MAX_TAGS, m=MAX_TAG), "tags")
    return out


def _content(obj: Article | ArticleVersion) -> dict[str, Any]:
    return {f: list(getattr(obj, f) or []) if f == "tags" else getattr(obj, f)
            for f in CONTENT_FIELDS}


def latest(session: Session, article: Article) -> ArticleVersion | None:
    """The newest saved version (the editors' working copy)."""
    return session.scalar(select(ArticleVersion).where(
        ArticleVersion.article_id == article.id,
        ArticleVersion.number == article.latest_version))


def version(session: Session, article: Article, number: int) -> ArticleVersion | None:
    """Version ``number`` of ``article``."""
    return session.scalar(select(ArticleVersion).where(
        ArticleVersion.article_id == article.id, ArticleVersion.number == number))


@contextmanager
def _published_change(session: Session, article: Article,
                      content: bool = True) -> Iterator[None]:
    """Keep vocabulary frequencies and the search row in step with a change."""
    was_published = article.status is ArticleStatus.PUBLISHED
    before = indexing.article_words(article)
    yield
    indexing.apply_vocabulary(session, indexing.vocabulary_delta(
        before, indexing.article_words(article)))
    if content or was_published != (article.status is ArticleStatus.PUBLISHED):
        indexing.reindex(session, article)


def _new_version(session: Session, actor: Any, article: Article, content: dict[str, Any],
                 note: str) -> ArticleVersion:
    article.latest_version += 1
    ver = ArticleVersion(article=article, number=article.latest_version, note=note[:300],
                         author_id=getattr(actor, "id", None),
                         author_name=getattr(actor, "username", None) or "system", **content)
    session.add(ver)
    return ver


def create_article(session: Session, actor: Any, data: dict[str, Any],
                   external_id: str | None = None, note: str = "") -> Article:
    """Create a draft with its first version."""
    content = clean_content(data)
    article = Article(external_id=external_id or f"tmp-{utcnow().timestamp()}",
                      status=ArticleStatus.DRAFT, latest_version=0, **content)
    session.add(article)
    session.flush()
    if not external_id:
        article.external_id = f"kb-{article.id}"
    _new_version(session, actor, article, content, note)
    indexing.reindex(session, article)
    audit.record(session, actor, "knowledge.create", article, summary=article.title("ru"))
    return article


def save_article(session: Session, actor: Any, article: Article, data: dict[str, Any],
                 note: str = "", lock_version: int | None = None) -> ArticleVersion | None:
    """Save edits as a new version; None when nothing changed.

    A published article keeps showing its published version to operators until a
    manager publishes the new one.
    """
    if lock_version is not None and lock_version != article.lock_version:
        raise ConflictError(_("Someone saved this article while you were editing it. "
                              "Your text is kept below; compare with the history and save again."))
    content = clean_content(data)
    current = latest(session, article)
    old = _content(current) if current else {}
    if old == content:
        return None
    ver = _new_version(session, actor, article, content, note)
    if article.status is not ArticleStatus.PUBLISHED:
        with _published_change(session, article):
            for key, value in content.items():
                setattr(article, key, value)
    changes = {k: [old.get(k), v] for k, v in content.items() if old.get(k) != v
               and k not in ("body_kk", "body_ru")}
    changes.update({k: ["…", f"v{ver.number}"] for k in ("body_kk", "body_ru")
                    if old.get(k) != content[k]})
    audit.record(session, actor, "knowledge.save", article, changes,
                 summary=f"{article.external_id} v{ver.number}")
    return ver


def _transition(session: Session, actor: Any, article: Article, allowed: set[ArticleStatus],
                new: ArticleStatus, action: str) -> None:
    if article.status not in allowed:
        raise DomainError(_("This cannot be done to an article that is %(status)s.",
                            status=article.status.label.lower()))
    old = article.status
    with _published_change(session, article, content=False):
        article.status = new
    audit.record(session, actor, action, article, {"status": [old.value, new.value]},
                 summary=article.external_id)


def submit_for_review(session: Session, actor: Any, article: Article) -> None:
    """Draft → in review."""
    _transition(session, actor, article, {ArticleStatus.DRAFT}, ArticleStatus.REVIEW,
                "knowledge.submit")


def return_to_draft(session: Session, actor: Any, article: Article) -> None:
    """In review → draft (the reviewer wants changes); cancels a scheduled publication."""
    article.publish_on_consulting = False
    _transition(session, actor, article, {ArticleStatus.REVIEW}, ArticleStatus.DRAFT,
                "knowledge.return")


def archive(session: Session, actor: Any, article: Article) -> None:
    """Withdraw an article from operators (kept with its history)."""
    article.publish_on_consulting = False
    _transition(session, actor, article,
                {ArticleStatus.DRAFT, ArticleStatus.REVIEW, ArticleStatus.PUBLISHED},
                ArticleStatus.ARCHIVED, "knowledge.archive")


def unarchive(session: Session, actor: Any, article: Article) -> None:
    """Archived → draft, with the latest version as its content."""
    _transition(session, actor, article, {ArticleStatus.ARCHIVED}, ArticleStatus.DRAFT,
                "knowledge.unarchive")
    current = latest(session, article)
    if current is not None:
        for key, value in _content(current).items():
            setattr(article, key, value)
        indexing.reindex(session, article)


def consultation_problem(service: Service | None) -> str | None:
    """Why articles of ``service`` cannot be published yet (Rules No. 83, cl. 22-23)."""
    if service is None or service.status is ServiceStatus.CONSULTING:
        return None
    if service.consultation_start:
        return _("Consultations on this service start on %(date)s (Rules No. 83, cl. 23).",
                 date=format_date(service.consultation_start, "long"))
    return _("Consultations on this service have not been scheduled: the acceptance protocol "
             "is not signed yet (Rules No. 83, cl. 22-23).")


def language_problem(ver: ArticleVersion) -> str | None:
    """Publishing needs both languages (the Knowledge Base is bilingual, cl. 3.4)."""
    if all(getattr(ver, f).strip() for f in ("title_kk", "title_ru", "body_kk", "body_ru")):
        return None
    return _("Publishing needs the title and the text in both Kazakh and Russian "
             "(the Knowledge Base is bilingual, Rules No. 83, cl. 3.4).")


def publish_problem(session: Session, ver: ArticleVersion) -> str | None:
    """Why ``ver`` cannot be published, or None."""
    service = session.get(Service, ver.service_id) if ver.service_id else None
    return language_problem(ver) or consultation_problem(service)


def publish(session: Session, actor: Any, article: Article, number: int | None = None) -> None:
    """Publish version ``number`` (default: the latest) of an article in review or published."""
    if article.status not in (ArticleStatus.REVIEW, ArticleStatus.PUBLISHED):
        raise DomainError(_("Only an article in review or a published one can be published."))
    ver = version(session, article, number or article.latest_version)
    if ver is None:
        raise DomainError(_("There is no such version."))
    problem = publish_problem(session, ver)
    if problem:
        raise DomainError(problem)
    old = article.published_version
    with _published_change(session, article, content=_content(ver) != _content(article)):
        for key, value in _content(ver).items():
            setattr(article, key, value)
        article.status = ArticleStatus.PUBLISHED
        article.published_version = ver.number
        article.published_at = utcnow()
        article.publish_on_consulting = False
        article.stale, article.stale_since = False, None
    audit.record(session, actor, "knowledge.publish", article,
                 {"published_version": [old, ver.number]},
                 summary=f"{article.external_id} v{ver.number}")


def approve_for_consultation(session: Session, actor: Any, article: Article) -> None:
    """Approve an article in review to go live when its service starts consulting (cl. 23)."""
    ver = latest(session, article)
    if article.status is not ArticleStatus.REVIEW or ver is None or ver.service_id is None:
        raise DomainError(_("Only an article in review about a service can be scheduled."))
    problem = language_problem(ver)
    if problem:
        raise DomainError(problem)
    if consultation_problem(session.get(Service, ver.service_id)) is None:
        raise DomainError(_("The service is already consulting: publish the article."))
    article.publish_on_consulting = True
    audit.record(session, actor, "knowledge.schedule", article,
                 {"publish_on_consulting": [False, True]}, summary=article.external_id)


def restore_version(session: Session, actor: Any, article: Article, number: int) -> None:
    """Copy an older version as the newest one; a published article publishes it at once."""
    old = version(session, article, number)
    if old is None or number == article.latest_version:
        raise DomainError(_("There is no older version with this number."))
    ver = _new_version(session, actor, article, _content(old),
                       note=_("Restored from version %(n)d", n=number))
    audit.record(session, actor, "knowledge.restore", article,
                 {"restored_from": [None, number]}, summary=f"{article.external_id} v{number}")
    if article.status is ArticleStatus.PUBLISHED:
        publish(session, actor, article, ver.number)
    elif article.status is not ArticleStatus.ARCHIVED:
        with _published_change(session, article):
            for key, value in _content(ver).items():
                setattr(article, key, value)


def mark_reviewed(session: Session, actor: Any, article: Article) -> None:
    """An editor checked a stale article against the amended bylaw (cl. 26)."""
    if not article.stale:
        return
    since = article.stale_since
    article.stale, article.stale_since = False, None
    indexing.bump_generation(session)  # results show the "needs review" badge
    audit.record(session, actor, "knowledge.reviewed", article,
                 {"stale": [True, False], "stale_since": [str(since), None]},
                 summary=article.external_id)


def mark_service_stale(session: Session, actor: Any, service_id: int, on: date) -> int:
    """Mark every live article of a service stale after its bylaw is amended (cl. 26)."""
    rows = session.scalars(select(Article).where(
        Article.service_id == service_id, Article.status != ArticleStatus.ARCHIVED)).all()
    indexing.bump_generation(session)  # results show the "needs review" badge
    for article in rows:
        if not article.stale:
            article.stale, article.stale_since = True, on
            audit.record(session, actor, "knowledge.stale", article,
                         {"stale": [False, True]},
                         summary=f"{article.external_id}: bylaw amended {on.isoformat()}")
    session.flush()
    return len(rows)


def publish_scheduled(session: Session, actor: Any, service_id: int,
                      on_error: Callable[[Article, str], None] | None = None) -> int:
    """Publish the articles approved for when the service starts consulting (cl. 23)."""
    rows = session.scalars(select(Article).where(
        Article.service_id == service_id, Article.publish_on_consulting.is_(True),
        Article.status == ArticleStatus.REVIEW)).all()
    done = 0
    for article in rows:
        try:
            publish(session, actor, article)
            done += 1
        except DomainError as err:
            if on_error:
                on_error(article, err.message)
    return done
