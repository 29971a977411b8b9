"""The search index of an article, computed on save, and the typo vocabulary.

One weighted ``tsvector`` per article (title A > tags B > body C) holds both
languages: Russian words through PostgreSQL's built-in ``russian`` Snowball
config, Kazakh words as folded stems from :mod:`portal.knowledge.kkstem` through
the ``simple`` config. Both configs ship with every PostgreSQL, so the index
needs no dictionary file on the server (managed or embedded). ``title_vector``
(titles and tags) drives the title boost and the candidate cap in search.py.
Vectors live in ``kb_search`` (SearchEntry), one row per published article.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal.knowledge import kkstem, textnorm
from portal.knowledge.models import Article, ArticleStatus
from portal.knowledge.rendering import plain_text
from portal.knowledge.textnorm import is_stop, tokenize

# A text repeats its words and the stemmer is pure: memoise both per process
# (a vocabulary of a few hundred thousand forms fits easily).
stem_kk = lru_cache(maxsize=300_000)(kkstem.stem_kk)
fold_kk = lru_cache(maxsize=300_000)(textnorm.fold_kk)

#: The index expression; the same one is used by the bulk loader of bench/search.py.
VECTOR_SQL = """
    setweight(to_tsvector('russian', :title_ru), 'A') ||
    setweight(to_tsvector('simple', :title_kk), 'A') ||
    setweight(to_tsvector('russian', :tags_ru), 'B') ||
    setweight(to_tsvector('simple', :tags_kk), 'B') ||
    setweight(to_tsvector('russian', :body_ru), 'C') ||
    setweight(to_tsvector('simple', :body_kk), 'C')
"""
TITLE_VECTOR_SQL = """
    setweight(to_tsvector('russian', :title_ru), 'A') ||
    setweight(to_tsvector('simple', :title_kk), 'A') ||
    setweight(to_tsvector('russian', :tags_ru), 'B') ||
    setweight(to_tsvector('simple', :tags_kk), 'B')
"""

#: Vocabulary words: long enough to correct, short enough to be a word.
MIN_WORD, MAX_WORD = 3, 40


def ru_text(value: str) -> str:
    """Russian text as folded tokens (look-alikes, ё; Kazakh words in it folded like queries)."""
    return " ".join(fold_kk(tok) for tok in tokenize(value))


def kk_text(value: str) -> str:
    """Kazakh text as folded stems without stop words, for ``to_tsvector('simple')``."""
    return " ".join(stem_kk(tok) for tok in tokenize(value) if not _is_stop_kk(tok))


@lru_cache(maxsize=300_000)
def _is_stop_kk(word: str) -> bool:
    return is_stop(word, "kk")


@dataclass(frozen=True)
class IndexInput:
    """The texts of one article as the index expression takes them."""

    title_ru: str
    title_kk: str
    tags_ru: str
    tags_kk: str
    body_ru: str
    body_kk: str

    @classmethod
    def of(cls, title_kk: str, title_ru: str, body_kk: str, body_ru: str,
           tags: Iterable[str]) -> IndexInput:
        """Normalise an article's fields (Markdown bodies are reduced to their words)."""
        tag_text = " ".join(tags)
        return cls(ru_text(title_ru), kk_text(title_kk), ru_text(tag_text), kk_text(tag_text),
                   ru_text(plain_text(body_ru)), kk_text(plain_text(body_kk)))

    def params(self) -> dict[str, str]:
        """Bind parameters for VECTOR_SQL / TITLE_VECTOR_SQL."""
        return dict(self.__dict__)


_UPSERT = f"""
    INSERT INTO kb_search (article_id, service_id, popularity, title_vector, search_vector)
    VALUES (:id, :service_id, :popularity, {TITLE_VECTOR_SQL}, {VECTOR_SQL})
    ON CONFLICT (article_id) DO UPDATE SET service_id = excluded.service_id,
        popularity = excluded.popularity, title_vector = excluded.title_vector,
        search_vector = excluded.search_vector
"""


