"""Knowledge Base search at scale: build N articles, measure index size, build time, latency.

Run: ``python bench/search.py --n 100000`` (also ``--n 1000000``). A fresh database
``kbbench_<n>`` is created on the server of ``--server`` (default: TEST_DATABASE_URL or
the local PostgreSQL), migrated, filled, measured and dropped (``--keep`` keeps it).

Vocabulary: real word forms of the test corpus (tests/knowledge/corpus) and of the
Kazakh legal acts in ../shared/seeds, inflected with real suffixes and extended with
syllable-built words to ``--words`` distinct forms per language; word ranks are
Zipf-distributed (s=1), so the top words occur in more than half of the articles
(the worst case). Articles carry a title, tags and a short body in both languages.

Index input is exactly what the app computes on save (``IndexInput``: folded Russian
tokens, Kazakh stems) — checked on a sample — loaded with COPY into a staging table;
the vectors are then computed by PostgreSQL with the app's own expression
(``indexing.VECTOR_SQL``), the GIN indexes built afterwards, the vocabulary filled by
``indexing.apply_vocabulary``. Latency is the wall time of ``search()`` (all its SQL
round trips plus the Python around them; no HTTP, no rendering) per query kind.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.kbgen import Generator, Vocabulary  # noqa: E402
from portal.knowledge import indexing  # noqa: E402

INDEXES = {
    "ix_kb_search_search_vector": "CREATE INDEX ix_kb_search_search_vector "
                                  "ON kb_search USING gin (search_vector) "
                                  "WITH (fastupdate = off)",
    "ix_kb_search_title_vector": "CREATE INDEX ix_kb_search_title_vector "
                                 "ON kb_search USING gin (title_vector) WITH (fastupdate = off)",
}
STAGE = """CREATE UNLOGGED TABLE kb_bench_stage (
    id int, external_id text, title_kk text, title_ru text, body_kk text, body_ru text,
    tags text[], popularity int, i_title_ru text, i_title_kk text, i_tags_ru text,
    i_tags_kk text, i_body_ru text, i_body_kk text)"""


def _sql_expr(template: str) -> str:
    """The app's index expression with bind parameters replaced by staging columns."""
    for name in ("title_ru", "title_kk", "tags_ru", "tags_kk", "body_ru", "body_kk"):
        template = template.replace(f":{name}", f"s.i_{name}")
    return template


def create_database(server: str, n: int) -> str:
    """A fresh migrated database; returns its SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    from portal import migrate

    name = f"kbbench_{n}"
    admin = make_url(server).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    url_s = url.render_as_string(hide_password=False)
    migrate.upgrade(url_s)
    return url_s


def load(conn: psycopg.Connection, gen: Generator, n: int, chunk: int) -> dict[str, float]:
    """COPY generated articles to staging, compute vectors in SQL, build indexes."""
    timings: dict[str, float] = {}
    conn.execute(STAGE)
    for name in INDEXES:
        conn.execute(f"DROP INDEX {name}")
    t0 = time.perf_counter()
    gen_seconds = 0.0
    cols = ("id, external_id, title_kk, title_ru, body_kk, body_ru, tags, popularity, "
            "i_title_ru, i_title_kk, i_tags_ru, i_tags_kk, i_body_ru, i_body_kk")
    for start in range(0, n, chunk):
        g0 = time.perf_counter()
        rows = [gen.article(i) for i in range(start + 1, min(n, start + chunk) + 1)]
        gen_seconds += time.perf_counter() - g0
        with conn.cursor().copy(f"COPY kb_bench_stage ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        print(f"  staged {min(n, start + chunk):>8}", end="\r", file=sys.stderr)
    timings["generate (python)"] = gen_seconds
    timings["copy to staging"] = time.perf_counter() - t0 - gen_seconds
    t1 = time.perf_counter()
    conn.execute("""
        INSERT INTO kb_articles (id, external_id, status, title_kk, title_ru, body_kk, body_ru,
            tags, stale, publish_on_consulting, latest_version, published_version, popularity,
            lock_version, published_at)
        SELECT s.id, s.external_id, 'published', s.title_kk, s.title_ru, s.body_kk, s.body_ru,
            s.tags, false, false, 1, 1, s.popularity, 1, now()
        FROM kb_bench_stage s""")
    timings["articles (insert from staging)"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    conn.execute(f"""
        INSERT INTO kb_search (article_id, service_id, popularity, title_vector, search_vector)
        SELECT s.id, NULL, s.popularity,
            {_sql_expr(indexing.TITLE_VECTOR_SQL)}, {_sql_expr(indexing.VECTOR_SQL)}
        FROM kb_bench_stage s""")
    timings["search rows (to_tsvector in SQL)"] = time.perf_counter() - t1
    conn.execute("DROP TABLE kb_bench_stage")
    conn.execute("SET maintenance_work_mem = '1GB'")
    for name, ddl in INDEXES.items():
        t = time.perf_counter()
        conn.execute(ddl)
        timings[f"GIN {name}"] = time.perf_counter() - t
    conn.execute("SELECT setval('kb_articles_id_seq', (SELECT max(id) FROM kb_articles))")
    return timings


def load_vocabulary(app, gen: Generator) -> float:
    """Document frequencies through the app's own upsert."""
    from portal.db import db

    t = time.perf_counter()
    with app.app_context():
        delta: Counter[tuple[str, str]] = Counter(gen.document_frequencies())
        items = list(delta.items())
        for start in range(0, len(items), 20_000):
            indexing.apply_vocabulary(db.session, Counter(dict(items[start:start + 20_000])))
        db.session.commit()
    return time.perf_counter() - t


