"""Knowledge Base search: one code path for the web page, the API and the CLI.

Rules No. 83, cl. 9: operators answer only from the Knowledge Base, with the
caller waiting, so search must be fast and forgiving (DOMAIN.md section B).

Ranking. Each query word is weighted by its BM25 idf (document frequencies come
from the vocabulary table) and scores by where it matches: in a title, in the
tags, or only in the body; the score is the idf-weighted share of the query
found, so an article with the rare words in its title beats one that merely
mentions every word. ``ts_rank_cd`` over the weighted vector (title A > tags B >
body C) adds frequency and proximity; a shorter title, then popularity break ties.

Candidates. Only candidates are ranked, never every matching row:
  * up to ``CANDIDATE_CAP`` articles containing every word,
  * up to ``TITLE_CAP`` articles per word with it in their title or tags,
  * when fewer than a page contain every word: up to ``TERM_CAP`` articles per
    rare word (in at most ``PARTIAL_MAX`` articles).
Each branch has a LIMIT and no ORDER BY, and takes one of two forms, chosen from
the vocabulary's estimate of how common its words are:
  * selective: a GIN bitmap scan; its cost grows with the number of matches
    (about 0.1 µs per match), and below the cap the ranking is exact;
  * very common: a walk through the table that tests each row and stops at the
    cap, about cap / selectivity rows (the GIN index is bypassed on purpose:
    building the bitmap of a word in 90% of 1M articles costs ~100 ms, the walk
    to 200 matches ~2 ms). ``walks()`` puts the switch where both cost the same.
So a query made only of very common words ranks a capped sample (in physical,
i.e. insertion, order) plus the title matches, at the same cost for 100k and 1M
articles. The big vectors (out of line) are read once per candidate.
bench/search.py measures it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from portal.db import driver_rows
from portal.knowledge.cache import RESULTS, WORDS
from portal.knowledge.query import ParsedQuery, parse, prepare

CANDIDATE_CAP = 200
TITLE_CAP = 40
TERM_CAP = 60
#: A word found in more articles than this brings no partial-match candidates of its
#: own: a sample of its matches would be arbitrary, and its bitmap costly at 1M articles.
PARTIAL_MAX = 4000
#: Measured costs (µs): testing one row on a walk (reads its out-of-line vector),
#: one row's title vector (inline), one match in a GIN bitmap.
WALK_ROW_US, WALK_TITLE_US, BITMAP_MATCH_US = 8.0, 0.7, 0.09
MAX_LIMIT = 100
#: Field weights of a matched word: in the title, in the tags, only in the body.
TITLE_W, TAGS_W, BODY_W = 1.0, 0.7, 0.35
#: Weight of ``ts_rank_cd`` (frequency, proximity) next to the field score (at most 1).
RANK_W = 0.15
#: Tie-breaker: of two equally matching articles the one with the shorter title wins.
SHORT_W = 0.02
#: Words in more than half of the articles count this much (BM25's idf is negative there).
MIN_IDF = 0.05


@dataclass(frozen=True)
class Hit:
    """One found article (the fields every interface prints)."""

    id: int
    external_id: str
    title_kk: str
    title_ru: str
    score: float
    service_id: int | None
    stale: bool
    matched: int  # query words the article matches
    partial: bool  # does not match every word

    def as_json(self) -> dict[str, object]:
        """The CLI/API representation."""
        return {"external_id": self.external_id, "title_kk": self.title_kk,
                "title_ru": self.title_ru, "score": round(self.score, 6)}


@dataclass
class SearchResult:
    """A page of hits with the analysed query and the totals."""

    parsed: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # candidates matching at least one word (bounded by the caps)
    full_total: int = 0  # candidates matching every word
    capped: bool = False  # more articles contain every word than were ranked
    page: int = 1
    per_page: int = 10

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        """A next page exists."""
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        """A previous page exists."""
        return self.page > 1

    @property
    def suggestion(self) -> str | None:
        """"Did you mean" text."""
        return self.parsed.suggestion()


@dataclass(frozen=True)
class Filters:
    """Which published articles a search looks at."""

    agency_id: int | None = None
    service_id: int | None = None
    #: An agency's responsible person: its services' articles and general ones.
    visible_to_agency: int | None = None

    def sql(self) -> tuple[str, dict[str, object]]:
        """SQL conditions on ``kb_search s`` and their parameters."""
        where, params = [], {}
        if self.service_id is not None:
            where.append("s.service_id = :service_id")
            params["service_id"] = self.service_id
        if self.agency_id is not None:
            where.append("s.service_id IN (SELECT id FROM services WHERE agency_id = :agency_id)")
            params["agency_id"] = self.agency_id
        if self.visible_to_agency is not None:
            where.append("(s.service_id IS NULL OR s.service_id IN "
                         "(SELECT id FROM services WHERE agency_id = :scope_agency))")
            params["scope_agency"] = self.visible_to_agency
        return "".join(f" AND {w}" for w in where), params


#: Published articles: the planner's estimate, or a count while the table is new.
_ARTICLES = """
    SELECT CASE WHEN c.reltuples > 0 THEN c.reltuples::bigint
                ELSE (SELECT count(*) FROM kb_search) END
    FROM pg_class c WHERE c.oid = 'kb_search'::regclass"""

_FREQUENCIES = f"""
    SELECT o.kind, o.val, f.top, f.total, ({_ARTICLES}) AS n
    FROM unnest(CAST(:op_kind AS text[]), CAST(:op_val AS text[]),
                CAST(:op_hi AS text[])) AS o(kind, val, hi)
    CROSS JOIN LATERAL (
        -- Per operand: the most frequent word form (a lower bound of the articles it
        -- matches) and the sum over its forms (an upper bound; what a GIN scan reads).
        -- Index lexemes are stems (Kazakh) and Snowball lexemes (Russian): a prefix
        -- is looked up among those, not among the words as written.
        SELECT coalesce(max(v.df), 0) AS top, coalesce(sum(v.df), 0) AS total
        FROM kb_vocabulary v
        WHERE (o.kind = 'kk' AND v.stem = o.val AND v.lang = 'kk')
           OR (o.kind = 'ru' AND v.stem = o.val AND v.lang = 'ru')
           OR (o.kind = 'pre' AND v.stem ~>=~ o.val AND v.stem ~<~ o.hi)) f
