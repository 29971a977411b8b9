"""The one way the portal makes PDFs: WeasyPrint over a Jinja template.

The URL fetcher only serves the portal's own static files; ``file:`` URLs and
anything external are refused, so a template (or user text inside it) can never
make the server read local files or call out to the network.
"""

from __future__ import annotations

import mimetypes
import types
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

STATIC_PREFIX = "/static/"
BASE_URL = "portal://local/"


class PdfFetchRefused(ValueError):
    """A PDF template asked for a resource outside the portal's static files."""


def _static_file(url: str) -> tuple[bytes, str]:
    """Bytes and MIME type of ``portal://local/static/...``; anything else is refused."""
    from pathlib import Path

    parts = urlsplit(url)
    if parts.scheme != "portal" or not parts.path.startswith(STATIC_PREFIX):
        raise PdfFetchRefused(f"refused to fetch {url!r} while rendering a PDF")
    static = current_app.static_folder
    assert static is not None
    root = Path(static).resolve()
    path = (root / parts.path[len(STATIC_PREFIX):]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise PdfFetchRefused(f"no static file for {url!r}")
    return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _make_fetcher() -> Any:
    """A WeasyPrint URL fetcher serving static files and ``data:`` URLs only."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalFetcher(URLFetcher):
        """Refuses ``file:``, ``http(s):`` and every other scheme."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            body, mime = _static_file(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})

    return PortalFetcher(allowed_protocols={"portal", "data"})


def render_pdf_html(template: str, locale: str, **context: Any) -> str:
    """The HTML a PDF is made from, rendered in the recipient's ``locale``."""
    with force_locale(locale):
        return render_template(template, pdf_locale=locale, **context)


def create_pdf(template: str, locale: str, **context: Any) -> bytes:
    """Render ``template`` in ``locale`` and return PDF bytes.

    Templates link CSS/images as ``portal://local/static/...`` (use the
    ``pdf_static`` global) or inline them.
    """
    return create_document_pdf(template, locale, **context)[1]


def create_document_pdf(template: str, locale: str, **context: Any) -> tuple[Any, bytes]:
    """The laid-out WeasyPrint document of ``template`` (its pages know where each element
    with an ``id`` landed: ``pages[i].anchors``) and its PDF bytes. Layout and drawing
    run on a roomy interpreter stack (``with_stack_room``)."""
    return with_stack_room(_document_pdf, template, locale, context)


def _document_pdf(template: str, locale: str, context: dict[str, Any]) -> tuple[Any, bytes]:
    from weasyprint import HTML

    html = render_pdf_html(template, locale, **context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_make_fetcher()).render()
    return document, document.write_pdf()


T = TypeVar("T")


def _call(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    return fn(*args, **kwargs)


#: Interpreter stack slots (8 bytes each) kept free for the calls ``with_stack_room``
#: makes. Rendering a 250-row report chunk reaches ~2,800 slots, 76 frames (measured).
STACK_ROOM = 16_384
#: ``_call`` with a frame that claims STACK_ROOM more slots: CPython gives such a frame a
#: chunk of its own, about twice that size, and never touches the frame's unused part.
_roomy_call = types.FunctionType(
    _call.__code__.replace(co_stacksize=_call.__code__.co_stacksize + STACK_ROOM,
                           co_name="_roomy_call"), _call.__globals__, "_roomy_call")


def with_stack_room(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` run at the start of a fresh, roomy interpreter stack chunk.

    Why: CPython keeps Python frames in 16 KB chunks and frees a chunk as soon as the
    frame that opened it returns (CPython gh-142183, fixed in 3.13 and 3.14 in 2026, not
    in 3.11 or 3.12). WeasyPrint's layout and drawing recurse across such a boundary over
    and over, and each crossing maps, faults in and unmaps a fresh chunk. For a 10,000-row
    report that was 650,000 page faults and 4.7 of 31 CPU seconds in the kernel; how bad
    it was depended on the caller's stack depth (0.18 to 2.2 million faults for the same
    rows, measured). Started here, a render stays in one chunk: 35,000 page faults, 0.2 s
    in the kernel (bench/reports.py).
    """
    return _roomy_call(fn, args, kwargs)


def pdf_static(filename: str) -> str:
    """URL of a static file for use inside PDF templates."""
    return f"{BASE_URL.rstrip('/')}{STATIC_PREFIX}{filename}"
