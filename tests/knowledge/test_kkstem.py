"""The Kazakh stemmer: typical forms, Russian-letter input, guards, and the gold-set floor."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from portal.knowledge.kkstem import MIN_STEM, kk_lexemes, stem_kk
from portal.knowledge.textnorm import fold_kk

ROOT = Path(__file__).resolve().parents[2]


def _load_bench() -> ModuleType:
    # bench/ is a folder of scripts, not a package: load the evaluator by path.
    spec = importlib.util.spec_from_file_location("kkstem_eval", ROOT / "bench" / "kkstem_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _load_bench()


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("қызметтерінің", "кызмет"),  # plural + possessive + genitive
        ("құжаттарымен", "кужат"),  # plural + possessive + instrumental
        ("анықтамаға", "аныктама"),  # dative after a vowel
        ("салыққа", "салык"),  # dative -қа after a voiceless consonant
        ("жерден", "жер"),  # ablative
        ("күнінен", "кун"),  # possessive + ablative
        ("өтініштерді", "отиниш"),  # plural + accusative
        ("тіркеуге", "тиркеу"),  # у counts as a consonant: -ге, not -не
        ("лицензиясы", "лицензия"),  # possessive -сы after a vowel
        ("қаладағы", "кала"),  # locative + -ғы
        ("саласындағы", "сала"),
        ("өтінішіңізді", "отиниш"),  # polite 2nd person + accusative
        ("берушілердің", "беруш"),  # -шы agent noun: final -і is dropped everywhere
        ("мекенжайға", "мекенжай"),
    ],
)
def test_stems_of_typical_inflected_forms(word: str, stem: str) -> None:
    assert stem_kk(word) == stem


@pytest.mark.parametrize(
    ("proper", "russian_letters"),
    [
        ("қызметтері", "кызметтери"),
        ("өтініштер", "отиништер"),
        ("жәрдемақысы", "жардемакысы"),
        ("құжаттарды", "кужаттарды"),
        ("тұлғаның", "тулганын"),
        ("куәлігі", "куалиги"),
        ("зейнетақыны", "зейнетакыны"),
        ("мекенжайын", "мекенжайын"),
    ],
)
def test_russian_letter_kazakh_gets_the_same_stem(proper: str, russian_letters: str) -> None:
    assert stem_kk(proper) == stem_kk(russian_letters) == stem_kk(fold_kk(proper))


def test_latin_look_alikes_and_case_do_not_change_the_stem() -> None:
    assert stem_kk("қызметi") == stem_kk("ҚЫЗМЕТІ") == stem_kk("кызмeт") == "кызмет"


@pytest.mark.parametrize(
    ("lemma_form", "other_form"),
    [
        ("орталық", "орталығына"),  # қ/ғ alternation
        ("тәртіп", "тәртібімен"),  # п/б alternation
        ("халық", "халқына"),  # elided vowel
        ("орган", "органы"),  # орган+ы, not орга+ны
        ("кеңес", "кеңесі"),  # кеңес+і, not кеңе+сі
        ("облыс", "облысы"),  # облыс+ы, not облы+сы
        ("жұмыс", "жұмыстан"),  # -тан is the ablative here
        ("акт", "актінің"),  # loanword cluster takes front suffixes
        ("аудан", "ауданы"),  # protected stem, not ау+дан
        ("тұлға", "тұлғалар"),  # protected stem, not тұл+ға
        ("Қазақстан", "Қазақстанның"),
    ],
)
def test_forms_of_one_lemma_meet(lemma_form: str, other_form: str) -> None:
    assert stem_kk(lemma_form) == stem_kk(other_form)


@pytest.mark.parametrize(
    ("base", "derived"),
    [
        ("мемлекет", "мемлекеттік"),
        ("қызмет", "қызметкер"),
        ("анықтама", "анықтамалық"),
        ("азамат", "азаматтық"),
        ("рұқсат", "рұқсатсыз"),
        ("өтініш", "өтінім"),
    ],
)
def test_derivational_endings_are_kept(base: str, derived: str) -> None:
    assert stem_kk(base) != stem_kk(derived)


def test_words_that_only_look_inflected_stay_whole() -> None:
    assert stem_kk("карта") == "карта"  # р does not take -та
    assert stem_kk("доллар") == "доллар"  # л does not take -лар
    assert stem_kk("білім") == "билим"  # the -ім noun suffix is not a possessive


def test_vowel_harmony_is_strict_with_kazakh_letters_and_relaxed_without() -> None:
    assert stem_kk("сәтте") == "сат"
    # ә is front, so back -та cannot follow it; folded "сатта" may hide ә, so it is cut.
    assert stem_kk("сәтта") == "сатта"
    assert stem_kk("сатта") == "сат"


def test_short_words_and_the_stem_floor() -> None:
    assert stem_kk("іс") == "ис"
    assert stem_kk("істер") == stem_kk("іске") == "ис"
    for word in ("ай", "айы", "айға", "үйі", "сы", "ана"):
        assert len(stem_kk(word)) >= MIN_STEM


def test_non_cyrillic_tokens_are_only_normalised() -> None:
    assert stem_kk("1414") == "1414"
    assert stem_kk("eGov") == "egov"


def test_kk_lexemes_drop_stop_words_and_stem_the_rest() -> None:
    text = "Анықтамалар және құжаттар туралы ақпарат"
    assert kk_lexemes(text) == ["аныктама", "кужат", "акпарат"]
    assert kk_lexemes(fold_kk(text)) == kk_lexemes(text)


def test_gold_set_is_large_and_consistent() -> None:
    parts = BENCH.load_gold()
    rows = [row for part in parts.values() for row in part]
    assert {"dev", "held-out-1", "held-out-2"} <= set(parts)
    assert len(rows) >= 300
    words = [word for word, _ in rows]
    assert len(words) == len(set(words)), "a word form must belong to one lemma only"
    assert len({group for _, group in rows}) >= 50


@pytest.mark.parametrize("part", ["dev", "held-out-1", "held-out-2"])
@pytest.mark.parametrize("folded", [False, True], ids=["as-written", "folded"])
def test_gold_pair_precision_and_recall_floor(part: str, folded: bool) -> None:
    rows = BENCH.load_gold()[part]
    if folded:
        rows = BENCH.folded_rows(rows)
    precision, recall, true_pairs, _ = BENCH.pair_scores(rows, stem_kk)
    assert true_pairs > 100
    assert precision >= 0.95
    assert recall >= 0.90


def test_no_stemming_baseline_shows_the_metric_is_not_trivial() -> None:
    precision, recall, _, _ = BENCH.pair_scores(BENCH.load_gold()["dev"], lambda w: w)
    assert precision == 1.0
    assert recall < 0.05


def test_proper_and_russian_letter_spellings_agree_on_the_gold_set() -> None:
    rows = [row for part in BENCH.load_gold().values() for row in part]
    assert BENCH.cross_script_agreement(rows) >= 0.97
