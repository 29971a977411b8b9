"""Highlighted titles and snippets for the rows shown, in the original spelling.

Done in the application rather than with ``ts_headline``: the Kazakh half of
the index holds folded stems, which ``ts_headline`` cannot map back to the
words as written. A word matches when its Kazakh stem is one of the query's
stems or its folded form starts with one of the query's prefixes (Snowball
lexemes are prefixes of the words they come from).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from portal.knowledge.indexing import fold_kk, stem_kk

_WORD = re.compile(r"[^\W_]+")
WINDOW = 28  # words in a snippet
MAX_SCAN = 1500  # words of a body looked at


@lru_cache(maxsize=50_000)
def _forms(word: str) -> tuple[str, str]:
    return stem_kk(word), fold_kk(word)


class Highlighter:
    """Marks the words of a text that match an analysed query."""

    def __init__(self, stems: set[str], prefixes: set[str]) -> None:
        self.stems = stems
        self.prefixes = tuple(sorted(prefixes))

    def matches(self, word: str) -> bool:
        """Does this word (as written) match the query?"""
        stem, folded = _forms(word)
        return stem in self.stems or (bool(self.prefixes) and folded.startswith(self.prefixes))

    def _marked(self, text: str, spans: list[tuple[int, int]]) -> Markup:
        out, pos = [], 0
        for start, end in spans:
            out.append(escape(text[pos:start]))
            out.append(Markup("<mark>%s</mark>") % text[start:end])
            pos = end
        out.append(escape(text[pos:]))
        return Markup("").join(out)

    def title(self, text: str) -> Markup:
        """The whole title with matching words marked."""
        spans = [m.span() for m in _WORD.finditer(text) if self.matches(m.group())]
        return self._marked(text, spans)

    def count(self, text: str) -> int:
        """How many words of ``text`` match (to pick the body language to show)."""
        return sum(1 for i, m in enumerate(_WORD.finditer(text))
                   if i < MAX_SCAN and self.matches(m.group()))

    def snippet(self, text: str) -> Markup:
        """The window of ``WINDOW`` words with the most matches, marked."""
        words = [m for i, m in enumerate(_WORD.finditer(text)) if i < MAX_SCAN]
        if not words:
            return Markup("")
        hits = [self.matches(m.group()) for m in words]
        best, best_at, running = -1, 0, 0
        for i, hit in enumerate(hits):
            running += hit
            if i >= WINDOW:
                running -= hits[i - WINDOW]
            if (i >= WINDOW - 1 or i == len(hits) - 1) and running > best:
                best, best_at = running, max(0, i - WINDOW + 1)
        chosen = words[best_at: best_at + WINDOW]
        start, end = chosen[0].start(), chosen[-1].end()
        spans = [(m.start() - start, m.end() - start) for m, hit
                 in zip(chosen, hits[best_at: best_at + WINDOW], strict=True) if hit]
        body = self._marked(text[start:end], spans)
        prefix = Markup("… ") if best_at > 0 else Markup("")
        suffix = Markup(" …") if best_at + WINDOW < len(words) else Markup("")
        return prefix + body + suffix
