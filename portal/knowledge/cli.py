"""``portal kb import|export|search|reindex`` (and the ``portal token`` group)."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import force_locale

from portal.db import db

kb_cli = click.Group("kb", help="Knowledge Base: import, export, search.")


@kb_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--publish", is_flag=True, help="Publish what the rules allow "
              "(both languages; the service is consulting).")
@with_appcontext
def import_command(file, publish: bool) -> None:  # type: ignore[no-untyped-def]
    """Import articles from a JSONL file, upserting by external_id; all or nothing."""
    from portal.knowledge.importer import import_articles

    with force_locale("en"):
        try:
            report = import_articles(db.session, file, publish=publish)
        except Exception:
            db.session.rollback()
            raise
    if not report.ok:
        db.session.rollback()
        for line, message in report.errors:
            click.echo(f"line {line}: {message}", err=True)
        raise click.ClickException(f"{len(report.errors)} invalid line(s); nothing imported.")
    db.session.commit()
    for line, message in report.warnings:
        click.echo(f"line {line}: warning: {message}", err=True)
    click.echo(f"created {report.created}, updated {report.updated}, "
               f"unchanged {report.unchanged}, published {report.published}")


@kb_cli.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8"))
@click.option("--include-archived", is_flag=True)
@with_appcontext
def export_command(file, include_archived: bool) -> None:  # type: ignore[no-untyped-def]
    """Write articles to a JSONL file in the import format."""
    from portal.knowledge.importer import export_rows, write_jsonl

    n = write_jsonl(export_rows(db.session, include_archived), file)
    click.echo(f"{n} article(s) exported.", err=True)


def _search_json(query: str, limit: int) -> str:
    from portal.knowledge.search import search

    result = search(db.session, query, limit=limit)
    return json.dumps([h.as_json() for h in result.hits], ensure_ascii=False)


@kb_cli.command("search")
@click.argument("query", required=False)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (the API format).")
@with_appcontext
def search_command(query: str | None, limit: int, as_json: bool) -> None:
    """Search published articles, best first; with no QUERY, one query per stdin line."""
    from portal.knowledge.search import search

    if query is None:
        for line in sys.stdin:
            click.echo(_search_json(line.rstrip("\n"), limit))
            db.session.rollback()  # end the read transaction between queries
        return
    if as_json:
        click.echo(_search_json(query, limit))
        return
    result = search(db.session, query, limit=limit)
    if result.suggestion:
        click.echo(f"did you mean: {result.suggestion}")
    for n, hit in enumerate(result.hits, start=1):
        mark = " (partial)" if hit.partial else ""
        click.echo(f"{n:2d}. {hit.score:8.4f}  {hit.external_id}  {hit.title_ru or hit.title_kk}"
                   f"{mark}")
    click.echo(f"{result.total}{'+' if result.capped else ''} found")


@kb_cli.command("evaluate")
@click.argument("queries", type=click.File("r", encoding="utf-8"))
@click.option("--misses", is_flag=True, help="Also list the queries that missed.")
@with_appcontext
def evaluate_command(queries, misses: bool) -> None:  # type: ignore[no-untyped-def]
    """Relevance of the search: recall@1, recall@5 and MRR by kind (QUERIES is JSONL)."""
    from portal.knowledge.evaluation import evaluate, load_queries

    report = evaluate(db.session, load_queries(queries))
    click.echo(report.table())
    if misses:
        for query, expected, got in report.misses:
            click.echo(f"{query!r}: expected {expected}, got {got}")


@kb_cli.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Recompute every search vector and the vocabulary (after a stemmer change)."""
    from portal.knowledge.indexing import rebuild

    n = rebuild(db.session)
    db.session.commit()
    click.echo(f"{n} article(s) reindexed.")


def register(app: Flask) -> None:
    """Attach ``kb`` and the API ``token`` commands to the app's CLI."""
    from portal.auth.tokens import token_cli

    app.cli.add_command(kb_cli)
    # Tokens belong to portal.auth, which has no cli module of its own yet.
    app.cli.add_command(token_cli)
