"""Synthetic bilingual Knowledge Base for bench/search.py: vocabulary, articles, queries.

Words are real forms from the test corpus and the Kazakh legal acts, the same stems
with real inflections (Kazakh suffixes chosen by vowel harmony and the last letter,
Russian declension/conjugation endings), and syllable-built words for the long tail.
Ranks follow Zipf's law (s=1): a few words are in most articles, most are rare.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from itertools import accumulate
from pathlib import Path

from portal.knowledge.indexing import IndexInput, fold_kk, stem_kk
from portal.knowledge.textnorm import KK_LETTERS, is_stop, tokenize

_CYR = re.compile(r"^[а-яёәғқңөұүһі]{3,24}$")
_BACK, _FRONT = "аоұыя", "әөүіеэ"
_VOICELESS = "птқкфсшщхцчбвгд"
KK_CASES = ("", "PL", "ы", "ын", "ына", "ында", "ынан", "GEN", "DAT", "LOC", "ABL", "ACC",
            "мен", "PL+ы", "PL+ын", "PL+DAT", "PL+GEN", "PL+LOC")
RU_ENDINGS = ("а", "ы", "у", "ой", "е", "ам", "ами", "ах", "ов", "ие", "ия", "ию", "ий",
              "ого", "ому", "ым", "ых", "ая", "ую", "ение", "ения", "ать", "ить", "ет", "ют",
              "ка", "ки", "ку", "ость", "ости", "ный", "ная", "ные", "ного")
KK_CONS = "бгғджзйклмнңпрстшқ"
RU_CONS = "бвгджзклмнпрстфхцчш"


def _harmony(stem: str) -> str:
    for ch in reversed(stem):
        if ch in _BACK:
            return "back"
        if ch in _FRONT:
            return "front"
    return "back"


def _kk_suffix(stem: str, case: str) -> str:
    """One Kazakh suffix allomorph after ``stem`` (vowel harmony, last-letter assimilation)."""
    back = _harmony(stem) == "back"
    last = stem[-1]
    vowel_end = last in _BACK + _FRONT + "иу"
    a, y = ("а", "ы") if back else ("е", "і")
    if case == "PL":
        head = "л" if vowel_end or last in "рйу" else "д" if last in "лмнңзж" else "т"
        return f"{head}{a}р"
    if case == "GEN":
        return f"н{y}ң" if vowel_end or last in "мнң" else f"т{y}ң" if last in _VOICELESS \
            else f"д{y}ң"
    if case == "DAT":
        return (f"ғ{a}" if back else f"г{a}") if last not in _VOICELESS else (
            f"қ{a}" if back else f"к{a}")
    if case == "LOC":
        return f"т{a}" if last in _VOICELESS else f"д{a}"
    if case == "ABL":
        return f"н{a}н" if last in "мнң" else f"т{a}н" if last in _VOICELESS else f"д{a}н"
    if case == "ACC":
        return f"н{y}" if vowel_end else f"т{y}" if last in _VOICELESS else f"д{y}"
    if case.startswith("PL+"):
        plural = stem + _kk_suffix(stem, "PL")
        rest = case[3:]
        return plural[len(stem):] + (_kk_suffix(plural, rest) if rest.isupper()
                                     else rest if back else rest.replace("ы", "і"))
    return case if back or not case else case.replace("ы", "і").replace("а", "е")


def _syllables(rng: random.Random, cons: str, vowels: str, n: int) -> str:
    return "".join(rng.choice(cons) + rng.choice(vowels) + (rng.choice(cons) if rng.random()
                                                            < 0.4 else "") for _ in range(n))


def _harvest(root: Path) -> tuple[Counter[str], Counter[str]]:
    """Word frequencies of real Kazakh and Russian text in the repository."""
    kk: Counter[str] = Counter()
    ru: Counter[str] = Counter()
    corpus = root / "portal" / "demo" / "data" / "kb_articles.jsonl"
    for line in corpus.read_text(encoding="utf-8").splitlines():
        art = json.loads(line)
        kk.update(tokenize(art["title_kk"] + " " + art["body_kk"]))
        ru.update(tokenize(art["title_ru"] + " " + art["body_ru"]))
    for seed in sorted((root.parent / "shared" / "seeds").glob("*.txt")):
        kk.update(tokenize(seed.read_text(encoding="utf-8")))
    keep = lambda c, lang: Counter({w: n for w, n in c.items()  # noqa: E731
                                    if _CYR.match(w) and not is_stop(w, lang)})
    return keep(kk, "kk"), keep(ru, "ru")


class Vocabulary:
    """Word forms per language in Zipf rank order."""

    def __init__(self, kk: list[str], ru: list[str]) -> None:
        self.kk, self.ru = kk, ru

    @classmethod
    def build(cls, root: Path, target: int, rng: random.Random) -> Vocabulary:
        """Real forms first (by frequency), then inflections and syllable words."""
        kk_freq, ru_freq = _harvest(root)
        kk = cls._extend([w for w, _ in kk_freq.most_common()], target, rng, cls._kk_forms,
                         KK_CONS, "аоұыәөүіе", "kk")
        ru = cls._extend([w for w, _ in ru_freq.most_common()], target, rng, cls._ru_forms,
                         RU_CONS, "аеиоуыя", "ru")
        return cls(kk, ru)

    @staticmethod
    def _kk_forms(word: str, rng: random.Random) -> list[str]:
        stem = word[: max(3, len(stem_kk(word)))]
        return [stem + _kk_suffix(stem, case) for case in rng.sample(KK_CASES, 6)]

    @staticmethod
    def _ru_forms(word: str, rng: random.Random) -> list[str]:
        root = word[:-2] if len(word) > 5 else word
        return [root + e for e in rng.sample(RU_ENDINGS, 6)]

    @staticmethod
    def _extend(real: list[str], target: int, rng: random.Random, inflect, cons: str,
                vowels: str, lang: str) -> list[str]:
        seen = dict.fromkeys(real)
        extra: list[str] = []
        for word in real:
            extra += [f for f in inflect(word, rng)
                      if f not in seen and _CYR.match(f) and not is_stop(f, lang)]
        rng.shuffle(extra)
        out = list(seen) + list(dict.fromkeys(extra))
        words = set(out)
        while len(out) < target:
            base = _syllables(rng, cons, vowels, rng.randint(2, 3))
            for form in [base, *inflect(base, rng)]:
                if form not in words and _CYR.match(form) and not is_stop(form, lang):
                    words.add(form)
                    out.append(form)
        # Mix real and generated words in the middle ranks (real ones are the most common).
        head, tail = out[:2000], out[2000:target]
        rng.shuffle(tail)
        return head + tail


class Generator:
    """Deterministic articles and queries over a vocabulary."""

    def __init__(self, vocab: Vocabulary, n: int, seed: int) -> None:
        self.vocab, self.n = vocab, n
        self.rng = random.Random(seed + 1)
        self.kk_cum = list(accumulate(1 / r for r in range(1, len(vocab.kk) + 1)))
        self.ru_cum = list(accumulate(1 / r for r in range(1, len(vocab.ru) + 1)))
        self.kk_fold = [fold_kk(w) for w in vocab.kk]
        self.kk_stem = [stem_kk(w) for w in vocab.kk]
        self.ru_fold = [fold_kk(w) for w in vocab.ru]
        self.df: Counter[tuple[str, str]] = Counter()

    def _draw(self, lang: str, k: int) -> list[int]:
        cum = self.kk_cum if lang == "kk" else self.ru_cum
        return self.rng.choices(range(len(cum)), cum_weights=cum, k=k)

    def _text(self, words: list[str]) -> str:
        out = []
        for i, w in enumerate(words):
            out.append(w.capitalize() if i % 11 == 0 else w)
            if i % 11 == 10:
                out[-1] += "."
        return " ".join(out)

    def article(self, i: int, count: bool = True) -> tuple:
        """One staging row: the article and its index input."""
        r = self.rng
        tk, tr = self._draw("kk", r.randint(4, 8)), self._draw("ru", r.randint(4, 8))
        bk, br = self._draw("kk", r.randint(50, 110)), self._draw("ru", r.randint(50, 110))
        tags = [self.vocab.kk[j] for j in self._draw("kk", r.randint(1, 2))] + \
               [self.vocab.ru[j] for j in self._draw("ru", r.randint(1, 3))]
        kk, ru = self.vocab.kk, self.vocab.ru
        title_kk, title_ru = self._text([kk[j] for j in tk]), self._text([ru[j] for j in tr])
        body_kk, body_ru = self._text([kk[j] for j in bk]), self._text([ru[j] for j in br])
        if count:
            words = {(self.kk_fold[j], "kk") for j in tk + bk} | \
                {(self.ru_fold[j], "ru") for j in tr + br}
            words |= {(fold_kk(t), lang) for t in tags for lang in ("kk", "ru")}
            self.df.update(words)
        stems = self.kk_stem
        return (i, f"bench-{i}", title_kk, title_ru, body_kk, body_ru, tags,
                max(0, int(r.paretovariate(1.3)) - 1),
                " ".join(self.ru_fold[j] for j in tr), " ".join(stems[j] for j in tk),
                " ".join(fold_kk(t) for t in tags), " ".join(stem_kk(t) for t in tags),
                " ".join(self.ru_fold[j] for j in br), " ".join(stems[j] for j in bk))

    def check_against_app(self, sample: int) -> None:
        """The fast path must give the app's own index input (IndexInput.of)."""
        state = self.rng.getstate()
        for i in range(sample):
            row = self.article(i, count=False)
            app = IndexInput.of(row[2], row[3], row[4], row[5], row[6])
            mine = IndexInput(*row[8:14])
            assert app == mine, (app, mine)
        self.rng.setstate(state)

    def document_frequencies(self) -> Counter[tuple[str, str]]:
        """(folded word, lang) → number of articles, as article_words() counts them."""
        return self.df

    def _bands(self) -> dict[str, list[tuple[str, str]]]:
        """Words (form, lang) by the share of articles containing them."""
        bands: dict[str, list[tuple[str, str]]] = {"worst": [], "common": [], "mid": [],
                                                    "rare": []}
        forms = [(w, "kk", self.kk_fold[j]) for j, w in enumerate(self.vocab.kk)] + \
                [(w, "ru", self.ru_fold[j]) for j, w in enumerate(self.vocab.ru)]
        for word, lang, folded in forms:
            share = self.df.get((folded, lang), 0) / self.n
            band = ("worst" if share > 0.5 else "common" if share > 0.05 else
                    "mid" if share > 0.0005 else "rare" if share > 0 else None)
            if band:
                bands[band].append((word, lang))
        return bands

    def queries(self, k: int, _vocab_rows: int) -> dict[str, list[str]]:
        """Queries per kind: typical, Kazakh in Russian letters, typo, prefix, rare, worst."""
        rng = random.Random(7)
        b = self._bands()
        mid = [w for w, _ in b["mid"]]
        pick = lambda band, n: [w for w, _ in rng.sample(b[band], n)]  # noqa: E731
        kk_mid = [w for w, lang in b["mid"] if lang == "kk" and has_kk_letters(w)]
        known = {w for w, _ in b["mid"] + b["common"] + b["worst"] + b["rare"]}
        out: dict[str, list[str]] = {"typical": [], "translit": [], "typo": [], "prefix": [],
                                     "rare": [], "worst": []}
        for _ in range(k):
            n = rng.choice((1, 2, 2, 3))
            out["typical"].append(" ".join(pick("mid", 1) + pick("mid", n - 1)))
            out["translit"].append(" ".join(fold_kk(w) for w in rng.sample(kk_mid, 2)))
            out["typo"].append(_typo(rng, rng.choice([w for w in mid if len(w) >= 6]), known)
                               + " " + rng.choice(mid))
            word = rng.choice([w for w in mid if len(w) >= 7])
            out["prefix"].append(rng.choice(mid) + " " + word[: rng.randint(3, 5)])
            out["rare"].append(" ".join(pick("rare", rng.choice((1, 2)))))
            out["worst"].append(" ".join(pick("worst", rng.choice((1, 2, 3)))))
        return out


def _typo(rng: random.Random, word: str, known: set[str]) -> str:
    """One swap, deletion or replacement that is not itself a known word."""
    for _ in range(20):
        i = rng.randrange(1, len(word) - 1)
        kind = rng.choice(("swap", "delete", "replace"))
        if kind == "swap":
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif kind == "delete":
            typo = word[:i] + word[i + 1:]
        else:
            typo = word[:i] + rng.choice("аеиоснтрл") + word[i + 1:]
        if typo not in known:
            return typo
    return word


def has_kk_letters(word: str) -> bool:
    """A word with a letter only Kazakh uses."""
    return any(ch in KK_LETTERS for ch in word)
