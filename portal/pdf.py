"""The one way the portal makes PDFs: WeasyPrint over a Jinja template.

The URL fetcher only serves the portal's own static files; ``file:`` URLs and
anything external are refused, so a template (or user text inside it) can never
make the server read local files or call out to the network.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

STATIC_PREFIX = "/static/"
BASE_URL = "portal://local/"


class PdfFetchRefused(ValueError):
    """A PDF template asked for a resource outside the portal's static files."""


def _fetcher(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """Serve ``portal://local/static/...`` from the static folder; refuse the rest."""
    parts = urlsplit(url)
    if parts.scheme != "portal" or not parts.path.startswith(STATIC_PREFIX):
        raise PdfFetchRefused(f"refused to fetch {url!r} while rendering a PDF")
    static = current_app.static_folder
    assert static is not None
    from pathlib import Path

    root = Path(static).resolve()
    path = (root / parts.path[len(STATIC_PREFIX):]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise PdfFetchRefused(f"no static file for {url!r}")
    return {"string": path.read_bytes(),
            "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream"}


def render_pdf_html(template: str, locale: str, **context: Any) -> str:
    """The HTML a PDF is made from, rendered in the recipient's ``locale``."""
    with force_locale(locale):
        return render_template(template, pdf_locale=locale, **context)


def create_pdf(template: str, locale: str, **context: Any) -> bytes:
    """Render ``template`` in ``locale`` and return PDF bytes.

    Templates link CSS/images as ``portal://local/static/...`` (use the
    ``pdf_static`` global) or inline them.
    """
    from weasyprint import HTML

    html = render_pdf_html(template, locale, **context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher).write_pdf()


def pdf_static(filename: str) -> str:
    """URL of a static file for use inside PDF templates."""
    return f"{BASE_URL.rstrip('/')}{STATIC_PREFIX}{filename}"
