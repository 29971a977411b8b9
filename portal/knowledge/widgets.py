"""Home-page widget: the search box for readers; what waits for editors."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import func, select

from portal.db import db
from portal.knowledge import EDITORS, READERS
from portal.knowledge.models import Article, ArticleStatus
from portal.nav import nav


def _count(*conditions: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(Article).where(*conditions)) or 0


def kb_widget(user: Any) -> str:
    """A search box (it submits to the Knowledge Base page); editors also see their queue."""
    counts = None
    if user.role in EDITORS:
        counts = {
            "review": _count(Article.status == ArticleStatus.REVIEW),
            "stale": _count(Article.stale.is_(True), Article.status != ArticleStatus.ARCHIVED),
            "pending": _count(Article.status == ArticleStatus.PUBLISHED,
                              Article.latest_version > Article.published_version),
        }
    return render_template("knowledge/_widget.html", counts=counts)


nav.add_widget(READERS, kb_widget, order=15)
