"""Relevance suite: the bilingual corpus through the real import, every query through search.

The corpus and its queries are in tests/knowledge/corpus/ (see its README): exact
titles, other word forms, typos, Kazakh in Russian letters, mixed languages,
colloquial words. CI gate: overall recall@5 >= 0.95. Run with ``-s`` to see the
table of recall@1, recall@5 and MRR by kind and language.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.knowledge.evaluation import evaluate, load_queries
from portal.knowledge.importer import import_articles

CORPUS = Path(__file__).resolve().parent / "corpus"
#: The corpus articles double as the demo Knowledge Base (portal/demo/data).
ARTICLES = Path(__file__).resolve().parents[2] / "portal" / "demo" / "data" / "kb_articles.jsonl"
GATE = 0.95


@pytest.fixture
def report(app, session):
    """Import the corpus (publishing it) and evaluate every query."""
    with app.test_request_context():
        with (ARTICLES).open(encoding="utf-8") as fh:
            imported = import_articles(session, fh, publish=True)
        assert imported.ok and imported.published == imported.created
        with (CORPUS / "queries.jsonl").open(encoding="utf-8") as fh:
            return evaluate(session, load_queries(fh))


def test_recall_at_5_meets_the_gate_and_no_kind_collapses(report):
    print("\n" + report.table())
    for query, expected, got in report.misses:
        print(f"  {query!r}: expected {expected}, top 5 {got}")
    assert report.overall.n >= 120
    assert report.overall.mean_recall5 >= GATE, report.table()
    assert {"exact", "wordform", "typo", "translit", "mixed", "colloquial"} <= set(report.by_kind)
    # A kind far below the gate means one mechanism (stemming, folding, typos) broke.
    weak = {k: round(s.mean_recall5, 3) for k, s in report.by_kind.items()
            if s.mean_recall5 < 0.9}
    assert weak == {}
