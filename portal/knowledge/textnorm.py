"""Text normalisation for Knowledge Base search: tokens, Kazakh folding, language routing.

Operators type Kazakh and Russian, with typos, often Kazakh in Russian letters
("кызмет" for "қызмет") and sometimes with Latin look-alike letters pasted in.
Everything here is pure Python so the search index never depends on a file on
the database server (Rules No. 83, cl. 3.4 and cl. 9: the Knowledge Base is the
operators' only source of answers, so it must be searchable as they type).

Pipeline for one word: :func:`normalize_word` (Unicode NFC, Latin look-alikes
to Cyrillic, lower case, ё→е) keeps Kazakh letters; :func:`fold_kk` then maps
Kazakh letters to the Russian letters operators type instead. Both are
one character to one character, so positions in the normalised and folded
forms line up (the stemmer relies on this to check vowel harmony).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Lang = Literal["kk", "ru"]

#: Letters of the Kazakh Cyrillic alphabet that Russian does not have.
KK_LETTERS = frozenset("әғқңөұүһі")

#: Kazakh letter → the Russian letter typed for it; one character to one.
FOLD_TABLE = str.maketrans("әғқңөұүһіё", "агкноуухие")

#: Latin (and other-alphabet) glyphs that look like a Cyrillic letter. Upper case
#: is mapped before lower-casing because "H" is Н but "h" is Kazakh һ.
_LOOKALIKE_UPPER = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
# Lower case: "h" is drawn exactly like Kazakh һ and "i" like Kazakh і, so they
# map there; ə ö ü ɵ ѳ ӊ ӈ ҳ ӄ ҡ ї come from old fonts and other alphabets' layouts.
_LOOKALIKE_LOWER = str.maketrans(
    "abcekmoptxyhiəöüɵѳӊӈҳӄҡї",
    "авсекмортхуһіәөүөөңңһққі",
)
_LOOKALIKE_LATIN = frozenset("abcehikmoptxy")

# Invisible characters that would otherwise split a word in two.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_TOKEN_RE = re.compile(r"[^\W_]+")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")


def _fix_lookalikes(word: str) -> str:
    """Map Latin look-alikes to Cyrillic in a word that already has Cyrillic letters."""
    if not _CYRILLIC_RE.search(word):
        return word  # a Latin word or a number stays as it is
    if {ch for ch in word.lower() if "a" <= ch <= "z"} - _LOOKALIKE_LATIN:
        # A real Latin letter (g, s, ...) means two words glued together, not a typo.
        return word
    return word.translate(_LOOKALIKE_UPPER).lower().translate(_LOOKALIKE_LOWER)


def normalize_word(word: str) -> str:
    """Lower-case one word, fix look-alike letters and ё, keeping Kazakh letters."""
    word = unicodedata.normalize("NFC", word).translate(_INVISIBLE)
    return _fix_lookalikes(word).lower().replace("ё", "е")


def tokenize(text: str) -> list[str]:
    """Split text into normalised word tokens (letters and digits; hyphen splits)."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return [normalize_word(tok) for tok in _TOKEN_RE.findall(text)]


def fold_kk(word: str) -> str:
    """Fold a word to the Russian letters operators type for Kazakh (қызмет → кызмет)."""
    return normalize_word(word).translate(FOLD_TABLE)


def has_kk_letters(word: str) -> bool:
    """True when the normalised word contains a letter only Kazakh uses."""
    return any(ch in KK_LETTERS for ch in normalize_word(word))


def _folded(words: str) -> frozenset[str]:
    """Fold a whitespace-separated word list (lists are written with Kazakh letters)."""
    return frozenset(fold_kk(w) for w in words.split())


# --- Stop words (folded forms, so they match with and without Kazakh letters) ---

STOP_WORDS_KK: frozenset[str] = _folded(
    """
    және мен пен бен да де та те ал бірақ әрі немесе не яғни себебі өйткені егер онда
    туралы үшін бойынша арқылы дейін шейін кейін бері сайын қарай сияқты секілді бірге
    осы сол бұл мына ол олар оны оның оған одан онымен олардың оларға
    мен сен сіз біз сендер сіздер менің сенің сіздің біздің өз өзі өзінің өздері
    әр әрбір барлық бүкіл кейбір бір ешбір басқа өзге
    ма ме ба бе па пе ғой қой ғана тек тағы да
    кім не қай қандай қалай қайда қашан неге неше қанша
    мұнда сонда осында сондай осындай мынадай сондықтан
    бар жоқ емес еді екен болып болады болса болған болу
    """
)

