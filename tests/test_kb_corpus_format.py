"""Format checks for the bilingual Knowledge Base evaluation corpus.

These tests guard the data only (shape, ids, counts, alphabets). Whether search
actually finds the expected articles is the job of the relevance suite, which
reads the same files (see tests/knowledge/corpus/README.md).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

CORPUS_DIR = Path(__file__).parent / "knowledge" / "corpus"
ARTICLES_PATH = Path(__file__).parent.parent / "portal" / "demo" / "data" / "kb_articles.jsonl"
QUERIES_PATH = CORPUS_DIR / "queries.jsonl"

ARTICLE_FIELDS = {
    "external_id",
    "service_code",
    "title_kk",
    "title_ru",
    "body_kk",
    "body_ru",
    "tags",
}
QUERY_FIELDS = {"query", "lang", "kind", "expected"}
KINDS = ("exact", "wordform", "typo", "translit", "mixed", "colloquial")
LANGS = {"kk", "ru", "mixed"}
# Letters that exist in Kazakh Cyrillic but not in Russian; translit queries must avoid them.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
EXTERNAL_ID_RE = re.compile(r"^kb-\d{4}$")
SERVICE_CODE_RE = re.compile(r"^\d{8}$")
LATIN_RE = re.compile(r"[A-Za-z]")

MIN_ARTICLES = 100
MIN_QUERIES = 150
MIN_PER_KIND = 20
BODY_WORDS = (80, 250)
QUERY_WORDS = (1, 4)
TAGS_PER_ARTICLE = (2, 6)
EXPECTED_PER_QUERY = (1, 3)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Parse a JSON Lines file, failing with the line number on bad input."""
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert line.strip(), f"{path.name}:{number}: blank line"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{path.name}:{number}: invalid JSON ({exc})")
        assert isinstance(row, dict), f"{path.name}:{number}: not a JSON object"
        rows.append(row)
    return rows


@cache
def articles() -> list[dict[str, Any]]:
    """Articles of the corpus, parsed once per session."""
    return _read_jsonl(ARTICLES_PATH)


@cache
def queries() -> list[dict[str, Any]]:
    """Relevance queries of the corpus, parsed once per session."""
    return _read_jsonl(QUERIES_PATH)


