"""Samples for the Knowledge Base routes: a published article of ``world.agency``'s service."""

from __future__ import annotations

from typing import Any

from portal.knowledge import services
from tests.factories import make_service

#: A responsible person of another agency may not read this agency's service articles.
FOREIGN: dict[str, int] = {"knowledge.article": 403}


def samples(session: Any, world: Any) -> dict[str, Any]:
    """URL arguments for the knowledge routes."""
    service = make_service(session, world.agency)
    article = services.create_article(session, None, {
        "title_kk": "Анықтама", "title_ru": "Справка", "body_kk": "Мәтін", "body_ru": "Текст",
        "tags": [], "service_id": service.id})
    services.submit_for_review(session, None, article)
    services.publish(session, None, article)
    services.save_article(session, None, article, {
        "title_kk": "Анықтама", "title_ru": "Справка", "body_kk": "Мәтін 2",
        "body_ru": "Текст 2", "tags": [], "service_id": service.id})
    session.flush()
    return {"article_id": article.id, "action": "submit", "number": 1}
