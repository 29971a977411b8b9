"""Knowledge Base articles, their versions, the search vocabulary and search analytics.

DOMAIN.md section B: the Knowledge Base is the UCC's store of answers, filled,
updated and searched (Rules No. 83, cl. 3.4); operators answer only from it (cl. 9).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, str_enum, utcnow
from portal.registry.models import Service


class ArticleStatus(enum.StrEnum):
    """Editorial workflow of an article."""

    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(ARTICLE_STATUS_LABELS[self])


ARTICLE_STATUS_LABELS = {
    ArticleStatus.DRAFT: _l("Draft"),
    ArticleStatus.REVIEW: _l("In review"),
    ArticleStatus.PUBLISHED: _l("Published"),
    ArticleStatus.ARCHIVED: _l("Archived"),
}


class Article(TimestampMixin, Base):
    """A bilingual answer; its columns hold what operators see and what is indexed.

    For a published article that is the published version; edits made since are
    kept as newer versions until a manager publishes them. Otherwise the columns
    mirror the latest version.
    """

    __tablename__ = "kb_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True)
    status: Mapped[ArticleStatus] = mapped_column(
        str_enum(ArticleStatus, "kb_article_status"), default=ArticleStatus.DRAFT, index=True)
    title_kk: Mapped[str] = mapped_column(Text, default="")
    title_ru: Mapped[str] = mapped_column(Text, default="")
    body_kk: Mapped[str] = mapped_column(Text, default="")
    body_ru: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(80)), default=list)
    #: Set when the service's bylaw is amended (Rules No. 83, cl. 26) until reviewed.
    stale: Mapped[bool] = mapped_column(default=False)
    stale_since: Mapped[date | None]
    #: Approved by a manager before consultations start (Rules No. 83, cl. 23):
    #: published when the service's status becomes "consulting".
    publish_on_consulting: Mapped[bool] = mapped_column(default=False)
    latest_version: Mapped[int] = mapped_column(default=0)
    published_version: Mapped[int | None]
    published_at: Mapped[datetime | None]
    #: Click-throughs from search analytics (copied to SearchEntry: a ranking tie-break).
    popularity: Mapped[int] = mapped_column(default=0)
    lock_version: Mapped[int] = mapped_column(default=1)

    service: Mapped[Service | None] = relationship()
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", cascade="all, delete-orphan",
        order_by="ArticleVersion.number", passive_deletes=True)

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def has_pending_changes(self) -> bool:
        """A published article with newer, unpublished versions."""
        return (self.status is ArticleStatus.PUBLISHED and self.published_version is not None
                and self.latest_version > self.published_version)

    def title(self, lang: str) -> str:
        """Title in ``lang``, falling back to the other language."""
        return (self.title_kk if lang == "kk" else self.title_ru) or self.title_kk or self.title_ru

    def __repr__(self) -> str:
        return f"<Article {self.external_id} {self.status}>"


class ArticleVersion(Base):
    """One saved state of an article; never changed after it is written."""

    __tablename__ = "kb_article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"))
    title_kk: Mapped[str] = mapped_column(Text, default="")
    title_ru: Mapped[str] = mapped_column(Text, default="")
    body_kk: Mapped[str] = mapped_column(Text, default="")
    body_ru: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(80)), default=list)
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="versions")


class SearchEntry(Base):
    """The search index row of a published article (and only of published ones).

    A table of its own keeps the rows that candidate scans visit narrow: the big
    ``search_vector`` lives out of line (TOAST, STORAGE EXTERNAL, set by the
    migration) and is read only for the few hundred candidates that get ranked.
    """

    __tablename__ = "kb_search"
    __table_args__ = (
        # fastupdate off: a search never scans a pending list of unmerged entries
        # (after a bulk import that list makes every query slow until a vacuum).
        Index("ix_kb_search_search_vector", "search_vector", postgresql_using="gin",
              postgresql_with={"fastupdate": "off"}),
        Index("ix_kb_search_title_vector", "title_vector", postgresql_using="gin",
              postgresql_with={"fastupdate": "off"}),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True)
    popularity: Mapped[int] = mapped_column(default=0)
    #: Titles (weight A) and tags (weight B): small, stored inline.
    title_vector: Mapped[str] = mapped_column(TSVECTOR)
    #: Everything: titles A, tags B, bodies C.
    search_vector: Mapped[str] = mapped_column(TSVECTOR)


class SearchState(Base):
    """One row: the generation of the search index, set (from ``kb_generation_seq``) in
    the same transaction as every change of what search returns (result cache key)."""

    __tablename__ = "kb_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)


class VocabularyWord(Base):
    """A folded word form of published articles, for typo correction (pg_trgm).

    ``stem`` is the Kazakh stem (lang "kk") or the Russian Snowball lexeme (lang
    "ru"), so a form never seen but sharing a known stem is not "corrected".
    ``df`` counts the published articles that contain the word.
    """

    __tablename__ = "kb_vocabulary"
    __table_args__ = (
        Index("ix_kb_vocabulary_word_trgm", "word", postgresql_using="gin",
              postgresql_ops={"word": "gin_trgm_ops"}, postgresql_with={"fastupdate": "off"}),
        Index("ix_kb_vocabulary_word_prefix", "word", postgresql_ops={"word": "text_pattern_ops"}),
        Index("ix_kb_vocabulary_stem", "stem", "lang", postgresql_ops={"stem": "text_pattern_ops"}),
    )

    word: Mapped[str] = mapped_column(String(80), primary_key=True)
    lang: Mapped[str] = mapped_column(String(2), primary_key=True)
    stem: Mapped[str] = mapped_column(String(80))
    df: Mapped[int] = mapped_column(Integer, default=0)


class SearchLog(Base):
    """One search as the operator finally typed it; no user, no personal data.

    Live search sends a request per pause in typing; requests of one search box
    (``sid``) that extend or shorten the same query update one row.
    """

    __tablename__ = "kb_search_log"
    __table_args__ = (Index("ix_kb_search_log_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sid: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    query: Mapped[str] = mapped_column(String(200))
    results: Mapped[int] = mapped_column(default=0)
    shown_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), default=list)
    source: Mapped[str] = mapped_column(String(10), default="web")


class SearchClick(Base):
    """An operator opened result ``rank`` of a logged search."""

    __tablename__ = "kb_search_clicks"
    __table_args__ = (UniqueConstraint("log_id", "article_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    log_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("kb_search_log.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
