"""Fast table layout for long PDF reports: rows are composed into pre-set lines here.

Why: WeasyPrint spends about half a millisecond on every line box it lays out and a
table row has a line box per cell (8+ per row), so a 10,000-row table takes minutes.
Here each row's cells are wrapped to their column widths with the font's own advance
widths (fontTools, kerning and ligatures switched off in the CSS so the widths are
exact) and the cells of one visual line are joined into one string, padded with fixed-
width Unicode spaces to each column's start; a line whose first columns are blank (a
wrapped cell's second line) starts with tabs, one glyph per 37 pt. WeasyPrint then lays
out one ``pre`` text per row instead of eight table cells. Padding was 39% of the
glyphs of a 250-row chunk with em spaces alone, 20% with the leading tabs.
"""

from __future__ import annotations

import functools
import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

MM = 72 / 25.4
FONT_FAMILY = "DejaVu Sans"
#: Fixed-width spaces used for padding, widest first (em, en, four-per-em, six-per-em, hair).
PAD_SPACES = "\u2003\u2002\u2005\u2006\u200a"
#: Tab stops every TAB_PT points (CSS ``tab-size: 48px`` in the templates): a line that
#: starts in a far column begins with tabs, one glyph each where em spaces would need
#: five. Pango puts 48 px stops at 36.864 pt (measured); tests/reports checks that the
#: columns line up in the rendered PDF.
TAB_PT = 36.864
#: Width assumed for a character the font lacks (drawn by a fallback font).
MISSING_EM = 1.0


@functools.lru_cache(maxsize=4)
def _font_path(family: str) -> str:
    """The font file fontconfig picks for ``family`` (the one WeasyPrint will use)."""
    out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True,
                         text=True, check=True, timeout=10)
    return out.stdout.strip()


