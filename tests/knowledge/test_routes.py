"""Web pages: live search (fragment) and plain GET, article with service card, editor flow."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from portal.knowledge.models import Article, ArticleStatus, SearchClick, SearchLog
from portal.registry.models import ServiceStatus
from portal.security import Role
from tests.factories import login, make_agency, make_person, make_service, make_user, post


def _operator(client, session):
    user = make_user(session, Role.UCC_OPERATOR)
    login(client, user)
    return user


def test_search_page_works_as_a_plain_get_form(client, session, make_article):
    make_article(external_id="r-1")
    _operator(client, session)
    html = client.get("/kb/?q=справку").get_data(as_text=True)
    assert 'id="kb-results"' in html and 'method="get"' in html and "<html" in html
    assert "<mark>справки</mark>" in html.lower() or "<mark>Справк" in html
    assert 'hx-sync="this:replace"' in html and 'hx-push-url="true"' in html
    assert "delay:200ms" in html


def test_live_search_returns_only_the_results_fragment(client, session, make_article):
    make_article(external_id="r-2")
    _operator(client, session)
    resp = client.get("/kb/?q=аныктама", headers={"HX-Request": "true", "X-KB-Search": "box1"})
    html = resp.get_data(as_text=True)
    assert "HX-Request" in resp.headers["Vary"]
    assert html.lstrip().startswith('<div id="kb-results"') and "<html" not in html
    assert "kb-hit" in html


def test_typing_updates_one_log_row_and_did_you_mean_is_offered(client, session, make_article):
    make_article(external_id="r-3")
    _operator(client, session)
    for partial in ("спр", "справ", "справка"):
        client.get(f"/kb/?q={partial}", headers={"HX-Request": "true", "X-KB-Search": "box2"})
    session.expire_all()
    rows = session.scalars(select(SearchLog).where(SearchLog.sid == "box2")).all()
    assert [r.query for r in rows] == ["справка"] and rows[0].results == 1
    html = client.get("/kb/?q=справкку").get_data(as_text=True)
    assert "Did you mean" in html or "Мүмкін" in html or "Возможно" in html
    assert "?q=%D1%81%D0%BF%D1%80%D0%B0%D0%B2%D0%BA%D1%83" in html  # q=справку


def test_zero_result_query_is_shown_to_editors(app, client, session, make_article):
    make_article()
    _operator(client, session)
    client.get("/kb/?q=криптовалюта+налог")
    editor = app.test_client()
    login(editor, make_user(session, Role.UCC_MANAGER))
    html = editor.get("/kb/manage/analytics").get_data(as_text=True)
    assert "криптовалюта налог" in html


def test_article_page_with_service_card_click_and_language_switch(client, session, make_article):
    agency = make_agency(session, phone="+7 7172 11 22 33")
    service = make_service(session, agency, consultation_start=date(2025, 2, 3))
    person = make_person(session, agency)
    service.responsibles.append(person)
    art = make_article(service=service, external_id="r-4")
    _operator(client, session)
    html = client.get("/kb/?q=справка").get_data(as_text=True)
    link = re.search(r'href="(/kb/articles/\d+\?[^"]+)"', html).group(1).replace("&amp;", "&")
    page = client.get(link).get_data(as_text=True)
    assert service.code in page and person.email in page and person.full_name in page
    assert "Қағидалар" in page or "Правила" in page  # the bylaw
    session.expire_all()
    assert session.scalar(select(SearchClick.rank).where(SearchClick.article_id == art.id)) == 1
    frag = client.get(f"/kb/articles/{art.id}?lang=ru", headers={"HX-Request": "true"})
    text = frag.get_data(as_text=True)
    assert text.lstrip().startswith('<article id="kb-article"') and 'lang="ru"' in text
    assert "Справку можно получить" in text


def test_operator_cannot_open_a_draft_or_the_editor(client, session, make_article):
    draft = make_article(publish=False)
    _operator(client, session)
    assert client.get(f"/kb/articles/{draft.id}").status_code == 404
    assert client.get("/kb/manage/").status_code == 403


def test_agency_responsible_reads_only_its_services_and_general_articles(
        client, session, make_article):
    mine, other = make_agency(session), make_agency(session)
    own = make_article(service=make_service(session, mine), external_id="r-own")
    foreign = make_article(service=make_service(session, other), external_id="r-foreign")
    general = make_article(title_ru="Справка общая", external_id="r-general")
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, mine))
    assert client.get(f"/kb/articles/{own.id}").status_code == 200
    assert client.get(f"/kb/articles/{general.id}").status_code == 200
    assert client.get(f"/kb/articles/{foreign.id}").status_code == 403
    html = client.get("/kb/?q=справка").get_data(as_text=True)
    assert f"/kb/articles/{foreign.id}" not in html and f"/kb/articles/{own.id}" in html


def test_editor_writes_reviews_publishes_and_compares_versions(client, session):
    service = make_service(session, make_agency(session))
    login(client, make_user(session, Role.UCC_MANAGER))
    data = {"service_id": str(service.id), "title_kk": "Жаңа мақала", "title_ru": "Новая статья",
            "body_kk": "Мәтін <script>x</script>", "body_ru": "Текст", "tags": "тег, другой",
            "note": "first"}
    resp = post(client, "/kb/manage/new", data, token_from="/kb/manage/new")
    assert resp.status_code == 302
    art = session.scalar(select(Article).where(Article.title_ru == "Новая статья"))
    edit_url = f"/kb/manage/{art.id}"
    page = client.get(edit_url).get_data(as_text=True)
    lock = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)
    post(client, edit_url, {**data, "body_ru": "Текст исправлен", "lock_version": lock},
         token_from=edit_url)
    post(client, f"/kb/manage/{art.id}/do/submit", token_from=edit_url)
    post(client, f"/kb/manage/{art.id}/publish", token_from=edit_url)
    session.expire_all()
    art = session.get(Article, art.id)
    assert art.status is ArticleStatus.PUBLISHED and art.published_version == 2
    assert art.tags == ["тег", "другой"]
    diff = client.get(f"/kb/manage/{art.id}/diff?a=1&b=2").get_data(as_text=True)
    assert "<ins> исправлен</ins>" in diff
    history = client.get(f"/kb/manage/{art.id}/history").get_data(as_text=True)
    assert f"/kb/manage/{art.id}/restore/1" in history
    view = client.get(f"/kb/articles/{art.id}?lang=kk").get_data(as_text=True)
    assert "<script>x" not in view


def test_publish_refused_before_consultations_shows_the_date(client, session):
    service = make_service(session, make_agency(session), status=ServiceStatus.TRAINED,
                           consultation_start=None)
    login(client, make_user(session, Role.UCC_MANAGER))
    data = {"service_id": str(service.id), "title_kk": "Мақала", "title_ru": "Статья",
            "body_kk": "Мәтін", "body_ru": "Текст", "tags": "", "note": ""}
    post(client, "/kb/manage/new", data, token_from="/kb/manage/new")
    art = session.scalar(select(Article).where(Article.title_ru == "Статья"))
    post(client, f"/kb/manage/{art.id}/do/submit", token_from=f"/kb/manage/{art.id}")
    resp = post(client, f"/kb/manage/{art.id}/publish", token_from=f"/kb/manage/{art.id}",
                follow_redirects=True)
    assert "22-23" in resp.get_data(as_text=True)  # the clause cited, in the user's language
    session.expire_all()
    assert session.get(Article, art.id).status is ArticleStatus.REVIEW


def test_home_widget_offers_search_and_the_editors_queue(app, client, session, make_article):
    make_article(publish=False)
    _operator(client, session)
    html = client.get("/").get_data(as_text=True)
    assert 'action="/kb/"' in html and "/kb/manage/" not in html
    editor = app.test_client()
    login(editor, make_user(session, Role.UCC_MANAGER))
    html = editor.get("/").get_data(as_text=True)
    assert "/kb/manage/?stale=1" in html and "/kb/manage/?pending=1" in html