def bump_generation(session: Session) -> None:
    """Mark every cached search result stale (in this transaction: a rollback undoes it)."""
    # A fresh number from a sequence, never reused even when this transaction rolls back.
    session.execute(text(
        "UPDATE kb_state SET generation = nextval('kb_generation_seq') WHERE id = 1"))


def reindex(session: Session, article: Article) -> None:
    """Bring the article's search row in step: computed when published, removed otherwise."""
    session.flush()
    bump_generation(session)
    if article.status is not ArticleStatus.PUBLISHED:
        session.execute(text("DELETE FROM kb_search WHERE article_id = :id"), {"id": article.id})
        return
    data = IndexInput.of(article.title_kk, article.title_ru, article.body_kk,
                         article.body_ru, article.tags or [])
    session.execute(text(_UPSERT), {**data.params(), "id": article.id,
                                    "service_id": article.service_id,
                                    "popularity": article.popularity})


# --- vocabulary of published articles (for "did you mean") ---

Word = tuple[str, str]  # (folded form, "kk" | "ru")


def _words(value: str, lang: str) -> set[Word]:
    out: set[Word] = set()
    for tok in tokenize(value):
        folded = fold_kk(tok)
        if MIN_WORD <= len(folded) <= MAX_WORD and not folded.isdigit() \
                and not is_stop(folded, lang):  # type: ignore[arg-type]
            out.add((folded, lang))
    return out


def article_words(article: Article) -> set[Word]:
    """Vocabulary entries of what operators can find: empty unless published."""
    if article.status is not ArticleStatus.PUBLISHED:
        return set()
    tags = " ".join(article.tags or [])
    return (_words(article.title_kk, "kk") | _words(plain_text(article.body_kk), "kk")
            | _words(article.title_ru, "ru") | _words(plain_text(article.body_ru), "ru")
            | _words(tags, "kk") | _words(tags, "ru"))


def vocabulary_delta(before: set[Word], after: set[Word]) -> Counter[Word]:
    """Document-frequency changes between two word sets of one article."""
    delta: Counter[Word] = Counter()
    for word in after - before:
        delta[word] += 1
    for word in before - after:
        delta[word] -= 1
    return delta


def apply_vocabulary(session: Session, delta: Counter[Word]) -> None:
    """Apply df changes in two statements; words whose df drops to 0 are removed."""
    items = sorted((w, n) for w, n in delta.items() if n)  # one lock order: no deadlocks
    if not items:
        return
    bump_generation(session)
    words = [w for (w, _lang), _n in items]
    langs = [lang for (_w, lang), _n in items]
    stems = [stem_kk(w) if lang == "kk" else "" for (w, lang), _n in items]
    counts = [n for _w, n in items]
    session.execute(text("""
        INSERT INTO kb_vocabulary (word, lang, stem, df)
        SELECT d.word, d.lang,
               CASE WHEN d.lang = 'kk' THEN d.stem
                    ELSE coalesce((tsvector_to_array(to_tsvector('russian', d.word)))[1], d.word)
               END,
               d.n
        FROM unnest(CAST(:words AS text[]), CAST(:langs AS text[]), CAST(:stems AS text[]),
                    CAST(:counts AS int[])) AS d(word, lang, stem, n)
        ON CONFLICT (word, lang) DO UPDATE SET df = kb_vocabulary.df + excluded.df
    """), {"words": words, "langs": langs, "stems": stems, "counts": counts})
    session.execute(text(
        "DELETE FROM kb_vocabulary WHERE df <= 0 AND word = ANY(CAST(:words AS text[]))"),
        {"words": words})


def rebuild(session: Session, batch: int = 500) -> int:
    """Recompute every search row and the whole vocabulary (after a stemmer change)."""
    session.execute(text("DELETE FROM kb_vocabulary"))
    session.execute(text("DELETE FROM kb_search"))
    delta: Counter[Word] = Counter()
    last_id, count = 0, 0
    while True:
        rows = session.scalars(select(Article).where(Article.id > last_id)
                               .order_by(Article.id).limit(batch)).all()
        if not rows:
            break
        for article in rows:
            reindex(session, article)
            delta.update(article_words(article))
            count += 1
        last_id = rows[-1].id
        session.expunge_all()
    apply_vocabulary(session, delta)
    return count