"""

_SQL = """
WITH terms AS MATERIALIZED (
    SELECT * FROM unnest(CAST(:g AS tsquery[]), CAST(:ga AS tsquery[]),
                         CAST(:gb AS tsquery[]), CAST(:idf AS float8[])) AS t(g, ga, gb, idf)),
and_cand AS MATERIALIZED (
    SELECT s.article_id AS id FROM kb_search s
    WHERE {and_column} @@ CAST(:qand AS tsquery){where} LIMIT :cap),
cand AS (
    SELECT id FROM and_cand{branches}),
vec AS MATERIALIZED (
    -- The concatenation reads each vector once; every test below uses the copy.
    SELECT s.article_id AS id, s.popularity, s.title_vector AS tv,
           s.search_vector || ''::tsvector AS v
    FROM cand JOIN kb_search s ON s.article_id = cand.id),
scored AS (
    SELECT vec.id, vec.popularity, x.matched,
           x.w + :rank_w * ts_rank_cd(vec.v, CAST(:qor AS tsquery), 1|32)
               + :short_w / ln(3 + length(ts_filter(vec.tv, '{{a}}'))) AS score
    FROM vec CROSS JOIN LATERAL (
        SELECT sum(t.idf * CASE WHEN vec.tv @@ t.ga THEN :title_w
                                WHEN vec.tv @@ t.gb THEN :tags_w
                                WHEN vec.v @@ t.g THEN :body_w ELSE 0 END) / sum(t.idf) AS w,
               count(*) FILTER (WHERE vec.v @@ t.g) AS matched
        FROM terms t) x),
