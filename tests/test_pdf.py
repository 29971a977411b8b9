"""The PDF module: Kazakh text renders, static CSS loads, local files and the network are refused."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from portal.pdf import PdfFetchRefused, _make_fetcher, create_pdf


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_kazakh_text_and_static_css(app, tmp_path):
    template = tmp_path / "t.html"
    template.write_text(
        '<link rel="stylesheet" href="{{ pdf_static(\'css/portal.css\') }}">'
        "<p>Мемлекеттік көрсетілетін қызмет туралы ақпарат: әғқңөұүһі</p>")
    with app.test_request_context():
        app.jinja_env.globals["pdf_static"] = __import__("portal.pdf").pdf.pdf_static
        loader_backup = app.jinja_loader
        from jinja2 import ChoiceLoader, FileSystemLoader

        app.jinja_loader = ChoiceLoader([FileSystemLoader(str(tmp_path)), loader_backup])
        try:
            pdf = create_pdf("t.html", "kk")
        finally:
            app.jinja_loader = loader_backup
    assert pdf.startswith(b"%PDF")
    assert "әғқңөұүһі" in _text(pdf)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1/x.css",
                                 "portal://local/static/../../pyproject.toml"])
def test_fetcher_refuses_everything_but_static_files(app, url):
    with app.test_request_context(), pytest.raises(PdfFetchRefused):
        _make_fetcher().fetch(url)


def test_fetcher_serves_static_and_data_urls(app):
    with app.test_request_context():
        fetcher = _make_fetcher()
        css = fetcher.fetch("portal://local/static/css/portal.css")
        assert b":root" in css.read()
        data = fetcher.fetch("data:text/plain;base64,0JDQkQ==")
        assert data.read().decode() == "АБ"
