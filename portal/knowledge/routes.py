"""Operators' pages: live search and the article with its service card."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from markupsafe import Markup

from portal.db import db, get_or_404
from portal.htmx import render_page
from portal.i18n import current_locale
from portal.knowledge import EDITORS, READERS, bp, services
from portal.knowledge import analytics as stats
from portal.knowledge.models import Article, ArticleStatus
from portal.knowledge.presenters import filter_options, present_hits, service_card
from portal.knowledge.rendering import render_markdown
from portal.knowledge.search import search
from portal.security import Role, roles_required

PER_PAGE = 10


@bp.app_template_filter("kb_markdown")
def kb_markdown(value: str) -> Markup:
    """Render an article body (Markdown, sanitized)."""
    return render_markdown(value)


def reader_scope() -> int | None:
    """An agency's responsible person reads its own services' articles and general ones."""
    return current_user.agency_id if current_user.role is Role.AGENCY_RESPONSIBLE else None


def can_read(article: Article) -> bool:
    """Published articles for readers (scoped by agency); every article for editors."""
    if current_user.role in EDITORS:
        return True
    if article.status is not ArticleStatus.PUBLISHED:
        return False
    scope = reader_scope()
    return scope is None or article.service is None or article.service.agency_id == scope


@bp.route("/")
@roles_required(*READERS)
def search_page():
    """Search box with live results (htmx) that also works as a plain GET form."""
    q = request.args.get("q", "").strip()[:200]
    agency_id = request.args.get("agency", type=int)
    service_id = request.args.get("service", type=int)
    page = request.args.get("page", 1, type=int)
    # The search box's id comes in a header, so it never lands in the pushed URL.
    sid = request.headers.get("X-KB-Search") or request.args.get("sid") or stats.new_sid()
    result, hits, log = None, [], None
    if q:
        result = search(db.session, q, limit=PER_PAGE, page=page, agency_id=agency_id,
                        service_id=service_id, visible_to_agency=reader_scope())
        hits = present_hits(db.session, result, current_locale())
        if page == 1:
            log = stats.log_search(db.session, sid, q, result.total, [h.id for h in result.hits])
            db.session.commit()
    context = {"q": q, "agency_id": agency_id, "service_id": service_id, "result": result,
               "hits": hits, "log_id": log.id if log else None, "sid": sid}
    if request.headers.get("HX-Request") != "true":
        context.update(filter_options(db.session, agency_id, reader_scope()))
    return render_page("knowledge/search.html", "knowledge/_results.html", **context)


@bp.route("/articles/<int:article_id>")
@roles_required(*READERS)
def article(article_id: int):
    """An article in one language beside its service card; one click switches language."""
    art: Article = get_or_404(Article, article_id)
    if not can_read(art):
        abort(404 if art.status is not ArticleStatus.PUBLISHED else 403)
    lang = request.args.get("lang")
    lang = lang if lang in ("kk", "ru") else current_locale()
    log_id, rank = request.args.get("s", type=int), request.args.get("r", type=int)
    if log_id and rank and art.status is ArticleStatus.PUBLISHED:
        stats.record_click(db.session, log_id, art.id, rank)
        db.session.commit()
    card = service_card(db.session, art.service) if art.service else None
    notice = services.consultation_problem(art.service) if art.service else None
    return render_page("knowledge/article.html", "knowledge/_article.html", art=art,
                       lang=lang, other="ru" if lang == "kk" else "kk", card=card,
                       notice=notice, is_editor=current_user.role in EDITORS)

