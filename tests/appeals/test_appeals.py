"""Appeal rules: numbers, IIN, the after-call form, transfers (cl. 11), referrals (cl. 10),
the 2-working-day answer to e-mail appeals (cl. 8), the dashboard."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from portal import migrate
from portal.appeals import services
from portal.appeals.iin import check_digit, is_valid_iin
from portal.appeals.mail import reply
from portal.appeals.models import (
    Appeal,
    AppealCounter,
    AppealStatus,
    Channel,
    Character,
    EventKind,
)
from portal.appeals.ratings import record_rating
from portal.calendar.workdays import ASTANA_TZ
from portal.db import utcnow
from portal.errors import DomainError
from portal.notify.models import OutboxMessage
from portal.obligations.models import Obligation, ObligationStatus
from portal.security import Role
from tests.factories import login, make_agency, make_region, make_service, make_user, post


def test_iin_check_digit_first_and_second_pass() -> None:
    # 9·1+0·2+0·3+1·4+0·5+1·6+3·7+0·8+0·9+1·10+2·11 = 72; 72 mod 11 = 6
    assert is_valid_iin("900101300126")
    # first pass gives 164 mod 11 = 10, second pass 183 mod 11 = 7
    assert check_digit("89051530123") == 7 and is_valid_iin("890515301237")
    assert not is_valid_iin("900101300127")  # one digit off
    assert not is_valid_iin("90010130012")  # 11 digits
    assert not is_valid_iin("9001013001２6")  # a non-ASCII digit


def _data(**kw):
    data = dict(channel=Channel.LINE_1414, phone="+7 701 111 22 33", content="Анықтама алу",
                character=Character.CONSULTATION, received_at=utcnow())
    data.update(kw)
    return data


def test_numbers_are_sequential_per_year_of_receipt(session) -> None:
    op = make_user(session, Role.UCC_OPERATOR)
    # 31 December 23:50 in Astana is already 1 January in no time zone that matters here,
    # but 18:50 UTC: the year is the Astana one.
    first = services.register_appeal(session, op, _data(
        received_at=datetime(2024, 12, 31, 23, 50, tzinfo=ASTANA_TZ)))
    second = services.register_appeal(session, op, _data(
        received_at=datetime(2025, 1, 1, 0, 5, tzinfo=ASTANA_TZ)))
    third = services.register_appeal(session, op, _data(
        received_at=datetime(2024, 12, 31, 23, 55, tzinfo=ASTANA_TZ)))
    assert (first.number, second.number, third.number) == (
        "2024-000001", "2025-000001", "2024-000002")
    assert first.operator_id == op.id
    assert [e.kind for e in first.events] == [EventKind.REGISTERED]


def test_concurrent_registrations_never_share_a_number(make_database) -> None:
    url = make_database("portal_appeal_numbers")
    migrate.upgrade(url)
    engine = create_engine(url)
    results: dict[str, str] = {}
    try:
        with Session(engine) as first:
            results["first"] = services.next_number(first, 2031)

            def second_tx() -> None:
                # Blocks on the counter row until the first transaction commits.
                with Session(engine) as second:
                    results["second"] = services.next_number(second, 2031)
                    second.commit()

            worker = threading.Thread(target=second_tx)
            worker.start()
            worker.join(timeout=0.5)
            assert worker.is_alive(), "the second registration must wait for the first"
            first.commit()
            worker.join(timeout=10)
        assert results == {"first": "2031-000001", "second": "2031-000002"}
        with Session(engine) as check:
            assert check.get(AppealCounter, 2031).last == 2
    finally:
        engine.dispose()


@pytest.mark.parametrize("data, field", [
    (dict(iin="900101300127"), "iin"),
    (dict(phone="", email=""), "phone"),
    (dict(channel=Channel.EMAIL, phone="+7 701 000 00 00"), "email"),
    (dict(content="   "), "content"),
    (dict(region_code="atlantis"), "region_code"),
])
def test_invalid_appeals_are_refused_with_the_field(session, data, field) -> None:
    with pytest.raises(DomainError) as err:
        services.register_appeal(session, None, _data(**data))
    assert err.value.field == field


def test_service_gives_the_agency_and_iin_is_normalised(session) -> None:
    agency = make_agency(session)
    service = make_service(session, agency)
    appeal = services.register_appeal(session, None, _data(service_id=service.id,
                                                           iin="900 101 300 126"))
    assert appeal.agency_id == agency.id and appeal.iin == "900101300126"


def test_after_call_form_is_prefilled_and_registers(client, session) -> None:
    make_region(session, "almaty_region", name_kk="Алматы облысы", name_ru="Алматинская область")
    agency = make_agency(session)
    service = make_service(session, agency, code="00301001")
    op = make_user(session, Role.UCC_OPERATOR)
    login(client, op)
    page = client.get(f"/appeals/new?service_id={service.id}&call_id=CALL-77&phone=%2B77010000001")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="00301001 — ' in html and 'value="CALL-77"' in html
    assert "autofocus" in html and "Ctrl+Enter" in html

    form = {"channel": "1414", "received_at": datetime.now(ASTANA_TZ).strftime("%Y-%m-%dT%H:%M"),
            "region_code": "almaty_region", "applicant_surname": "Сейітқали",
            "applicant_name": "Айгүл", "phone": "+7 701 000 00 01", "email": "",
            "iin": "900101300127", "service": "00301001 — Сынақ", "agency_id": str(agency.id),
            "character": "staff_conduct", "content": "Қызметкер жауап бермеді",
            "measures": "Түсіндірілді", "request_number": "", "status": "registered",
            "call_id": "CALL-77", "article_id": "", "next": "card"}
    bad = post(client, "/appeals/new", form, token_from="/appeals/new")
    assert bad.status_code == 422
    assert "IIN is not valid" in bad.get_data(as_text=True) or "ЖСН" in bad.get_data(as_text=True)

    form["iin"] = "900101300126"
    ok = post(client, "/appeals/new", form, token_from="/appeals/new")
    assert ok.status_code == 303
    session.expire_all()
    appeal = session.scalar(select(Appeal).where(Appeal.call_id == "CALL-77"))
    assert ok.headers["Location"].endswith(f"/appeals/{appeal.id}")
    assert appeal.service_id == service.id and appeal.region_code == "almaty_region"
    assert appeal.character is Character.STAFF_CONDUCT and appeal.operator_id == op.id
    assert re.fullmatch(r"\d{4}-\d{6}", appeal.number)
    card = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert appeal.number in card and "Қызметкер жауап бермеді" in card


def test_transfer_and_referral_are_kept_in_history(client, session) -> None:
    op = make_user(session, Role.UCC_OPERATOR)
    colleague = make_user(session, Role.UCC_OPERATOR, full_name="Бекзат Оралов")
    appeal = services.register_appeal(session, op, _data())
    login(client, op)
    path = f"/appeals/{appeal.id}"
    refused = post(client, f"{path}/transfer", {"to_user_id": "", "to_group": "",
                                                "note": "Аға операторға"}, token_from=path)
    assert refused.status_code == 422
    resp = post(client, f"{path}/transfer", {"to_user_id": str(colleague.id),
                                             "to_group": "ICT line", "note": "Аға операторға"},
                token_from=path)
    assert resp.status_code == 303
    resp = post(client, f"{path}/refer", {"body": "ІІМ, 102", "agency_id": "", "note": ""},
                token_from=path)
    assert resp.status_code == 303
    session.expire_all()
    appeal = session.get(Appeal, appeal.id)
    kinds = [e.kind for e in appeal.events]
    assert kinds == [EventKind.REGISTERED, EventKind.TRANSFERRED, EventKind.REFERRED]
    transfer = appeal.events[1]
    assert transfer.details["to_user_id"] == colleague.id and transfer.note == "Аға операторға"
    assert transfer.details["to_group"] == "ICT line"
    assert appeal.status is AppealStatus.REFERRED and appeal.referred_to == "ІІМ, 102"
    html = client.get(path).get_data(as_text=True)
    assert "Бекзат Оралов" in html and "ІІМ, 102" in html


def test_email_appeal_is_due_in_two_working_days_and_the_answer_closes_it(app, session) -> None:
    # Friday 20.03.2026 evening; 21-25 March are Nauryz holidays and a weekend.
    received = datetime(2026, 3, 20, 18, 0, tzinfo=ASTANA_TZ)
    appeal = services.register_appeal(session, None, _data(
        channel=Channel.EMAIL, email="asel@example.kz", received_at=received,
        subject="Анықтама", email_message_id="<q1@example.kz>"))
    ob = session.scalar(select(Obligation).where(Obligation.subject_type == "appeal",
                                                 Obligation.subject_id == appeal.id))
    assert ob.rule_key == "email_appeal_answer" and ob.status is ObligationStatus.OPEN
    due = ob.due_at.astimezone(ASTANA_TZ)
    assert due.date() > received.date() + timedelta(days=2)  # holidays do not count
    assert due.weekday() < 5

    op = make_user(session, Role.UCC_OPERATOR, full_name="Дана Әлімова")
    with app.app_context():
        answer = reply(session, op, appeal, "Анықтама egov.kz арқылы беріледі.")
    session.refresh(ob)
    assert ob.status is ObligationStatus.FULFILLED_LATE  # answered today, long after March
    msg = session.scalar(select(OutboxMessage).where(OutboxMessage.key == answer.outbox_key))
    assert msg.recipient == "asel@example.kz"
    assert msg.headers["In-Reply-To"] == "<q1@example.kz>"
    assert "Re: Анықтама" in msg.subject and appeal.number in msg.subject
    assert "egov.kz арқылы" in msg.body_text
    assert appeal.status is AppealStatus.ANSWERED


def test_reply_in_time_is_on_time(app, session) -> None:
    appeal = services.register_appeal(session, None, _data(channel=Channel.EMAIL,
                                                           email="a@example.kz"))
    with app.app_context():
        reply(session, make_user(session), appeal, "Жауап")
    ob = session.scalar(select(Obligation).where(Obligation.subject_id == appeal.id,
                                                 Obligation.subject_type == "appeal"))
    assert ob.status is ObligationStatus.FULFILLED_ON_TIME


def test_agency_user_sees_only_own_appeals(client, session) -> None:
    own, other = make_agency(session), make_agency(session)
    mine = services.register_appeal(session, None, _data(agency_id=own.id, content="Біздікі"))
    theirs = services.register_appeal(session, None, _data(agency_id=other.id,
                                                           content="Басқанікі"))
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, own))
    listing = client.get("/appeals/").get_data(as_text=True)
    assert mine.number in listing and theirs.number not in listing
    assert client.get(f"/appeals/{theirs.id}").status_code == 404
    assert client.get(f"/appeals/{mine.id}").status_code == 200
    assert post(client, f"/appeals/{mine.id}/update", {}).status_code == 403


def test_list_filters_and_search(client, session) -> None:
    make_region(session, "abai", name_kk="Абай облысы", name_ru="область Абай")
    a = services.register_appeal(session, None, _data(region_code="abai",
                                                      applicant_surname="Жақыпов"))
    b = services.register_appeal(session, None, _data(channel=Channel.TOLL_FREE,
                                                      character=Character.STANDARD_VIOLATION))
    login(client, make_user(session, Role.UCC_MANAGER))
    by_region = client.get("/appeals/?region=abai").get_data(as_text=True)
    assert a.number in by_region and b.number not in by_region
    by_text = client.get("/appeals/?q=жақып", headers={"HX-Request": "true"})
    assert "HX-Request" in by_text.headers["Vary"]
    body = by_text.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="appeals-list">') and a.number in body
    by_character = client.get("/appeals/?character=standard_violation").get_data(as_text=True)
    assert b.number in by_character and a.number not in by_character


def test_dashboard_draws_svg_charts_linking_to_the_list(client, session) -> None:
    make_region(session, "abai", name_kk="Абай облысы", name_ru="область Абай")
    op = make_user(session, Role.UCC_OPERATOR, full_name="Әсел Бекова")
    services.register_appeal(session, op, _data(region_code="abai"))
    services.register_appeal(session, op, _data(region_code="abai",
                                                character=Character.STAFF_CONDUCT))
    for n, score in enumerate((5, 4)):
        record_rating(session, None, call_id=f"dash-{n}", score=score, operator=op)
    user = make_user(session, Role.QC_STAFF, locale="ru")
    login(client, user)
    html = client.get("/appeals/dashboard").get_data(as_text=True)
    assert html.count("<svg") == 6
    month = datetime.now(ASTANA_TZ).strftime("%Y-%m")
    assert f'href="/appeals/?month={month}&amp;region=abai"' in html
    assert f'href="/appeals/?month={month}&amp;character=staff_conduct"' in html
    assert "<title>Әсел Бекова (2): 4.50</title>" in html
    region_bar = re.search(r"<title>область Абай: (\d+)</title>", html)
    assert region_bar and int(region_bar.group(1)) >= 2
    assert session.scalar(select(func.count()).select_from(Appeal)) >= 2


def test_status_set_by_actions_cannot_be_chosen_by_hand(session) -> None:
    appeal = services.register_appeal(session, None, _data())
    with pytest.raises(DomainError):
        services.update_appeal(session, None, appeal, {"status": AppealStatus.REFERRED})
    changes = services.update_appeal(session, None, appeal, {
        "measures": "Сұрау жіберілді", "request_number": "ЖТ-15",
        "status": AppealStatus.SENT_TO_AGENCY})
    assert set(changes) == {"measures", "request_number", "status"}
    assert appeal.events[-1].kind is EventKind.UPDATED


def test_dashboard_months_are_calendar_months() -> None:
    from datetime import date

    from portal.appeals.queries import first_month

    assert first_month(date(2026, 11, 22), 12) == date(2025, 12, 1)
    assert first_month(date(2026, 1, 31), 12) == date(2025, 2, 1)
    assert first_month(date(2026, 3, 1), 1) == date(2026, 3, 1)
