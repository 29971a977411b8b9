"""The 1414 Unified Contact Center interaction portal: application factory."""

from __future__ import annotations

import importlib
from typing import Any

from flask import Flask, has_request_context, render_template, request
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from portal import i18n, queue
from portal.config import ROOT, load_config
from portal.db import db
from portal.extensions import csrf, limiter, login_manager

#: Domain areas, bottom floor first (STYLE.md "Floors"); each exposes ``bp``
#: and may expose more blueprints named in ``BLUEPRINTS``.
AREAS = (
    "portal.main",
    "portal.auth",
    "portal.agencies",
    "portal.admin",
    "portal.calendar",
    "portal.registry",
    "portal.obligations",
    "portal.notify",
    "portal.onboarding",
    "portal.knowledge",
    "portal.ict",
    "portal.appeals",
    "portal.reports",
)

#: Modules holding models, imported so metadata is complete (Alembic, tests).
MODEL_MODULES = (
    "portal.audit",
    "portal.agencies.models",
    "portal.auth.models",
    "portal.registry.models",
    "portal.notify.models",
    "portal.registry.annex_models",
    "portal.calendar.models",
    "portal.obligations.models",
    "portal.onboarding.models",
    "portal.knowledge.models",
    "portal.auth.tokens",
    "portal.ict.models",
    "portal.appeals.models",
    "portal.reports.models",
)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app from the environment (plus ``overrides`` in tests)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(overrides))
    db.init_app(app)
    queue.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    _init_login(app)
    _register_areas(app)
    _register_template_helpers(app)
    _register_error_handlers(app)
    _register_cli(app)

    @app.after_request
    def _security_headers(response):  # type: ignore[no-untyped-def]
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        try:
            user_id, version = (int(p) for p in session_id.split(":", 1))
        except ValueError:
            return None
        user = db.session.get(User, user_id)
        if user is None or not user.active or user.session_version != version:
            return None
        return user


def _register_areas(app: Flask) -> None:
    for name in AREAS:
        module = importlib.import_module(name)
        for bp_name in getattr(module, "BLUEPRINTS", ("bp",)):
            app.register_blueprint(getattr(module, bp_name))
        extra = getattr(module, "admin_bp", None)
        if extra is not None:
            app.register_blueprint(extra)
        api = getattr(module, "api_bp", None)
        if api is not None:
            app.register_blueprint(api)
            csrf.exempt(api)  # token-authenticated API, no browser cookies


def _register_template_helpers(app: Flask) -> None:
    from portal.i18n import LOCALE_NAMES, current_locale, localized
    from portal.nav import nav

    app.jinja_env.globals.update(
        loc=localized, nav=nav, current_locale=current_locale, locale_names=LOCALE_NAMES,
    )
    app.jinja_env.filters.update(
        date=lambda d, fmt="medium": format_date(d, fmt) if d else "",
        datetime=lambda d, fmt="medium": format_datetime(d, fmt) if d else "",
        number=lambda n: format_decimal(n) if n is not None else "",
    )


def _register_error_handlers(app: Flask) -> None:
    def _error(code: int, title: str, message: str):
        from portal.htmx import is_htmx

        if is_htmx():  # shown by static/js/portal.js; a full page would not fit the target
            return f"{title}. {message}", code, {"Content-Type": "text/plain; charset=utf-8"}
        return render_template("error.html", code=code, title=title, message=message), code

    @app.errorhandler(CSRFError)
    def csrf_error(err):  # type: ignore[no-untyped-def]
        return _error(400, _("Form expired"),
                      _("The form was open too long or came from elsewhere. "
                        "Reload the page and try again."))

    @app.errorhandler(400)
    def bad_request(err):  # type: ignore[no-untyped-def]
        return _error(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(403)
    def forbidden(err):  # type: ignore[no-untyped-def]
        return _error(403, _("Access denied"), _("You do not have access to this page."))

    @app.errorhandler(404)
    def not_found(err):  # type: ignore[no-untyped-def]
        return _error(404, _("Not found"), _("There is no such page or object."))

    @app.errorhandler(429)
    def too_many(err):  # type: ignore[no-untyped-def]
        return _error(429, _("Too many attempts"),
                      _("Too many attempts in a short time. Wait a minute and try again."))

    @app.errorhandler(500)
    def server_error(err):  # type: ignore[no-untyped-def]
        db.session.rollback()
        return _error(500, _("Server error"),
                      _("Something went wrong on our side. The error has been logged."))

    @app.context_processor
    def _ctx() -> dict[str, Any]:
        return {"request_path": request.path if has_request_context() else ""}


def _register_cli(app: Flask) -> None:
    from portal.cli import register_app_commands

    register_app_commands(app)
