"""From what the operator typed to a ``tsquery``: normalisation, stems, typo correction.

Each query word becomes an OR group of the forms it can take in the index
(indexing.py): its Kazakh stem, its Russian Snowball lexeme, a prefix of that
lexeme's root where Snowball splits one stem (получить → получ, получение →
получен), the typed prefix of the word still being typed, and, when the word
is not in the vocabulary, the nearest vocabulary word by trigram similarity.
Words are folded (қ→к ...) before anything else, so Kazakh typed with Russian
letters produces the very same query as correct Kazakh spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from portal.db import driver_rows
from portal.knowledge.indexing import fold_kk, stem_kk
from portal.knowledge.textnorm import is_stop, tokenize

MAX_WORDS = 8
MAX_QUERY = 200
#: Typo correction skips shorter words (too few trigrams to tell typos apart).
MIN_CORRECT = 3
#: Russian lexeme roots at least this long are matched as prefixes.
MIN_ROOT = 4
#: Snowball keeps these derivational endings (получен-ие, оформл-ени-е, получа-ть).
_RU_DERIVATIONAL = ("ен", "ан", "ян", "а", "я")
_LABIAL_L = ("бл", "вл", "мл", "пл", "фл")  # оформ-л-ение, устано-вл-ение
_VOWELS = "аеиоуыэюяё"


def ru_root(lexeme: str) -> str:
    """Strip one derivational ending Snowball leaves on a Russian lexeme."""
    for ending in _RU_DERIVATIONAL:
        if lexeme.endswith(ending) and len(lexeme) - len(ending) >= MIN_ROOT:
            lexeme = lexeme[: -len(ending)]
            break
    if lexeme.endswith(_LABIAL_L) and len(lexeme) - 1 >= MIN_ROOT:
        lexeme = lexeme[:-1]
    elif lexeme.endswith("н") and lexeme[-2:-1] not in _VOWELS and len(lexeme) - 1 >= MIN_ROOT:
        lexeme = lexeme[:-1]  # relative adjectives: декрет-н-ые, пенсион-н-ые
    return lexeme


@dataclass
class Term:
    """One query word and every index form it may match."""

    typed: str
    folded: str
    kk: str
    prefix: bool = False  # the word being typed: also match it as a prefix
    ru: tuple[str, ...] = ()
    known: bool = True
    correction: str | None = None
    correction_kk: str = ""
    correction_ru: tuple[str, ...] = ()

    @property
    def correctable(self) -> bool:
        """Long enough, has letters, not a stop word."""
        return (len(self.folded) >= MIN_CORRECT and not any(c.isdigit() for c in self.folded)
                and not is_stop(self.folded))

    def operands(self) -> list[tuple[str, str, bool]]:
        """(kind, lexeme, is_prefix) of this word; kind "kk", "ru" or "pre" (typed prefix)."""
        out: set[tuple[str, str, bool]] = set()
        for kk, rus in ((self.kk, self.ru), (self.correction_kk, self.correction_ru)):
            if kk:
                out.add(("kk", kk, False))
            for lex in rus:
                root = ru_root(lex)
                out.add(("ru", root, True) if len(root) >= MIN_ROOT else ("ru", lex, False))
        if self.prefix and len(self.folded) >= 3:
            out.add(("pre", self.folded, True))
        return sorted(out)

    def group(self, weights: str = "") -> str:
        """This word's OR group, optionally restricted to weights ("A": titles, "B": tags)."""
        parts = sorted({_quote(lex) + (":*" if prefix else ":" if weights else "") + weights
                        for _kind, lex, prefix in self.operands()})
        return "(" + " | ".join(parts) + ")"

    def stems(self) -> set[str]:
        """Kazakh stems, for highlighting."""
        return {s for s in (self.kk, self.correction_kk) if s}

    def prefixes(self) -> set[str]:
        """Prefixes a highlighted word may start with (Russian roots, the typed prefix)."""
        out = {ru_root(lex) for lex in (*self.ru, *self.correction_ru)}
        if self.prefix and len(self.folded) >= 3:
            out.add(self.folded)
        return {p for p in out if len(p) >= 3}


