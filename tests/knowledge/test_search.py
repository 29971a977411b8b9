"""Search core: folding, stems, Russian word forms, typos, filters, caps, snippets."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from portal.knowledge import search as search_mod
from portal.knowledge.query import parse, ru_root
from portal.knowledge.search import search
from portal.knowledge.snippets import Highlighter
from tests.factories import make_agency, make_service


def ids(result) -> list[str]:
    return [h.external_id for h in result.hits]


@pytest.fixture
def corpus(make_article):
    """Four articles with competing topics."""
    return {
        "id": make_article(
            "Жеке куәлік алу", "Получение удостоверения личности",
            "Жеке куәлікті ХҚКО арқылы алуға болады. Қызмет тегін.",
            "Удостоверение личности выдают в ЦОН. Услуга бесплатная.",
            tags=["удостоверение", "жеке куәлік"], external_id="t-id"),
        "pension": make_article(
            "Зейнетақы тағайындау", "Назначение пенсии",
            "Зейнетақы төлемдерін тағайындау үшін өтініш беріледі.",
            "Для назначения пенсионных выплат подается заявление.",
            tags=["пенсия"], external_id="t-pension"),
        "techpass": make_article(
            "Көлік құралын тіркеу", "Регистрация транспортного средства",
            "Көлікті тіркеу кезінде техпаспорт беріледі.",
            "При регистрации выдается техпаспорт, то есть свидетельство о регистрации.",
            external_id="t-car"),
        "draft": make_article(
            "Жоба мақала", "Черновик о пенсии", "Зейнетақы туралы жоба.",
            "Черновик: пенсия.", publish=False, external_id="t-draft"),
    }


def test_kazakh_in_russian_letters_finds_the_same_articles(session, corpus):
    proper = search(session, "зейнетақы тағайындау")
    typed = search(session, "зейнетакы тагайындау")
    assert ids(proper) == ids(typed)
    assert ids(proper)[0] == "t-pension"
    assert [round(h.score, 6) for h in proper.hits] == [round(h.score, 6) for h in typed.hits]


def test_kazakh_inflected_forms_match_through_the_stemmer(session, corpus):
    assert ids(search(session, "зейнетақысын"))[0] == "t-pension"
    assert ids(search(session, "жеке куәліктері"))[0] == "t-id"


def test_russian_word_forms_and_split_snowball_stems(session, corpus):
    # "назначить" stems to "назнач", the title says "назначение" ("назначен"):
    # the root prefix joins them.
    assert ru_root("назначен") == "назнач"
    assert ids(search(session, "назначить пенсию"))[0] == "t-pension"
    assert ids(search(session, "удостоверением"))[0] == "t-id"


def test_latin_look_alikes_inside_cyrillic_words(session, corpus):
    assert ids(search(session, "пeнсия"))[0] == "t-pension"  # Latin "e"


def test_typo_is_corrected_and_suggested(session, corpus):
    result = search(session, "удстоверение личнсоти")
    assert ids(result)[0] == "t-id"
    assert result.suggestion == "удостоверение личности"
    exact = search(session, "удостоверение личности")
    assert exact.suggestion is None


def test_unseen_form_of_a_known_stem_is_not_corrected(session, corpus):
    parsed = parse(session, "пенсиями")
    assert parsed.terms[0].known and parsed.suggestion() is None


def test_split_word_is_joined_when_the_vocabulary_knows_it(session, corpus):
    # "тех" is a Russian stop word: without joining only "паспорт" would remain.
    assert ids(search(session, "тех паспорт"))[0] == "t-car"


def test_word_being_typed_matches_as_a_prefix(session, corpus):
    assert ids(search(session, "жеке куә"))[0] == "t-id"
    assert parse(session, "жеке куә").terms[-1].prefix
    assert not parse(session, "жеке куә ").terms[-1].prefix


def test_only_published_articles_are_found(session, corpus):
    assert "t-draft" not in ids(search(session, "черновик"))
    assert session.scalar(text("SELECT count(*) FROM kb_search")) == 3


def test_every_word_counts_and_partial_matches_follow(session, corpus):
    result = search(session, "пенсия техпаспорт")
    assert set(ids(result)[:2]) == {"t-pension", "t-car"}
    assert all(h.partial for h in result.hits)
    assert result.full_total == 0


def test_scores_fall_down_the_list_and_json_has_the_four_fields(session, corpus):
    result = search(session, "регистрация")
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert set(result.hits[0].as_json()) == {"external_id", "title_kk", "title_ru", "score"}


def test_stop_words_and_empty_queries_return_nothing(session, corpus):
    assert search(session, "").hits == []
    assert search(session, "и в на").parsed.empty


def test_filters_by_agency_service_and_reader_scope(session, make_article):
    mine, other = make_agency(session), make_agency(session)
    s1, s2 = make_service(session, mine), make_service(session, other)
    make_article(title_ru="Справка о браке", service=s1, external_id="t-a")
    make_article(title_ru="Справка о разводе", service=s2, external_id="t-b")
    make_article(title_ru="Справка на портале", external_id="t-general")
    assert set(ids(search(session, "справка", agency_id=mine.id))) == {"t-a"}
    assert set(ids(search(session, "справка", service_id=s2.id))) == {"t-b"}
    assert set(ids(search(session, "справка", visible_to_agency=mine.id))) == {"t-a", "t-general"}


def test_pagination(session, make_article):
    for n in range(7):
        make_article(title_ru=f"Справка номер {n}", external_id=f"t-p{n}")
    first = search(session, "справка", limit=3, page=1)
    third = search(session, "справка", limit=3, page=3)
    assert first.total == 7 and first.pages == 3 and first.has_next
    assert len(third.hits) == 1 and not set(ids(first)) & set(ids(third))


def test_candidate_caps_bound_the_rows_ranked(session, make_article, monkeypatch):
    for n in range(12):
        make_article(title_ru=f"Услуга {n}", body_ru="Услуга оказывается.", external_id=f"t-c{n}")
    monkeypatch.setattr(search_mod, "CANDIDATE_CAP", 4)
    monkeypatch.setattr(search_mod, "TITLE_CAP", 3)
    result = search(session, "услуга", limit=10)
    assert result.capped and 4 <= result.total <= 7  # 4 with every word ∪ 3 by title
    plan = search_mod.Plan.of(session, parse(session, "услуга справка"))
    assert plan.selectivity == [1.0, 0.0] and plan.idf[0] == search_mod.MIN_IDF
    assert plan.reads[0] >= plan.selectivity[0]
    assert plan.idf[1] > 2


def test_snippets_mark_words_in_their_original_spelling(session, corpus):
    marker = Highlighter(*parse(session, "кызметтер тегин").highlight())
    html = str(marker.snippet("Жеке куәлікті ХҚКО арқылы алуға болады. Қызмет тегін."))
    assert "<mark>Қызмет</mark>" in html and "<mark>тегін</mark>" in html
    assert str(marker.title("<b>Қызмет</b>")) == "&lt;b&gt;<mark>Қызмет</mark>&lt;/b&gt;"


def test_repeated_query_is_served_from_the_cache_until_the_index_changes(
        session, corpus, make_article):
    first = search(session, "зейнетақы")
    assert search(session, "зейнетақы") is first  # same generation: cached
    make_article(title_kk="Зейнетақы жинағы", title_ru="Пенсионные накопления",
                 external_id="t-new")
    fresh = search(session, "зейнетақы")
    assert fresh is not first and "t-new" in ids(fresh)


def test_word_frequencies_come_from_the_cache_until_the_index_changes(
        session, corpus, make_article, monkeypatch):
    statements: list[str] = []
    run = search_mod.driver_rows

    def record(sess, sql, params):
        statements.append(sql)
        return run(sess, sql, params)

    def frequency_lookups() -> int:
        return sum("coalesce(max(v.df), 0)" in s for s in statements)

    monkeypatch.setattr(search_mod, "driver_rows", record)
    # Trailing spaces: no word is being typed, so both queries have the same forms.
    first = search(session, "зейнетақы тағайындау ")
    assert frequency_lookups() == 1
    # Another query of the same words (not in the result cache) looks up nothing,
    # and the cached estimates are the ones the vocabulary gives.
    again = search(session, "тағайындау зейнетақы ")
    assert frequency_lookups() == 1 and ids(again) == ids(first)
    scope = (session.execute(text("SELECT current_database()")).scalar_one(),
             _generation(session))
    assert search_mod.Plan.of(session, again.parsed, scope) \
        == search_mod.Plan.of(session, again.parsed)
    assert frequency_lookups() == 2  # the second plan, without the cache
    make_article(title_kk="Зейнетақы жинағы", title_ru="Пенсионные накопления",
                 external_id="t-new")  # a new generation: counts are read again
    statements.clear()
    assert "t-new" in ids(search(session, "тағайындау зейнетақы "))
    assert frequency_lookups() == 1


def _generation(session) -> int:
    return session.execute(text("SELECT generation FROM kb_state WHERE id = 1")).scalar_one()


def test_the_snippet_is_the_first_window_with_the_most_matches():
    marker = Highlighter({"пенсия"}, set())
    filler = " ".join(f"сөз{i}" for i in range(40))
    text = f"{filler} пенсия бір. {filler} пенсия екі, пенсия үш. {filler}"
    html = str(marker.snippet(text))
    # the second place has two matches within one window: it wins over the first
    assert html.count("<mark>пенсия</mark>") == 2 and "екі" in html and "бір" not in html
    assert html.startswith("… ") and html.endswith(" …")
    assert marker.count(text) == 3
    # a tie goes to the first window; a short text is shown whole, without ellipses
    tie = f"пенсия {filler} пенсия"
    assert str(marker.snippet(tie)).startswith("<mark>пенсия</mark> сөз0")
    assert str(marker.snippet("Пенсия туралы")) == "<mark>Пенсия</mark> туралы"
    assert str(marker.snippet("")) == "" and marker.count("") == 0
