"""Tokens, Kazakh folding, look-alike letters, stop words and language routing."""

from __future__ import annotations

import pytest

from portal.knowledge.textnorm import (
    KK_LETTERS,
    STOP_WORDS_KK,
    STOP_WORDS_RU,
    detect_lang,
    fold_kk,
    has_kk_letters,
    is_kazakh,
    is_stop,
    normalize_word,
    tokenize,
)

# Rules No. 83 (order 000 in shared/seeds), cl. 6-9, in Kazakh and in Russian.
KAZAKH_TEXT = (
    "Бірыңғай байланыс орталығы көрсетілетін қызметті алушыларға мемлекеттік қызметтерді "
    "көрсету мәселелері бойынша тәулік бойы консультация береді. Операторлар тек білім "
    "базасындағы ақпарат негізінде жауап береді. Электрондық пошта арқылы келіп түскен "
    "өтініштер автоматты түрде тіркеледі және екі жұмыс күні ішінде қаралады."
)
RUSSIAN_TEXT = (
    "Единый контакт-центр консультирует граждан по вопросам получения государственных "
    "услуг круглосуточно, включая выходные и праздничные дни. Обращения, поступившие по "
    "электронной почте, регистрируются автоматически и рассматриваются в течение двух "
    "рабочих дней. Как получить справку о несудимости и где оформить пособие на ребенка?"
)


def test_tokenize_lowercases_and_splits_hyphens_and_punctuation() -> None:
    assert tokenize("Іс-қимыл ҚАҒИДАЛАРЫН, №83 бұйрық!") == [
        "іс",
        "қимыл",
        "қағидаларын",
        "83",
        "бұйрық",
    ]


def test_tokenize_treats_yo_as_ye_and_keeps_it_inside_the_word() -> None:
    assert tokenize("Ещё ЁЛКА") == ["еще", "елка"]
    assert tokenize("ещё") == tokenize("еще")


def test_tokenize_joins_words_split_by_invisible_characters() -> None:
    # soft hyphen and zero-width space; "met" is all look-alikes, so it becomes "мет"
    assert tokenize("қыз\u00admet қыз\u200bмет") == ["қызмет", "қызмет"]


def test_tokenize_keeps_latin_words_and_numbers() -> None:
    assert tokenize("support@goscorp.kz 1414") == ["support", "goscorp", "kz", "1414"]


@pytest.mark.parametrize(
    ("kazakh", "folded"),
    [
        ("әғқңөұүһі", "агкноуухи"),
        ("қызметтері", "кызметтери"),
        ("Өтініштің", "отиништин"),
        ("жәрдемақы", "жардемакы"),
        ("ҰЛТТЫҚ", "улттык"),
        ("Ёлка", "елка"),
    ],
)
def test_fold_kk_maps_kazakh_letters_to_russian_ones(kazakh: str, folded: str) -> None:
    assert fold_kk(kazakh) == folded


def test_fold_kk_is_idempotent_and_leaves_no_kazakh_letter() -> None:
    word = fold_kk("Мемлекеттік көрсетілетін қызметтің")
    assert fold_kk(word) == word
    assert not set(word) & KK_LETTERS


def test_fold_kk_keeps_length_so_positions_line_up() -> None:
    for word in ("қызметтерінің", "ҚҰЖАТТАРЫ", "кызмeт", "бiлiм"):
        assert len(fold_kk(word)) == len(normalize_word(word)) == len(word)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("кызмeт", "кызмет"),  # Latin e
        ("KЫЗМЕТ", "кызмет"),  # Latin K in upper case
        ("сaпa", "сапа"),  # Latin a twice
        ("бiлiм", "билим"),  # Latin i stands for Kazakh і
        ("HӨМІР", "номир"),  # upper-case Latin H is Cyrillic Н
        ("жәрдемaқы", "жардемакы"),
        ("əкім", "аким"),  # Latin schwa for ә
    ],
)
def test_fold_kk_repairs_latin_look_alikes(typed: str, expected: str) -> None:
    assert fold_kk(typed) == expected