def sizes(conn: psycopg.Connection) -> dict[str, str]:
    """Sizes of the table, its TOAST, the indexes and the vocabulary."""
    rows = conn.execute("""
        SELECT c.oid::regclass::text, pg_size_pretty(pg_relation_size(c.oid)),
               pg_relation_size(c.oid)
        FROM pg_class c
        WHERE c.relname IN ('kb_articles', 'kb_search', 'ix_kb_search_search_vector',
              'ix_kb_search_title_vector', 'kb_vocabulary',
              'ix_kb_vocabulary_word_trgm')
           OR c.oid IN (SELECT reltoastrelid FROM pg_class
                        WHERE relname IN ('kb_articles', 'kb_search'))
        ORDER BY 3 DESC""").fetchall()
    toast = dict(conn.execute("""SELECT reltoastrelid::regclass::text, relname FROM pg_class
                                 WHERE relname IN ('kb_articles', 'kb_search')""").fetchall())
    return {(f"{toast[name]} TOAST" if name in toast else name): pretty
            for name, pretty, _ in rows}


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def measure(app, queries: dict[str, list[str]], repeat: int) -> dict[str, dict[str, float]]:
    """Latency of search() per query kind (ms), after a warm-up pass."""
    from portal.db import db
    from portal.knowledge.cache import RESULTS, WORDS
    from portal.knowledge.search import search

    # Measure the search itself, not the per-process caches of results and word
    # frequencies (every query pays the frequency lookup, as a never-seen word does).
    # Each search ends in COMMIT, as in the app (portal.db's teardown): a ROLLBACK would
    # make psycopg drop the connection's prepared statements.
    RESULTS.size = WORDS.size = 0
    out: dict[str, dict[str, float]] = {}
    with app.app_context():
        for qs in queries.values():  # warm-up: caches, prepared plans
            for q in qs[:20]:
                search(db.session, q)
                db.session.commit()
        for kind, qs in queries.items():
            times, found, capped = [], [], 0
            for _ in range(repeat):
                for q in qs:
                    t = time.perf_counter()
                    result = search(db.session, q, limit=10)
                    times.append((time.perf_counter() - t) * 1000)
                    db.session.commit()
                    found.append(result.total)
                    capped += result.capped
            out[kind] = {"n": len(times), "p50": percentile(times, 50),
                         "p95": percentile(times, 95), "p99": percentile(times, 99),
                         "max": max(times), "mean_hits": statistics.mean(found),
                         "capped_share": capped / len(times)}
    return out