ranked AS (
    SELECT sc.*, count(*) OVER () AS total,
           count(*) FILTER (WHERE sc.matched = :words) OVER () AS full_total
    FROM scored sc WHERE sc.matched > 0
    ORDER BY sc.score DESC, sc.popularity DESC, sc.id
    LIMIT :limit OFFSET :offset)
SELECT a.id, a.external_id, a.title_kk, a.title_ru, a.service_id, a.stale,
       r.score, r.matched, r.total, r.full_total,
       (SELECT count(*) FROM and_cand) AS and_count
FROM ranked r JOIN kb_articles a ON a.id = r.id
ORDER BY r.score DESC, r.popularity DESC, r.id
"""

_BRANCH = """
    UNION (SELECT s.article_id FROM kb_search s
           WHERE {column} @@ CAST(:{param} AS tsquery){where}{extra} LIMIT {cap})"""


def _column(name: str, walk: bool) -> str:
    """The vector to test; wrapped so that the planner cannot use its index on a walk."""
    return f"coalesce(s.{name}, ''::tsvector)" if walk else f"s.{name}"


@dataclass(frozen=True)
class Plan:
    """Per-word idf and share of articles, from the vocabulary's document frequencies."""

    idf: list[float]
    selectivity: list[float]  # share of articles with the word: lower bound
    reads: list[float]  # share of articles a GIN scan of the word reads: upper bound
    n: int  # published articles

    @classmethod
    def of(cls, session: Session, parsed: ParsedQuery,
           scope: tuple[str, int] | None = None) -> Plan:
        """Estimate from the vocabulary how common each word is.

        ``scope`` (database, index generation) lets the per-operand frequencies come
        from the process's word cache: they change only with the generation."""
        op_i, op_kind, op_val, op_hi = parsed.operand_rows()
        found: dict[tuple[str, str], tuple[int, int]] = {}
        n = WORDS.get((*scope, "n")) if scope else None
        if scope:
            for kind, val in zip(op_kind, op_val, strict=True):
                hit = WORDS.get((*scope, kind, val))
                if hit is not None:
                    found[kind, val] = hit
        missing = [k for k, (kind, val) in enumerate(zip(op_kind, op_val, strict=True))
                   if (kind, val) not in found]
        if missing:
            for r in driver_rows(session, _FREQUENCIES, {
                    "op_kind": [op_kind[k] for k in missing],
                    "op_val": [op_val[k] for k in missing],
                    "op_hi": [op_hi[k] for k in missing]}):
                found[r.kind, r.val] = (int(r.top), int(r.total))
                n = int(r.n or 0)
                if scope:
                    WORDS.put((*scope, r.kind, r.val), found[r.kind, r.val])
        if n is None:  # every operand was cached but the article count
            n = int(driver_rows(session, _ARTICLES, {})[0][0] or 0)
        if scope:
            WORDS.put((*scope, "n"), n)
        n = max(n or 0, 1)
        tops = [0] * len(parsed.terms)
        totals = [0] * len(parsed.terms)
        for i, kind, val in zip(op_i, op_kind, op_val, strict=True):
            top, total = found[kind, val]
            tops[i - 1] = max(tops[i - 1], min(top, n))
            totals[i - 1] = min(totals[i - 1] + total, n)
        idf = [max(math.log((n - df + 0.5) / (df + 0.5)), MIN_IDF) for df in tops]
        return cls(idf, [df / n for df in tops], [df / n for df in totals], n)

    def walks(self, selectivity: float, read: float, cap: int,
              row_us: float = WALK_ROW_US) -> bool:
        """Is walking to ``cap`` matches cheaper than the bitmap scan?

        A walk tests about cap / selectivity rows; a bitmap scan reads the posting
        lists of every word, ``read`` times the number of articles in all. The
        selectivity is a lower bound and ``read`` an upper one: in doubt, no walk
        (a bitmap costs what the postings cost; a walk past rare matches has no bound).
        """
        if selectivity <= 0:
            return False
        return cap / selectivity * row_us < read * self.n * BITMAP_MATCH_US


