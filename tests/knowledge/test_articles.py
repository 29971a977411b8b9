"""Articles: versions, workflow, publishing rules, staleness, scheduled publishing."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal import signals
from portal.errors import ConflictError, DomainError
from portal.knowledge import services
from portal.knowledge.diffing import diff_versions
from portal.knowledge.models import ArticleStatus, VocabularyWord
from portal.knowledge.rendering import plain_text, render_markdown
from portal.knowledge.search import search
from portal.registry.models import ServiceStatus
from portal.security import Role
from tests.factories import make_agency, make_service, make_user

CONTENT = {"title_kk": "Анықтама алу", "title_ru": "Получение справки",
           "body_kk": "Анықтама тегін беріледі.", "body_ru": "Справка выдается бесплатно.",
           "tags": ["анықтама"], "service_id": None}


@pytest.fixture
def editor(session):
    return make_user(session, Role.UCC_MANAGER)


def _found(session, query: str) -> list[str]:
    return [h.external_id for h in search(session, query).hits]


def test_each_save_is_a_version_and_an_unchanged_save_is_not(app, session, editor):
    with app.test_request_context():
        art = services.create_article(session, editor, CONTENT, "a-1")
        v2 = services.save_article(session, editor, art, {**CONTENT, "body_ru": "Новый текст."})
        same = services.save_article(session, editor, art, {**CONTENT, "body_ru": "Новый текст."})
    assert art.latest_version == 2 and v2.number == 2 and same is None
    assert [v.number for v in art.versions] == [1, 2]
    assert art.body_ru == "Новый текст."  # a draft shows its latest version


def test_publishing_needs_both_languages(app, session, editor):
    with app.test_request_context():
        art = services.create_article(session, editor, {**CONTENT, "body_kk": ""})
        services.submit_for_review(session, editor, art)
        with force_locale("en"), pytest.raises(DomainError, match="both Kazakh and Russian"):
            services.publish(session, editor, art)
    assert art.status is ArticleStatus.REVIEW


def test_publishing_needs_a_consulting_service_and_names_the_start_date(app, session, editor):
    service = make_service(session, make_agency(session), status=ServiceStatus.PROTOCOL_SIGNED,
                           consultation_start=date(2026, 3, 2))
    with app.test_request_context():
        art = services.create_article(session, editor, {**CONTENT, "service_id": service.id})
        services.submit_for_review(session, editor, art)
        with pytest.raises(DomainError) as err:
            services.publish(session, editor, art)
    assert "2026" in err.value.message and "23" in err.value.message


def test_published_article_keeps_its_published_text_until_changes_are_published(
        app, session, editor):
    with app.test_request_context():
        art = services.create_article(session, editor, CONTENT, "a-2")
        services.submit_for_review(session, editor, art)
        services.publish(session, editor, art)
        services.save_article(session, editor, art, {**CONTENT, "body_ru": "Справка о доходах."})
        assert art.has_pending_changes and art.body_ru == CONTENT["body_ru"]
        assert _found(session, "доходах") == []
        services.publish(session, editor, art)
    assert art.published_version == 2 and not art.has_pending_changes
    assert _found(session, "доходах") == ["a-2"]


def test_restore_an_older_version_of_a_published_article(app, session, editor):
    with app.test_request_context(), force_locale("en"):
        art = services.create_article(session, editor, CONTENT, "a-3")
        services.submit_for_review(session, editor, art)
        services.publish(session, editor, art)
        services.save_article(session, editor, art, {**CONTENT, "title_ru": "Ошибочный заголовок"})
        services.publish(session, editor, art)
        services.restore_version(session, editor, art, 1)
    assert art.latest_version == 3 and art.published_version == 3
    assert art.title_ru == CONTENT["title_ru"]
    assert "Restored from version 1" in art.versions[-1].note


def test_archiving_removes_the_article_and_its_words_from_search(app, session, editor):
    with app.test_request_context():
        art = services.create_article(session, editor,
                                      {**CONTENT, "body_ru": "Уникальнейшее слово."}, "a-4")
        services.submit_for_review(session, editor, art)
        services.publish(session, editor, art)
        assert session.get(VocabularyWord, ("уникальнейшее", "ru")).df == 1
        services.archive(session, editor, art)
    assert _found(session, "справка") == []
    assert session.get(VocabularyWord, ("уникальнейшее", "ru")) is None


def test_wrong_transitions_are_refused(app, session, editor):
    with app.test_request_context():
        art = services.create_article(session, editor, CONTENT)
        with pytest.raises(DomainError):
            services.publish(session, editor, art)  # a draft must be reviewed first
        with pytest.raises(DomainError):
            services.return_to_draft(session, editor, art)


def test_concurrent_edit_is_a_conflict(app, session, editor):
    with app.test_request_context():
        art = services.create_article(session, editor, CONTENT)
        seen = art.lock_version
        services.save_article(session, editor, art, {**CONTENT, "body_ru": "Первый."})
        session.flush()
        with pytest.raises(ConflictError):
            services.save_article(session, editor, art, {**CONTENT, "body_ru": "Второй."},
                                  lock_version=seen)


def test_bylaw_amendment_marks_the_service_articles_stale_until_reviewed(
        app, session, editor, make_article):
    service = make_service(session, make_agency(session))
    art = make_article(service=service)
    general = make_article(title_ru="Общая статья")
    with app.test_request_context():
        signals.bylaw_amended.send("registry", session=session, actor=editor,
                                   service_id=service.id, bylaw_id=service.bylaws[0].id,
                                   amended_on=date(2026, 1, 15))
        assert art.stale and art.stale_since == date(2026, 1, 15) and not general.stale
        assert search(session, "справки").hits[0].stale
        services.mark_reviewed(session, editor, art)
    assert not art.stale and art.stale_since is None


def test_approved_article_is_published_when_consultations_start(app, session, editor):
    service = make_service(session, make_agency(session), status=ServiceStatus.PROTOCOL_SIGNED)
    with app.test_request_context():
        art = services.create_article(session, editor, {**CONTENT, "service_id": service.id})
        services.submit_for_review(session, editor, art)
        services.approve_for_consultation(session, editor, art)
        service.status = ServiceStatus.CONSULTING
        session.flush()
        signals.service_status_changed.send(
            "onboarding", session=session, actor=None, service_id=service.id,
            old=ServiceStatus.PROTOCOL_SIGNED, new=ServiceStatus.CONSULTING)
    assert art.status is ArticleStatus.PUBLISHED and not art.publish_on_consulting


def test_markdown_is_rendered_and_no_script_survives():
    html = str(render_markdown("**Маңызды** <script>alert(1)</script>\n\n"
                               "[x](javascript:alert(1)) [egov](https://egov.kz)"))
    assert "<strong>Маңызды</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html
    assert 'href="https://egov.kz"' in html
    assert "<" not in plain_text("# Заголовок\n\n*текст*") and "Заголовок" in plain_text("# Заголовок")


def test_diff_between_versions_marks_words(app, session, editor):
    with app.test_request_context():
        art = services.create_article(session, editor, CONTENT)
        services.save_article(session, editor, art,
                              {**CONTENT, "body_ru": "Справка выдается за один день."})
    old, new = art.versions
    changes = diff_versions(old, new)
    assert set(changes) == {"body_ru"}
    ops = {(c.op, c.text) for c in changes["body_ru"]}
    assert ("delete", "бесплатно.") in ops and ("insert", "за один день.") in ops


def test_audit_entries_are_written(app, session, editor):
    from portal.audit import AuditEntry

    with app.test_request_context():
        art = services.create_article(session, editor, CONTENT)
        services.submit_for_review(session, editor, art)
    actions = set(session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "Article", AuditEntry.object_id == str(art.id))))
    assert {"knowledge.create", "knowledge.submit"} <= actions