STOP_WORDS_RU: frozenset[str] = _folded(
    """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по
    только ее мне было вот от меня еще нет о из ему теперь когда даже ну ли если уже
    или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может
    они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже
    себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один
    почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два
    об другой хоть после над больше тот через эти нас про всего них какая много разве
    три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им
    более всегда конечно всю между это как также либо
    """
)


def is_stop(word: str, lang: Lang | None = None) -> bool:
    """True for a stop word of ``lang``; with no language, of either list.

    The lists are folded, so "үшін" and "ушин" both count. Folding makes some
    words collide: Russian "он" is also Kazakh "ten"; pass ``lang`` to avoid it.
    """
    folded = fold_kk(word)
    if lang == "kk":
        return folded in STOP_WORDS_KK
    if lang == "ru":
        return folded in STOP_WORDS_RU
    return folded in STOP_WORDS_KK or folded in STOP_WORDS_RU


# --- Language routing (heuristic; see detect_lang) ---

#: Frequent Kazakh words, folded. Words also common in Russian are left out.
KK_WORDS: frozenset[str] = STOP_WORDS_KK | _folded(
    """
    ай жыл күн күні апта сағат бала ата ана әке үй жер су ел халық адам кісі іс ақша
    орын жаңа жеке толық тиіс қажет керек мүмкін рет сәйкес басқа бұрын қазір тегін
    иә жоқ рахмет сәлем сәлеметсіз кешіріңіз көмек көмектесіңіз
    """
)

#: Distinctive Kazakh stems (folded) of the public-service vocabulary; a word
#: that starts with one is Kazakh. Only stems no Russian word starts with.
KK_STEMS: tuple[str, ...] = tuple(
    sorted(
        _folded(
            """
    қызмет анықтама өтініш өтінім төлем жәрдемақ зейнетақ тірке құжат куәлі мекенжай
    салық салығ рұқсат тұлға орталы ақпарат мемлекет хаттама мерзім шағым азамат жауап
    жауаб нөмір бұйры тәртіп тәртіб жүйе қағида тармақ алушы беруші көрсет жергілікт
    әкім аудан облыс мүгедек сұрау өзгеріс нәтиже келісім мекеме ұйым жұмыс сақтандыр
    әлеумет денсаулы білім мектеп балабақша жеңілдік үкімет әділет көлік жүргізу неке
    мүлік кезек жалақ айлық қаржы несие мұра қайтыс тұрғын пәтер
    """
        )
    )
)

#: Frequent Russian words of the same field, folded, plus the Russian stop words.
RU_WORDS: frozenset[str] = STOP_WORDS_RU | _folded(
    """
    услуга услуги услуг справка справку справки заявление заявления пособие пособия
    пенсия пенсии регистрация регистрации документ документы документов адрес налог
    налоги разрешение ребенок ребенка дети детей земля земли удостоверение номер
    получить получение оформить оформление срок сроки жалоба жалобы гражданин граждан
    среди через нужно нужен нужна сколько почему услуге услугу услугой
    """
)

#: Loanwords spelled the same in both languages: always None, index them both ways.
SHARED_WORDS: frozenset[str] = _folded(
    """
    орган органы оператор операторы портал телефон лицензия интернет бизнес акт
    банк паспорт виза статус мониторинг протокол программа
    """
)

