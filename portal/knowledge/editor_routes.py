"""Editors' pages: article list, editor, history and diff, workflow actions, analytics."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

from portal.db import db, get_or_404, utcnow
from portal.errors import ConflictError, DomainError
from portal.htmx import render_page
from portal.i18n import localized
from portal.knowledge import EDITORS, PUBLISHERS, bp, services
from portal.knowledge import analytics as stats
from portal.knowledge.diffing import diff_versions
from portal.knowledge.forms import ActionForm, ArticleForm
from portal.knowledge.models import Article, ArticleStatus
from portal.pagination import paginate
from portal.registry.models import Service
from portal.security import roles_required

ACTIONS = {
    "submit": (services.submit_for_review, _l("Sent for review.")),
    "return": (services.return_to_draft, _l("Returned to draft.")),
    "archive": (services.archive, _l("Archived.")),
    "unarchive": (services.unarchive, _l("Back in drafts.")),
    "reviewed": (services.mark_reviewed, _l("Marked as reviewed against the amended bylaw.")),
}


def _service_choices() -> list[tuple[int | str, str]]:
    rows = db.session.scalars(select(Service).order_by(Service.code)).all()
    return [(s.id, f"{s.code} — {localized(s, 'name')}"[:120]) for s in rows]


@bp.route("/manage/")
@roles_required(*EDITORS)
def manage():
    """All articles for editors: filter by status and staleness, find by title or id."""
    q = request.args.get("q", "").strip()[:200]
    status = request.args.get("status", "")
    stale = request.args.get("stale") == "1"
    pending = request.args.get("pending") == "1"
    page_no = request.args.get("page", 1, type=int)
    stmt = select(Article).order_by(Article.updated_at.desc(), Article.id.desc())
    if status in {s.value for s in ArticleStatus}:
        stmt = stmt.where(Article.status == ArticleStatus(status))
    if stale:
        stmt = stmt.where(Article.stale.is_(True))
    if pending:
        stmt = stmt.where(Article.status == ArticleStatus.PUBLISHED,
                          Article.latest_version > Article.published_version)
    if q:
        # Editors look for an article they know: its title or id, in any status.
        like = "%" + q.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        stmt = stmt.where(or_(func.lower(Article.title_kk).like(like),
                              func.lower(Article.title_ru).like(like),
                              func.lower(Article.external_id).like(like)))
    page = paginate(db.session, stmt, page_no)
    return render_page("knowledge/manage.html", "knowledge/_manage_table.html", page=page, q=q,
                       status=status, stale=stale, statuses=list(ArticleStatus))


@bp.route("/manage/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def create():
    """Write a new article (a draft)."""
    form = ArticleForm()
    form.set_services(_service_choices())
    if form.validate_on_submit():
        try:
            art = services.create_article(db.session, current_user, form.content(),
                                          note=form.note.data or "")
        except DomainError as err:
            getattr(form, err.field or "title_kk").errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Draft saved."), "success")
            return redirect(url_for("knowledge.edit", article_id=art.id))
    return render_template("knowledge/edit.html", form=form, art=None, actions=ActionForm())


@bp.route("/manage/<int:article_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(article_id: int):
    """Edit the working copy (the latest version); each save is a new version."""
    art: Article = get_or_404(Article, article_id)
    form = ArticleForm()
    form.set_services(_service_choices())
    current = services.latest(db.session, art)
    if request.method == "GET" and current is not None:
        for name in ("title_kk", "title_ru", "body_kk", "body_ru"):
            getattr(form, name).data = getattr(current, name)
        form.service_id.data = current.service_id
        form.tags.data = ", ".join(current.tags or [])
        form.lock_version.data = str(art.lock_version)
    if form.validate_on_submit():
        try:
            ver = services.save_article(db.session, current_user, art, form.content(),
                                        note=form.note.data or "",
                                        lock_version=int(form.lock_version.data or 0))
        except ConflictError as err:
            flash(err.message, "error")
        except DomainError as err:
            getattr(form, err.field or "title_kk").errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Saved as version %(n)d.", n=ver.number) if ver else
                  _("Nothing changed."), "success")
            return redirect(url_for("knowledge.edit", article_id=art.id))
    problem = services.publish_problem(db.session, current) if current else None
    return render_template("knowledge/edit.html", form=form, art=art, current=current,
                           problem=problem, actions=ActionForm())


@bp.route("/manage/<int:article_id>/history")
@roles_required(*EDITORS)
def history(article_id: int):
    """Every saved version, newest first."""
    art: Article = get_or_404(Article, article_id)
    versions = list(reversed(art.versions))
    return render_template("knowledge/history.html", art=art, versions=versions,
                           actions=ActionForm())


@bp.route("/manage/<int:article_id>/diff")
@roles_required(*EDITORS)
def diff(article_id: int):
    """Differences between any two versions (default: the latest and the one before)."""
    art: Article = get_or_404(Article, article_id)
    b = request.args.get("b", art.latest_version, type=int)
    a = request.args.get("a", max(1, b - 1), type=int)
    old, new = services.version(db.session, art, a), services.version(db.session, art, b)
    if old is None or new is None:
        abort(404)
    return render_template("knowledge/diff.html", art=art, old=old, new=new,
                           changes=diff_versions(old, new),
                           numbers=[v.number for v in art.versions])


def _act(article_id: int, run, message: str):  # type: ignore[no-untyped-def]
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    art: Article = get_or_404(Article, article_id)
    try:
        run(art)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(request.form.get("next") or url_for("knowledge.edit", article_id=art.id))


@bp.route("/manage/<int:article_id>/do/<action>", methods=["POST"])
@roles_required(*EDITORS)
def act(article_id: int, action: str):
    """Workflow steps every editor may take."""
    if action not in ACTIONS:
        abort(404)
    func, message = ACTIONS[action]
    return _act(article_id, lambda art: func(db.session, current_user, art), str(message))


@bp.route("/manage/<int:article_id>/publish", methods=["POST"])
@roles_required(*PUBLISHERS)
def publish(article_id: int):
    """Publish the latest version (Rules No. 83, cl. 3.4, 23)."""
    return _act(article_id, lambda art: services.publish(db.session, current_user, art),
                _("Published."))


@bp.route("/manage/<int:article_id>/schedule", methods=["POST"])
@roles_required(*PUBLISHERS)
def schedule(article_id: int):
    """Approve now, publish when the service starts consulting (cl. 23)."""
    return _act(article_id,
                lambda art: services.approve_for_consultation(db.session, current_user, art),
                _("Approved: it will be published when consultations start."))


@bp.route("/manage/<int:article_id>/restore/<int:number>", methods=["POST"])
@roles_required(*PUBLISHERS)
def restore(article_id: int, number: int):
    """Make an older version the newest (published at once for a published article)."""
    return _act(article_id,
                lambda art: services.restore_version(db.session, current_user, art, number),
                _("Version %(n)d restored.", n=number))


@bp.route("/manage/analytics")
@roles_required(*EDITORS)
def analytics():
    """Top queries, zero-result queries (the base's gaps) and click-through per article."""
    days = min(max(request.args.get("days", 30, type=int), 1), 365)
    since = utcnow() - timedelta(days=days)
    return render_template(
        "knowledge/analytics.html", days=days,
        top=stats.top_queries(db.session, since),
        zero=stats.top_queries(db.session, since, zero_only=True),
        articles=stats.click_through(db.session, since))
