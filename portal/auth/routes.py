"""Login, logout, password change and language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.auth import bp, services
from portal.auth.forms import LoginForm, PasswordForm
from portal.db import db
from portal.errors import DomainError
from portal.extensions import limiter
from portal.i18n import LOCALES
from portal.security import ALL_ROLES, public, roles_required


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_key() -> str:
    """Throttle per (client address, username): guessing one account is slowed down."""
    username = (request.form.get("username") or "").strip().lower()
    return f"{request.remote_addr}|{username}"


def _safe_next(target: str | None) -> str:
    """Only same-site relative redirects after login."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_login_key, methods=["POST"])
@public
def login():
    """Log in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.username.data, form.password.data)
        if user is None:
            db.session.commit()
            flash(_("Wrong username or password, or the account is deactivated."), "error")
        else:
            chosen = session.get("locale")  # a language picked on the login page wins
            if chosen in LOCALES:
                services.set_locale(db.session, user, chosen)
            db.session.commit()
            session.clear()  # fresh session on login
            if chosen in LOCALES:
                session["locale"] = chosen
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """End the session."""
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
def change_password():
    """Change one's own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, current_user, current_user,
                                     form.new.data, current=form.current.data)
        except DomainError as err:
            getattr(form, err.field or "new").errors.append(err.message)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # re-issue the session with the new version
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/lang", methods=["POST"])
@public
def set_language():
    """Switch the interface language; remembered per user."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        flash(_("Unknown language."), "error")
    else:
        session["locale"] = locale
        if current_user.is_authenticated:
            services.set_locale(db.session, current_user, locale)
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))