# (pattern on the folded word, weight). Russian orthography never writes
# кы/гы/хы/жы/шы and no Russian word starts with ы: Russian-letter Kazakh does.
_KK_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"[кгхжш]ы", 3),  # кызмет, жыл, шыгару
        (r"^ы", 3),
        (r"у[ыи]", 2),  # ауыл, беруи
        (r"(лар|лер|дар|дер|тар|тер)(га|ге|да|де|ды|ди|дын|дин|дан|ден|мен|ын|ин|ына|ине)$", 3),
        (r"(лар|лер|лары|лери)$", 2),  # "доллар" is the rare Russian one
        (r"(дар|дер|тар|тер)[ыи]?$", 1),  # лидеры, мастер, гектар are Russian
        (r"(нын|дын|тын|ында|ынан|ынши|инши|ылган|илген|ылады|иледи|ылсын|илсин)$", 3),
        (r"(нин|дин|тин|дан|ден|тан|тен|нан|нен|мен|бен|пен|инде|инен|ына)$", 1),
        (r"[аеиоуя]сы(н|на|нда|нан)$", 2),
        (r"(дагы|деги|тагы|теги|ыныз|иниз)$", 2),
        (r"(мыз|миз)$", 2),
        (r"(лык|дык|тык)", 2),
        (r"(ау|еу|ыу|иу|уу|ып|ип)$", 2),  # тиркеу, бакылау, барып; Russian "тип" is short
        (r"(тты|тти|шты|шти|лды|лди|йды|йди|уды|уди|ады|еди)$", 2),
        (r"(етин|атын|итин|йтын|йтин|ытын|уден|удан|удин|удын|умен)$", 3),  # беретин, беруден
        (r"[^аеиоуыя](ган|ген|кан|кен)$", 2),  # алган, берген; "орган" is both languages
    )
)
_RU_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"[ьъщ]", 4),
        (r"(ость|ости|остью|остей|ение|ения|ению|ением|ении|ание|ания|анию|анием|ании)$", 3),
        (r"(ться|тся|ешь|ишь|ого|его|ому|ему|ыми|ими|ую|юю|ий|ый|ая|яя|ое|ее|ые|ие|ых|ии)$", 3),
        (r"(ческ|ск(ий|ая|ое|ие|их|им|и)$|ает$|яет$|ует$|еет$)", 3),
        (r"^.{3,}ой$", 3),  # Kazakh words in -ой are short: ой, той, бой
        (r"(ами|ями|ах|ях|ов|ев|ией|ию|их|но)$", 2),
        (r"(ей|ом|ам|ем|ям|ия)$", 1),
        (r"^(пр|тр|кр|гр|бр|др|вр|фр|ст|ск|сп|сл|см|сн|св|зв|вз|вс|кл|пл|бл|гл|сч|в|ч)", 1),
        (r"[фцч]", 1),
    )
)


def _score(patterns: tuple[tuple[re.Pattern[str], int], ...], folded: str) -> int:
    return sum(weight for pattern, weight in patterns if pattern.search(folded))


def _detect_word(word: str) -> Lang | None:
    norm = normalize_word(word)
    if not _CYRILLIC_RE.search(norm):
        return None
    if any(ch in KK_LETTERS for ch in norm):
        return "kk"
    folded = norm.translate(FOLD_TABLE)
    if folded in SHARED_WORDS:
        return None
    in_kk, in_ru = folded in KK_WORDS, folded in RU_WORDS
    if in_kk != in_ru:
        return "kk" if in_kk else "ru"
    if in_kk:
        return None  # "да", "не": both languages
    if folded.startswith(KK_STEMS):
        return "kk"
    kk = _score(_KK_PATTERNS, folded)
    ru = _score(_RU_PATTERNS, folded) + (3 if "ё" in word.lower() else 0)
    if kk - ru >= 2:
        return "kk"
    if ru - kk >= 2:
        return "ru"
    return None


def detect_lang(word_or_text: str) -> Lang | None:
    """Guess "kk" or "ru" for a word, or for a text by a vote of its words; None if unsure.

    Certain only when a word has a Kazakh-only letter (ә ғ қ ң ө ұ ү һ і).
    Otherwise it is a heuristic: small embedded word lists, distinctive Kazakh
    stems, letter pairs Russian spelling forbids (кы, жы, шы), and weighted
    Kazakh suffix and Russian ending patterns. Loanwords shared by both
    languages (оператор, портал, лицензия) come out as None on purpose: index
    such words both ways rather than guess.
    """
    tokens = _TOKEN_RE.findall(unicodedata.normalize("NFC", word_or_text).translate(_INVISIBLE))
    if len(tokens) == 1:
        return _detect_word(tokens[0])
    votes = [lang for lang in map(_detect_word, tokens) if lang]
    kk, ru = votes.count("kk"), votes.count("ru")
    if kk == ru:
        return None
    return "kk" if kk > ru else "ru"


def is_kazakh(word: str) -> bool:
    """True when :func:`detect_lang` routes the word (or text) to Kazakh."""
    return detect_lang(word) == "kk"