@dataclass
class ParsedQuery:
    """The analysed query: its words, their corrections, the tsquery texts."""

    text: str
    terms: list[Term] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No searchable word."""
        return not self.terms

    def tsquery(self, op: str = "&") -> str:
        """All groups joined with AND (``&``) or OR (``|``)."""
        return f" {op} ".join(t.group() for t in self.terms)

    def groups(self, weights: str = "") -> list[str]:
        """One tsquery text per word (optionally weight-restricted)."""
        return [t.group(weights) for t in self.terms]

    def operand_rows(self) -> tuple[list[int], list[str], list[str], list[str]]:
        """Per operand: term number (1-based), kind, value, upper bound of a prefix range."""
        # A prefix's frequency is read from the word forms it starts.
        rows = [(n, "pre" if prefix else kind, lex) for n, t in enumerate(self.terms, start=1)
                for kind, lex, prefix in t.operands()]
        return ([n for n, _k, _v in rows], [k for _n, k, _v in rows],
                [v for _n, _k, v in rows], [_upper(v) for _n, _k, v in rows])

    @property
    def corrected(self) -> bool:
        """Some word was not in the vocabulary and has a correction."""
        return any(t.correction for t in self.terms)

    def suggestion(self) -> str | None:
        """The query with corrected words, for "did you mean", or None."""
        if not self.corrected:
            return None
        return " ".join(t.correction or t.typed for t in self.terms)

    def highlight(self) -> tuple[set[str], set[str]]:
        """(Kazakh stems, prefixes) that mark a word as matching in a snippet."""
        stems: set[str] = set()
        prefixes: set[str] = set()
        for t in self.terms:
            stems |= t.stems()
            prefixes |= t.prefixes()
        return stems, prefixes


def _upper(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


#: Settings of the search transaction, and the analysis of every candidate word, in
#: one round trip (the web, the API and the CLI all pay it on every keystroke).
#: Trigram recall for short words and swapped letters needs a lower threshold than
#: pg_trgm's 0.3 (edit distance then picks among the candidates). JIT compilation
#: costs more than any search query takes. A sequential scan would read every vector
#: (search.py wants index scans or its own deliberate walks). The transaction writes
#: only analytics, which may lose its last rows in a crash: no need to wait for the
#: WAL flush. Generic plans: the statements that follow are planned once per
#: connection (psycopg prepares a statement from its fifth run) instead of at every
#: run; their shapes already fix the access paths (the walks and bitmaps of search.py).
#: Planning was a fifth of PostgreSQL's CPU per API search (0.59 of 2.9 ms); for the
#: statements after this one it saves 0.3 ms (measured; at 1M articles the latency is
#: the same as with custom plans). This statement itself keeps custom plans, and so does
#: the rest of the portal, whose queries depend on their parameter values.
#: The settings apply to the statements that follow this one.
#: Candidates are the query's words and the pairs of adjacent words that may be one
#: word typed apart ("тех паспорт"); for each: its Russian lexemes, whether the
#: vocabulary has it as it is (``exact``, which decides the gluing), by its Kazakh
#: stem or Russian lexeme (``known``), or as a prefix (``pre``, for the word still
#: being typed).
_PREPARE = """
    WITH s AS MATERIALIZED (
        SELECT set_config('pg_trgm.similarity_threshold', '0.2', true) AS trgm,
               set_config('jit', 'off', true) AS jit,
               set_config('enable_seqscan', 'off', true) AS seqscan,
               set_config('synchronous_commit', 'off', true) AS sync,
               set_config('plan_cache_mode', 'force_generic_plan', true) AS plans,
               (SELECT generation FROM kb_state WHERE id = 1) AS generation,
               current_database() AS db)
    SELECT s.generation, s.db, a.w, a.lex, a.exact, a.known, a.pre
    FROM s LEFT JOIN LATERAL (
        SELECT d.w, r.lex,
               EXISTS (SELECT 1 FROM kb_vocabulary v WHERE v.word = d.w) AS exact,
               EXISTS (SELECT 1 FROM kb_vocabulary v WHERE v.lang = 'kk' AND v.stem = d.kk)
            OR EXISTS (SELECT 1 FROM kb_vocabulary v
                       WHERE v.lang = 'ru' AND v.stem = ANY(r.lex)) AS known,
               d.p AND EXISTS (SELECT 1 FROM kb_vocabulary v
                               WHERE v.word ~>=~ d.w AND v.word ~<~ d.hi) AS pre
        FROM unnest(CAST(:ws AS text[]), CAST(:kks AS text[]), CAST(:ps AS boolean[]),
                    CAST(:his AS text[])) AS d(w, kk, p, hi)
        CROSS JOIN LATERAL (SELECT tsvector_to_array(to_tsvector('russian', d.w)) AS lex) r
    ) a ON true