class Metrics:
    """Advance widths of one font, in em, cached per character and per word."""

    #: Words whose widths are kept (a month's report repeats a vocabulary of a few
    #: thousand words; the cache is emptied when it reaches this size).
    WORDS = 100_000

    def __init__(self, family: str = FONT_FAMILY) -> None:
        from fontTools.ttLib import TTFont

        font = TTFont(_font_path(family), lazy=True)
        upm = font["head"].unitsPerEm
        hmtx = font["hmtx"].metrics
        self._em = {cp: hmtx[name][0] / upm for cp, name in font.getBestCmap().items()}
        self._cache: dict[str, float] = {}
        self._words: dict[str, float] = {}

    def em(self, ch: str) -> float:
        """Advance width of ``ch`` in em."""
        w = self._cache.get(ch)
        if w is None:
            w = self._em.get(ord(ch), MISSING_EM)
            self._cache[ch] = w
        return w

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` at ``size`` points, in points."""
        em = self.em
        return sum(em(c) for c in text) * size

    def word_width(self, word: str, size: float) -> float:
        """``width`` of a word, cached: composing a report measures the same words often."""
        w = self._words.get(word)
        if w is None:
            if len(self._words) >= self.WORDS:
                self._words.clear()
            w = self._words[word] = self.width(word, 1.0)
        return w * size


@functools.lru_cache(maxsize=4)
def metrics(family: str = FONT_FAMILY) -> Metrics:
    """Shared metrics of ``family`` (loading the font takes a few milliseconds)."""
    return Metrics(family)


def _clean(text: str) -> str:
    # Tabs (ours mark column gaps) and control characters become spaces.
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _pieces(word: str) -> list[str]:
    """``word`` cut after each hyphen between letters ("Северо-Казахстанская" ->
    "Северо-", "Казахстанская"): where a line must break inside a compound word, it
    breaks there. Numbers and codes (2026-000123, ЖТ-17) stay whole."""
    if "-" not in word.strip("-"):
        return [word]
    out, start = [], 0
    for i, ch in enumerate(word):
        if ch == "-" and 0 < i < len(word) - 1 and word[i - 1].isalpha() \
                and word[i + 1].isalpha():
            out.append(word[start:i + 1])
            start = i + 1
    out.append(word[start:])
    return out


def wrap(text: str, width: float, size: float, m: Metrics) -> list[tuple[str, float]]:
    """Greedy word wrap of ``text`` into lines no wider than ``width`` points, each line
    with its width in points. Lines break at spaces, then after the hyphens of compound
    words; a word longer than the column is cut where it must be."""
    lines: list[tuple[str, float]] = []
    space = m.em(" ") * size
    for paragraph in str(text).splitlines() or [""]:
        current, current_w = "", 0.0
        for word in _clean(paragraph).split():
            for n, piece in enumerate(_pieces(word)):
                gap = space if n == 0 else 0.0  # pieces of one word join without a space
                joined = " " if n == 0 else ""
                ww = m.word_width(piece, size)
                if current and current_w + gap + ww <= width:
                    current, current_w = f"{current}{joined}{piece}", current_w + gap + ww
                    continue
                if current:
                    lines.append((current, current_w))
                while ww > width:  # a piece longer than the column: cut it
                    cut = len(piece) - 1
                    while cut > 1 and m.width(piece[:cut], size) > width:
                        cut -= 1
                    lines.append((piece[:cut], m.width(piece[:cut], size)))
                    piece = piece[cut:]
                    ww = m.width(piece, size)
                current, current_w = piece, ww
        if current:
            lines.append((current, current_w))
    return lines or [("", 0.0)]


@dataclass(frozen=True)
class TableLayout:
    """Column geometry of one table: widths in points, cell padding, font size."""

    widths: tuple[float, ...]
    size: float = 7.5
    pad: float = 2.0

    @classmethod
    def from_mm(cls, widths_mm: Sequence[float], size: float = 7.5, pad: float = 2.0
                ) -> TableLayout:
        """Geometry from column widths in millimetres."""
        return cls(tuple(w * MM for w in widths_mm), size, pad)

    @property
    def starts(self) -> list[float]:
        """x of each column's left edge, from the table's left edge."""
        out, x = [], 0.0
        for w in self.widths:
            out.append(x)
            x += w
        return out

    def _pads(self, m: Metrics) -> list[tuple[str, float]]:
        """The padding spaces with their widths at this size, widest first."""
        return [(ch, m.em(ch) * self.size) for ch in PAD_SPACES]

    def _fill(self, x: float, target: float, pads: list[tuple[str, float]]
              ) -> tuple[str, float]:
        """Tabs and spaces from ``x`` to ``target`` points; returns them and the x reached."""
        out = []
        # Tabs only from the start of a line: there Pango puts them exactly on the stops;
        # after text it lands up to 2 pt off (it measures the text on its own grid).
        last = math.floor(target / TAB_PT + 1e-6)
        if x == 0 and last >= 1:
            out.append("\t" * last)
            x = last * TAB_PT
        gap = target - x
        finest = pads[-1][0]
        for ch, w in pads:
            # The finest space is rounded, not floored: the text starts within half a
            # hair space (~0.2 pt) of its column, never a whole one short of it.
            k = round(gap / w) if ch == finest else int(gap // w)
            if k > 0:
                out.append(ch * k)
                gap -= k * w
        return "".join(out), target - gap

    def with_size(self, size: float) -> TableLayout:
        """The same columns at another font size (the header row is smaller and bold)."""
        return TableLayout(self.widths, size, self.pad)

    def compose(self, cells: Sequence[str], m: Metrics | None = None) -> str:
        """One row as lines of text whose cells start at their columns' left edges."""
        m = m or metrics()
        inner = [w - 2 * self.pad for w in self.widths]
        wrapped = [wrap(c, inner[i], self.size, m) for i, c in enumerate(cells)]
        return self._lines(wrapped, self.starts, m)

    def _lines(self, wrapped: list[list[tuple[str, float]]], starts: list[float], m: Metrics
               ) -> str:
        height = max(len(w) for w in wrapped)
        origin = starts[0]
        pads = self._pads(m)
        lines = []
        for n in range(height):
            fragments = [cell[n] if n < len(cell) else ("", 0.0) for cell in wrapped]
            # Columns left blank on this line are skipped: the line starts with tabs
            # straight to its first non-empty cell (one glyph per stop, not per em).
            first = next((i for i, f in enumerate(fragments) if f[0]), len(fragments))
            x, parts = 0.0, []
            for i in range(first, len(fragments)):
                text, width = fragments[i]
                if not text:
                    continue
                fill, x = self._fill(x, starts[i] - origin, pads)
                parts.append(fill)  # absolute targets: rounding never accumulates
                parts.append(text)
                x += width
            lines.append("".join(parts))
        return "\n".join(lines)
