"""Relevance of the search against a set of queries with expected articles.

Query file: JSONL with ``query``, ``kind``, ``lang`` and ``expected`` (external
ids, the first one the best answer). Per query: recall@5 (share of expected ids
in the top 5), recall@1 (the first hit is ``expected[0]``) and the reciprocal
rank of ``expected[0]`` in the top 10; averaged per kind, per language and
overall. Used by the relevance suite and by ``portal kb evaluate``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from portal.knowledge.search import search

TOP = 10


@dataclass
class Scores:
    """Sums of the per-query measures of one group."""

    n: int = 0
    recall5: float = 0.0
    recall1: float = 0.0
    rr: float = 0.0

    def add(self, r5: float, r1: float, rr: float) -> None:
        """Count one query."""
        self.n += 1
        self.recall5 += r5
        self.recall1 += r1
        self.rr += rr

    def row(self, name: str) -> str:
        """One line of the report table."""
        n = self.n or 1
        return (f"{name:<12} {self.n:>4}  {self.recall1 / n:8.3f}  {self.recall5 / n:8.3f}"
                f"  {self.rr / n:6.3f}")

    @property
    def mean_recall5(self) -> float:
        """Mean recall@5."""
        return self.recall5 / self.n if self.n else 0.0


@dataclass
class Report:
    """Scores overall, by kind and by language, and the queries that missed."""

    overall: Scores = field(default_factory=Scores)
    by_kind: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    by_lang: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    misses: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    def table(self) -> str:
        """The report as a fixed-width table."""
        lines = [f"{'group':<12} {'n':>4}  {'recall@1':>8}  {'recall@5':>8}  {'MRR':>6}"]
        lines += [s.row(k) for k, s in sorted(self.by_kind.items())]
        lines += [s.row(f"lang={k}") for k, s in sorted(self.by_lang.items())]
        lines.append(self.overall.row("overall"))
        return "\n".join(lines)


def load_queries(lines: Iterable[str]) -> list[dict[str, object]]:
    """Parse the query file."""
    return [json.loads(line) for line in lines if line.strip()]


def evaluate(session: Session, queries: list[dict[str, object]]) -> Report:
    """Run every query through :func:`search` and score the ranked external ids."""
    report = Report()
    for q in queries:
        expected = [str(e) for e in q["expected"]]  # type: ignore[attr-defined]
        ranked = [h.external_id for h in search(session, str(q["query"]), limit=TOP).hits]
        r5 = len(set(expected) & set(ranked[:5])) / len(expected)
        r1 = 1.0 if ranked[:1] == expected[:1] else 0.0
        rr = 1.0 / (ranked.index(expected[0]) + 1) if expected[0] in ranked else 0.0
        for scores in (report.overall, report.by_kind[str(q.get("kind", "?"))],
                       report.by_lang[str(q.get("lang", "?"))]):
            scores.add(r5, r1, rr)
        if r5 < 1.0 or r1 < 1.0:
            report.misses.append((str(q["query"]), expected, ranked[:5]))
    return report