"""


@dataclass(frozen=True)
class Analysis:
    """What the vocabulary says of one folded candidate word."""

    lex: tuple[str, ...]  # Russian Snowball lexemes
    exact: bool  # the vocabulary has the word itself
    known: bool  # ... or its Kazakh stem or a Russian lexeme
    pre: bool | None  # ... or words starting with it (None: not asked)

    def knows(self, prefix: bool) -> bool:
        """Is the word known, as a prefix too when ``prefix``?"""
        return self.exact or self.known or bool(prefix and self.pre)


@dataclass(frozen=True)
class Prepared:
    """A query's words once the search transaction is set up, and the index generation."""

    words: tuple[str, ...]
    typing: bool  # the last word is still being typed
    generation: int  # bumped by every change of what search returns (result cache key)
    database: str
    #: folded candidate word → its analysis (not part of the result cache key)
    analysis: dict[str, Analysis] = field(default_factory=dict, compare=False, hash=False)


def _glue(tokens: list[str], known: set[str]) -> list[str]:
    """Glue adjacent tokens whose concatenation the vocabulary knows ("тех паспорт")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens) and fold_kk(tokens[i] + tokens[i + 1]) in known:
            out.append(tokens[i] + tokens[i + 1])
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


def prepare(session: Session, query: str) -> Prepared:
    """Set the transaction's search settings, find the searchable words and analyse
    them (one round trip)."""
    query = query[:MAX_QUERY]
    tokens = tokenize(query)
    # A query that does not end in a space or punctuation is still being typed.
    typing = bool(query) and query[-1].isalnum()
    # folded candidate → (the word its Kazakh stem is taken from, may be a prefix)
    candidates: dict[str, tuple[str, bool]] = {}
    for n, tok in enumerate(tokens):
        last = typing and n == len(tokens) - 1
        folded = fold_kk(tok)
        word, pre = candidates.get(folded, (tok, False))
        candidates[folded] = (word, pre or last)
    pairs: set[str] = set()
    for n, (a, b) in enumerate(zip(tokens, tokens[1:], strict=False), start=1):
        if len(a) + len(b) >= 6:
            folded = fold_kk(a + b)  # as the glued word will be folded
            last = typing and n == len(tokens) - 1
            word, pre = candidates.get(folded, (a + b, False))
            candidates[folded] = (word, pre or last)
            pairs.add(folded)
    folded_words = list(candidates)
    rows = driver_rows(session, _PREPARE, {
        "ws": folded_words, "kks": [stem_kk(candidates[w][0]) for w in folded_words],
        "ps": [candidates[w][1] for w in folded_words],
        "his": [_upper(w) for w in folded_words]})
    analysis = {r.w: Analysis(tuple(r.lex), bool(r.exact), bool(r.known),
                              r.pre if candidates[r.w][1] else None)
                for r in rows if r.w is not None}
    known_pairs = {w for w in pairs if analysis[w].exact}
    words, typing = _words(_glue(tokens, known_pairs), typing)
    first = rows[0]
    return Prepared(tuple(words), typing, int(first.generation or 0), first.db, analysis)


def _words(tokens: list[str], typing: bool) -> tuple[list[str], bool]:
    """Searchable tokens (stop words dropped) and whether the last one is being typed."""
    words: list[str] = []
    seen: set[str] = set()
    last_kept = False
    for n, tok in enumerate(tokens):
        folded = fold_kk(tok)
        if (len(tok) < 2 and not tok.isdigit()) or is_stop(tok) or folded in seen:
            continue
        if len(words) == MAX_WORDS:
            break
        seen.add(folded)
        words.append(tok)
        last_kept = n == len(tokens) - 1
    return words, typing and last_kept


_CORRECT = """
    SELECT d.i, c.word, c.df, c.sim, tsvector_to_array(to_tsvector('russian', c.word)) AS lex
    FROM unnest(CAST(:ws AS text[]), CAST(:ids AS int[])) AS d(w, i)
    CROSS JOIN LATERAL (
        -- No GROUP BY: sorted input would lure the planner off the trigram index.
        SELECT v.word, v.df, similarity(v.word, d.w) AS sim
        FROM kb_vocabulary v
        WHERE v.word % d.w AND v.word <> d.w
        ORDER BY sim DESC, v.df DESC, v.word
        LIMIT 16) c