def word_count(text: str) -> int:
    """Count whitespace-separated tokens that contain a letter or a digit."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def has_kazakh_letter(text: str) -> bool:
    """Tell whether the text uses at least one Kazakh-specific Cyrillic letter."""
    return not KAZAKH_LETTERS.isdisjoint(text)


def test_articles_have_exact_fields_and_types() -> None:
    """Every article has exactly the agreed fields with the agreed types."""
    for art in articles():
        assert set(art) == ARTICLE_FIELDS, art.get("external_id")
        ext = art["external_id"]
        assert isinstance(ext, str) and EXTERNAL_ID_RE.match(ext), ext
        code = art["service_code"]
        assert code is None or (isinstance(code, str) and SERVICE_CODE_RE.match(code)), ext
        for field in ("title_kk", "title_ru", "body_kk", "body_ru"):
            assert isinstance(art[field], str) and art[field].strip(), (ext, field)


def test_article_ids_and_titles_are_unique() -> None:
    """External ids identify one article; no two articles share a title."""
    ids = Counter(a["external_id"] for a in articles())
    assert not [i for i, n in ids.items() if n > 1]
    for field in ("title_kk", "title_ru"):
        titles = Counter(a[field] for a in articles())
        assert not [t for t, n in titles.items() if n > 1], field


def test_article_count_and_service_codes() -> None:
    """Enough articles, some general (no service) and some sharing a service."""
    assert len(articles()) >= MIN_ARTICLES
    codes = Counter(a["service_code"] for a in articles())
    assert codes[None] >= 1, "general articles (service_code null) are missing"
    assert any(n > 1 for code, n in codes.items() if code), "no two articles share a service"


@pytest.mark.parametrize("field", ["body_kk", "body_ru"])
def test_article_bodies_have_realistic_length(field: str) -> None:
    """Bodies are real content: between 80 and 250 words in each language."""
    low, high = BODY_WORDS
    wrong = {a["external_id"]: word_count(a[field]) for a in articles()}
    assert not {i: n for i, n in wrong.items() if not low <= n <= high}


def test_article_tags_are_short_lowercase_words() -> None:
    """Each article has 2 to 6 distinct, non-empty, lowercase tags."""
    low, high = TAGS_PER_ARTICLE
    for art in articles():
        tags = art["tags"]
        assert isinstance(tags, list) and low <= len(tags) <= high, art["external_id"]
        assert len(set(tags)) == len(tags), art["external_id"]
        for tag in tags:
            assert isinstance(tag, str) and tag.strip() == tag and tag, art["external_id"]
            assert tag == tag.lower() and len(tag.split()) <= 3, (art["external_id"], tag)


@pytest.mark.parametrize("field", ["title_kk", "body_kk"])
def test_kazakh_fields_are_written_in_kazakh_letters(field: str) -> None:
    """Kazakh fields use the Kazakh alphabet, not Russian-letter transliteration."""
    missing = [a["external_id"] for a in articles() if not has_kazakh_letter(a[field])]
    assert not missing


def test_queries_have_exact_fields_and_valid_values() -> None:
    """Every query has the agreed fields, a known lang and kind, 1-4 words."""
    low, high = QUERY_WORDS
    for q in queries():
        assert set(q) == QUERY_FIELDS, q
        assert isinstance(q["query"], str) and q["query"] == q["query"].strip(), q
        assert low <= len(q["query"].split()) <= high, q["query"]
        assert q["lang"] in LANGS, q
        assert q["kind"] in KINDS, q


def test_query_texts_are_unique() -> None:
    """A query text appears once, so per-kind figures are not double-counted."""
    texts = Counter(q["query"] for q in queries())
    assert not [t for t, n in texts.items() if n > 1]


def test_expected_ids_exist_and_are_distinct() -> None:
    """Each query expects 1 to 3 distinct articles that exist in the corpus."""
    known = {a["external_id"] for a in articles()}
    low, high = EXPECTED_PER_QUERY
    for q in queries():
        expected = q["expected"]
        assert isinstance(expected, list) and low <= len(expected) <= high, q["query"]
        assert len(set(expected)) == len(expected), q["query"]
        assert set(expected) <= known, (q["query"], sorted(set(expected) - known))


def test_query_counts_per_kind() -> None:
    """At least 150 queries in total and 20 of each kind."""
    assert len(queries()) >= MIN_QUERIES
    per_kind = Counter(q["kind"] for q in queries())
    assert {k: per_kind[k] for k in KINDS if per_kind[k] < MIN_PER_KIND} == {}


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "translit"])
def test_both_languages_in_every_kind(kind: str) -> None:
    """Each kind except translit has Kazakh and Russian queries."""
    langs = {q["lang"] for q in queries() if q["kind"] == kind}
    assert {"kk", "ru"} <= langs, langs


def test_translit_queries_are_kazakh_in_russian_letters() -> None:
    """Translit queries are Kazakh typed without any Kazakh-specific letter."""
    translit = [q for q in queries() if q["kind"] == "translit"]
    assert all(q["lang"] == "kk" for q in translit)
    assert [q["query"] for q in translit if has_kazakh_letter(q["query"])] == []


def test_mixed_queries_mix_languages_or_alphabets() -> None:
    """A mixed query is either tagged lang=mixed or hides Latin look-alike letters."""
    for q in queries():
        if q["lang"] == "mixed":
            assert q["kind"] == "mixed", q["query"]
        elif q["kind"] == "mixed":
            assert LATIN_RE.search(q["query"]), q["query"]
