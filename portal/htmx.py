"""htmx helpers: one place decides between the full page and its fragment."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request


def is_htmx() -> bool:
    """True for requests made by htmx (and not for history restores)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def render_page(page: str, fragment: str, /, **context: Any) -> Response:
    """Render ``fragment`` for htmx requests and ``page`` (which includes it) otherwise."""
    template = fragment if is_htmx() else page
    response = make_response(render_template(template, **context))
    response.headers["Vary"] = "HX-Request"
    return response


def hx_redirect(url: str) -> Response:
    """Redirect that works both for htmx (HX-Redirect) and plain requests (303)."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    from flask import redirect

    return redirect(url, code=303)  # type: ignore[return-value]