def test_lower_case_latin_h_and_i_become_kazakh_letters() -> None:
    assert normalize_word("Aқша") == "ақша"
    assert normalize_word("iс") == "іс"
    assert normalize_word("hәм") == "һәм"
    assert has_kk_letters("бiлiм")


def test_latin_words_and_glued_words_are_not_rewritten() -> None:
    assert normalize_word("Operator") == "operator"
    assert normalize_word("eGov") == "egov"
    # "g" is no look-alike: this is two words glued, so nothing is swapped.
    assert normalize_word("порталeGov") == "порталegov"


def test_stop_word_lists_are_folded() -> None:
    assert not any(set(word) & KK_LETTERS for word in STOP_WORDS_KK | STOP_WORDS_RU)
    assert "жане" in STOP_WORDS_KK
    assert "ее" in STOP_WORDS_RU


@pytest.mark.parametrize("word", ["және", "жане", "үшін", "ушин", "туралы", "Бойынша", "немесе"])
def test_kazakh_stop_words_match_with_and_without_kazakh_letters(word: str) -> None:
    assert is_stop(word)
    assert is_stop(word, "kk")


@pytest.mark.parametrize("word", ["и", "для", "её", "через", "Как"])
def test_russian_stop_words(word: str) -> None:
    assert is_stop(word, "ru")


@pytest.mark.parametrize("word", ["қызмет", "анықтама", "справка", "пенсия", "жер"])
def test_content_words_are_not_stop_words(word: str) -> None:
    assert not is_stop(word)


def test_stop_words_are_per_language_when_asked() -> None:
    # "он" is Russian "he" but Kazakh "ten" (он жұмыс күні).
    assert is_stop("он", "ru")
    assert not is_stop("он", "kk")
    assert not is_stop("для", "kk")


@pytest.mark.parametrize(
    "word",
    ["қызмет", "өтініш", "бiлiм", "кызметтерди", "жылы", "аныктама", "тиркеуге", "ушин"],
)
def test_detect_kazakh_words(word: str) -> None:
    assert detect_lang(word) == "kk"
    assert is_kazakh(word)


@pytest.mark.parametrize(
    "word", ["справку", "получения", "государственных", "обращение", "учёт", "регистрация"]
)
def test_detect_russian_words(word: str) -> None:
    assert detect_lang(word) == "ru"
    assert not is_kazakh(word)


@pytest.mark.parametrize("word", ["оператор", "портал", "лицензия", "да", "1414", "support"])
def test_shared_loanwords_numbers_and_latin_are_undecided(word: str) -> None:
    assert detect_lang(word) is None


def test_detect_lang_votes_over_a_text() -> None:
    assert detect_lang("Как получить справку о несудимости?") == "ru"
    assert detect_lang("Анықтаманы қалай алуға болады?") == "kk"
    assert detect_lang("кызметтерди кайдан алуга болады") == "kk"
    assert detect_lang(KAZAKH_TEXT) == "kk"
    assert detect_lang(RUSSIAN_TEXT) == "ru"


def test_routing_never_sends_russian_words_to_kazakh() -> None:
    words = tokenize(RUSSIAN_TEXT)
    assert [w for w in words if detect_lang(w) == "kk"] == []
    decided = [w for w in words if detect_lang(w) == "ru"]
    assert len(decided) >= 0.6 * len(words)


def test_routing_of_kazakh_typed_in_russian_letters() -> None:
    words = [fold_kk(w) for w in tokenize(KAZAKH_TEXT)]
    langs = [detect_lang(w) for w in words]
    # Only shared loanwords ("консультация") may go to Russian, which stems them fine.
    assert [w for w, lang in zip(words, langs, strict=True) if lang == "ru"] == ["консультация"]
    assert langs.count("kk") >= 0.6 * len(words)
