"""Fixtures for the Knowledge Base tests: articles made through the real services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.knowledge import services
from portal.knowledge.models import Article
from portal.registry.models import Service


@pytest.fixture
def make_article(app: Flask, session: Session) -> Callable[..., Article]:
    """Factory: an article in both languages, published unless ``publish=False``."""

    def factory(title_kk: str = "Анықтама алу", title_ru: str = "Получение справки",
                body_kk: str = "Анықтаманы egov.kz порталы арқылы алуға болады.",
                body_ru: str = "Справку можно получить на портале egov.kz.",
                tags: list[str] | None = None, service: Service | None = None,
                publish: bool = True, external_id: str | None = None) -> Article:
        with app.test_request_context():
            article = services.create_article(session, None, {
                "title_kk": title_kk, "title_ru": title_ru, "body_kk": body_kk,
                "body_ru": body_ru, "tags": tags or [],
                "service_id": service.id if service else None}, external_id)
            if publish:
                services.submit_for_review(session, None, article)
                services.publish(session, None, article)
        session.flush()
        return article

    return factory

