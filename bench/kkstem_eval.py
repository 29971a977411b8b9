"""Pair precision and recall of the Kazakh stemmer on the gold set (tests/knowledge/kkstem_gold.tsv).

Run: ``python bench/kkstem_eval.py [--errors]``. Pair precision is the share of
word pairs the stemmer conflates that truly share a lemma; pair recall is the
share of same-lemma pairs it conflates. Printed for the gold forms as written,
for the same forms folded to Russian letters (how operators type), and for a
stemmer that does nothing (the floor any stemmer must beat).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Iterable
from pathlib import Path

from portal.knowledge.kkstem import stem_kk
from portal.knowledge.textnorm import fold_kk, normalize_word

GOLD = Path(__file__).resolve().parent.parent / "tests" / "knowledge" / "kkstem_gold.tsv"


PART_MARKER = "# part:"


def load_gold(path: Path = GOLD) -> dict[str, list[tuple[str, str]]]:
    """Return {part name: [(word, lemma group), ...]} from the TSV.

    A ``# part: NAME (...)`` comment line starts a part; other '#' lines and
    the header are skipped.
    """
    parts: dict[str, list[tuple[str, str]]] = {}
    part = "dev"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(PART_MARKER):
            part = line[len(PART_MARKER) :].split()[0]
        if not line.strip() or line.startswith("#") or line.startswith("word\t"):
            continue
        word, group = line.split("\t")
        parts.setdefault(part, []).append((word.strip(), group.strip()))
    return parts


def pair_scores(
    rows: Iterable[tuple[str, str]], stem: Callable[[str], str]
) -> tuple[float, float, int, int]:
    """Return (precision, recall, true pairs, predicted pairs) over distinct words."""
    unique = sorted(set(rows))
    stems = {word: stem(word) for word, _ in unique}
    tp = fp = fn = 0
    for (w1, g1), (w2, g2) in itertools.combinations(unique, 2):
        same_gold, same_stem = g1 == g2, stems[w1] == stems[w2]
        tp += same_gold and same_stem
        fp += same_stem and not same_gold
        fn += same_gold and not same_stem
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp + fn, tp + fp


def folded_rows(rows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The gold forms as an operator without a Kazakh keyboard types them."""
    return [(fold_kk(word), group) for word, group in rows]


def cross_script_agreement(rows: Iterable[tuple[str, str]]) -> float:
    """Share of gold words whose stem is the same typed properly and in Russian letters."""
    words = [word for word, _ in rows]
    return sum(stem_kk(w) == stem_kk(fold_kk(w)) for w in words) / len(words)


def _errors(rows: list[tuple[str, str]]) -> None:
    by_group: dict[str, dict[str, list[str]]] = {}
    for word, group in rows:
        by_group.setdefault(group, {}).setdefault(stem_kk(word), []).append(word)
    print("\nsplit lemmas (one lemma, several stems):")
    for group, stems in by_group.items():
        if len(stems) > 1:
            print(f"  {group}: {dict(stems)}")
    owners: dict[str, set[str]] = {}
    for word, group in rows:
        owners.setdefault(stem_kk(word), set()).add(group)
    print("merged lemmas (one stem, several lemmas):")
    for stem, groups in owners.items():
        if len(groups) > 1:
            print(f"  {stem}: {sorted(groups)}")


def report(name: str, rows: list[tuple[str, str]], errors: bool = False) -> None:
    """Print the figures for one part of the gold set."""
    groups = len({group for _, group in rows})
    print(f"\n[{name}] {len(rows)} forms, {groups} lemma groups")
    for label, data, stem in (
        ("no stemming (baseline)", rows, normalize_word),
        ("stem_kk, as written", rows, stem_kk),
        ("stem_kk, folded input", folded_rows(rows), stem_kk),
    ):
        p, r, true_pairs, pred_pairs = pair_scores(data, stem)
        print(
            f"  {label:24s} precision {p:.3f}  recall {r:.3f}"
            f"  (same-lemma pairs {true_pairs}, conflated pairs {pred_pairs})"
        )
    print(f"  same stem typed properly and in Russian letters: {cross_script_agreement(rows):.3f}")
    if errors:
        _errors(rows)


def main() -> None:
    """Print the figures (and the errors with --errors)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list split and merged lemmas")
    args = parser.parse_args()
    parts = load_gold()
    print(f"gold set: {GOLD}")
    for name, rows in parts.items():
        report(name, rows, args.errors)
    report("all", [row for rows in parts.values() for row in rows])


if __name__ == "__main__":
    main()