"""


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent swaps cost 1), optimal string alignment."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _best(word: str, candidates: list[tuple[str, int, float]]) -> str | None:
    """Nearest candidate by edit distance (then similarity, then frequency)."""
    allowed = 1 if len(word) <= 4 else 2
    scored = sorted((edit_distance(word, c), -sim, -df, c) for c, df, sim in candidates)
    if scored and scored[0][0] <= allowed:
        return scored[0][3]
    best_sim = max(candidates, key=lambda c: (c[2], c[1]), default=None)
    return best_sim[0] if best_sim and best_sim[2] >= 0.3 else None


def _correct(session: Session, terms: list[Term]) -> None:
    """Fill ``correction`` for words the vocabulary does not know."""
    unknown = [(n + 1, t) for n, t in enumerate(terms) if not t.known and t.correctable]
    if not unknown:
        return
    found: dict[int, list[tuple[str, int, float]]] = {}
    lexemes: dict[str, tuple[str, ...]] = {}
    for i, word, df, sim, lex in driver_rows(session, _CORRECT, {
            "ws": [t.folded for _n, t in unknown], "ids": [n for n, _t in unknown]}):
        if word not in lexemes:  # a form in both languages comes twice
            found.setdefault(i, []).append((word, int(df), float(sim)))
            lexemes[word] = tuple(lex)
    for i, cands in found.items():
        word = _best(terms[i - 1].folded, cands)
        if word:
            term = terms[i - 1]
            term.correction, term.correction_kk = word, stem_kk(word)
            term.correction_ru = lexemes[word]


def parse(session: Session, query: str, prepared: Prepared | None = None) -> ParsedQuery:
    """Analyse ``query``: stems, Russian lexemes, vocabulary check, typo corrections."""
    prep = prepared or prepare(session, query)
    parsed = ParsedQuery(query.strip()[:MAX_QUERY])
    for n, word in enumerate(prep.words):
        parsed.terms.append(Term(word, fold_kk(word), stem_kk(word),
                                 prefix=prep.typing and n == len(prep.words) - 1))
    if parsed.empty:
        return parsed
    terms = parsed.terms
    for term in terms:
        # Every word and glued pair was analysed by prepare(), the last one as a prefix.
        found = prep.analysis[term.folded]
        term.ru, term.known = found.lex, found.knows(term.prefix)
    _correct(session, terms)
    return parsed
