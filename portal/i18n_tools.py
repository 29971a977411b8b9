"""Catalog maintenance: extract messages per area domain and merge into kk/ru catalogs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

from portal.config import ROOT
from portal.i18n import DOMAINS, LOCALES, domain_for, po_path

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "trimmed": "true"}


def source_files() -> Iterator[Path]:
    """Python modules and templates that may contain user-facing strings."""
    yield from sorted((ROOT / "portal").rglob("*.py"))
    yield from sorted((ROOT / "jobs").rglob("*.py"))
    yield from sorted((ROOT / "templates").rglob("*.html"))
    yield from sorted((ROOT / "templates").rglob("*.txt"))


def extract_domains() -> dict[str, Catalog]:
    """One template catalog per domain with every message found in the sources."""
    catalogs = {d: Catalog(project="ucc-portal", charset="utf-8") for d in DOMAINS}
    for path in source_files():
        method = extract_method(path)
        domain = domain_for(path) if path.is_relative_to(ROOT / "portal") or \
            path.is_relative_to(ROOT / "templates") else "messages"
        with path.open("rb") as fh:
            for lineno, message, comments, context in extract(
                    method, fh, KEYWORDS, options=JINJA_OPTIONS if method != "python" else {},
                    comment_tags=("TRANSLATORS:",)):
                catalogs[domain].add(message, None, [(str(path.relative_to(ROOT)), lineno)],
                                     auto_comments=comments, context=context)
    return catalogs


def extract_method(path: Path):  # type: ignore[no-untyped-def]
    """Babel extraction method for a file."""
    return "python" if path.suffix == ".py" else babel_extract


def update_catalogs(only: tuple[str, ...] = ()) -> list[str]:
    """Merge freshly extracted messages into the kk/ru catalogs; report what changed."""
    report = []
    for domain, template in extract_domains().items():
        if (only and domain not in only) or not len(template):
            continue
        for locale in LOCALES:
            path = po_path(locale, domain)
            if path.exists():
                with path.open("rb") as fh:
                    catalog = read_po(fh, locale=locale)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                catalog = Catalog(locale=locale, domain=domain, project="ucc-portal")
            before = {m.id for m in catalog if m.id}
            catalog.update(template, no_fuzzy_matching=True)
            after = {m.id for m in catalog if m.id}
            with path.open("wb") as fh:
                write_po(fh, catalog, width=100, sort_output=False, ignore_obsolete=True,
                         omit_header=False)
            untranslated = sum(1 for m in catalog if m.id and not m.string)
            report.append(f"{locale}/{domain}: {len(after)} messages, +{len(after - before)} new, "
                          f"-{len(before - after)} removed, {untranslated} untranslated")
    return report


def import_translations(rows: list[tuple[str, str, str]], only: tuple[str, ...] = ()) -> int:
    """Set kk and ru translations for msgids (rows of msgid, kk, ru) in the catalogs."""
    table = {msgid: {"kk": kk, "ru": ru} for msgid, kk, ru in rows}
    changed = 0
    for locale in LOCALES:
        for domain in only or DOMAINS:
            path = po_path(locale, domain)
            if not path.exists():
                continue
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            touched = False
            for message in catalog:
                if message.id and message.id in table and table[message.id][locale]:
                    message.string = table[message.id][locale]
                    message.flags.discard("fuzzy")
                    touched = True
                    changed += 1
            if touched:
                with path.open("wb") as fh:
                    write_po(fh, catalog, width=100, sort_output=False, ignore_obsolete=True)
    return changed


def read_tsv(path: Path) -> list[tuple[str, str, str]]:
    """Rows of a translation sheet: msgid<TAB>kk<TAB>ru, '#' lines ignored."""
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path}:{lineno}: expected 3 tab-separated columns")
        rows.append((parts[0], parts[1], parts[2]))
    return rows
