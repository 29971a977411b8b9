"""View data for the search results and the service card (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.agencies.models import Agency
from portal.knowledge.models import Article, ArticleStatus
from portal.knowledge.rendering import plain_text
from portal.knowledge.search import Hit, SearchResult
from portal.knowledge.snippets import Highlighter
from portal.registry.models import Service, ServiceStatus
from portal.timeutil import local_today


@dataclass(frozen=True)
class ShownHit:
    """A result row as the page shows it."""

    hit: Hit
    rank: int
    lang: str  # language of the title shown first and of the snippet
    title: Markup
    other_title: Markup
    snippet: Markup
    service: Service | None

    @property
    def id(self) -> int:
        """Article id."""
        return self.hit.id


def present_hits(session: Session, result: SearchResult, locale: str) -> list[ShownHit]:
    """Highlighted titles and snippets for the page's rows only."""
    if not result.hits:
        return []
    ids = [h.id for h in result.hits]
    articles = {a.id: a for a in session.scalars(
        select(Article).where(Article.id.in_(ids))
        .options(selectinload(Article.service).selectinload(Service.agency)))}
    marker = Highlighter(*result.parsed.highlight())
    other = "ru" if locale == "kk" else "kk"
    shown = []
    for rank, hit in enumerate(result.hits, start=(result.page - 1) * result.per_page + 1):
        art = articles[hit.id]
        bodies = {"kk": plain_text(art.body_kk), "ru": plain_text(art.body_ru)}
        counts = {lang: marker.count(body) for lang, body in bodies.items()}
        lang = other if counts[other] > counts[locale] or not bodies[locale] else locale
        shown.append(ShownHit(
            hit, rank, lang, marker.title(art.title(lang)),
            marker.title(art.title("ru" if lang == "kk" else "kk")),
            marker.snippet(bodies[lang]), art.service))
    return shown


def filter_options(session: Session, agency_id: int | None, scope: int | None
                   ) -> dict[str, Any]:
    """Agencies and services that have published articles (for the filter selects)."""
    with_articles = select(Article.service_id).where(
        Article.status == ArticleStatus.PUBLISHED, Article.service_id.is_not(None))
    services_stmt = select(Service).where(Service.id.in_(with_articles)).order_by(Service.code)
    if scope is not None:
        services_stmt = services_stmt.where(Service.agency_id == scope)
    agencies = session.scalars(select(Agency).where(
        Agency.id.in_(select(Service.agency_id).where(Service.id.in_(with_articles))))
        .order_by(Agency.name_ru)).all()
    if scope is not None:
        agencies = [a for a in agencies if a.id == scope]
    if agency_id:
        services_stmt = services_stmt.where(Service.agency_id == agency_id)
    return {"agencies": agencies, "services": session.scalars(services_stmt).all()}


@dataclass(frozen=True)
class ServiceCard:
    """What the operator needs about a service beside the article (Annex 1)."""

    service: Service
    agency: Agency
    persons: list[Any]
    bylaws: list[Any]
    consultation_start: date | None
    consulting: bool


def service_card(session: Session, service: Service) -> ServiceCard:
    """Registry code, agency, responsible persons with contacts, bylaws, consultation start."""
    today = local_today()
    persons = [p for p in service.responsibles if p.valid_until is None or p.valid_until >= today]
    return ServiceCard(service, service.agency, persons, list(service.bylaws),
                       service.consultation_start, service.status is ServiceStatus.CONSULTING)
