"""Kazakh suffix-stripping stemmer for Knowledge Base search (pure Python, table-driven).

The Knowledge Base index stores Kazakh lexemes computed here in a ``simple``
tsvector, so nothing depends on a dictionary file on the database server
(Rules No. 83, cl. 3.4, cl. 9: operators answer only from the Knowledge Base,
so it must find "қызметтері" when they type "кызметтери").

How it works
------------
The stem is computed on the *folded* word (``textnorm.fold_kk``: ә→а, қ→к,
і→и ...), so proper Kazakh and Kazakh typed in Russian letters get one stem::

    stem_kk("қызметтерінің") == stem_kk("кызметтеринин") == "кызмет"

Suffixes are stripped from the end in the order Kazakh stacks them in
reverse: case, then possessive, then plural, then a final possessive vowel
(the noun template is STEM + PLURAL + POSSESSIVE + CASE)::

    құжаттарымен → кужаттары (-мен) → кужаттар (-ы) → кужат (-тар)

Every suffix row names the letters that may stand before it, because Kazakh
picks the allomorph from the last letter of the stem (-лар after a vowel or
р/й/у, -дар after л/м/н/з/ж, -тар after a voiceless consonant). This guard is
what keeps "карта" or "доллар" whole. Vowel harmony is checked on the
*unfolded* word when it has Kazakh letters (а о ұ ы я are back, ә ө ү і е э и
front): "сәтта" is not сәт+та. On an already-folded word only ы (back) and
е/и (front) are certain, because а/о/у may stand for ә/ө/ұ/ү, so the check is
relaxed there ("сатта" → сат).

After stripping, the stem is put in one canonical spelling so all forms of a
lemma meet: elided vowels come back (халқы → халык), a final voiced г/б is
devoiced (орталығы → орталык), and a final н/с after а/е/о is dropped,
because "органы" reads орган+ы or орга+ны and "кеңесі" кеңес+і or кеңе+сі
alike (so орган → "орга"). Stems are index lexemes, not dictionary words.

Known limits (heuristic, no lexicon): a lemma whose ending looks like a
suffix is split unless listed in PROTECTED_STEMS (тұлға is not тұл+ға); the
н/с rule merges a few unrelated pairs (маман/мама, қазан/қаза); homographs
stay merged (жауапты "responsible" / accusative of жауап; басқа "other" /
dative of бас). Measured with bench/kkstem_eval.py on
tests/knowledge/kkstem_gold.tsv.

Kept on purpose (derivational, they make a new word): -лық/-лік (мемлекеттік),
-шы/-ші (жұмысшы), -кер (қызметкер), -сыз (рұқсатсыз), -ғы (жылғы), the -ым
nominaliser (білім, өтінім, шағым), verb suffixes. The 1st/2nd person
singular possessives (-ым, -ың) are not stripped for the same reason: they
collide with -ым nouns and with -н, and operators' queries rarely use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.knowledge.textnorm import (
    FOLD_TABLE,
    KK_LETTERS,
    fold_kk,
    is_stop,
    normalize_word,
    tokenize,
)

#: A stem is never shorter than this (folded letters). Kazakh has many
#: two-letter roots (іс, ай, үй, ат), so 2 keeps their forms together (істер → ис);
#: 3 would leave them unstemmed. The letter-class guards and PROTECTED_STEMS
#: below keep a short floor from eating longer words.
MIN_STEM = 2

# Letter classes of the folded alphabet. "у" counts as a consonant (су → суды,
# тіркеу → тіркеуді); "и" counts as a vowel, since it is mostly a folded і.
VOWELS = "аеиоыэюя"
VOICELESS = "пткфсшщхцч"
SONORANT = "рйу"
LATERAL = "л"
NASAL = "мн"
SIBILANT = "зж"
LOAN = "бвгд"  # end only loanwords (клуб, диалог); both suffix series occur after them
CONSONANTS = VOICELESS + SONORANT + LATERAL + NASAL + SIBILANT + LOAN
VOICED = VOWELS + SONORANT + LATERAL + NASAL + SIBILANT + LOAN  # -да, -ға
HARD = VOICELESS + LOAN  # -та, -қа, -тың


@dataclass(frozen=True)
class Suffix:
    """One suffix allomorph in folded spelling, with the letters allowed before it."""

    text: str
    after: frozenset[str]
    harmony: str | None  # "back", "front" or None (instrumental -мен does not harmonise)
    guard: re.Pattern[str] | None = None  # the stem left behind must match it


# (back form, front form, letters allowed before it, example[, guard on the stem
# left behind]). A row whose two forms are equal does not harmonise.
Spec = tuple[tuple[str, ...], ...]
# -сы/-сі after ы/і only for -шы agent nouns and -ақы, қаржы; else облыс+ы, жұмыс+ы.
_AGENT = r"[шжк][ыи]$"
_LOW_VOWELS = "аеоэюя"

CASE_SPEC: Spec = (
    # possessive 3rd person + case, glued: -ы/-сы + -н/-на/-нда/-нан/-ндағы
    ("ындагы", "индеги", CONSONANTS, "министрлігіндегі → министрлиг"),
    ("сындагы", "синдеги", _LOW_VOWELS, "саласындағы → сала"),
    ("сындагы", "синдеги", "ыи", "басшысындағы → басшы", _AGENT),
    ("ынан", "инен", CONSONANTS, "күнінен → кун"),
    ("сынан", "синен", _LOW_VOWELS, "тұлғасынан → тулга"),
    ("сынан", "синен", "ыи", "басшысынан → басшы", _AGENT),
    ("ында", "инде", CONSONANTS, "тәртібінде → тартип"),
    ("сында", "синде", _LOW_VOWELS, "жүйесінде → жуйе"),
    ("сында", "синде", "ыи", "басшысында → басшы", _AGENT),
    ("ына", "ине", CONSONANTS, "орталығына → орталык"),
    ("сына", "сине", _LOW_VOWELS, "баласына → бала"),
    ("сына", "сине", "ыи", "басшысына → басшы", _AGENT),
    ("ын", "ин", CONSONANTS, "қызметін → кызмет"),
    ("сын", "син", _LOW_VOWELS, "сапасын → сапа"),
    ("сын", "син", "ыи", "басшысын → басшы", _AGENT),
    # locative + attributive -ғы ("in the city" → "the one in the city")
    ("дагы", "деги", VOICED, "қаладағы → кала"),
    ("тагы", "теги", HARD, "облыстағы → облыс"),
    # genitive
    ("нын", "нин", VOWELS, "баланың"),
    ("нын", "нин", NASAL, "органның"),
    ("дын", "дин", LATERAL + SONORANT + SIBILANT + LOAN, "жердің"),
    ("тын", "тин", HARD, "құжаттың"),
    # ablative
    ("дан", "ден", VOWELS + LATERAL + SONORANT + SIBILANT + LOAN, "жерден"),
    ("нан", "нен", NASAL, "органнан"),
    ("тан", "тен", HARD, "салықтан"),
    # instrumental (does not harmonise)
    ("менен", "менен", VOWELS + LATERAL + SONORANT + NASAL, "баламенен"),
    ("бенен", "бенен", SIBILANT + LOAN, "қағазбенен"),
    ("пенен", "пенен", HARD, "құжатпенен"),
    ("мен", "мен", VOWELS + LATERAL + SONORANT + NASAL, "төлеммен"),
    ("бен", "бен", SIBILANT + LOAN, "қағазбен"),
    ("пен", "пен", HARD, "өтінішпен"),
    # accusative
    ("ны", "ни", VOWELS, "баланы"),
    ("ды", "ди", LATERAL + SONORANT + NASAL + SIBILANT + LOAN, "жерді"),
    ("ты", "ти", HARD, "құжатты"),
    # dative and locative
    ("га", "ге", VOICED, "балаға, жерге"),
    ("ка", "ке", HARD, "салыққа, куәлікке"),
    ("да", "де", VOICED, "балада, жерде"),
    ("та", "те", HARD, "құжатта"),
)

POSSESSIVE_SPEC: Spec = (
    ("ымыз", "имиз", CONSONANTS, "құжатымыз → кужат"),
    ("мыз", "миз", VOWELS, "баламыз → бала"),
    ("ыныз", "иниз", CONSONANTS, "өтінішіңіз → отиниш"),
    ("ныз", "низ", VOWELS, "анықтамаңыз → аныктама"),
    ("сы", "си", _LOW_VOWELS, "сапасы → сапа"),
    ("сы", "си", "ыи", "басшысы → басшы, жәрдемақысы", _AGENT),
    ("ы", "и", CONSONANTS, "қызметі → кызмет"),
)

PLURAL_SPEC: Spec = (
    ("лар", "лер", VOWELS + SONORANT, "балалар, жерлер"),
    ("дар", "дер", LATERAL + NASAL + SIBILANT + LOAN, "органдар, күндер"),
    ("тар", "тер", HARD, "құжаттар, қызметтер"),
)

# A stem left ending in -ы/-і after a consonant is the possessive form
# (беруші/берушінің, жәрдемақы/жәрдемақысы): drop it so every form agrees.
FINAL_VOWEL_SPEC: Spec = (("ы", "и", CONSONANTS, "берушілер → беруши → беруш"),)

#: Folded lemmas whose ending looks like a suffix; no rule may cut into them.
PROTECTED_STEMS: frozenset[str] = frozenset(
    fold_kk(word)
    for word in (
        "аудан", "сауда", "тұрғын", "тегін", "орын", "кәсіпорын", "оқиға", "тұлға",
        "қағида", "пошта", "дата", "Қарағанды", "Қызылорда", "Өскемен", "егемен",
        # -стан is not an ablative in these (it is in жұмыстан, облыстан)
        "Қазақстан", "Өзбекстан", "Қырғызстан", "Тәжікстан", "Түрікменстан",
        "Ауғанстан", "Пәкістан", "Үндістан", "Түркістан",
    )
)  # fmt: skip

#: Stems whose second vowel drops before a vowel suffix: халық → халқы.
ELISION: dict[str, str] = {
    "халк": "халык",
    "мулк": "мулик",
    "орн": "орын",
    "ауз": "ауыз",
    "мойн": "мойын",
    "ерн": "ерин",
    "калп": "калып",
    "кулк": "кулык",
    "мурн": "мурын",
}

# Final voiced consonants alternate with voiceless ones (орталық → орталығы,
# тәртіп → тәртібі); the stem is written with the voiceless one.
_DEVOICE = {"г": "к", "б": "п"}
# и is front (министрі, мониторингі); у after a vowel is a glide (тіркеу) and skipped.
_BACK, _FRONT = "аоұыя", "әөүіеэи"
#: Loanwords ending in these clusters take front suffixes whatever their vowel
#: (акт → актіні, банк → банкінің), so harmony is not checked after them.
LOAN_CLUSTERS = frozenset({"кт", "нк", "нг", "ст", "фт", "пт"})
_RELAXED_BACK, _RELAXED_FRONT = "ы", "еи"
_RUSSIAN_LETTERS_RE = re.compile(r"[а-яё]+")


def _expand(spec: Spec) -> tuple[Suffix, ...]:
    rules: list[Suffix] = []
    for back, front, after, _example, *guard in spec:
        letters = frozenset(after)
        pattern = re.compile(guard[0]) if guard else None
        if back == front:
            rules.append(Suffix(back, letters, None, pattern))
        else:
            rules += [
                Suffix(back, letters, "back", pattern),
                Suffix(front, letters, "front", pattern),
            ]
    # Longest first so that -ынан wins over -нан and -сын over -ын.
    return tuple(sorted(rules, key=lambda r: -len(r.text)))


CASE = _expand(CASE_SPEC)
POSSESSIVE = _expand(POSSESSIVE_SPEC)
PLURAL = _expand(PLURAL_SPEC)
FINAL_VOWEL = _expand(FINAL_VOWEL_SPEC)


@dataclass(frozen=True)
class _Word:
    raw: str  # normalised, Kazakh letters kept; same length as folded
    folded: str
    strict: bool  # raw has Kazakh letters, so its vowels are trustworthy
    floor: int  # no cut may leave fewer letters than this


def _floor(folded: str) -> int:
    floor = MIN_STEM
    for end in range(len(folded), MIN_STEM, -1):
        if folded[:end] in PROTECTED_STEMS:
            floor = end
            break
    return floor


def _harmony(word: _Word, cut: int) -> str | None:
    """Return "back"/"front" for the stem before ``cut``, or None when unknown."""
    if word.folded[cut - 2 : cut] in LOAN_CLUSTERS:
        return None
    if word.strict:
        stem = word.raw[:cut]
        for i in range(len(stem) - 1, -1, -1):
            ch = stem[i]
            if ch in _BACK:
                return "back"
            if ch in _FRONT:
                return "front"
            if ch in "ую" and (i == 0 or stem[i - 1] not in _BACK + _FRONT):
                return None  # a vowel у in a loanword: институты, округтер
        return None
    for ch in reversed(word.folded[:cut]):
        if ch in VOWELS or ch == "у":
            if ch in _RELAXED_BACK:
                return "back"
            return "front" if ch in _RELAXED_FRONT else None
    return None


def _strip(rules: tuple[Suffix, ...], word: _Word, end: int) -> int:
    """Strip the first (longest) suffix of ``rules`` that fits; return the new end."""
    for rule in rules:
        cut = end - len(rule.text)
        if cut < word.floor or not word.folded.startswith(rule.text, cut):
            continue
        if word.folded[cut - 1] not in rule.after:
            continue
        if not any(ch in VOWELS or ch == "у" for ch in word.folded[:cut]):
            continue
        if rule.guard and not rule.guard.search(word.folded[:cut]):
            continue
        stem_harmony = _harmony(word, cut)
        if rule.harmony and stem_harmony and rule.harmony != stem_harmony:
            continue
        return cut
    return end


def _finish(stem: str) -> str:
    for short, full in ELISION.items():
        if stem.endswith(short):  # also in compounds: кәсіпорны → кәсіпорын
            stem = stem[: -len(short)] + full
            break
    if len(stem) >= 3 and stem[-1] in "нс" and stem[-2] in _LOW_VOWELS:
        # "органы" reads орган+ы or орга+ны, "кеңесі" кеңес+і or кеңе+сі; without
        # a lexicon the one stem both readings reach drops the н/с (орган → орга).
        stem = stem[:-1]
    if len(stem) > MIN_STEM and stem[-1] in _DEVOICE:
        stem = stem[:-1] + _DEVOICE[stem[-1]]
    return stem


def stem_kk(word: str) -> str:
    """Return the folded Kazakh stem of one word (қызметтерінің → кызмет).

    Accepts proper Kazakh, Kazakh in Russian letters, or an already folded
    word; a word that is not all Cyrillic letters comes back normalised only.
    """
    raw = normalize_word(word)
    folded = raw.translate(FOLD_TABLE)
    if len(folded) <= MIN_STEM or not _RUSSIAN_LETTERS_RE.fullmatch(folded):
        return folded
    strict = any(ch in KK_LETTERS for ch in raw)
    parsed = _Word(raw, folded, strict, _floor(folded))
    end = len(folded)
    for rules in (CASE, POSSESSIVE, PLURAL, FINAL_VOWEL):
        end = _strip(rules, parsed, end)
    return _finish(folded[:end])


def kk_lexemes(text: str) -> list[str]:
    """Stems of the non-stop-word tokens of a Kazakh text, in order, for a tsvector."""
    return [stem_kk(tok) for tok in tokenize(text) if not is_stop(tok, "kk")]