def main() -> None:
    """Build, load, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=40_000, help="distinct forms per language")
    parser.add_argument("--queries", type=int, default=100, help="queries per kind")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1414)
    parser.add_argument("--server", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true",
                        help="measure a database kept by an earlier --keep run (no rebuild)")
    parser.add_argument("--json", dest="json_out", help="also write the results here")
    args = parser.parse_args()

    from portal import create_app

    t0 = time.perf_counter()
    vocab = Vocabulary.build(ROOT, args.words, random.Random(args.seed))
    gen = Generator(vocab, args.n, args.seed)
    gen.check_against_app(200)
    print(f"vocabulary: {len(vocab.kk)} kk + {len(vocab.ru)} ru forms "
          f"({time.perf_counter() - t0:.1f}s)", file=sys.stderr)
    if args.reuse:
        url, report = reuse_database(args.server, args.n, gen)
        app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "bench"})
    else:
        url = create_database(args.server, args.n)
        app, report = build(url, gen, args)
    queries = gen.queries(args.queries, report["vocabulary_rows"])
    report["latency_ms"] = measure(app, queries, args.repeat)
    report["examples"] = {k: v[:3] for k, v in queries.items()}
    _print(report)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, ensure_ascii=False, indent=2))
    if not (args.keep or args.reuse):
        from sqlalchemy.engine import make_url

        from portal.db import db

        with app.app_context():
            db.engine.dispose()

        admin = make_url(args.server).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "kbbench_{args.n}" WITH (FORCE)')


def build(url: str, gen: Generator, args: argparse.Namespace) -> tuple:
    """Load the generated articles and vocabulary; returns the app and the build report."""
    from portal import create_app

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        timings = load(conn, gen, args.n, args.chunk)
        app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "bench"})
        timings["vocabulary (apply_vocabulary)"] = load_vocabulary(app, gen)
        t = time.perf_counter()
        conn.execute("VACUUM ANALYZE kb_articles")
        conn.execute("VACUUM ANALYZE kb_search")
        conn.execute("VACUUM ANALYZE kb_vocabulary")
        timings["vacuum analyze"] = time.perf_counter() - t
        report = {"n": args.n, "build_seconds": timings, "sizes": sizes(conn),
                  "vocabulary_rows": conn.execute(
                      "SELECT count(*) FROM kb_vocabulary").fetchone()[0]}
    return app, report


def reuse_database(server: str, n: int, gen: Generator) -> tuple[str, dict]:
    """A database built before: document frequencies are read back from its vocabulary."""
    from sqlalchemy.engine import make_url

    url = make_url(server).set(drivername="postgresql+psycopg", database=f"kbbench_{n}")
    url_s = url.render_as_string(hide_password=False)
    with psycopg.connect(url_s.replace("+psycopg", ""), autocommit=True) as conn:
        for word, lang, df in conn.execute("SELECT word, lang, df FROM kb_vocabulary"):
            gen.df[(word, lang)] = df
        report = {"n": n, "build_seconds": {}, "sizes": sizes(conn),
                  "vocabulary_rows": len(gen.df)}
    return url_s, report


def _print(report: dict) -> None:
    print(f"\n== Knowledge Base search, {report['n']:,} articles ==")
    print("build:")
    for step, seconds in report["build_seconds"].items():
        print(f"  {step:<42} {seconds:8.1f} s")
    print("sizes:")
    for name, size in report["sizes"].items():
        print(f"  {name:<42} {size:>10}")
    print(f"  vocabulary rows {report['vocabulary_rows']:,}")
    print(f"latency of search() in ms ({'kind':<10}):")
    print(f"  {'kind':<12} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"
          f" {'hits':>8} {'capped':>7}")
    for kind, s in report["latency_ms"].items():
        print(f"  {kind:<12} {s['n']:>5} {s['p50']:7.1f} {s['p95']:7.1f} {s['p99']:7.1f}"
              f" {s['max']:7.1f} {s['mean_hits']:8.0f} {s['capped_share']:7.0%}")
    print("example queries:", json.dumps(report["examples"], ensure_ascii=False))


if __name__ == "__main__":
    main()
