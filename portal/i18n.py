"""Kazakh/Russian localisation: locale choice, per-area catalogs and their compilation.

Message ids are English; every user-facing string has kk and ru translations.
Each domain area keeps its own catalog (``translations/<locale>/LC_MESSAGES/<area>.po``)
so areas evolve independently; ``messages`` holds the core.  Compiled ``.mo`` files
are build products: they are (re)compiled from the ``.po`` files when stale.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context, request, session
from flask_login import current_user

from portal.config import ROOT

LOCALES = ("kk", "ru")
DEFAULT_LOCALE = "kk"
TRANSLATIONS_DIR = ROOT / "translations"
#: Catalog domains: the core plus one per domain area that has its own strings.
DOMAINS = (
    "messages",
    "registry",
    "obligations",
    "onboarding",
    "notify",
    "knowledge",
    "appeals",
    "ict",
    "reports",
)
LOCALE_NAMES = {"kk": "Қазақша", "ru": "Русский"}


def domain_for(path: Path) -> str:
    """Which catalog a source file's strings belong to (by its area folder)."""
    rel = path.resolve().relative_to(ROOT)
    parts = rel.parts
    if len(parts) > 2 and parts[0] in ("portal", "templates") and parts[1] in DOMAINS:
        return parts[1]
    if len(parts) > 3 and parts[0] == "templates" and parts[1] == "reports":
        return "reports"
    # Calendar screens share the obligations catalog: same users, same words.
    if len(parts) > 2 and parts[1] == "calendar":
        return "obligations"
    return "messages"


def po_path(locale: str, domain: str) -> Path:
    """Location of one catalog source file."""
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


def iter_catalogs() -> Iterator[tuple[str, str, Path]]:
    """Every (locale, domain, po path) that exists."""
    for locale in LOCALES:
        for domain in DOMAINS:
            path = po_path(locale, domain)
            if path.exists():
                yield locale, domain, path


def compile_catalogs(force: bool = False) -> int:
    """Compile stale ``.po`` files to ``.mo``; returns how many were written."""
    written = 0
    for _locale, _domain, po in iter_catalogs():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        tmp.replace(mo)  # atomic: concurrent workers never read half a file
        written += 1
    return written


def select_locale() -> str:
    """User preference, then the session, then the browser, then Kazakh."""
    if not has_request_context():  # CLI and jobs choose with force_locale()
        return DEFAULT_LOCALE
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def init_app(app: Flask) -> None:
    """Configure Flask-Babel with one translation directory entry per domain."""
    compile_catalogs()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        str(TRANSLATIONS_DIR) for _ in DOMAINS
    )
    app.config["BABEL_DOMAIN"] = ";".join(DOMAINS)
    from portal.extensions import babel

    babel.init_app(app, locale_selector=select_locale)


def current_locale() -> str:
    """The active locale code ('kk' or 'ru'); Kazakh outside a request."""
    from flask_babel import get_locale

    try:
        loc = get_locale()
    except RuntimeError:
        return DEFAULT_LOCALE
    return str(loc) if loc is not None and str(loc) in LOCALES else DEFAULT_LOCALE


def localized(obj: object, field: str, locale: str | None = None) -> str:
    """``obj.<field>_<locale>``, falling back to the other language when empty."""
    locale = locale or current_locale()
    value = getattr(obj, f"{field}_{locale}", None)
    if value:
        return str(value)
    for other in LOCALES:
        value = getattr(obj, f"{field}_{other}", None)
        if value:
            return str(value)
    return ""
