"""The PDF module: Kazakh text renders, static CSS loads, local files and the network are
refused, and rendering runs on a roomy interpreter stack."""

from __future__ import annotations

import io
import resource
import sys

import pytest
from pypdf import PdfReader

from portal.pdf import PdfFetchRefused, _make_fetcher, create_pdf, with_stack_room


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


def _descend(depth: int) -> int:
    return 0 if depth == 0 else _descend(depth - 1) + 1


def _page_faults(calls: int, depth: int) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        _descend(depth)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_with_stack_room_passes_arguments_results_and_errors():
    assert with_stack_room(divmod, 17, 5) == (3, 2)
    assert with_stack_room(dict, a=1) == {"a": 1}
    with pytest.raises(ZeroDivisionError):
        with_stack_room(divmod, 1, 0)


def test_deep_calls_under_with_stack_room_do_not_map_stack_chunks_again_and_again():
    """300 recursions ~4,500 interpreter stack slots deep: more than one 16 KB chunk, well
    within the room. On CPython 3.11/3.12 each recursion made from an ordinary depth maps
    and unmaps a chunk (a page fault or more each time, gh-142183); from the start of the
    room it stays in one chunk."""
    calls, depth = 300, 300
    _page_faults(calls, depth)  # warm up: whatever is allocated once is allocated now
    roomy = with_stack_room(_page_faults, calls, depth)
    assert roomy < calls / 10
    if sys.implementation.name == "cpython" and sys.version_info < (3, 13):
        assert _page_faults(calls, depth) >= calls  # the churn the room prevents
