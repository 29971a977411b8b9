"""Catalogs: complete, current, not fuzzy, placeholders intact, compiled."""

from __future__ import annotations

import re
from gettext import GNUTranslations

import pytest
from babel.messages.pofile import read_po

from portal.i18n import DOMAINS, LOCALES, compile_catalogs, iter_catalogs, po_path
from portal.i18n_tools import extract_domains

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


@pytest.fixture(scope="module")
def extracted():
    return extract_domains()


def _catalog(locale: str, domain: str):
    with po_path(locale, domain).open("rb") as fh:
        return read_po(fh, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_catalog_is_current_complete_and_not_fuzzy(extracted, locale, domain):
    template = extracted[domain]
    wanted = {m.id for m in template if m.id}
    if not wanted:
        return
    assert po_path(locale, domain).exists(), f"run `portal translate update` ({locale}/{domain})"
    catalog = _catalog(locale, domain)
    have = {m.id for m in catalog if m.id}
    stale = sorted(str(x) for x in wanted - have)
    assert not stale, f"{locale}/{domain}: not in catalog (run `portal translate update`): {stale}"
    untranslated = [m.id for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert not untranslated, f"{locale}/{domain}: untranslated: {untranslated}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{locale}/{domain}: fuzzy: {fuzzy}"
    for m in catalog:
        if m.id and isinstance(m.id, str):
            assert set(PLACEHOLDER.findall(m.id)) == set(PLACEHOLDER.findall(m.string)), (
                f"{locale}/{domain}: placeholders differ in {m.id!r}")


def test_compiled_catalogs_match_sources():
    compile_catalogs()
    for locale, _domain, po in iter_catalogs():
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} not compiled"
        with mo.open("rb") as fh:
            compiled = GNUTranslations(fh)
        catalog = _catalog(locale, _domain)
        for m in catalog:
            if m.id and isinstance(m.id, str) and m.string:
                assert compiled.gettext(m.id) == m.string


def test_dates_and_numbers_are_formatted_per_locale(app):
    from datetime import date

    from flask_babel import force_locale, format_date, format_decimal

    with app.test_request_context():
        with force_locale("ru"):
            assert format_date(date(2026, 3, 20), "long").replace("\u202f", " ") == \
                "20 марта 2026 г."
            assert format_decimal(12345.5) == "12\xa0345,5"
        with force_locale("kk"):
            assert "наурыз" in format_date(date(2026, 3, 20), "long")