def _branches(parsed: ParsedQuery, plan: Plan, where: str, filtered: bool) -> str:
    # A title holds a small share of an article's words: guess a third of the
    # word's selectivity, and walk only when even that is common.
    parts = [_BRANCH.format(
        column=_column("title_vector", not filtered and plan.walks(
            sel / 3, read / 3, TITLE_CAP, WALK_TITLE_US)),
        param=f"g{i}", where=where, extra="", cap=TITLE_CAP)
        for i, (sel, read) in enumerate(zip(plan.selectivity, plan.reads, strict=True),
                                        start=1)]
    if len(parsed.terms) > 1:
        # Partial matches, only when too few articles contain every word.
        parts += [_BRANCH.format(column="s.search_vector", param=f"g{i}", where=where,
                                 extra=" AND (SELECT count(*) FROM and_cand) < :need",
                                 cap=TERM_CAP)
                  for i, read in enumerate(plan.reads, start=1)
                  if read * plan.n <= PARTIAL_MAX]
    return "".join(parts)


def _run(session: Session, parsed: ParsedQuery, filters: Filters, limit: int,
         offset: int, scope: tuple[str, int] | None = None) -> tuple[list[Hit], int, int, int]:
    plan = Plan.of(session, parsed, scope)
    where, params = filters.sql()
    groups = parsed.groups()
    # A filter makes matches rarer than the words alone say: never walk then.
    filtered = bool(where)
    and_walk = not filtered and plan.walks(math.prod(plan.selectivity), sum(plan.reads),
                                           CANDIDATE_CAP)
    sql = _SQL.format(where=where, and_column=_column("search_vector", and_walk),
                      branches=_branches(parsed, plan, where, filtered))
    binds: dict[str, object] = {
        **params, "g": groups, "ga": parsed.groups("A"), "gb": parsed.groups("B"),
        "idf": plan.idf, "qand": parsed.tsquery("&"), "qor": parsed.tsquery("|"),
        "words": len(groups), "cap": CANDIDATE_CAP, "need": offset + limit,
        "title_w": TITLE_W, "tags_w": TAGS_W, "body_w": BODY_W, "short_w": SHORT_W,
        "rank_w": RANK_W,
        "limit": limit, "offset": offset,
        **{f"g{i}": g for i, g in enumerate(groups, start=1)},
    }
    rows = driver_rows(session, sql, binds)
    if not rows:
        return [], 0, 0, 0
    hits = [Hit(r.id, r.external_id, r.title_kk, r.title_ru, float(r.score), r.service_id,
                r.stale, int(r.matched), int(r.matched) < len(groups)) for r in rows]
    return hits, int(rows[0].total), int(rows[0].full_total), int(rows[0].and_count)


def search(session: Session, query: str, *, limit: int = 10, page: int = 1,
           agency_id: int | None = None, service_id: int | None = None,
           visible_to_agency: int | None = None) -> SearchResult:
    """Search published articles, best first (operators search all of them)."""
    limit = max(1, min(limit, MAX_LIMIT))
    page = max(1, page)
    prepared = prepare(session, query)
    filters = Filters(agency_id, service_id, visible_to_agency)
    key = (prepared.database, prepared.generation, prepared.words, prepared.typing, filters,
           limit, page)
    cached = RESULTS.get(key)
    if cached is not None:
        return cached  # shared between requests: callers only read it
    parsed = parse(session, query, prepared)
    result = SearchResult(parsed, page=page, per_page=limit)
    if not parsed.empty:
        hits, total, full, and_count = _run(session, parsed, filters, limit, (page - 1) * limit,
                                           (prepared.database, prepared.generation))
        result.hits, result.total, result.full_total = hits, total, full
        result.capped = and_count >= CANDIDATE_CAP
    RESULTS.put(key, result)
    return result
